"""Image quality metrics, with the data-range convention in one place.

PSNR is computed on 0..1 floats (data range 1, identical to data range 255 on 8-bit values).
SSIM comes from scikit-image (an optional extra: ``pip install imgrestore[metrics]``), the
reference implementation most papers and the benchmark protocol use.
"""

from __future__ import annotations

import numpy as np


def mse(restored: np.ndarray, clean: np.ndarray) -> float:
    """Mean squared error of two float arrays in 0..1."""
    diff = np.asarray(restored, np.float64) - np.asarray(clean, np.float64)
    return float(np.mean(diff * diff))


def psnr(restored: np.ndarray, clean: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for 0..1 floats (data range 1)."""
    error = mse(restored, clean)
    return float("inf") if error == 0 else float(10 * np.log10(1.0 / error))


def luma(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma of [H, W, 3] 0..1 RGB on the 0..1 scale of 0..255 values: MATLAB's ``rgb2ycbcr`` Y
    (16..235, not rounded) over 255, the Y that super-resolution and JPEG papers score."""
    x = np.asarray(rgb, np.float64)
    return (16 + 65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]) / 255


def psnr_y(restored: np.ndarray, clean: np.ndarray) -> float:
    """PSNR of the BT.601 luma (:func:`luma`) of two [H, W, 3] 0..1 RGB images."""
    return psnr(luma(restored), luma(clean))


def ssim(restored: np.ndarray, clean: np.ndarray) -> float:
    """Structural similarity of [H, W, C] 0..1 images (scikit-image, Gaussian-free 7x7 defaults)."""
    try:
        from skimage.metrics import structural_similarity
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("SSIM needs scikit-image: pip install 'imgrestore[metrics]'") from exc
    a = np.asarray(restored, np.float64)
    b = np.asarray(clean, np.float64)
    return float(structural_similarity(a, b, data_range=1.0, channel_axis=2 if a.ndim == 3 else None))


def ssim_available() -> bool:
    """Whether the optional SSIM dependency (scikit-image) is installed."""
    try:
        import skimage.metrics  # noqa: F401
    except ImportError:
        return False
    return True
