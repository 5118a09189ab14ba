"""Every registered architecture: builds from a tiny config, honours its size declaration, round-trips."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from imgrestore.architectures import get_arch, list_archs, register
from imgrestore.errors import UnknownArchitectureError, WeightsMismatchError
from imgrestore.restorer import Restorer
from imgrestore.weights.format import WeightsMeta, save

SIGMA = 25.0  # given to noise-level models, ignored by the others


@pytest.mark.parametrize("name", list_archs(restorers_only=True))
def test_tiny_forward_and_size_requirements(name):
    spec = get_arch(name)
    config = spec.make_config(spec.test_config)
    restorer = Restorer(spec, config, spec.build(config), WeightsMeta(arch=name, config={}))
    x = torch.rand(2, restorer.input_channels, 37, 29)  # deliberately not a multiple of anything
    y = restorer(x, SIGMA)
    scale = restorer.scale
    assert y.shape == (2, restorer.channels, 37 * scale, 29 * scale) and 0 <= y.min() and y.max() <= 1


@pytest.mark.parametrize("name", list_archs(restorers_only=True))
def test_safetensors_round_trip_gives_identical_output(name, tmp_path):
    spec = get_arch(name)
    config = spec.make_config(spec.test_config)
    torch.manual_seed(0)
    module = spec.build(config)
    path = tmp_path / "w.safetensors"
    save(path, module.state_dict(), WeightsMeta(arch=name, config=dataclasses.asdict(config)))
    a = Restorer(spec, config, module, WeightsMeta(arch=name, config={}))
    b = Restorer.from_file(path)
    x = torch.rand(1, a.input_channels, 32, 32)
    torch.testing.assert_close(a(x, SIGMA), b(x, SIGMA))


@pytest.mark.parametrize("name", list_archs())
def test_every_architecture_has_a_tiny_test_config_and_round_trips(name, tmp_path):
    """All of them, classifiers and GAN generators included: the tensors come back exactly."""
    from imgrestore.weights.fit import check_fits
    from imgrestore.weights.format import read_state_dict

    spec = get_arch(name)
    assert spec.test_config, f"{name}: no test_config"
    config = spec.make_config(spec.test_config)
    module = spec.build(config)
    path = tmp_path / "w.safetensors"
    save(path, module.state_dict(), WeightsMeta(arch=name, config=dataclasses.asdict(config)))
    back = read_state_dict(path)
    fresh = spec.build(spec.make_config(spec.test_config))
    check_fits(spec, fresh, back, str(path))
    fresh.load_state_dict(back)
    for key, tensor in module.state_dict().items():
        torch.testing.assert_close(fresh.state_dict()[key], tensor, rtol=0, atol=0)
    assert sum(p.numel() for p in module.parameters()) < 100_000  # tiny: the suite stays fast


def test_dense_latent_dae_declares_its_fixed_size():
    spec = get_arch("dae")
    config = spec.make_config({"channels": 1, "latent_dim": 16, "image_size": 28})
    restorer = Restorer(spec, config, spec.build(config), WeightsMeta(arch="dae", config={}))
    assert restorer.size_req.fixed == (28, 28)
    assert restorer(torch.rand(1, 1, 56, 40)).shape == (1, 1, 56, 40)


def test_duplicate_registration_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        register(dataclasses.replace(get_arch("dae")))


def test_unknown_architecture_lists_known_names():
    with pytest.raises(UnknownArchitectureError, match="dae"):
        get_arch("nope")


def test_mismatched_tensors_give_one_clear_error(tmp_path):
    spec = get_arch("dae")
    small = spec.make_config(spec.test_config)
    big = dataclasses.replace(small, filters=(4, 16))
    path = tmp_path / "w.safetensors"
    save(path, spec.build(big).state_dict(), WeightsMeta(arch="dae", config=dataclasses.asdict(small)))
    with pytest.raises(WeightsMismatchError, match="wrong shape"):
        Restorer.from_file(path)


def test_fp16_on_cpu_falls_back_with_a_warning(tiny_model):
    with pytest.warns(UserWarning, match="fp16"):
        restorer = Restorer.from_file(tiny_model, "cpu", "fp16")
    assert restorer.dtype == torch.float32
    assert restorer(torch.rand(1, 3, 16, 16)).dtype == torch.float32


def test_bf16_runs_on_cpu_close_to_fp32(tiny_model):
    x = torch.rand(1, 3, 32, 32)
    full = Restorer.from_file(tiny_model, "cpu", "fp32")(x)
    half = Restorer.from_file(tiny_model, "cpu", "bf16")(x)
    assert (full - half).abs().max() < 0.05


def test_cnn_lstm_decodes_row_by_row_from_its_own_previous_rows():
    """With the thought vector held fixed, output row t depends only on input rows 0..t: each step
    sees the corrupted row x_t and its own previous output, nothing from rows below."""
    spec = get_arch("cnn-lstm")
    config = spec.make_config({**spec.test_config, "dropout": 0.0})
    torch.manual_seed(0)
    module = spec.build(config).eval()
    torch.nn.init.zeros_(module.encoder.fc.weight)  # v = tanh(bias): independent of the input
    x = torch.rand(1, 1, 12, 12)
    x2 = x.clone()
    x2[..., 7, :] = 1 - x2[..., 7, :]  # change input row 7 only
    with torch.no_grad():
        first, second = module(x), module(x2)
    assert first.shape == x.shape and 0 < first.min() and first.max() < 1  # sigmoid output
    torch.testing.assert_close(first[..., :7, :], second[..., :7, :])
    assert not torch.allclose(first[..., 7, :], second[..., 7, :])


def test_digit_classifier_outputs_class_logits():
    spec = get_arch("digit-cnn")
    module = spec.build(spec.make_config({"conv": [4, 8], "hidden": 16}))
    assert module(torch.rand(5, 1, 28, 28)).shape == (5, 10)
    assert "digit-cnn" in list_archs() and "digit-cnn" not in list_archs(restorers_only=True)


def test_noise_level_model_demands_and_uses_the_level():
    spec = get_arch("resunet")
    config = spec.make_config(spec.test_config)
    torch.manual_seed(0)
    module = spec.build(config)
    torch.nn.init.normal_(module.tail.weight, std=0.1)  # an untrained model starts at the identity
    restorer = Restorer(spec, config, module, WeightsMeta(arch="resunet", config={}))
    x = torch.rand(2, 3, 16, 16)
    with pytest.raises(ValueError, match="noise level"):
        restorer(x)
    low, high = restorer(x, 5.0), restorer(x, 50.0)
    assert not torch.allclose(low, high)
    per_image = restorer(x, torch.tensor([5.0, 50.0]))
    torch.testing.assert_close(per_image[0], low[0])
    torch.testing.assert_close(per_image[1], high[1])


def test_resunet_gray_from_colour_starts_equal_to_the_colour_model_on_gray_input(tmp_path, train_folder):
    """`train --init colour.safetensors -c channels=1` adapts the weights: the gray model's first output is
    exactly the colour model's output on R = G = B, averaged over channels."""
    from imgrestore.architectures.resunet import ResUNet, ResUNetConfig, adapt

    torch.manual_seed(0)
    colour = ResUNet(ResUNetConfig(widths=(4, 8, 16))).eval()
    torch.nn.init.normal_(colour.tail.weight, std=0.1)
    gray_config = ResUNetConfig(channels=1, widths=(4, 8, 16))
    gray = ResUNet(gray_config).eval()
    gray.load_state_dict(adapt(colour.state_dict(), colour.config, gray_config))
    x, sigma = torch.rand(2, 1, 16, 16), torch.tensor([0.1, 0.2])
    with torch.no_grad():
        torch.testing.assert_close(gray(x, sigma), colour(x.expand(-1, 3, -1, -1), sigma).mean(1, keepdim=True))
    blind = ResUNetConfig(widths=(4, 8, 16), noise_map=False)
    ResUNet(blind).load_state_dict(adapt(colour.state_dict(), colour.config, blind))  # drops the level input
    with pytest.raises(Exception, match="channels, noise_map"):
        adapt(colour.state_dict(), colour.config, ResUNetConfig(widths=(4, 8)))


