"""Our PSNR is the textbook formula; it must agree with scikit-image's reference implementation."""

from __future__ import annotations

import numpy as np
import pytest

from imgrestore.metrics import mse, psnr, ssim

skimage_metrics = pytest.importorskip("skimage.metrics", reason="scikit-image (the metrics extra) not installed")


def test_psnr_and_ssim_agree_with_scikit_image():
    rng = np.random.default_rng(0)
    clean = rng.random((32, 40, 3)).astype(np.float32)
    noisy = np.clip(clean + rng.normal(0, 0.1, clean.shape), 0, 1).astype(np.float32)
    assert psnr(noisy, clean) == pytest.approx(skimage_metrics.peak_signal_noise_ratio(clean, noisy, data_range=1.0), abs=1e-4)
    assert mse(noisy, clean) == pytest.approx(skimage_metrics.mean_squared_error(clean, noisy), rel=1e-6)
    assert 0 < ssim(noisy, clean) < 1


def test_psnr_on_8bit_scale_is_the_same():
    a = np.array([[[10], [200]]], np.float32)
    b = np.array([[[12], [190]]], np.float32)
    expected = 10 * np.log10(255**2 / np.mean((a - b) ** 2))
    assert psnr(a / 255, b / 255) == pytest.approx(expected, abs=1e-4)
