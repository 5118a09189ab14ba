"""Sharpening post-filter of the denoising-autoencoder paper."""

from __future__ import annotations

import cv2
import numpy as np

# The paper's 3x3 high-pass sharpening kernel: the identity plus a negative Laplacian.
SHARPEN_KERNEL = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32)


def sharpen(pixels: np.ndarray, amount: float = 1.0) -> np.ndarray:
    """Blend the sharpened image in: ``(1 - amount) * x + amount * (K * x)``, clipped to 0..1.

    ``pixels`` is float32 [H, W, C] in 0..1; borders are mirrored so edges do not darken.
    """
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"sharpen amount must be in [0, 1], got {amount}")
    if amount == 0:
        return pixels
    filtered = cv2.filter2D(pixels, -1, SHARPEN_KERNEL, borderType=cv2.BORDER_REFLECT_101)
    filtered = filtered.reshape(pixels.shape)
    return np.clip(pixels + amount * (filtered - pixels), 0.0, 1.0).astype(np.float32)
