"""The bundled paper models (ResGAN, the generative encoder) through the folder engine: `upscale` (auto: resgan-mnist for
coarse gray digits) rebuilds 28x28 digits from 7x7 ones, and `restore --model ge-mnist --task ...` finds each digit in G's latent space."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from factories import write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run

DIGITS = sorted((Path(__file__).resolve().parents[2] / "examples" / "digits").glob("*.png"))


def _clean_digits() -> list[np.ndarray]:
    return [read_image(path).pixels[..., 0] for path in DIGITS]


def test_upscale_rebuilds_7x7_digits_better_than_bicubic(tmp_path, capsys):
    clean = _clean_digits()
    coarse = tmp_path / "coarse"
    for path, digit in zip(DIGITS, clean):
        write_png(coarse / path.name, cv2.resize(digit, (7, 7), interpolation=cv2.INTER_AREA)[..., None])
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "upscale", str(coarse), "-o", str(tmp_path / "out"), "--report", str(report), "-q")
    assert code == 0, err
    written = json.loads(report.read_text())
    assert written["command"]["model"] == "auto"  # which picks the digit model for small gray images
    assert {entry["model"] for entry in written["files"]} == {"resgan-mnist"}
    restored_error, bicubic_error = [], []
    for path, digit in zip(DIGITS, clean):
        restored = read_image(tmp_path / "out" / path.name).pixels[..., 0]
        assert restored.shape == (28, 28)
        small = read_image(coarse / path.name).pixels[..., 0]
        bicubic = np.clip(cv2.resize(small, (28, 28), interpolation=cv2.INTER_CUBIC), 0, 1)
        restored_error.append(np.mean((restored - digit) ** 2))
        bicubic_error.append(np.mean((bicubic - digit) ** 2))
    assert np.mean(restored_error) < 0.6 * np.mean(bicubic_error)  # 0.52 on these 8 digits


def test_generative_encoder_restores_through_the_folder_engine(tmp_path, capsys):
    clean = _clean_digits()[:4]
    source = tmp_path / "digits"
    for index, digit in enumerate(clean):
        write_png(source / f"d{index}.png", digit[..., None])
    out = tmp_path / "out"
    code, _, err = run(main, capsys, "restore", str(source), "-o", str(out), "--model", "ge-mnist:steps=150",
                       "--task", "reconstruct", "-q")
    assert code == 0, err
    restored = [read_image(out / f"d{index}.png").pixels[..., 0] for index in range(len(clean))]
    # each result is G's image of *that* digit: nearer its own input than any other input
    errors = np.array([[np.mean((r - c) ** 2) for c in clean] for r in restored])
    assert (errors.argmin(axis=1) == np.arange(len(clean))).all(), errors
