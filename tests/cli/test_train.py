"""`imgrestore train`: a few steps, resume, export, then use the export."""

from __future__ import annotations

import json

from imgrestore.cli.app import main
from imgrestore.weights.format import read_meta

from helpers import run

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
    code, _, err = run(main, capsys, "eval", str(train_folder), "-m", str(out), "--baseline", "identity",
                       "--save", str(tmp_path / "eval.json"), "-q")
    assert code == 0, err
    assert [r["method"] for r in json.loads((tmp_path / "eval.json").read_text())["results"]] == ["identity", "m"]


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


def test_paired_folders_mnist_npz_and_idx(tmp_path, capsys):
    import gzip

    import numpy as np
    from factories import smooth_image, write_png

    clean, bad = tmp_path / "clean", tmp_path / "bad"
    for i in range(2):
        pixels = smooth_image(24, 24, 3, seed=i)
        write_png(clean / f"{i}.png", pixels)
        write_png(bad / f"{i}.png", np.clip(pixels + 0.1, 0, 1))
    out = tmp_path / "paired.safetensors"
    code, _, err = run(main, capsys, "train", "--pairs", f"{bad}:{clean}", "--val", f"{bad}:{clean}", "-o", str(out),
                       "--steps", "2", "--val-every", "2", *ARGS)
    assert code == 0, err
    assert "--pairs" in read_meta(out).training["command"]
    assert (tmp_path / "paired.run" / "log.csv").exists() and (tmp_path / "paired.run" / "curve.png").exists()

    digits = (np.random.default_rng(0).random((20, 28, 28)) * 255).astype(np.uint8)
    np.savez(tmp_path / "digits.npz", images=digits, labels=np.arange(20) % 10)
    header = bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in digits.shape)
    (tmp_path / "digits-idx3-ubyte.gz").write_bytes(gzip.compress(header + digits.tobytes()))
    gray = [a if a != "channels=3" else "channels=1" for a in ARGS]
    for source in ("digits.npz", "digits-idx3-ubyte.gz"):
        out = tmp_path / f"{source}.safetensors"
        code, _, err = run(main, capsys, "train", "--data", str(tmp_path / source), "--subset", "0:15",
                           "--val", str(tmp_path / "digits.npz"), "--val-subset", "15:20", "--no-augment",
                           "--degrade", "mask:lower-half", "--domain", "digits", "-o", str(out), "--steps", "2",
                           "--val-every", "2", *[a if a != "16" else "28" for a in gray])
        assert code == 0, err
        meta = read_meta(out)
        assert meta.domain == "digits" and "--subset 0:15" in meta.training["command"]
        assert "--no-augment" in meta.training["command"]


def test_ctrl_c_checkpoints_and_resume_continues(train_folder, tmp_path):
    import pytest

    from imgrestore.training.loop import TrainConfig, fit

    config = TrainConfig(arch="dae", data=str(train_folder), out=str(tmp_path / "m.safetensors"), steps=100, crop=16,
                         batch=2, precision="fp32", device="cpu", checkpoint_every=1000,
                         arch_config={"channels": 3, "latent_dim": None, "filters": [4, 8], "stride": 1})

    def interrupt(record):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fit(config, progress=interrupt)  # first record comes at step 50
    import torch

    assert torch.load(tmp_path / "m.run" / "last.pt", weights_only=True)["state"]["step"] == 50
    fit(config, resume=True)
    assert read_meta(tmp_path / "m.safetensors").training["steps_total"] == 100


def test_ddp_two_cpu_processes_under_torchrun(train_folder, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "ddp.safetensors"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "imgrestore", "train", "--data", str(train_folder), "-o", str(out), "--steps", "3",
               "--device", "cpu", *ARGS]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    training = read_meta(out).training
    assert training["steps_total"] == 3 and training["processes"] == 2