@pytest.mark.parametrize("grown_widths", [(4, 8, 16), (6, 8, 20)], ids=["deeper", "deeper-and-wider"])
def test_resunet_grown_by_blocks_or_widths_starts_as_the_smaller_model(grown_widths):
    """`train --init small.safetensors -c blocks=2 -c 'widths=[...]'`: the added residual blocks start as
    identities and the added channels unheard by the trained ones, so the grown network's first output equals
    the source's, and what was added is trainable (not all zero)."""
    from imgrestore.architectures.resunet import ResUNet, ResUNetConfig, adapt

    torch.manual_seed(0)
    small = ResUNet(ResUNetConfig(widths=(4, 8, 16))).eval()
    torch.nn.init.normal_(small.tail.weight, std=0.1)
    grown_config = ResUNetConfig(widths=grown_widths, blocks=2)
    grown = ResUNet(grown_config).eval()
    state = adapt(small.state_dict(), small.config, grown_config)
    grown.load_state_dict(state)  # strict: every tensor of the grown model is provided
    x, sigma = torch.rand(2, 3, 16, 16), torch.tensor([0.1, 0.2])
    with torch.no_grad():
        torch.testing.assert_close(grown(x, sigma), small(x, sigma))
    assert state["body.1.body.0.weight"].abs().sum() > 0
    assert state["head.weight"][4:].abs().sum() > 0 or grown_widths[0] == 4
    with pytest.raises(Exception, match="larger blocks"):
        adapt(grown.state_dict(), grown_config, small.config)


