"""Classical baselines for `imgrestore eval`, behind the same interface as a model.

A method maps a list of float32 [H, W, C] 0..1 images to restored images of the same shape.
Non-local means and BM3D need a noise level: given ``levels`` (``eval --sigma true|N``) they use
them, else the blind estimate of each image (:func:`imgrestore.noise_level.blind_sigma`, what
``--sigma auto`` gives our models), as a user without the true sigma would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from imgrestore.errors import UsageError
from imgrestore.noise_level import blind_sigma

# h = NLM_H_PER_SIGMA * sigma: benchmarks/denoise_val.py found the best h of cv2.fastNlMeansDenoising
# on the colour val images at 14 / 23 / 40 for sigma 15 / 25 / 50 (ratios 0.93 / 0.92 / 0.80).
NLM_H_PER_SIGMA = 0.88


class Method(Protocol):
    name: str

    def restore(self, images: list[np.ndarray], levels: list[float] | None = None) -> list[np.ndarray]:
        """Restore float32 [H, W, C] 0..1 images; ``levels``: known noise sigma (0..255) per image."""


def _level(images: list[np.ndarray], levels: list[float] | None, index: int) -> float:
    return levels[index] if levels is not None else blind_sigma(images[index])


@dataclass
class Identity:
    """The degraded input itself: the floor every method must beat."""

    name: str = "identity"

    def restore(self, images: list[np.ndarray], levels: list[float] | None = None) -> list[np.ndarray]:
        return [image.copy() for image in images]


@dataclass
class NonLocalMeans:
    """OpenCV non-local means on the whole array (stronger on colour than the 'Colored' variant)."""

    name: str = "nlm"

    def restore(self, images: list[np.ndarray], levels: list[float] | None = None) -> list[np.ndarray]:
        out = []
        for index, image in enumerate(images):
            h = max(1.0, NLM_H_PER_SIGMA * _level(images, levels, index))
            array = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
            source = array[:, :, 0] if array.shape[2] == 1 else array
            restored = cv2.fastNlMeansDenoising(np.ascontiguousarray(source), None, h=h, templateWindowSize=7,
                                                searchWindowSize=21)
            out.append(restored.reshape(image.shape).astype(np.float32) / 255)
        return out


@dataclass
class BM3D:
    """BM3D from the optional ``bm3d`` package (``pip install imgrestore[bm3d]``)."""

    name: str = "bm3d"

    def __post_init__(self) -> None:
        try:
            import bm3d  # noqa: F401
        except ImportError:
            raise UsageError("--baseline bm3d needs the bm3d package: pip install 'imgrestore[bm3d]'") from None

    def restore(self, images: list[np.ndarray], levels: list[float] | None = None) -> list[np.ndarray]:
        import bm3d

        out = []
        for index, image in enumerate(images):
            sigma = _level(images, levels, index) / 255
            if image.shape[2] == 3:
                restored = bm3d.bm3d_rgb(image.astype(np.float64), sigma)
            else:
                restored = bm3d.bm3d(image[:, :, 0].astype(np.float64), sigma)[:, :, None]
            out.append(np.clip(restored, 0, 1).astype(np.float32).reshape(image.shape))
        return out


BASELINES = {"identity": Identity, "nlm": NonLocalMeans, "bm3d": BM3D}


def make_baseline(name: str) -> Method:
    """A baseline by name; unknown names are a usage error listing the known ones."""
    try:
        return BASELINES[name.lower()]()
    except KeyError:
        raise UsageError(f"unknown baseline '{name}' (known: {', '.join(BASELINES)})") from None
