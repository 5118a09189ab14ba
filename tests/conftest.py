"""Shared fixtures: tiny generated images, tiny models trained by the project's own `fit`."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import smooth_image, write_png


@pytest.fixture(scope="session")
def train_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("train")
    for i in range(3):
        write_png(folder / f"img{i}.png", smooth_image(48, 64, 3, seed=i))
    return folder


def _train_tiny(folder: Path, out: Path, channels: int) -> Path:
    from imgrestore.training.loop import TrainConfig, fit

    config = TrainConfig(
        arch="dae", data=str(folder), out=str(out), steps=3, crop=16, batch=2, precision="fp32",
        device="cpu", arch_config={"channels": channels, "latent_dim": None, "filters": [4, 8], "stride": 1,
                     "output": "residual", "blocks_per_stage": 0},
    )
    return fit(config)


@pytest.fixture(scope="session")
def tiny_model(train_folder, tmp_path_factory) -> Path:
    """A 3-channel tiny dae trained for 3 steps by the project's own training loop."""
    return _train_tiny(train_folder, tmp_path_factory.mktemp("models") / "tiny-color.safetensors", 3)


@pytest.fixture(scope="session")
def tiny_gray_model(train_folder, tmp_path_factory) -> Path:
    return _train_tiny(train_folder, tmp_path_factory.mktemp("models") / "tiny-gray.safetensors", 1)


@pytest.fixture(scope="session")
def toy_digits(tmp_path_factory) -> Path:
    """40 labelled 28x28 'digits' in an .npz: class 1 has a vertical bar, class 0 is blank."""
    import numpy as np

    rng = np.random.default_rng(0)
    labels = np.arange(40) % 2
    digits = np.zeros((40, 28, 28), np.uint8)
    digits[labels == 1, 4:24, 10:18] = 255
    digits = np.clip(digits + rng.integers(0, 40, digits.shape), 0, 255).astype(np.uint8)
    path = tmp_path_factory.mktemp("digits") / "toy.npz"
    np.savez(path, images=digits, labels=labels)
    return path


@pytest.fixture(scope="session")
def tiny_classifier(toy_digits) -> Path:
    """A digit-cnn trained by the project's own loop on the toy digits until it separates them."""
    from imgrestore.training.loop import TrainConfig, fit

    config = TrainConfig(
        arch="digit-cnn", arch_config={"conv": [4, 8], "hidden": 16, "classes": 2}, data=str(toy_digits),
        out=str(toy_digits.parent / "cls.safetensors"), subset=(0, 30), val=str(toy_digits), val_subset=(30, 40),
        degrade="none", augment=False, crop=28, batch=16, steps=30, val_every=30, precision="fp32", device="cpu",
    )
    return fit(config)