def test_rlfn_adapted_to_x4_starts_as_its_anchor_and_grown_or_widened_starts_near_the_smaller_model():
    """`train --init x2.safetensors -c scale=4`: the upsampler restarts at zero, so the x4 model begins as
    nearest-neighbour upscaling; `-c blocks=B` appends near-identity blocks (gate open at sigmoid(8))."""
    from imgrestore.architectures.rlfn import RLFN, RLFNConfig, adapt

    torch.manual_seed(0)
    small_config = RLFNConfig(features=8, blocks=1, attention=4)
    small = RLFN(small_config).eval()
    torch.nn.init.normal_(small.upsample.weight, std=0.1)
    x = torch.rand(2, 3, 12, 12)
    x4_config = RLFNConfig(scale=4, features=8, blocks=1, attention=4)
    x4 = RLFN(x4_config).eval()
    x4.load_state_dict(adapt(small.state_dict(), small_config, x4_config))
    grown_config = RLFNConfig(features=8, blocks=3, attention=4)
    grown = RLFN(grown_config).eval()
    state = adapt(small.state_dict(), small_config, grown_config)
    grown.load_state_dict(state)  # strict: every tensor of the grown model is provided
    with torch.no_grad():
        torch.testing.assert_close(x4(x), torch.nn.functional.interpolate(x, scale_factor=4, mode="nearest"))
        assert (grown(x) - small(x)).abs().max() < 2e-3
        assert (grown(x) - small(x)).abs().max() > 0  # the new blocks are real blocks, not skipped
    assert state["blocks.2.convs.0.weight"].abs().sum() > 0
    with pytest.raises(Exception, match="larger blocks"):
        adapt(grown.state_dict(), grown_config, small_config)
    wide_config = RLFNConfig(features=12, blocks=2, attention=4)
    wide = RLFN(wide_config).eval()
    wide.load_state_dict(adapt(small.state_dict(), small_config, wide_config))
    with torch.no_grad():  # the trained channels compute what they did; only the near-identity block differs
        assert (wide(x) - small(x)).abs().max() < 2e-3
    with pytest.raises(Exception, match="adapted in scale"):
        adapt(small.state_dict(), small_config, RLFNConfig(features=4, blocks=1, attention=4))


def test_auto_precision_is_bf16_only_where_native_and_declared_safe(tiny_model, tmp_path, monkeypatch):
    """`--precision auto`: bf16 only on a CPU that computes it natively, for weights whose measured loss in
    bf16 is at most 0.02 dB; undeclared or lossier weights, and CPUs without it, run fp32."""
    import dataclasses
    import warnings

    from imgrestore import devices
    from imgrestore.weights.format import read_meta, read_state_dict, save

    def declaring(losses: dict[str, float]):
        path = tmp_path / f"declared-{len(losses)}-{sum(losses.values())}.safetensors"
        save(path, read_state_dict(tiny_model), dataclasses.replace(read_meta(tiny_model), precision_loss=losses))
        return path

    cpu = torch.device("cpu")
    safe, lossy = declaring({"bf16": 0.004}), declaring({"bf16": 0.05})
    for native in (True, False):
        monkeypatch.setattr(devices, "native_bf16", lambda device, native=native: native)
        assert Restorer.from_file(safe, "cpu", "auto").dtype == (torch.bfloat16 if native else torch.float32)
        assert Restorer.from_file(safe, "cpu", "auto").precision == ("bf16" if native else "fp32")
        assert Restorer.from_file(lossy, "cpu", "auto").dtype == torch.float32
        assert Restorer.from_file(tiny_model, "cpu", "auto").dtype == torch.float32  # nothing declared
        assert devices.precision_name("auto", cpu) == ("bf16" if native else "fp32")  # training's auto
    assert devices.inference_precision(torch.device("cuda"), {"fp16": 0.01, "bf16": 0.0}) == "fp16"
    with warnings.catch_warnings(record=True) as caught:  # asked for explicitly: done, with a warning
        warnings.simplefilter("always")
        assert Restorer.from_file(tiny_model, "cpu", "bf16").dtype == torch.bfloat16
    assert any("no native bf16" in str(w.message) for w in caught)
