"""Blur operators: Gaussian, box and linear motion blur (the generative-encoder paper's convolutional noise).

Kernels are normalised to sum 1, so a blur keeps the mean brightness; borders are mirrored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from imgrestore.degradations.base import Operator, Params, check, operator, setting, uniform


def convolve(x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Convolve each image of ``x`` [B, C, H, W] with its own kernel [B, k, k] (odd k), mirrored borders."""
    b, c, h, w = x.shape
    k = kernels.shape[-1]
    pad = k // 2
    mode = "reflect" if pad < min(h, w) else "replicate"
    padded = F.pad(x.reshape(1, b * c, h, w), (pad, pad, pad, pad), mode=mode)
    weight = kernels.to(x).repeat_interleave(c, dim=0)[:, None]
    return F.conv2d(padded, weight, groups=b * c).reshape(b, c, h, w)


def gaussian_kernel(sigma: float, size: int = 0) -> torch.Tensor:
    """A normalised 2-D Gaussian kernel; ``size`` 0 picks 2 * ceil(3 sigma) + 1."""
    size = size or 2 * math.ceil(3 * sigma) + 1
    axis = torch.arange(size, dtype=torch.float64) - size // 2
    g = torch.exp(-(axis**2) / (2 * max(sigma, 1e-6) ** 2))
    kernel = g[:, None] * g[None, :]
    return (kernel / kernel.sum()).float()


def motion_kernel(length: float, angle_degrees: float, size: int) -> torch.Tensor:
    """A normalised line of ``length`` pixels at ``angle_degrees``, drawn with sub-pixel samples."""
    kernel = torch.zeros(size, size, dtype=torch.float64)
    centre = size // 2
    theta = math.radians(angle_degrees)
    steps = max(2, int(length * 8))
    for t in torch.linspace(-length / 2, length / 2, steps).tolist():
        x, y = centre + t * math.cos(theta), centre - t * math.sin(theta)
        x0, y0 = math.floor(x), math.floor(y)
        for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            wx = 1 - abs(x - (x0 + dx))
            wy = 1 - abs(y - (y0 + dy))
            if 0 <= x0 + dx < size and 0 <= y0 + dy < size and wx > 0 and wy > 0:
                kernel[y0 + dy, x0 + dx] += wx * wy
    return (kernel / kernel.sum()).float()


@operator
@dataclass(frozen=True)
class GaussianBlur(Operator):
    """Gaussian blur with standard deviation ``sigma`` in pixels (a range is drawn per image)."""

    name = "gaussian-blur"
    sigma: tuple[float, float] = setting((1.5, 1.5), "standard deviation in pixels, or a range drawn per image")

    def __post_init__(self) -> None:
        check(0 < self.sigma[0] <= self.sigma[1], self.name, "sigma must satisfy 0 < lo <= hi")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"sigma": uniform(*self.sigma, x.shape[0], generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        size = 2 * math.ceil(3 * float(params["sigma"].max())) + 1
        return convolve(x, torch.stack([gaussian_kernel(float(s), size) for s in params["sigma"]]))


@operator
@dataclass(frozen=True)
class BoxBlur(Operator):
    """Box (moving average) blur over a ``size`` x ``size`` square."""

    name = "box-blur"
    size: int = setting(5, "side of the square in pixels (odd)")

    def __post_init__(self) -> None:
        check(self.size >= 1 and self.size % 2 == 1, self.name, "size must be an odd number >= 1")

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        kernel = torch.full((self.size, self.size), 1.0 / self.size**2)
        return convolve(x, kernel.expand(x.shape[0], -1, -1))


@operator
@dataclass(frozen=True)
class MotionBlur(Operator):
    """Linear motion blur: a straight streak of ``length`` pixels at ``angle`` degrees (ranges drawn per image)."""

    name = "motion-blur"
    length: tuple[float, float] = setting((9.0, 9.0), "streak length in pixels, or a range")
    angle: tuple[float, float] = setting((0.0, 180.0), "direction in degrees, or a range drawn per image")

    def __post_init__(self) -> None:
        check(1 <= self.length[0] <= self.length[1], self.name, "length must satisfy 1 <= lo <= hi")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        batch = x.shape[0]
        return {"length": uniform(*self.length, batch, generator), "angle": uniform(*self.angle, batch, generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        size = 2 * math.ceil(float(params["length"].max()) / 2) + 3
        kernels = [motion_kernel(float(n), float(a), size) for n, a in zip(params["length"], params["angle"])]
        return convolve(x, torch.stack(kernels))
