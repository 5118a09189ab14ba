"""The bundled default denoisers: present, documented, trained by `imgrestore train`, and useful."""

from __future__ import annotations

import dataclasses
import itertools
import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import imageio.v3 as imageio
import numpy as np
import pytest

import imgrestore
from imgrestore.cli.app import main
from imgrestore.io.image import read_image
from imgrestore.metrics import psnr
from imgrestore.pipeline import restore_pixels
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta

from helpers import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", sorted(set(catalog.DEFAULTS.values())))
def test_default_models_are_bundled_with_training_provenance(name):
    meta = read_meta(catalog.resolve(name))
    assert meta.training["command"].startswith("imgrestore train")
    assert meta.metrics["val_psnr"]["psnr_sigma25"] > 20
    assert meta.noise_range == (0.0, 75.0)
    assert meta.config["noise_map"]  # `--sigma auto` / `--sigma N` reach it


ROOT = Path(__file__).resolve().parents[1]
TEST_SPLIT = "photos-test"  # the photo test split's folder under runs/ (lab/data/fetch_test_photos.py)
MNIST_TEST = 7500  # mnist10k.npz: digits 0..7499 may train and select a model, 7500.. are the test set


def training_runs(training: dict) -> Iterator[dict[str, str]]:
    """The flags of the run recorded in ``training`` and of every run it started from (--init, --init-part)."""
    command = shlex.split(training["command"])
    yield {flag: value for flag, value in itertools.pairwise(command) if flag.startswith("-")}
    if training.get("init"):
        yield from training_runs(training["init"]["training"])
    for part in (training.get("parts") or {}).values():
        yield from training_runs(part["training"])


def _end(subset: str | None, default: int) -> int:
    return int(subset.split(":")[1]) if subset else default


@pytest.mark.parametrize("name", catalog.bundled_names())
def test_no_bundled_model_ever_trained_on_or_was_selected_by_test_images(name):
    """Invariants over the whole --init chain, whatever the data round: the photo val images never train
    (a data folder is the shared training photos or one that lab/data/build.py makes from them and Debian's
    photos), and the MNIST test digits neither train nor pick the best checkpoint."""
    sys.path.insert(0, str(ROOT / "lab" / "data"))
    from build import can_build

    for flags in training_runs(read_meta(catalog.resolve(name)).training):
        data = flags.get("--data") or flags["--pairs"]
        if data.endswith("mnist10k.npz"):
            assert _end(flags.get("--subset"), 10_000) <= MNIST_TEST
            if "--val" in flags:
                assert _end(flags.get("--val-subset"), 10_000) <= MNIST_TEST
        else:
            assert data.endswith("photos/train") or can_build(data), data
            assert "val" not in Path(data).parts
        # the photo test split (lab/data/fetch_test_photos.py) neither trains nor selects a model
        assert not any(TEST_SPLIT in flags.get(flag, "") for flag in ("--data", "--pairs", "--val"))


def test_the_multiscale_data_folders_hold_no_validation_photo():
    """Where a data folder has been built on this machine, none of its files is a validation photo
    at any of its scales (checked by name and, for the full-size copies, by pixels)."""
    val = ROOT.parent / "shared" / "data" / "photos" / "val"
    built = sorted((ROOT / "runs").glob("data-ms*"))
    if not val.is_dir() or not built:
        pytest.skip("needs ../shared and a runs/data-msN folder built by lab/data/build.py")
    val_pixels = {path.stem: read_image(path).pixels for path in val.glob("*.png")}
    for folder in built:
        for path in folder.glob("*.png"):
            stem, _, scale = path.stem.rpartition("_x")
            assert stem not in val_pixels, path
            if scale == "1":
                pixels = read_image(path).pixels
                assert not any(v.shape == pixels.shape and np.array_equal(v, pixels) for v in val_pixels.values()), path


