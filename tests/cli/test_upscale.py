"""`upscale` (and `restore --task upscale`): inputs enlarged before the model, alpha follows."""

from __future__ import annotations

import json

import numpy as np
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


def test_upscale_enlarges_pixels_and_alpha(tiny_model, tmp_path, capsys):
    rgba = np.concatenate([smooth_image(10, 12, 3), np.linspace(0, 1, 120).reshape(10, 12, 1)], axis=2)
    write_png(tmp_path / "in" / "a.png", rgba)
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "x3"), "-m", str(tiny_model),
                       "--scale", "3", "--report", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    out = read_image(tmp_path / "x3" / "a.png")
    assert out.pixels.shape == (30, 36, 3) and out.alpha.shape == (30, 36)
    assert abs(float(out.alpha.mean()) - float(rgba[:, :, 3].mean())) < 0.02
    assert json.loads((tmp_path / "r.json").read_text())["command"]["scale"] == 3


def test_restore_task_upscale_defaults_to_4x_and_tasks_are_checked(tiny_model, tmp_path, capsys):
    write_png(tmp_path / "in" / "a.png", smooth_image(8, 8, 3))
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-m", str(tiny_model),
                       "--task", "upscale", "-q")
    assert code == 0, err
    assert read_image(tmp_path / "o" / "a.png").pixels.shape == (32, 32, 3)
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "p"), "-m", str(tiny_model),
                       "--task", "colourise")
    assert code == 2 and "--task colourise" in err
