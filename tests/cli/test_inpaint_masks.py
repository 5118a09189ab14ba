"""`imgrestore inpaint --mask`: masks matched by relative path or one for all, known pixels kept
exactly, a missing or mis-sized mask failing its file alone, and the mask-aware network trained by `train`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from factories import smooth_image, to_uint8, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image
from imgrestore.weights.format import read_meta

from helpers import run

SPEC = "mask:scratches,coverage=0.05..0.2,thickness=2..4,length=4..10 | mask:holes,side=4..10,coverage=0.05..0.1"


@pytest.fixture(scope="module")
def tiny_inpainter(train_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("inpainter") / "tiny-inpaint.safetensors"
    code = main(["train", "--arch", "gated-unet", "-c", "widths=[4,8,16]", "-c", "dilations=[2]",
                 "--data", str(train_folder), "--val", str(train_folder), "--degrade", SPEC,
                 "--crop", "32", "--batch", "2", "--steps", "3", "--val-every", "3", "--precision", "fp32",
                 "-o", str(out), "-q"])
    assert code == 0
    return out


def _photos_and_masks(tmp_path):
    src, masks = tmp_path / "photos", tmp_path / "masks"
    clean = {"a.png": smooth_image(40, 56, 3, seed=1), "sub/b.png": smooth_image(48, 32, 3, seed=2)}
    for rel, pixels in clean.items():
        write_png(src / rel, pixels)
        missing = np.zeros((*pixels.shape[:2], 1))
        missing[10:20, 8:30] = 1
        write_png(masks / rel, missing)
    return src, masks, clean


def test_trained_inpainter_records_its_masks_and_validates_each_kind(tiny_inpainter):
    meta = read_meta(tiny_inpainter)
    assert meta.task == "inpaint" and set(meta.metrics["val_psnr"]) == {"psnr_1", "psnr_2"}
    assert "mask:scratches" in meta.training["command"]


def test_inpaint_with_masks_keeps_every_known_pixel(tiny_inpainter, tmp_path, capsys):
    src, masks, _ = _photos_and_masks(tmp_path)
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_inpainter),
                       "--mask", str(masks), "--recursive", "--report", str(report), "-q")
    assert code == 0, err
    for rel in ("a.png", "sub/b.png"):
        before = to_uint8(read_image(src / rel).pixels)
        after = to_uint8(read_image(tmp_path / "out" / rel).pixels)
        missing = read_image(masks / rel).pixels[..., 0] > 0.5
        assert np.array_equal(before[~missing], after[~missing])
        assert not np.array_equal(before[missing], after[missing])  # the hole was filled by the model
    notes = [f["notes"] for f in json.loads(report.read_text())["files"]]
    assert all("filled by" in n[0] and "% of the pixels" in n[0] for n in notes)


def test_a_missing_or_mis_sized_mask_fails_that_file_only(tiny_inpainter, tmp_path, capsys):
    src, masks, _ = _photos_and_masks(tmp_path)
    write_png(src / "c.png", smooth_image(40, 40, 3, seed=3))  # no mask for it
    write_png(masks / "a.png", np.zeros((20, 20, 1)))  # wrong size
    report = tmp_path / "report.json"
    code, _, _ = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_inpainter),
                       "--mask", str(masks), "--recursive", "--report", str(report), "-q")
    assert code == 1
    files = {f["relative"]: f for f in json.loads(report.read_text())["files"]}
    assert files["sub/b.png"]["status"] == "ok"
    assert files["c.png"]["status"] == "failed" and "no mask for c.png" in files["c.png"]["error"]
    assert files["a.png"]["status"] == "failed" and "20x20, the image 56x40" in files["a.png"]["error"]
    assert not (tmp_path / "out" / "a.png").exists()


def test_one_mask_for_every_image_and_the_solver_with_a_denoiser(tmp_path, capsys):
    src = tmp_path / "photos"
    pixels = smooth_image(48, 48, 3, seed=4)
    write_png(src / "x.png", pixels)
    mask = np.zeros((48, 48, 1))
    mask[20:26, :] = 1
    write_png(tmp_path / "scratch.png", mask)
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "-m", "resunet-color",
                       "--mask", str(tmp_path / "scratch.png"), "-q")
    assert code == 0, err
    out = read_image(tmp_path / "out" / "x.png").pixels
    hole = mask[..., 0] > 0
    assert np.array_equal(to_uint8(out)[~hole], to_uint8(read_image(src / "x.png").pixels)[~hole])
    assert np.abs(out[hole] - pixels[hole]).mean() < 0.05  # a smooth image's scratch is filled close to it


def test_mask_needs_a_model_that_can_use_it(tmp_path, capsys):
    src, masks, _ = _photos_and_masks(tmp_path)
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "-m", "dae-mnist",
                       "--mask", str(masks))
    assert code == 2 and "mask-aware" in err
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "--mask", str(masks))
    assert code == 2 and "--mask is for inpainting" in err
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "--mask", str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err


def test_the_masks_corrupt_saves_are_found_and_joined(tmp_path, capsys):
    src = tmp_path / "photos"
    write_png(src / "p.png", smooth_image(40, 40, 3, seed=5))
    code, _, err = run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "holed"), "--op",
                       "mask:holes,side=6..10,coverage=0.05..0.1+mask:scratches,thickness=2..3,length=5..10",
                       "--seed", "1", "--save-masks", "-q")
    assert code == 0, err
    saved = sorted((tmp_path / "holed_masks").glob("*.png"))
    assert [p.name for p in saved] == ["p.0-holes.png", "p.1-scratches.png"]
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "inpaint", str(tmp_path / "holed"), "-o", str(tmp_path / "out"),
                       "-m", "resunet-color", "--mask", str(tmp_path / "holed_masks"), "--report", str(report), "-q")
    assert code == 0, err
    union = np.maximum(*(read_image(p).pixels[..., 0] > 0.5 for p in saved))
    note = json.loads(report.read_text())["files"][0]["notes"][0]
    assert f"{100 * union.mean():.1f} % of the pixels" in note and "p.1-scratches.png" in note
    holed = to_uint8(read_image(tmp_path / "holed" / "p.png").pixels)
    out = to_uint8(read_image(tmp_path / "out" / "p.png").pixels)
    assert np.array_equal(holed[~union], out[~union]) and not np.array_equal(holed[union], out[union])


def test_the_bundled_photo_inpainter_is_the_default_and_fills_better_than_biharmonic(tmp_path, capsys):
    """`inpaint --mask` with no -m gives a photo to the bundled inpaint-photo (the colour denoiser fine-tuned by
    `train` as an inpainter): inside the scratches and boxes of the example photos its fill is closer to the truth
    than scikit-image's biharmonic inpainting, the best classical baseline of benchmarks/inpaint.py."""
    import cv2
    from skimage.restoration import inpaint_biharmonic

    from imgrestore.weights import catalog

    if "inpaint-photo" not in catalog.bundled_names():
        pytest.skip("inpaint-photo is not trained and bundled yet (issue 21; lab/TRAINING.md)")
    examples = Path(__file__).resolve().parents[2] / "examples" / "clean"
    src, masks = tmp_path / "photos", tmp_path / "masks"
    rng = np.random.default_rng(4)
    for path in sorted(examples.glob("*.png")):
        pixels = to_uint8(read_image(path).pixels)
        missing = np.zeros(pixels.shape[:2], np.uint8)
        for _ in range(3):  # boxes of 16-28 px and strokes 3-7 px wide
            top, left = rng.integers(8, pixels.shape[0] - 36), rng.integers(8, pixels.shape[1] - 36)
            missing[top:top + rng.integers(16, 29), left:left + rng.integers(16, 29)] = 1
            start, end = rng.integers(0, pixels.shape[:2][::-1], 2), rng.integers(0, pixels.shape[:2][::-1], 2)
            cv2.line(missing, tuple(map(int, start)), tuple(map(int, end)), 1, int(rng.integers(3, 8)))
        damaged = pixels.copy()
        damaged[missing > 0] = 0
        write_png(src / path.name, damaged / 255.0)
        write_png(masks / path.name, missing[..., None].astype(np.float64))
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "--mask", str(masks),
                       "--report", str(report), "-q")
    assert code == 0, err
    assert {row["model"] for row in json.loads(report.read_text())["files"]} == {"inpaint-photo"}
    for path in sorted(examples.glob("*.png")):
        clean = to_uint8(read_image(path).pixels).astype(np.float64)
        missing = read_image(masks / path.name).pixels[..., 0] > 0.5
        damaged = to_uint8(read_image(src / path.name).pixels)
        ours = to_uint8(read_image(tmp_path / "out" / path.name).pixels).astype(np.float64)
        biharmonic = np.round(inpaint_biharmonic(damaged / 255.0, missing, channel_axis=-1) * 255)
        errors = [float(np.mean((filled[missing] - clean[missing]) ** 2)) for filled in (ours, biharmonic)]
        assert errors[0] < errors[1], (path.name, errors)
