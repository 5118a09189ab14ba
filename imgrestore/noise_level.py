"""Blind estimate of the Gaussian noise level of an image."""

from __future__ import annotations

import numpy as np


def estimate_sigma(pixels: np.ndarray) -> float:
    """Noise sigma on the 0..255 scale from the finest diagonal Haar wavelet band.

    Donoho's robust estimator: the diagonal detail of natural images is mostly noise, and the
    median absolute value of Gaussian noise is 0.6745 sigma. Averaged over channels.
    """
    sigmas = []
    for c in range(pixels.shape[2]):
        x = pixels[: pixels.shape[0] // 2 * 2, : pixels.shape[1] // 2 * 2, c].astype(np.float64)
        hh = (x[0::2, 0::2] - x[0::2, 1::2] - x[1::2, 0::2] + x[1::2, 1::2]) / 2
        sigmas.append(np.median(np.abs(hh)) / 0.6745)
    return float(np.mean(sigmas) * 255)


def blind_sigma(pixels: np.ndarray) -> float:
    """The noise level a noise-level model is given when the user names none (``--sigma auto``)."""
    return estimate_sigma(pixels)