def test_train_a_digit_classifier_on_labelled_npz(tiny_classifier, tmp_path, capsys):
    meta = read_meta(tiny_classifier)
    assert meta.task == "classify" and meta.metrics["val_accuracy"]["accuracy"] == 1.0
    assert meta.training["command"].startswith("imgrestore train --arch digit-cnn")
    from factories import smooth_image, write_png

    write_png(tmp_path / "imgs" / "a.png", smooth_image(28, 28, 1))
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "imgs"), "-o", str(tmp_path / "o"),
                       "--model", str(tiny_classifier))
    assert code == 2 and "not a restorer" in err


def test_classifier_needs_labels(train_folder, tmp_path, capsys):
    code, _, err = run(main, capsys, "train", "--arch", "digit-cnn", "--data", str(train_folder), "--crop", "28",
                       "-o", str(tmp_path / "x.safetensors"), "--steps", "1", "-q")
    assert code == 2 and "labels" in err


def test_init_fine_tunes_from_weights_of_the_same_config(train_folder, tiny_model, tmp_path, capsys):
    tiny = ["-c", "channels=3", "-c", "latent_dim=null", "-c", "filters=[4,8]", "-c", "stride=1",
            "-c", "output=residual", "-c", "blocks_per_stage=0", "--crop", "16", "--batch", "2", "--precision", "fp32", "-q"]
    out = tmp_path / "ft.safetensors"
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "--init", str(tiny_model), "-o", str(out),
                       "--steps", "2", *tiny)
    assert code == 0, err
    training = read_meta(out).training
    assert training["init"]["file"] == str(tiny_model) and training["init"]["training"]["steps"] == 3
    assert f"--init {tiny_model}" in training["command"]
    import shutil

    source = tmp_path / "source.safetensors"
    shutil.copy(tiny_model, source)
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "--init", str(source), "-o", str(out),
                       "--steps", "2", *tiny)
    assert code == 0, err
    source.unlink()  # the checkpoint, not the file, carries the init's record into a resumed run
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "--init", str(source), "-o", str(out),
                       "--steps", "3", "--resume", *tiny)
    assert code == 0, err
    training = read_meta(out).training
    assert training["steps_total"] == 3 and training["init"]["training"]["steps"] == 3
    wrong = [a if a != "filters=[4,8]" else "filters=[4,16]" for a in tiny]
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "--init", str(tiny_model),
                       "-o", str(tmp_path / "x.safetensors"), "--steps", "2", *wrong)
    assert code == 2 and "--init" in err


def test_sigterm_checkpoints_like_ctrl_c(train_folder, tmp_path):
    """A scheduler's SIGTERM (or `kill`) must not lose the run: the checkpoint is written on the way out."""
    import os
    import signal

    import pytest
    import torch

    from imgrestore.training.loop import TrainConfig, fit

    config = TrainConfig(arch="dae", data=str(train_folder), out=str(tmp_path / "m.safetensors"), steps=100, crop=16,
                         batch=2, precision="fp32", device="cpu", checkpoint_every=1000,
                         arch_config={"channels": 3, "latent_dim": None, "filters": [4, 8], "stride": 1})
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        fit(config, progress=lambda record: os.kill(os.getpid(), signal.SIGTERM))
    assert torch.load(tmp_path / "m.run" / "last.pt", weights_only=True)["state"]["step"] == 50
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back


def test_zoom_trains_on_zoomed_out_crops_and_is_recorded(train_folder, tmp_path, capsys):
    out = tmp_path / "zoom.safetensors"
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--steps", "2",
                       "--zoom", "0.4..1", *ARGS)
    assert code == 0, err
    assert "--zoom 0.4..1 " in read_meta(out).training["command"]
    for bad, message in (("2", "0 < LO <= HI <= 1"), ("0.5..0.25", "0 < LO <= HI <= 1"), ("x", "expected LO..HI")):
        code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--zoom", bad, *ARGS)
        assert code == 2 and message in err
    code, _, err = run(main, capsys, "train", "--pairs", f"{train_folder}:{train_folder}", "-o", str(out),
                       "--zoom", "0.5..1", "--steps", "1", *ARGS)
    assert code == 2 and "--zoom needs clean --data" in err


