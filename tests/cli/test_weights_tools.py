"""`weights-tools inspect | convert | verify`."""

from __future__ import annotations

import json
import pickle

import torch

from imgrestore.restorer import Restorer
from imgrestore.weights.format import read_state_dict
from weights_tools.cli import main

from helpers import run

TINY_CONFIG = ["-c", "channels=3", "-c", "latent_dim=null", "-c", "filters=[4,8]", "-c", "stride=1",
               "-c", "output=residual", "-c", "blocks_per_stage=0"]


def test_convert_then_verify_round_trip(tmp_path, tiny_model, capsys):
    state = read_state_dict(tiny_model)
    pth = tmp_path / "foreign.pth"
    torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}}, pth)  # DataParallel-style
    out = tmp_path / "converted.safetensors"
    code, stdout, err = run(main, capsys, "convert", str(pth), str(out), "--arch", "dae", *TINY_CONFIG)
    assert code == 0, err
    converted = read_state_dict(out)
    assert set(converted) == set(state)
    for key in state:
        torch.testing.assert_close(converted[key], state[key])
    code, stdout, _ = run(main, capsys, "verify", str(out))
    assert code == 0 and stdout.startswith("ok")
    x = torch.rand(1, 3, 24, 24)
    torch.testing.assert_close(Restorer.from_file(out)(x), Restorer.from_file(tiny_model)(x))


def test_convert_refuses_tensors_that_do_not_fit(tmp_path, tiny_model, capsys):
    pth = tmp_path / "w.pth"
    torch.save(read_state_dict(tiny_model), pth)
    out = tmp_path / "bad.safetensors"
    wrong = [a if a != "filters=[4,8]" else "filters=[4,16]" for a in TINY_CONFIG]
    code, _, err = run(main, capsys, "convert", str(pth), str(out), "--arch", "dae", *wrong)
    assert code == 2 and "do not fit" in err
    assert not out.exists()


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > /dev/null",))


def test_convert_never_unpickles_code(tmp_path, capsys):
    pth = tmp_path / "evil.pth"
    pth.write_bytes(pickle.dumps({"state_dict": _Evil()}))
    code, _, err = run(main, capsys, "convert", str(pth), str(tmp_path / "x.safetensors"), "--arch", "dae")
    assert code == 2 and "cannot load safely" in err


