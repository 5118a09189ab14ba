"""ResGAN through `imgrestore train`: the discriminator trains beside the generator, resumes from the
checkpoint, and switching the adversarial weights off leaves the pixel-only baseline."""

from __future__ import annotations

import pytest
import torch

from imgrestore.cli.app import main
from imgrestore.weights.format import read_meta

from helpers import run

ARGS = ["--arch", "resgan", "-c", "width=4", "-c", "blocks=1", "-c", "classes=2", "-c", "disc_width=4",
        "--degrade", "downsample:factor=4,back=true", "--no-augment", "--crop", "28", "--batch", "8",
        "--val-every", "3", "--checkpoint-every", "3", "--precision", "fp32", "-q"]


def test_adversarial_training_checkpoints_the_discriminator(toy_digits, tmp_path, capsys):
    out = tmp_path / "g.safetensors"
    data = ["--data", str(toy_digits), "--subset", "0:30", "--val", str(toy_digits), "--val-subset", "30:40"]
    code, _, err = run(main, capsys, "train", *ARGS, *data, "--steps", "3", "--adv-weight", "0.1", "--cls-weight", "0.5",
                       "--lr", "1e-3", "--disc-lr", "4e-3", "-o", str(out))
    assert code == 0, err
    checkpoint = torch.load(tmp_path / "g.run" / "last.pt", weights_only=True)
    assert any(k.startswith("features") for k in checkpoint["objective"]["discriminator"])
    # the discriminator follows the generator's schedule at 4x its rate
    generator_lr = checkpoint["optimizer"]["param_groups"][0]["lr"]
    assert checkpoint["objective"]["optimizer"]["param_groups"][0]["lr"] == pytest.approx(4 * generator_lr)
    meta = read_meta(out)
    assert "--adv-weight 0.1 --cls-weight 0.5" in meta.training["command"]
    assert "--disc-lr 0.004" in meta.training["command"]
    assert not any("attributes" in k for k in __import__("safetensors.torch", fromlist=["load_file"]).load_file(out))

    code, _, err = run(main, capsys, "train", *ARGS, *data, "--steps", "6", "--adv-weight", "0.1", "--cls-weight", "0.5",
                       "-o", str(out), "--resume")
    assert code == 0, err
    resumed = torch.load(tmp_path / "g.run" / "last.pt", weights_only=True)["objective"]["discriminator"]
    assert any(not torch.equal(resumed[k], checkpoint["objective"]["discriminator"][k]) for k in resumed)


def test_zero_adversarial_weights_train_the_pixel_only_generator(toy_digits, train_folder, tmp_path, capsys):
    out = tmp_path / "pixel.safetensors"
    code, _, err = run(main, capsys, "train", *ARGS, "--data", str(toy_digits), "--subset", "0:30", "--steps", "3",
                       "-o", str(out))
    assert code == 0, err
    assert torch.load(tmp_path / "pixel.run" / "last.pt", weights_only=True)["objective"] == {}
    code, _, err = run(main, capsys, "train", *ARGS, "--data", str(train_folder), "--steps", "3", "--adv-weight", "1",
                       "-o", str(tmp_path / "x.safetensors"))
    assert code == 2 and "labels" in err  # a folder of unlabelled images cannot train the embedded classifier
