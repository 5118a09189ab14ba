"""`imgrestore deblur --kernel`: a known blur undone by plug-and-play with our denoiser as the prior."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from factories import write_png

from imgrestore.cli.app import main
from imgrestore.degradations.blur import gaussian_kernel
from imgrestore.degradations.linear import KnownBlur
from imgrestore.io.image import read_image
from imgrestore.metrics import psnr

from helpers import run

EXAMPLE = sorted((Path(__file__).resolve().parents[2] / "examples" / "clean").glob("*.png"))[0]


def _blurred(clean: np.ndarray, seed: int = 0) -> np.ndarray:
    x = torch.from_numpy(np.ascontiguousarray(clean.transpose(2, 0, 1)))[None]
    blurred = KnownBlur(gaussian_kernel(1.6, 25)).apply(x)[0].permute(1, 2, 0).numpy()
    noise = np.random.default_rng(seed).normal(0, 2 / 255, blurred.shape)
    return np.clip(np.round((blurred + noise) * 255), 0, 255).astype(np.float32) / 255


def test_deblur_undoes_a_known_blur_in_colour_and_gray(tmp_path, capsys):
    clean = read_image(EXAMPLE).pixels[:80, :96]
    colour = np.repeat(clean, 3, axis=2) if clean.shape[2] == 1 else clean
    write_png(tmp_path / "in" / "colour.png", _blurred(colour))
    write_png(tmp_path / "in" / "gray.png", _blurred(colour[..., :1]))
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "deblur", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                       "--kernel", "gaussian:sigma=1.6,size=25", "--sigma", "2", "--report", str(report), "-q")
    assert code == 0, err
    inner = (slice(16, -16), slice(16, -16))
    for name, truth in (("colour", colour), ("gray", colour[..., :1])):
        damaged = read_image(tmp_path / "in" / f"{name}.png").pixels
        restored = read_image(tmp_path / "out" / f"{name}.png").pixels
        assert restored.shape == damaged.shape
        assert psnr(restored[inner], truth[inner]) > psnr(damaged[inner], truth[inner]) + 2, name
    files = {Path(f["source"]).stem: f for f in json.loads(report.read_text())["files"]}
    assert files["colour"]["model"] == "resunet-color-fast" and files["gray"]["model"] == "resunet-gray-fast"
    assert files["gray"]["noise_level"] == 2 and "plug-and-play" in " ".join(files["gray"]["notes"])


def test_bad_kernels_and_blind_models_are_refused_before_any_work(tmp_path, capsys):
    write_png(tmp_path / "in" / "a.png", np.full((32, 32, 3), 0.5, np.float32))
    for extra, message in ((["--kernel", "gaussian:width=3"], "not one of gaussian's settings"),
                           (["--kernel", "box:size=5", "-m", "dae-photo-color"], "takes a noise level")):
        code, _, err = run(main, capsys, "deblur", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *extra)
        assert code == 2 and message in err, err
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_restore_task_deblur_runs_the_same_solver_as_deblur(tmp_path, capsys):
    clean = read_image(EXAMPLE).pixels[:48, :48]
    write_png(tmp_path / "in" / "a.png", _blurred(np.repeat(clean, 3, axis=2) if clean.shape[2] == 1 else clean))
    common = ["--kernel", "box:size=5", "--sigma", "2", "-q"]
    code, _, err = run(main, capsys, "deblur", str(tmp_path / "in"), "-o", str(tmp_path / "a"), *common)
    assert code == 0, err
    code, _, err = run(main, capsys, "restore", "--task", "deblur", str(tmp_path / "in"), "-o", str(tmp_path / "b"),
                       *common)
    assert code == 0, err
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "c"), "--kernel", "box:size=5")
    assert code == 2 and ("No such option" in err or "--kernel is for --task deblur" in err)
    assert np.array_equal(read_image(tmp_path / "b" / "a.png").pixels, read_image(tmp_path / "a" / "a.png").pixels)


def test_known_bicubic_reduction_undone_by_the_solver(tmp_path, capsys):
    """`upscale --kernel bicubic`: DPIR's super-resolution from the same solver, better than bicubic enlargement."""
    from PIL import Image

    clean = np.asarray(Image.open(EXAMPLE.parent / "hubble_sigma25.png").convert("RGB"))[40:104, 60:124]
    small = Image.fromarray(clean).resize((32, 32), Image.BICUBIC)
    (tmp_path / "in").mkdir()
    small.save(tmp_path / "in" / "a.png")
    report = tmp_path / "r.json"
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--scale", "2",
                       "--kernel", "bicubic", "--sigma", "0", "--report", str(report), "-q")
    assert code == 0, err
    out = read_image(tmp_path / "out" / "a.png").pixels
    bicubic = np.asarray(small.resize((64, 64), Image.BICUBIC)).astype(np.float32) / 255
    truth = clean.astype(np.float32) / 255
    inner = (slice(4, -4), slice(4, -4))
    assert out.shape == (64, 64, 3) and psnr(out[inner], truth[inner]) > psnr(bicubic[inner], truth[inner]) + 0.5
    record = json.loads(report.read_text())["files"][0]
    assert record["model"] == "resunet-color-fast" and "enlarged x2 by 24 plug-and-play iterations" in record["notes"][0]