def test_inspect_shows_tensors_and_metadata(tiny_model, capsys):
    code, out, _ = run(main, capsys, "inspect", str(tiny_model), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["metadata"]["arch"] == "dae"
    assert data["metadata"]["training"]["command"].startswith("imgrestore train --arch dae")
    assert data["elements"] == sum(t.numel() for t in read_state_dict(tiny_model).values())


def test_verify_rejects_a_non_weights_file(tmp_path, capsys):
    bad = tmp_path / "x.safetensors"
    bad.write_bytes(b"garbage")
    code, _, err = run(main, capsys, "verify", str(bad))
    assert code == 2 and "not a readable .safetensors" in err


def test_import_ffdnet_converts_official_layout_into_the_models_folder(tmp_path, capsys, monkeypatch):
    """A .pth in the official layout (DataParallel prefix, no num_batches_tracked) becomes a named model."""
    import torch

    from imgrestore.architectures.ffdnet import FFDNet, FFDNetConfig
    from weights_tools.cli import main as tools_main

    torch.manual_seed(0)
    ours = FFDNet(FFDNetConfig(channels=1, features=8, layers=4))
    official = {f"module.intermediate_dncnn.itermediate_dncnn.{k[len('body.'):]}": v
                for k, v in ours.state_dict().items() if not k.endswith("num_batches_tracked")}
    src = tmp_path / "pkg"
    src.mkdir()
    torch.save(official, src / "ffdnet_weights_gray.pth")
    monkeypatch.setenv("IMGRESTORE_MODELS", str(tmp_path / "models"))
    monkeypatch.setitem(__import__("imgrestore.weights.ffdnet_import", fromlist=["OFFICIAL"]).OFFICIAL, "ffdnet-gray",
                        ("ffdnet_weights_gray.pth", {"channels": 1, "features": 8, "layers": 4}))
    code, _out, err = run(tools_main, capsys, "import-ffdnet", "--from", str(src))
    assert code == 0, err
    assert (tmp_path / "models" / "ffdnet-gray.safetensors").is_file()
    code, _, err = run(tools_main, capsys, "import-ffdnet", "--from", str(src))
    assert code == 2 and "--force" in err  # never silently replaced

    import imgrestore

    restorer = imgrestore.load_restorer("ffdnet-gray", device="cpu")
    x = torch.rand(1, 1, 16, 16)
    with torch.inference_mode():
        expected = ours.eval()(x, torch.tensor([25 / 255]))
    torch.testing.assert_close(restorer(x, 25.0), expected.clamp(0, 1))
    assert "ffdnet-gray" in imgrestore.list_models()


def test_import_ffdnet_without_the_package_says_how_to_get_it(tmp_path, capsys):
    from weights_tools.cli import main as tools_main

    code, _, err = run(tools_main, capsys, "import-ffdnet", "--from", str(tmp_path))
    assert code == 2 and "ffdnet_weights_rgb.pth" in err


def _upstream_file(path, name: str, **changes):
    """A .pth as Real-ESRGAN's releases store it ({'params_ema': state}), of a tiny ``name`` network."""
    from imgrestore.architectures import get_arch

    spec = get_arch(name)
    config = spec.make_config({**spec.test_config, **changes})
    torch.manual_seed(1)
    module = spec.build(config)
    torch.save({"params_ema": module.state_dict()}, path)
    return module, config


def test_community_upscalers_are_recognised_by_their_tensors(tmp_path, capsys):
    """RRDBNet (x4plus; x2plus folds the input into 2x2 sub-images) and SRVGGNetCompact convert without --arch,
    their scale read from the tensors, and compute what the upstream-layout module computes."""
    from imgrestore.weights.format import read_meta

    for name, changes, scale in (("rrdbnet", {}, 4), ("rrdbnet", {"scale": 2}, 2), ("srvgg", {}, 4)):
        module, _ = _upstream_file(tmp_path / "up.pth", name, **changes)
        out = tmp_path / f"{name}-x{scale}.safetensors"
        code, _, err = run(main, capsys, "convert", str(tmp_path / "up.pth"), str(out), "--license", "BSD-3-Clause")
        assert code == 0, err
        meta = read_meta(out)
        assert meta.arch == name and meta.config["scale"] == scale and meta.task == "upscale"
        assert meta.license == "BSD-3-Clause"
        restorer = Restorer.from_file(out)
        x = torch.rand(1, 3, 12, 16)
        assert restorer(x).shape == (1, 3, 12 * scale, 16 * scale)
        with torch.inference_mode():
            torch.testing.assert_close(restorer(x), module(x).clamp(0, 1))


def test_no_detector_claims_another_architecture_s_tensors():
    from imgrestore.architectures import get_arch, list_archs

    for owner in list_archs():
        detect = get_arch(owner).detect
        if detect is None:
            continue
        for other in list_archs():
            spec = get_arch(other)
            state = spec.build(spec.make_config(spec.test_config)).state_dict()
            assert (detect(state) is not None) == (other == owner), (owner, other)


def test_unrecognised_tensors_ask_for_arch(tmp_path, tiny_model, capsys):
    torch.save(read_state_dict(tiny_model), tmp_path / "x.pth")
    code, _, err = run(main, capsys, "convert", str(tmp_path / "x.pth"), str(tmp_path / "x.safetensors"))
    assert code == 2 and "give --arch" in err and "rrdbnet" in err


def test_cast_to_fp16_halves_the_tensors_and_keeps_outputs_and_metadata(tmp_path, tiny_model, capsys):
    out = tmp_path / "half.safetensors"
    code, stdout, err = run(main, capsys, "cast", str(tiny_model), str(out), "--dtype", "fp16")
    assert code == 0 and "fp16 storage" in stdout, err
    stored = read_state_dict(out)
    assert {t.dtype for t in stored.values() if t.is_floating_point()} == {torch.float16}
    full_bytes = sum(t.numel() * t.element_size() for t in read_state_dict(tiny_model).values())
    assert sum(t.numel() * t.element_size() for t in stored.values()) < 0.6 * full_bytes
    half, full = Restorer.from_file(out), Restorer.from_file(tiny_model)
    assert half.meta.training["stored_as"] == "fp16" and half.meta.arch == full.meta.arch
    x = torch.rand(1, 3, 24, 24, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(half(x), full(x), atol=2e-3, rtol=0)
    code, _, err = run(main, capsys, "cast", str(out), str(out))
    assert code == 2 and "another file" in err
