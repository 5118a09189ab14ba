"""Training data: clean images in memory, random crops with flips/rotations, noise on the fly."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from imgrestore.errors import ImageReadError, UsageError
from imgrestore.io.discover import find_images
from imgrestore.io.image import read_image

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def to_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """Convert [H, W, C] pixels to 1 (BT.601 luma) or 3 (replicated gray) channels."""
    if pixels.shape[2] == channels:
        return pixels
    if channels == 1:
        return (pixels @ _LUMA)[:, :, None].astype(np.float32)
    return np.repeat(pixels, 3, axis=2)


def load_folder(folder: Path, channels: int, min_size: int = 0) -> list[torch.Tensor]:
    """Every image below ``folder`` as a [C, H, W] float tensor; unreadable or too-small images are skipped."""
    paths = find_images([str(folder)], recursive=True)
    if not paths:
        raise UsageError(f"{folder}: no images found")
    tensors = []
    for item in paths:
        try:
            pixels = to_channels(read_image(item.source).pixels, channels)
        except ImageReadError as exc:
            warnings.warn(f"skipping training image: {exc}", stacklevel=2)
            continue
        if min(pixels.shape[:2]) >= min_size:
            tensors.append(torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1))))
    if not tensors:
        raise UsageError(f"{folder}: no image is at least {min_size} px on its short side")
    return tensors


def dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """One of the 8 flips/rotations of the square's symmetry group, k in 0..7, on the last two axes."""
    if k >= 4:
        x = x.flip(-1)
    return torch.rot90(x, k % 4, dims=(-2, -1))


def random_crops(images: list[torch.Tensor], count: int, size: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` random ``size`` x ``size`` crops, each randomly flipped/rotated: [count, C, size, size]."""
    picks = torch.randint(len(images), (count,), generator=generator).tolist()
    crops = []
    for index in picks:
        image = images[index]
        h, w = image.shape[-2:]
        y = int(torch.randint(h - size + 1, (1,), generator=generator))
        x = int(torch.randint(w - size + 1, (1,), generator=generator))
        k = int(torch.randint(8, (1,), generator=generator))
        crops.append(dihedral(image[:, y:y + size, x:x + size], k))
    return torch.stack(crops)
