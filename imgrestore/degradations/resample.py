"""Downsampling: fewer pixels, optionally brought back to the original size (ResGAN's "coarse" input)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from imgrestore.degradations.base import Operator, Params, check, operator, setting

_MODES = ("area", "bicubic", "bilinear", "nearest")


@operator
@dataclass(frozen=True)
class Downsample(Operator):
    """Reduce the size by ``factor`` (28 -> 7 for factor 4); with ``back=true`` scale up again to the original size."""

    name = "downsample"
    factor: int = setting(4, "integer reduction factor")
    mode: str = setting("area", "area | bicubic | bilinear | nearest (reduction)")
    back: bool = setting(False, "bring the result back to the original size")
    back_mode: str = setting("bicubic", "area | bicubic | bilinear | nearest (enlargement, with back=true)")

    def __post_init__(self) -> None:
        check(self.factor >= 1, self.name, "factor must be >= 1")
        check(self.mode in _MODES and self.back_mode in _MODES, self.name, f"modes are {', '.join(_MODES)}")

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        h, w = x.shape[-2:]
        size = (max(1, h // self.factor), max(1, w // self.factor))
        small = _resize(x, size, self.mode)
        return _resize(small, (h, w), self.back_mode).clamp(0, 1) if self.back else small.clamp(0, 1)


def _resize(x: torch.Tensor, size: tuple[int, int], mode: str) -> torch.Tensor:
    if mode in ("bicubic", "bilinear"):
        return F.interpolate(x, size=size, mode=mode, align_corners=False, antialias=x.shape[-1] > size[1])
    return F.interpolate(x, size=size, mode=mode)