def _captured_config(monkeypatch, capsys, command: str):
    """The TrainConfig the `train` command builds from ``command`` (training itself is stubbed out)."""
    import shlex

    import imgrestore.training.loop as loop

    seen = []
    monkeypatch.setattr(loop, "fit", lambda config, resume=False, progress=None: seen.append(config) or config.out)
    code, _, err = run(main, capsys, *shlex.split(command)[1:], "-q")
    assert code == 0, err
    return seen[0]


def test_every_training_setting_has_its_train_option():
    """One table: each TrainConfig field names its flag, and `imgrestore train` has that option."""
    import typer

    from imgrestore.cli.app import app
    from imgrestore.training.config import flags

    command = next(c for c in typer.main.get_command(app).commands.values() if c.name == "train")
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    assert set(flags().values()) <= options, set(flags().values()) - options


def test_the_recorded_command_rebuilds_the_same_config(monkeypatch, capsys, tmp_path):
    """command_line() -> the CLI -> the same TrainConfig, optional settings included."""
    from imgrestore.training.config import TrainConfig, command_line

    config = TrainConfig(
        arch="resgan", arch_config={"width": 8, "mode": "a b", "sizes": [2, 3], "flag": None}, data=str(tmp_path),
        out=str(tmp_path / "m.safetensors"), val="v:w", degrade="downsample:factor=4,back=true | none", crop=28,
        batch=3, steps=7, lr=2.5e-4, weight_decay=1e-5, loss="psnr", pixel_weight=0.5, adv_weight=0.05,
        cls_weight=0.2, disc_lr=1e-3, seed=4, device="cpu", precision="fp32", val_every=9, domain="digits",
        augment=False, shift=2, zoom=(0.25, 1.0), init="a.safetensors", init_parts=(("generator", "g.safetensors"),),
        subset=(0, 70), val_subset=(7000, 7500))
    assert _captured_config(monkeypatch, capsys, command_line(config)) == config
    plain = TrainConfig(arch="dae", arch_config={}, data=f"{tmp_path}/a:{tmp_path}/b", out="m.safetensors")
    rebuilt = _captured_config(monkeypatch, capsys, command_line(plain))
    assert rebuilt == plain and "--pairs" in command_line(plain)


def test_the_recorded_precision_is_the_one_that_ran(train_folder, tmp_path, capsys, monkeypatch):
    """`--precision auto` (the default) is recorded as what it resolved to, so the command reproduces."""
    from imgrestore import devices

    monkeypatch.setattr(devices, "native_bf16", lambda device: False)
    out = tmp_path / "m.safetensors"
    args = [a for a in ARGS if a not in ("--precision", "fp32")]
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(out), "--steps", "1", *args)
    assert code == 0, err
    assert "--precision fp32" in read_meta(out).training["command"]


def test_ema_exports_the_weight_average_and_resumes_it(train_folder, tmp_path, capsys):
    import torch

    from imgrestore.weights.format import read_state_dict

    out = tmp_path / "ema.safetensors"
    args = ["train", "--data", str(train_folder), "-o", str(out), "--ema", "0.9", *ARGS]
    code, _, err = run(main, capsys, *args, "--steps", "3")
    assert code == 0, err
    checkpoint = torch.load(tmp_path / "ema.run" / "last.pt", weights_only=True)
    exported = read_state_dict(out)
    assert int(checkpoint["ema"]["n_averaged"]) == 3
    for key, value in exported.items():
        torch.testing.assert_close(value, checkpoint["ema"][f"module.{key}"])
    assert any(not torch.equal(value, checkpoint["model"][key]) for key, value in exported.items())
    assert "--ema 0.9" in read_meta(out).training["command"]
    code, _, err = run(main, capsys, *args, "--steps", "5", "--resume")
    assert code == 0, err
    assert int(torch.load(tmp_path / "ema.run" / "last.pt", weights_only=True)["ema"]["n_averaged"]) == 5
    plain = tmp_path / "plain.safetensors"
    assert run(main, capsys, "train", "--data", str(train_folder), "-o", str(plain), *ARGS, "--steps", "2")[0] == 0
    code, _, err = run(main, capsys, "train", "--data", str(train_folder), "-o", str(plain), "--ema", "0.9", *ARGS,
                       "--steps", "4", "--resume")
    assert code == 2 and "written without --ema" in err
