"""`imgrestore train`: a few steps, resume, export, then use the export."""

from __future__ import annotations

import json

from helpers import run
from imgrestore.cli.app import main
from imgrestore.weights.format import read_meta

ARGS = ["-c", "channels=3", "-c", "latent_dim=null", "-c", "filters=[4,8]", "-c", "stride=1", "-c", "output=residual",
        "--crop", "16", "--batch", "2", "--precision", "fp32", "--checkpoint-every", "2", "-q"]


def test_train_resume_export_and_denoise(train_folder, tmp_path, capsys):
    out = tmp_path / "m.safetensors"
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--steps", "2",
                       "--val", str(train_folder), "--val-every", "2", *ARGS)
    assert code == 0, err
    first = read_meta(out)
    assert first.training["steps"] == 2 and "psnr_sigma25" in first.metrics["val_psnr"]
    assert first.training["command"].startswith("imgrestore train --arch dae -c channels=3")
    assert "--steps 2" in first.training["command"]

    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--steps", "4",
                       "--val", str(train_folder), "--val-every", "2", "--resume", *ARGS)
    assert code == 0, err
    log = [json.loads(line) for line in (tmp_path / "m.run" / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log][-1] == 4
    assert read_meta(out).training["steps_total"] == 4

    code, _, err = run(main, capsys, "denoise", str(train_folder), "-o", str(tmp_path / "restored"), "-m", str(out), "-q")
    assert code == 0, err
    assert len(list((tmp_path / "restored").glob("*.png"))) == 3


def test_resume_without_checkpoint_is_a_usage_error(train_folder, tmp_path, capsys):
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(tmp_path / "x.safetensors"),
                       "--resume", *ARGS)
    assert code == 2 and "no checkpoint" in err


def test_train_with_a_degradation_spec(train_folder, tmp_path, capsys):
    out = tmp_path / "inpaint.safetensors"
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--steps", "2",
                       "--degrade", "mask:lower-half+saltpepper:amount=0.1", "--val", str(train_folder),
                       "--val-every", "2", *ARGS)
    assert code == 0, err
    meta = read_meta(out)
    assert set(meta.metrics["val_psnr"]) == {"psnr"} and meta.noise_range is None
    assert "--degrade mask:lower-half+saltpepper:amount=0.1 " in meta.training["command"]


def test_size_changing_degradation_is_refused_for_training(train_folder, tmp_path, capsys):
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(tmp_path / "x.safetensors"),
                       "--steps", "1", "--degrade", "downsample:factor=2", *ARGS)
    assert code == 2 and "back=true" in err
