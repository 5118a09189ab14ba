"""Gray <-> colour for pixels: BT.601 luma one way, a replicated plane the other."""

from __future__ import annotations

import numpy as np

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def to_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """Convert [H, W, C] pixels to 1 (BT.601 luma) or 3 (replicated gray) channels."""
    if pixels.shape[2] == channels:
        return pixels
    if channels == 1:
        return (pixels @ _LUMA)[:, :, None].astype(np.float32)
    return np.repeat(pixels, 3, axis=2)
