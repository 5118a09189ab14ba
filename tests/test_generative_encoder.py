"""The generative encoder: trained in two `imgrestore train` stages, solved by latent search, with
the paper's baselines selected by runtime options."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from imgrestore.cli.app import main
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta

from helpers import run

GEN = ["-c", "z_dim=4", "-c", "width=4", "-c", "disc_width=4"]
AE = ["-c", "z_dim=4", "-c", "gen_width=4", "-c", "enc_width=4", "-c", "code=8", "-c", "steps=20", "-c", "restarts=2"]
COMMON = ["--degrade", "none", "--no-augment", "--crop", "28", "--batch", "8", "--precision", "fp32", "-q"]


@pytest.fixture(scope="module")
def tiny_ge(toy_digits, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ge")
    generator = folder / "g.safetensors"
    assert main(["train", "--arch", "dcgan", *GEN, "--data", str(toy_digits), "--steps", "4", *COMMON,
                 "-o", str(generator)]) == 0
    ge = folder / "ge.safetensors"
    assert main(["train", "--arch", "generative-encoder", *AE, "--init-part", f"generator={generator}",
                 "--data", str(toy_digits), "--val", str(toy_digits), "--val-subset", "30:40", "--steps", "4",
                 "--val-every", "4", "--loss", "mse", *COMMON, "-o", str(ge)]) == 0
    return generator, ge


def test_autoencoder_stage_keeps_the_generator_it_was_given(tiny_ge):
    from safetensors.torch import load_file

    generator, ge = tiny_ge
    g, full = load_file(generator), load_file(ge)
    for key, value in g.items():
        assert torch.equal(full[f"generator.{key}"], value)  # frozen: bit-identical after training E
    meta = read_meta(ge)
    assert f"--init-part generator={generator}" in meta.training["command"]
    assert meta.training["parts"]["generator"]["file"] == str(generator)
    assert "psnr_reconstruct" in meta.metrics["val_psnr"]


def test_methods_differ_and_options_are_checked(tiny_ge, toy_digits, tmp_path, capsys):
    _, ge = tiny_ge
    out = tmp_path / "eval.json"
    code, _, err = run(main, capsys, "eval", str(toy_digits), "--subset", "30:34", "--degrade", "gaussian:sigma=20",
                       "-m", str(ge), "-m", f"{ge}:method=invertgan", "-m", f"{ge}:method=convae,steps=5",
                       "--save", str(out), "-q")
    assert code == 0, err
    rows = {r["method"]: r["mse"] for r in json.loads(out.read_text())["results"]}
    assert set(rows) == {"ge", "ge:method=invertgan", "ge:method=convae,steps=5"}
    assert len(set(rows.values())) == 3
    code, _, err = run(main, capsys, "eval", str(toy_digits), "-m", f"{ge}:temperature=3", "-q")
    assert code == 2 and "no option 'temperature'" in err
    code, _, err = run(main, capsys, "eval", str(toy_digits), "-m", f"{ge}:method=magic", "-q")
    assert code == 2 and "method must be one of" in err


def test_init_part_refuses_a_mismatched_generator(tiny_ge, toy_digits, tmp_path, capsys):
    generator, _ = tiny_ge
    code, _, err = run(main, capsys, "train", "--arch", "generative-encoder", *AE, "-c", "z_dim=5",
                       "--init-part", f"generator={generator}", "--data", str(toy_digits), "--steps", "1", *COMMON,
                       "-o", str(tmp_path / "x.safetensors"))
    assert code == 2 and "--init-part generator=" in err


def test_model_references_parse_and_format_back():
    assert catalog.ModelRef.parse("ge-mnist") == catalog.ModelRef("ge-mnist")
    ref = catalog.ModelRef.parse("ge-mnist:method=convae,steps=5")
    assert ref.settings == {"method": "convae", "steps": "5"} and str(ref) == "ge-mnist:method=convae,steps=5"
    assert catalog.ModelRef.parse("C:\\models\\x.safetensors") == catalog.ModelRef("C:\\models\\x.safetensors")


def test_restore_task_applies_the_weights_task_options(tiny_ge, toy_digits, tmp_path, capsys):
    import dataclasses

    from factories import write_png

    from imgrestore.pipeline import with_task_options
    from imgrestore.weights.format import read_state_dict, save

    _, ge = tiny_ge
    tuned = tmp_path / "tuned.safetensors"
    meta = dataclasses.replace(read_meta(ge), task_options={"denoise": {"lam": "0.5", "steps": "3"}})
    save(tuned, read_state_dict(ge), meta)
    assert with_task_options(str(tuned), "denoise") == f"{tuned}:lam=0.5,steps=3"
    assert with_task_options(f"{tuned}:steps=7", "denoise") == f"{tuned}:lam=0.5,steps=7"  # the user's wins
    assert with_task_options(str(tuned), "deblur") == str(tuned)
    write_png(tmp_path / "in" / "d.png", np.zeros((28, 28, 1)))
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(tuned),
                       "--task", "denoise", "--report", str(report), "-q")
    assert code == 0, err
    assert json.loads(report.read_text())["files"][0]["model"] == "tuned:lam=0.5,steps=3"


def test_hinge_gan_loss_has_its_margins_and_trains_a_generator(toy_digits, tmp_path, capsys):
    from imgrestore.training.objectives.gan import gan_loss

    hinge, bce = gan_loss("hinge"), gan_loss("bce")
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-3.0, 0.0])
    # past the margin (real 2 > 1, fake -3 < -1) a score adds nothing; inside it the loss is linear
    assert hinge.discriminator(real, fake).item() == pytest.approx((0 + 0.5) / 2 + (0 + 1.0) / 2)
    assert hinge.generator(fake).item() == pytest.approx(1.5)
    assert bce.discriminator(real, fake).item() != hinge.discriminator(real, fake).item()
    out = tmp_path / "g.safetensors"
    assert main(["train", "--arch", "dcgan", *GEN, "--data", str(toy_digits), "--steps", "3", "--gan-loss", "hinge",
                 *COMMON, "-o", str(out)]) == 0
    assert "--gan-loss hinge" in read_meta(out).training["command"]
    code, _, err = run(main, capsys, "train", "--arch", "dcgan", *GEN, "--data", str(toy_digits), "--steps", "1",
                       "--gan-loss", "wasserstein", *COMMON, "-o", str(tmp_path / "bad.safetensors"))
    assert code == 2 and "--gan-loss wasserstein: expected one of bce, hinge" in err


def test_a_generator_trains_under_bf16_autocast(toy_digits, tmp_path):
    """The generator's bf16 output reaches the discriminator's own fp32 step as fp32 (a bf16 tensor there
    failed: 'Input type (c10::BFloat16) and bias type (float) should be the same')."""
    out = tmp_path / "g.safetensors"
    common = [arg for arg in COMMON if arg not in ("--precision", "fp32")]
    assert main(["train", "--arch", "dcgan", *GEN, "--data", str(toy_digits), "--steps", "2", "--precision", "bf16",
                 *common, "-o", str(out)]) == 0
    assert "--precision bf16" in read_meta(out).training["command"]



def test_a_learned_inverse_trains_beside_the_autoencoder(tiny_ge, toy_digits, tmp_path, capsys):
    from safetensors.torch import load_file

    generator, _ = tiny_ge
    ge = tmp_path / "ge-inverse.safetensors"
    code, out, err = run(main, capsys, "train", "--arch", "generative-encoder", *AE, "-c", "inverse_width=4",
                         "--init-part", f"generator={generator}", "--data", str(toy_digits), "--steps", "2",
                         "--loss", "mse", *COMMON, "-o", str(ge))
    assert code == 0, err
    assert "inverse_mse=" in out + err  # its loss is part of the step's
    weights = load_file(ge)
    assert any(key.startswith("inverse.") for key in weights) and any(key.startswith("encoder.") for key in weights)


def test_the_search_starts_from_the_learned_inverse():
    from dataclasses import replace

    from imgrestore.architectures.generative_encoder.model import GEConfig, GenerativeEncoder

    config = GEConfig(image_size=16, z_dim=4, gen_width=4, enc_width=4, code=8, steps=0, restarts=1, inverse_width=4)
    module = GenerativeEncoder(config).eval()
    start = torch.tensor([0.5, -1.0, 2.0, 0.25])
    with torch.no_grad():
        module.inverse.fc.weight.zero_()
        module.inverse.fc.bias.copy_(start)
        x = torch.rand(3, 1, 16, 16)
        expected = module.generator(start.expand(3, -1))
        assert torch.allclose(module(x), expected)  # no search steps: z* is the start
        module.config = replace(config, inverse_start=False)
        assert not torch.allclose(module(x), expected)


def test_a_boolean_runtime_option_reads_false_as_false(tiny_ge, capsys):
    from imgrestore.pipeline import load_restorer

    _, ge = tiny_ge
    assert load_restorer(f"{ge}:inverse_start=false", device="cpu").module.config.inverse_start is False
    assert load_restorer(f"{ge}:inverse_start=yes", device="cpu").module.config.inverse_start is True
    code, _, err = run(main, capsys, "eval", str(ge), "-m", f"{ge}:inverse_start=maybe", "-q")
    assert code == 2 and "inverse_start=maybe is not a bool" in err
