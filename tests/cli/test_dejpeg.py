"""`train --task dejpeg` and `imgrestore dejpeg`: the quality read from each file reaches the model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from factories import jpeg_bytes, smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.degradations import drawn_level, parse_chain
from imgrestore.jpeg_quality import compression_level
from imgrestore.tasks import Task
from imgrestore.weights.format import read_meta

from helpers import run


@pytest.fixture(scope="module")
def tiny_dejpegger(train_folder, tmp_path_factory):
    """A tiny resunet trained for 2 steps by `imgrestore train --task dejpeg` (the contract, not a result)."""
    out = tmp_path_factory.mktemp("dejpeg") / "dj.safetensors"
    code = main(["train", "--arch", "resunet", "-c", "widths=[4,8]", "--task", "dejpeg", "--data", str(train_folder),
                 "--val", str(train_folder), "--degrade", "jpeg:quality=5..95,subsampling=both", "--crop", "16",
                 "--batch", "2", "--steps", "2", "--val-every", "2", "--precision", "fp32", "-o", str(out), "-q"])
    assert code == 0
    return out


def test_a_model_trained_for_dejpeg_records_its_task_and_is_validated_per_quality(tiny_dejpegger):
    meta = read_meta(tiny_dejpegger)
    assert meta.task == "dejpeg" and "--task dejpeg" in meta.training["command"]
    assert set(meta.metrics["val_psnr"]) == {"psnr_q10", "psnr_q20", "psnr_q30", "psnr_q40"}
    assert meta.headline.startswith("val q10 ")


def test_training_tells_a_jpeg_model_the_compression_level_it_drew():
    chain = parse_chain("jpeg:quality=10..90,subsampling=both+gaussian:sigma=5")
    degraded = chain(torch.rand(6, 3, 16, 16), torch.Generator().manual_seed(0))
    qualities = degraded.params[0]["quality"].tolist()
    expected = [compression_level(q) for q in qualities]
    assert drawn_level(chain, degraded, Task.DEJPEG).tolist() == pytest.approx(expected)
    assert drawn_level(chain, degraded, Task.DENOISE).tolist() == pytest.approx([5.0] * 6)
    assert set(degraded.params[0]["subsampled"].tolist()) <= {0.0, 1.0}


def test_dejpeg_reads_each_files_quality_writes_png_and_fails_a_non_jpeg_alone(tiny_dejpegger, tmp_path, capsys):
    pixels = smooth_image(24, 32, 3)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "low.jpg").write_bytes(jpeg_bytes(pixels, quality=20))
    (tmp_path / "in" / "high.jpg").write_bytes(jpeg_bytes(pixels, quality=80))
    write_png(tmp_path / "in" / "lossless.png", pixels)
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(tiny_dejpegger),
                       "--report", str(report), "-q")
    assert code == 1  # the PNG failed, alone
    files = {f["relative"]: f for f in json.loads(report.read_text())["files"]}
    assert (files["low.jpg"]["jpeg_quality"], files["high.jpg"]["jpeg_quality"]) == (20, 80)
    assert files["low.jpg"]["status"] == "ok" and files["low.jpg"]["output"].endswith("low.png")
    assert any("JPEG quality 20" in note and "read from the file" in note for note in files["low.jpg"]["notes"])
    assert files["lossless.png"]["status"] == "failed" and "--quality N" in files["lossless.png"]["error"]
    assert (tmp_path / "out" / "low.png").exists() and not (tmp_path / "out" / "low.jpg").exists()

    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "given"), "-m",
                       str(tiny_dejpegger), "--quality", "30", "--report", str(report), "-q")
    assert code == 0, err
    files = {f["relative"]: f for f in json.loads(report.read_text())["files"]}
    assert {f["jpeg_quality"] for f in files.values()} == {30}
    assert any("its tables read 20" in note for note in files["low.jpg"]["notes"])


def test_dejpeg_as_jpeg_notes_the_cost_and_quality_is_refused_elsewhere(tiny_dejpegger, tiny_model, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(jpeg_bytes(smooth_image(16, 16, 3), quality=40))
    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-m", str(tiny_dejpegger),
                       "--format", "jpg", "--jpeg-quality", "90")
    assert code == 0, err
    assert "brings back some of the artifacts" in err and (tmp_path / "o" / "a.jpg").exists()
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "d"), "--quality", "30")
    assert code == 2 and "--quality is for JPEG artifacts" in err
    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "b"), "-m", str(tiny_model),
                       "--quality", "30")
    assert code == 2 and "not told the JPEG quality" in err


def test_dejpeg_writes_16_bit_when_asked(tiny_dejpegger, tmp_path, capsys):
    from imgrestore.io.image import read_image

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(jpeg_bytes(smooth_image(16, 16, 3), quality=40))
    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-m", str(tiny_dejpegger),
                       "--bit-depth", "16", "-q")
    assert code == 0, err
    out = read_image(tmp_path / "o" / "a.png")
    assert out.bit_depth == 16 and np.isfinite(out.pixels).all()


def test_train_task_is_checked(train_folder, tmp_path, capsys):
    out = str(tmp_path / "x.safetensors")
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", out, "--task", "colourise")
    assert code == 2 and "--task colourise" in err
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", out, "--arch", "dae", "--task", "dejpeg")
    assert code == 2 and "takes no level input" in err


def test_the_bundled_jpeg_models_restore_a_colour_and_a_gray_jpeg_by_default(tmp_path, capsys):
    """`dejpeg` with the default model: dejpeg-color for the colour file, dejpeg-gray for the gray one, each
    told the quality its file's tables give, each well above the JPEG it was given."""
    import cv2

    from imgrestore.io.image import read_image
    from imgrestore.metrics import psnr

    examples = Path(__file__).resolve().parents[2] / "examples" / "clean"
    (tmp_path / "in").mkdir()
    clean = {}
    for name, flag in (("hubble_sigma25", cv2.IMREAD_COLOR), ("brick_sigma15", cv2.IMREAD_GRAYSCALE)):
        pixels = cv2.imread(str(examples / f"{name}.png"), flag)
        assert cv2.imwrite(str(tmp_path / "in" / f"{name}.jpg"), pixels, [cv2.IMWRITE_JPEG_QUALITY, 20])
        clean[name] = read_image(examples / f"{name}.png").pixels
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "dejpeg", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--report",
                       str(report), "-q")
    assert code == 0, err
    files = {f["relative"]: f for f in json.loads(report.read_text())["files"]}
    assert files["hubble_sigma25.jpg"]["model"] == "dejpeg-color" and files["brick_sigma15.jpg"]["model"] == "dejpeg-gray"
    for name, reference in clean.items():
        assert files[f"{name}.jpg"]["jpeg_quality"] == 20
        jpeg = read_image(tmp_path / "in" / f"{name}.jpg").pixels
        restored = read_image(tmp_path / "out" / f"{name}.png").pixels
        gain = psnr(restored, reference) - psnr(jpeg, reference)
        assert gain > 0.5, f"{name}: {gain:.2f} dB over the JPEG"


def test_tta_keeps_the_jpeg_grid_where_the_sides_are_not_multiples_of_16(tiny_dejpegger):
    from imgrestore.pipeline import RestoreOptions, dihedral, load_restorer, restore_pixels, undo_dihedral

    restorer = load_restorer(str(tiny_dejpegger), device="cpu")
    assert restorer.tile_alignment == 16
    image = smooth_image(21, 37, seed=4)
    options = RestoreOptions(quality=30, tile=0)
    ensemble = restore_pixels([image], restorer, replace(options, tta=True))[0]
    assert ensemble.shape == image.shape
    # by hand: mirrored out to 32 x 48, so that every flip keeps the 16 px blocks where the file has them
    padded = np.pad(image, ((0, 11), (0, 11), (0, 0)), mode="reflect")
    by_hand = np.mean([undo_dihedral(restore_pixels([dihedral(padded, k)], restorer, options)[0], k)
                       for k in range(8)], axis=0)[:21, :37]
    np.testing.assert_allclose(ensemble, by_hand, atol=1e-6)