def test_the_multiscale_data_folders_hold_no_test_split_photo():
    """Where the photo test split has been fetched on this machine, none of its photographs is in a data
    folder (compared by pixels with every full-size copy)."""
    test_split = ROOT / "runs" / TEST_SPLIT
    built = sorted((ROOT / "runs").glob("data-ms*"))
    if not test_split.is_dir() or not built:
        pytest.skip(f"needs runs/{TEST_SPLIT} (lab/data/fetch_test_photos.py) and a runs/data-msN folder")
    held_out = [read_image(path).pixels for path in test_split.glob("*.png")]
    for folder in built:
        for path in folder.glob("*_x1.png"):
            pixels = read_image(path).pixels
            assert not any(v.shape == pixels.shape and np.array_equal(v, pixels) for v in held_out), path


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
    assert defaults == {"resunet-color", "resunet-gray"}
    code, out, _ = run(main, capsys, "models", "resunet-gray")
    assert code == 0 and json.loads(out)["channels"] == 1
    code, out, _ = run(main, capsys, "models", "--archs")
    assert code == 0 and "cnn-lstm" in out and "digit-cnn" in out
    code, out, _ = run(main, capsys, "models")
    assert code == 0 and "resunet-color *" in out


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


def test_default_photo_model_reports_the_estimated_level(tmp_path, capsys):
    """The defaults take a noise level: blind use estimates one per file and the report shows it."""
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "denoise", str(EXAMPLES / "noisy"), "-o", str(tmp_path / "out"),
                       "--report", str(report), "-q")
    assert code == 0, err
    files = json.loads(report.read_text())["files"]
    assert files and all(f["model"] in catalog.DEFAULTS.values() for f in files)
    for f in files:
        true_sigma = float(Path(f["source"]).stem.split("_sigma")[1])  # brick_sigma15.png -> 15
        assert f["noise_level"] <= f["noise_estimate"] + 0.01  # the model's check only ever lowers it
        assert abs(f["noise_level"] - true_sigma) < 0.1 * true_sigma, f


def test_gray_photo_saved_as_rgb_goes_to_the_gray_model(tmp_path, capsys):
    """Three identical channels carry gray noise, which the colour model never saw: 'auto' picks the gray
    model for them, restores the one plane and writes RGB again."""
    clean = read_image(EXAMPLES / "clean" / "brick_sigma15.png").pixels[:128, :128]
    noisy = read_image(EXAMPLES / "noisy" / "brick_sigma15.png").pixels[:128, :128]
    folder = tmp_path / "in"
    folder.mkdir()
    imageio.imwrite(folder / "brick_rgb.png", np.round(np.repeat(noisy, 3, axis=2) * 255).astype(np.uint8))
    scores = {}
    for model in ("auto", "resunet-color"):
        report = tmp_path / f"{model}.json"
        code, _, err = run(main, capsys, "denoise", str(folder), "-o", str(tmp_path / model), "-m", model,
                           "--report", str(report), "-q")
        assert code == 0, err
        assert json.loads(report.read_text())["files"][0]["model"] == ("resunet-gray" if model == "auto" else model)
        out = read_image(tmp_path / model / "brick_rgb.png").pixels
        assert out.shape == (128, 128, 3)
        scores[model] = psnr(out[:, :, :1], clean)
    assert scores["auto"] > scores["resunet-color"] + 1.0, scores


PHOTO_RESTORERS = [name for name in catalog.bundled_names()
                   if read_meta(catalog.resolve(name)).domain == "photo" and read_meta(catalog.resolve(name)).task != "inpaint"]


@pytest.mark.parametrize("name", PHOTO_RESTORERS)
def test_bundled_photo_models_tile_within_one_level_of_the_whole_image_at_their_default_overlap(name):
    """256 px tiles at the model's own overlap, on a 448x512 picture (three tiles a row, the first two sharing
    exactly that overlap), against the same picture in one piece."""
    restorer = imgrestore.load_restorer(name, device="cpu")
    pixels = read_image(EXAMPLES / "noisy" / ("hubble_sigma25.png" if restorer.channels == 3 else "brick_sigma15.png")).pixels
    picture = np.pad(pixels, ((0, 448 - pixels.shape[0]), (0, 512 - pixels.shape[1]), (0, 0)), mode="symmetric")
    options = imgrestore.RestoreOptions(scale=restorer.scale, sigma=20.0, quality=30, tile=0)
    whole = restore_pixels([picture], restorer, options)[0]
    tiled = restore_pixels([picture], restorer, dataclasses.replace(options, tile=256))[0]
    assert np.abs(whole - tiled).max() * 255 <= 1.0
