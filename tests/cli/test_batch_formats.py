"""Formats come out right or with a note."""

from __future__ import annotations

import json
import time

import cv2
import numpy as np
import pytest
from factories import smooth_image, to_uint8, write_png
from PIL import Image as PILImage

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


def marked_picture(height=12, width=20):
    """A picture whose top-left corner is red, so a wrong rotation or flip shows."""
    pixels = np.full((height, width, 3), 0.5, np.float32)
    pixels[:3, :4] = (1.0, 0.0, 0.0)
    return pixels


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_tiff_orientation_is_applied_once(orientation, tmp_path, tiny_model, capsys):
    upright = marked_picture()
    stored = {3: np.rot90(upright, 2), 6: np.rot90(upright, 1), 8: np.rot90(upright, -1)}[orientation]
    path = tmp_path / "in" / "o.tif"
    path.parent.mkdir()
    PILImage.fromarray(to_uint8(np.ascontiguousarray(stored))).save(path, tiffinfo={274: orientation})
    image = read_image(path)
    assert image.pixels.shape == upright.shape
    np.testing.assert_allclose(image.pixels, upright, atol=1 / 255)
    code, _, err = run(main, capsys, "denoise", str(path.parent), "-o", str(tmp_path / "out"), "-m", str(tiny_model), "-q")
    assert code == 0, err  # the stored layout's tags (width, height, strips) are not copied to the output
    assert read_image(tmp_path / "out" / "o.tif").pixels.shape == upright.shape


def test_float_tiffs_stay_float_and_keep_their_range(tmp_path, tiny_model, capsys):
    rgb = smooth_image(16, 20, 3) * 4 - 1  # -1..3: beyond 0..1
    src = tmp_path / "in"
    src.mkdir()
    assert cv2.imwrite(str(src / "f.tif"), np.ascontiguousarray(rgb[:, :, ::-1], dtype=np.float32))
    image = read_image(src / "f.tif")
    assert image.bit_depth == 32 and image.value_range is not None and "scaled" in image.notes[0]
    assert 0 <= image.pixels.min() and image.pixels.max() <= 1
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--report", str(report), "-q")
    assert code == 0, err
    out = cv2.imread(str(tmp_path / "out" / "f.tif"), cv2.IMREAD_UNCHANGED)
    assert out.dtype == np.float32 and out.shape == (16, 20, 3)
    assert out.min() < -0.5 and out.max() > 2  # back in the input's own range
    assert "scaled" in json.loads(report.read_text())["files"][0]["notes"][0]


def test_several_frames_get_a_note_and_lossless_webp_stays_lossless(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    src.mkdir()
    frames = [PILImage.fromarray(to_uint8(smooth_image(16, 16, 3, seed=i))) for i in range(3)]
    frames[0].save(src / "pages.tif", save_all=True, append_images=frames[1:])
    frames[0].save(src / "anim.gif", save_all=True, append_images=frames[1:])
    frames[0].save(src / "anim.webp", save_all=True, append_images=frames[1:], lossless=True)
    frames[0].save(src / "still.webp", lossless=True)
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--report", str(report), "-q")
    assert code == 0, err
    notes = {f["relative"]: f["notes"] for f in json.loads(report.read_text())["files"]}
    for name in ("pages.tif", "anim.gif", "anim.webp"):
        assert any("3 frames" in note for note in notes[name]), notes[name]
    assert (tmp_path / "out" / "anim.png").exists()  # GIF's palette would undo the restoration
    assert (tmp_path / "out" / "still.webp").read_bytes()[12:16] == b"VP8L"  # lossless in, lossless out


def test_images_above_max_megapixels_are_refused_from_the_header(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    src.mkdir()
    assert cv2.imwrite(str(src / "bomb.png"), np.zeros((10000, 10000), np.uint8))  # ~100 KB on disk, 100 MP
    write_png(src / "small.png", smooth_image(16, 16, 3))
    report = tmp_path / "r.json"
    started = time.monotonic()
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--max-megapixels", "50", "--report", str(report), "-q")
    assert code == 1 and "above --max-megapixels 50" in err
    assert time.monotonic() - started < 20  # refused before decoding, not after restoring
    summary = json.loads(report.read_text())["summary"]
    assert summary["failed"] == 1 and summary["ok"] == 1
    assert 0 < summary["wall_seconds"] <= time.monotonic() - started
    assert "file_seconds" in summary


def test_digit_models_refuse_photos_unless_asked(tmp_path, capsys):
    src = tmp_path / "in"
    write_png(src / "photo.png", smooth_image(120, 160, 3))
    for command, extra in (("upscale", ["-m", "resgan-mnist"]), ("inpaint", []), ("denoise", ["-m", "dae-mnist"])):
        code, _, err = run(main, capsys, command, str(src), "-o", str(tmp_path / command), *extra, "-q")
        assert code == 1 and "28x28 handwritten digits" in err and "--allow-domain-mismatch" in err, (command, err)
        assert not (tmp_path / command / "photo.png").exists()
    code, _, err = run(main, capsys, "upscale", str(src), "-o", str(tmp_path / "anyway"), "-m", "resgan-mnist",
                       "--allow-domain-mismatch", "--scale", "2", "-q")
    assert code == 0, err
    assert read_image(tmp_path / "anyway" / "photo.png").width == 320
    digits = tmp_path / "digits"
    PILImage.fromarray(to_uint8(smooth_image(7, 7, 1))[:, :, 0], "L").save(digits.mkdir() or digits / "d.png")
    code, _, err = run(main, capsys, "upscale", str(digits), "-o", str(tmp_path / "d_out"), "-q")
    assert code == 0, err  # a coarse gray digit is what resgan-mnist is for


def test_report_seconds_are_wall_and_file_time(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    for i in range(4):
        write_png(src / f"{i}.png", smooth_image(16, 16, 3, seed=i))
    report = tmp_path / "r.json"
    started = time.monotonic()
    code, _, _ = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                     "--batch-size", "4", "--report", str(report), "-q")
    elapsed = time.monotonic() - started
    summary = json.loads(report.read_text())["summary"]
    assert code == 0 and summary["wall_seconds"] <= elapsed
    assert summary["file_seconds"] == pytest.approx(sum(f["seconds"] for f in json.loads(report.read_text())["files"]),
                                                    abs=0.01)




def test_what_the_output_format_cannot_hold_is_noted_in_the_report(tmp_path, tiny_model, capsys):
    rgba = np.concatenate([smooth_image(12, 16, 3), np.full((12, 16, 1), 0.5, np.float32)], axis=2)
    write_png(tmp_path / "in" / "a.png", rgba)
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--format", "bmp", "--report", str(report), "-q")
    assert code == 0, err
    assert json.loads(report.read_text())["files"][0]["notes"] == ["BMP cannot hold an alpha channel: alpha dropped"]
