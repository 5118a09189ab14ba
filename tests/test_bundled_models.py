"""The bundled default denoisers: present, documented, trained by `imgrestore train`, and useful."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import imgrestore
from helpers import run
from imgrestore.cli.app import main
from imgrestore.evaluation.metrics import psnr
from imgrestore.io.image import read_image
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", sorted(set(catalog.DEFAULTS.values())))
def test_default_models_are_bundled_with_training_provenance(name):
    meta = read_meta(catalog.resolve(name))
    assert meta.training["command"].startswith("imgrestore train")
    assert meta.training["data"].endswith("photos/train")
    assert meta.metrics["val_psnr"]["psnr_sigma25"] > 20
    assert meta.noise_range[0] == 0.0 and meta.noise_range[1] >= 35.0  # gray: last stage 0..35, see TRAINING.md


@pytest.mark.parametrize("name", catalog.bundled_names())
def test_every_bundled_model_was_trained_by_imgrestore_train(name):
    meta = read_meta(catalog.resolve(name))
    command = meta.training["command"]
    assert command.startswith(f"imgrestore train --arch {meta.arch}")
    assert meta.training["steps"] > 0 and meta.training["minutes"] > 0
    if meta.domain == "digits":  # the 2,500 test digits (7500:10000) are never trained or validated on
        assert meta.training["data"].endswith("mnist10k.npz")
        assert "--subset 0:7000" in command and "--val-subset 7000:7500" in command


def test_models_command_lists_the_defaults(capsys):
    code, out, _ = run(main, capsys, "models", "--json")
    assert code == 0
    defaults = {row["name"] for row in json.loads(out) if row["default"]}
    assert defaults == {"dae-photo-color", "dae-photo-gray"}
    code, out, _ = run(main, capsys, "models", "dae-photo-gray")
    assert code == 0 and json.loads(out)["channels"] == 1
    code, out, _ = run(main, capsys, "models", "--archs")
    assert code == 0 and "cnn-lstm" in out and "digit-cnn" in out
    code, out, _ = run(main, capsys, "models")
    assert code == 0 and "dae-photo-color *" in out


@pytest.mark.parametrize("name", sorted(p.name for p in (EXAMPLES / "noisy").glob("*.png")))
def test_default_model_improves_the_bundled_examples(name):
    noisy = read_image(EXAMPLES / "noisy" / name)
    clean = read_image(EXAMPLES / "clean" / name)
    restored = imgrestore.restore_array(np.round(noisy.pixels * 255).astype(np.uint8), device="cpu")
    gain = psnr(restored / 255.0, clean.pixels) - psnr(noisy.pixels, clean.pixels)
    assert gain > 2.0, f"{name}: only {gain:.2f} dB better than the noisy input"


@pytest.mark.parametrize("name, spec", [
    ("dae-mnist", "gaussian:coef=0.5"),
    ("cnn-lstm-mnist", "mask:lower-half+saltpepper:amount=0.1"),
    ("cnn-cnn-mnist", "mask:lower-half+gaussian:sigma=51"),
])
def test_digit_models_restore_the_example_digits(name, spec):
    import torch

    from imgrestore.degradations import parse_chain

    clean = np.stack([read_image(p).pixels for p in sorted((EXAMPLES / "digits").glob("*.png"))])  # [8, 28, 28, 1]
    chain = parse_chain(spec)
    degraded = chain(torch.from_numpy(clean.transpose(0, 3, 1, 2)), torch.Generator().manual_seed(0)).images
    restorer = imgrestore.load_restorer(name, device="cpu")
    restored = restorer(degraded).numpy()
    before = float(np.mean((degraded.numpy() - clean.transpose(0, 3, 1, 2)) ** 2))
    after = float(np.mean((restored - clean.transpose(0, 3, 1, 2)) ** 2))
    assert after < 0.5 * before, f"{name}: MSE {before:.4f} -> {after:.4f}"
