"""Masking operators: blank out regions (1 in the mask = missing pixel).

The mask is drawn in ``sample`` (it is a random parameter like any other), so ``corrupt
--save-masks`` can write exactly the mask that was applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from imgrestore.degradations.base import Operator, Params, check, operator, setting, uniform
from imgrestore.errors import SpecError


@dataclass(frozen=True)
class _Mask(Operator):
    makes_mask = True
    fill: float = setting(0.0, "value written into masked pixels (0 = black, 1 = white)")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        """Masks [B, 1, H, W] of 0/1 floats."""
        raise NotImplementedError

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        b, _, h, w = x.shape
        return {"mask": self.draw(b, h, w, generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        mask = params["mask"].to(x)
        return x * (1 - mask) + self.fill * mask


@operator
@dataclass(frozen=True)
class LowerHalfMask(_Mask):
    """Blank the lower rows: the lower 14 of 28 rows of an MNIST digit (the CNN-LSTM paper), any height."""

    name = "mask:lower-half"
    fraction: float = setting(0.5, "share of the rows blanked, from the bottom")

    def __post_init__(self) -> None:
        check(0 <= self.fraction <= 1, self.name, "fraction must be within 0..1")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        mask = torch.zeros(batch, 1, height, width)
        mask[:, :, height - round(height * self.fraction):, :] = 1
        return mask


@operator
@dataclass(frozen=True)
class RectangleMask(_Mask):
    """Blank one rectangle given as fractions of the image size (default: the centred half)."""

    name = "mask:rect"
    x: float = setting(0.25, "left edge, fraction of the width")
    y: float = setting(0.25, "top edge, fraction of the height")
    w: float = setting(0.5, "width, fraction of the width")
    h: float = setting(0.5, "height, fraction of the height")

    def __post_init__(self) -> None:
        check(all(0 <= v <= 1 for v in (self.x, self.y, self.w, self.h)), self.name, "x, y, w, h are fractions in 0..1")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        mask = torch.zeros(batch, 1, height, width)
        top, left = round(self.y * height), round(self.x * width)
        mask[:, :, top:top + round(self.h * height), left:left + round(self.w * width)] = 1
        return mask


@operator
@dataclass(frozen=True)
class RandomBoxesMask(_Mask):
    """Blank ``count`` boxes of random position, each side a random fraction ``size`` of the image side."""

    name = "mask:boxes"
    count: tuple[float, float] = setting((3.0, 3.0), "number of boxes, or a range drawn per image")
    size: tuple[float, float] = setting((0.1, 0.3), "box side as a fraction of the image side, range")

    def __post_init__(self) -> None:
        check(0 <= self.count[0] <= self.count[1], self.name, "count must satisfy 0 <= lo <= hi")
        check(0 < self.size[0] <= self.size[1] <= 1, self.name, "size must be fractions 0 < lo <= hi <= 1")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        mask = torch.zeros(batch, 1, height, width)
        counts = torch.round(uniform(*self.count, batch, generator)).long().tolist()
        for i, count in enumerate(counts):
            for _ in range(count):
                bh = max(1, round(float(uniform(*self.size, 1, generator)) * height))
                bw = max(1, round(float(uniform(*self.size, 1, generator)) * width))
                top = int(torch.randint(height - bh + 1, (1,), generator=generator))
                left = int(torch.randint(width - bw + 1, (1,), generator=generator))
                mask[i, :, top:top + bh, left:left + bw] = 1
        return mask


@operator
@dataclass(frozen=True)
class StrokesMask(_Mask):
    """Blank random free-form brush strokes (polylines of random turns), like hand-drawn scribbles."""

    name = "mask:strokes"
    count: tuple[float, float] = setting((2.0, 4.0), "number of strokes, or a range drawn per image")
    width: tuple[float, float] = setting((0.03, 0.08), "brush width as a fraction of the short side, range")
    segments: int = setting(6, "segments per stroke")

    def __post_init__(self) -> None:
        check(0 <= self.count[0] <= self.count[1], self.name, "count must satisfy 0 <= lo <= hi")
        check(0 < self.width[0] <= self.width[1] <= 1, self.name, "width must be fractions 0 < lo <= hi <= 1")
        check(self.segments >= 1, self.name, "segments must be >= 1")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        masks = []
        short = min(height, width)
        for count in torch.round(uniform(*self.count, batch, generator)).long().tolist():
            canvas = np.zeros((height, width), np.uint8)
            for _ in range(count):
                thickness = max(1, round(float(uniform(*self.width, 1, generator)) * short))
                x, y = float(torch.rand(1, generator=generator)) * width, float(torch.rand(1, generator=generator)) * height
                angle = float(torch.rand(1, generator=generator)) * 2 * math.pi
                for _ in range(self.segments):
                    angle += float(torch.rand(1, generator=generator) - 0.5) * math.pi / 1.5
                    step = (0.05 + 0.15 * float(torch.rand(1, generator=generator))) * short
                    nx = min(max(x + step * math.cos(angle), 0), width - 1)
                    ny = min(max(y + step * math.sin(angle), 0), height - 1)
                    cv2.line(canvas, (round(x), round(y)), (round(nx), round(ny)), 1, thickness)
                    x, y = nx, ny
            masks.append(torch.from_numpy(canvas.astype(np.float32)))
        return torch.stack(masks)[:, None]


def _draw(low: float, high: float, generator: torch.Generator) -> float:
    return float(uniform(low, high, 1, generator))


def _until_covered(height: int, width: int, coverage: float, draw_one, limit: int = 10_000) -> np.ndarray:
    """A uint8 canvas on which ``draw_one(canvas)`` adds shapes until ``coverage`` of the pixels are set."""
    canvas = np.zeros((height, width), np.uint8)
    for _ in range(limit):
        if canvas.mean() >= coverage:
            break
        draw_one(canvas)
    return canvas


@operator
@dataclass(frozen=True)
class ScratchesMask(_Mask):
    """Blank scratch-like strokes sized in pixels, added until a drawn share of the image is covered:
    the same marks on a training crop and on a whole photo (the scratches of ../shared/TASKS.md)."""

    name = "mask:scratches"
    coverage: tuple[float, float] = setting((0.05, 0.15), "share of the pixels covered, range drawn per image")
    thickness: tuple[float, float] = setting((3.0, 9.0), "line thickness in pixels, range")
    length: tuple[float, float] = setting((20.0, 80.0), "segment length in pixels, range")
    segments: tuple[float, float] = setting((4.0, 8.0), "segments per stroke, range")

    def __post_init__(self) -> None:
        check(0 < self.coverage[0] <= self.coverage[1] < 1, self.name, "coverage must satisfy 0 < lo <= hi < 1")
        check(1 <= self.thickness[0] <= self.thickness[1], self.name, "thickness must satisfy 1 <= lo <= hi")
        check(1 <= self.length[0] <= self.length[1], self.name, "length must satisfy 1 <= lo <= hi")
        check(1 <= self.segments[0] <= self.segments[1], self.name, "segments must satisfy 1 <= lo <= hi")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        def stroke(canvas: np.ndarray) -> None:
            thickness = round(_draw(*self.thickness, generator))
            x, y = _draw(0, width - 1, generator), _draw(0, height - 1, generator)
            angle = _draw(0, 2 * math.pi, generator)
            for _ in range(round(_draw(*self.segments, generator))):
                angle += _draw(-math.pi / 3, math.pi / 3, generator)
                step = _draw(*self.length, generator)
                nx = min(max(x + step * math.cos(angle), 0), width - 1)
                ny = min(max(y + step * math.sin(angle), 0), height - 1)
                cv2.line(canvas, (round(x), round(y)), (round(nx), round(ny)), 1, thickness)
                x, y = nx, ny

        return torch.stack([torch.from_numpy(_until_covered(height, width, _draw(*self.coverage, generator), stroke)
                                             .astype(np.float32)) for _ in range(batch)])[:, None]


@operator
@dataclass(frozen=True)
class HolesMask(_Mask):
    """Blank boxes sized in pixels (lost patches, tape, stamps), added until a drawn share of the image
    is covered (the boxes of ../shared/TASKS.md)."""

    name = "mask:holes"
    coverage: tuple[float, float] = setting((0.02, 0.08), "share of the pixels covered, range drawn per image")
    side: tuple[float, float] = setting((24.0, 64.0), "box side in pixels, range")

    def __post_init__(self) -> None:
        check(0 < self.coverage[0] <= self.coverage[1] < 1, self.name, "coverage must satisfy 0 < lo <= hi < 1")
        check(1 <= self.side[0] <= self.side[1], self.name, "side must satisfy 1 <= lo <= hi")

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        def box(canvas: np.ndarray) -> None:
            bh, bw = (min(round(_draw(*self.side, generator)), n) for n in (height, width))
            top, left = round(_draw(0, height - bh, generator)), round(_draw(0, width - bw, generator))
            canvas[top:top + bh, left:left + bw] = 1

        return torch.stack([torch.from_numpy(_until_covered(height, width, _draw(*self.coverage, generator), box)
                                             .astype(np.float32)) for _ in range(batch)])[:, None]


@operator
@dataclass(frozen=True)
class FolderMask(_Mask):
    """Blank where a mask image (white = missing) picked at random from ``path`` says, resized to fit."""

    name = "mask:folder"
    path: str = setting("", "folder of mask images (PNG/JPEG/...; white or non-zero = missing)")

    def __post_init__(self) -> None:
        check(bool(self.path) and Path(self.path).is_dir(), self.name, f"path '{self.path}' is not a folder")

    def files(self) -> list[Path]:
        from imgrestore.io.image import EXTENSIONS

        files = sorted(p for p in Path(self.path).iterdir() if p.suffix.lower() in EXTENSIONS)
        if not files:
            raise SpecError(f"{self.name}: no mask images in {self.path}")
        return files

    def draw(self, batch: int, height: int, width: int, generator: torch.Generator) -> torch.Tensor:
        from imgrestore.io.image import read_image

        files = self.files()
        masks = []
        for index in torch.randint(len(files), (batch,), generator=generator).tolist():
            pixels = read_image(files[index]).pixels.mean(axis=2)
            resized = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_NEAREST)
            masks.append(torch.from_numpy((resized > 0.5).astype(np.float32)))
        return torch.stack(masks)[:, None]
