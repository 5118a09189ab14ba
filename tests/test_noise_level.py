"""Blind noise estimation: the mid-tone estimator reads clipped strong noise where Donoho's does not."""

from __future__ import annotations

import numpy as np
import pytest

from factories import smooth_image
from imgrestore.noise_level import blind_sigma, estimate_sigma


def noisy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (np.clip(np.round(clean * 255 + rng.normal(0, sigma, clean.shape)), 0, 255) / 255).astype(np.float32)


@pytest.mark.parametrize("sigma", [10, 25, 50])
def test_both_read_noise_on_smooth_mid_tones(sigma):
    clean = 0.3 + 0.4 * smooth_image(256, 256, 3)
    assert blind_sigma(noisy(clean, sigma)) == pytest.approx(sigma, rel=0.05)
    assert estimate_sigma(noisy(clean, sigma)) == pytest.approx(sigma, rel=0.05)


def test_mid_tones_survive_clipping_that_fools_the_plain_estimator():
    clean = smooth_image(256, 256, 1)
    clean[:, :128] = 0.02  # half the picture near black: strong noise is clipped there
    image = noisy(clean, 50)
    assert blind_sigma(image) == pytest.approx(50, rel=0.05)
    assert estimate_sigma(image) < 0.9 * 50


def test_clean_image_reads_near_zero():
    assert blind_sigma(smooth_image(128, 128, 3)) < 1.0
