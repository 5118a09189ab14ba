"""`imgrestore denoise` through its front door, on tiny real models and generated files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from factories import smooth_image, write_exif_rotated_jpeg, write_png
from PIL import Image as PILImage

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


@pytest.fixture()
def messy_folder(tmp_path):
    """Nested folders with every kind of input, two of them broken."""
    src = tmp_path / "in"
    write_png(src / "plain.png", smooth_image(30, 40, 3, seed=1))
    write_png(src / "deep" / "sixteen.png", smooth_image(30, 40, 3, seed=2), bit_depth=16)
    rgba = np.concatenate([smooth_image(30, 40, 3, seed=3), np.linspace(0, 1, 1200).reshape(30, 40, 1)], axis=2)
    write_png(src / "deep" / "alpha.png", rgba)
    gray = (smooth_image(30, 40, 1, seed=4)[:, :, 0] * 255).astype(np.uint8)
    (src / "deep" / "deeper").mkdir(parents=True)
    PILImage.fromarray(gray, "L").save(src / "deep" / "deeper" / "gray.jpg", quality=95)
    write_exif_rotated_jpeg(src / "rotated.jpg", smooth_image(20, 36, 3, seed=5), orientation=6)
    (src / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    (src / "empty.jpg").write_bytes(b"")
    return src


def test_folder_with_every_kind_of_file(messy_folder, tmp_path, tiny_model, capsys):
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    code, _stdout, stderr = run(main, capsys, "denoise", str(messy_folder), "-o", str(out), "-r",
                               "--model", str(tiny_model), "--report", str(report), "--quiet")
    assert code == 1, stderr
    assert "corrupt.png" in stderr and "empty.jpg" in stderr
    data = json.loads(report.read_text())
    status = {f["source"].split("in/")[-1]: f for f in data["files"]}
    assert {k for k, f in status.items() if f["status"] == "failed"} == {"corrupt.png", "empty.jpg"}
    assert status["empty.jpg"]["error"] and "empty" in status["empty.jpg"]["error"]
    for f in data["files"]:
        assert {"status", "error", "seconds", "input_bytes", "noise_level", "noise_estimate"} <= set(f)
    assert data["summary"] == {**data["summary"], "ok": 5, "failed": 2}

    sixteen = read_image(out / "deep" / "sixteen.png")
    assert sixteen.bit_depth == 16
    alpha_in = read_image(messy_folder / "deep" / "alpha.png")
    alpha_out = read_image(out / "deep" / "alpha.png")
    np.testing.assert_array_equal(alpha_out.alpha, alpha_in.alpha)
    gray = read_image(out / "deep" / "deeper" / "gray.jpg")
    assert gray.channels == 1
    rotated = read_image(out / "rotated.jpg")
    assert (rotated.height, rotated.width) == (36, 20)
    assert not (out / "corrupt.png").exists() and not (out / "empty.jpg").exists()
    assert not [p for p in out.rglob("*") if ".part" in p.name]  # no temp files left behind


def test_skip_existing_resumes(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    for i in range(3):
        write_png(src / f"{i}.png", smooth_image(20, 20, 3, seed=i))
    out = tmp_path / "out"
    out.mkdir()
    (out / "1.png").write_bytes(b"already done")
    code, stdout, _ = run(main, capsys, "denoise", str(src), "-o", str(out), "-m", str(tiny_model),
                          "--skip-existing", "-q")
    assert code == 0
    assert (out / "1.png").read_bytes() == b"already done"
    assert read_image(out / "0.png").width == 20 and read_image(out / "2.png").width == 20
    assert "2 written" in stdout and "1 skipped" in stdout


def test_refuses_to_overwrite_inputs(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    original = write_png(src / "a.png", smooth_image(20, 20, 3)).read_bytes()
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(src), "-m", str(tiny_model))
    assert code == 2 and "overwrite" in err
    assert (src / "a.png").read_bytes() == original
    code, _, _ = run(main, capsys, "denoise", str(src), "-o", str(src), "-m", str(tiny_model), "--suffix", "_clean", "-q")
    assert code == 0 and (src / "a_clean.png").exists() and (src / "a.png").read_bytes() == original


def test_dry_run_writes_nothing(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    write_png(src / "a.png", smooth_image(20, 20, 3))
    code, out, _ = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--dry-run", "--format", "webp", "-q")
    assert code == 0 and "a.webp" in out
    assert not (tmp_path / "out").exists()


def test_format_and_glob_inputs(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    write_png(src / "a.png", smooth_image(20, 20, 3))
    write_png(src / "b.png", smooth_image(20, 20, 3))
    code, _, _ = run(main, capsys, "denoise", str(src / "a*.png"), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                     "--format", "jpg", "-q", "--sharpen", "--sharpen-amount", "0.5")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jpg"]
    assert read_image(tmp_path / "out" / "a.jpg").fmt == "JPEG"


@pytest.mark.parametrize("args, message", [
    (["--model", "no-such-model"], "unknown model"),
    (["--model", "missing.safetensors"], "no such weights file"),
    (["--device", "cuda:7"], "cuda"),
    (["--overlap", "300"], "overlap"),
    (["--format", "gif"], "format"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, tiny_model, capsys, args, message):
    src = tmp_path / "in"
    write_png(src / "a.png", smooth_image(20, 20, 3))
    if "--model" not in args:
        args = [*args, "--model", str(tiny_model)]
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), *args)
    assert code == 2
    assert message in err.lower()
    assert len(err.strip().splitlines()) == 1


def test_gray_model_on_colour_images(tmp_path, tiny_gray_model, capsys):
    src = tmp_path / "in"
    write_png(src / "c.png", smooth_image(20, 24, 3))
    code, _, _ = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "-m", str(tiny_gray_model), "-q")
    assert code == 0
    assert read_image(tmp_path / "out" / "c.png").channels == 3
