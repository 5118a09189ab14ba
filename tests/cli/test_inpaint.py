"""`imgrestore inpaint` with a fixed-size model: trained on alternative corruptions, other sizes resized."""

from __future__ import annotations

import json

import numpy as np
from factories import write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image
from imgrestore.weights.format import read_meta

from helpers import run


def test_train_on_alternatives_then_inpaint_any_size(toy_digits, tmp_path, capsys):
    model = tmp_path / "cnn.safetensors"
    spec = "mask:lower-half+saltpepper:amount=0.1 | mask:lower-half+gaussian:sigma=51"
    code, _, err = run(main, capsys, "train", "--arch", "cnn-cnn", "-c", "conv=[4,8]", "--data", str(toy_digits),
                       "--subset", "0:30", "--val", str(toy_digits), "--val-subset", "30:40", "--degrade", spec,
                       "--no-augment", "--crop", "28", "--batch", "8", "--steps", "4", "--val-every", "4",
                       "--loss", "rmse", "--precision", "fp32", "-o", str(model), "-q")
    assert code == 0, err
    meta = read_meta(model)
    assert set(meta.metrics["val_psnr"]) == {"psnr_1", "psnr_2"}  # each alternative validated on its own
    assert f"--degrade '{spec}'" in meta.training["command"] or f'--degrade "{spec}"' in meta.training["command"]

    rng = np.random.default_rng(0)
    src = tmp_path / "digits"
    write_png(src / "small.png", rng.uniform(0, 1, (28, 28, 1)))
    write_png(src / "large.png", rng.uniform(0, 1, (56, 42, 1)))
    write_png(src / "colour.png", rng.uniform(0, 1, (28, 28, 3)))
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "inpaint", str(src), "-o", str(tmp_path / "out"), "-m", str(model),
                       "--report", str(report), "-q")
    assert code == 0, err
    assert read_image(tmp_path / "out" / "large.png").pixels.shape == (56, 42, 1)
    assert read_image(tmp_path / "out" / "colour.png").pixels.shape == (28, 28, 3)
    notes = {f["source"].rsplit("/", 1)[-1]: f["notes"] for f in json.loads(report.read_text())["files"]}
    assert notes["small.png"] == [] and notes["colour.png"] == []
    assert notes["large.png"] == ["resized 42x56 to the model's 28x28 (area) and back (bicubic)"]


def test_inpaint_help_states_the_size_decision(capsys):
    code, out, _ = run(main, capsys, "inpaint", "--help")
    assert code == 0 and "cnn-lstm-mnist" in out and "bicubic" in out
