"""The paper's sharpening kernel."""

from __future__ import annotations

import numpy as np
import pytest

from imgrestore.postfilter import sharpen


def test_flat_image_is_unchanged():
    flat = np.full((10, 10, 3), 0.4, np.float32)
    np.testing.assert_allclose(sharpen(flat), flat, atol=1e-6)


def test_kernel_values_at_a_single_bright_pixel():
    x = np.full((5, 5, 1), 0.2, np.float32)
    x[2, 2] = 0.3
    y = sharpen(x)[:, :, 0]
    assert y[2, 2] == pytest.approx(5 * 0.3 - 4 * 0.2)  # centre 5, four neighbours -1
    assert y[1, 2] == pytest.approx(5 * 0.2 - 0.3 - 3 * 0.2)
    assert y[1, 1] == pytest.approx(0.2)  # diagonal neighbours are not in the kernel


def test_amount_blends_linearly():
    x = np.random.default_rng(0).uniform(0.45, 0.55, (8, 8, 3))  # no clipping.astype(np.float32)
    full, half = sharpen(x, 1.0), sharpen(x, 0.5)
    np.testing.assert_allclose(half, (x + full) / 2, atol=1e-5)
    np.testing.assert_array_equal(sharpen(x, 0.0), x)


def test_amount_out_of_range_is_refused():
    with pytest.raises(ValueError):
        sharpen(np.zeros((4, 4, 1), np.float32), 1.5)
