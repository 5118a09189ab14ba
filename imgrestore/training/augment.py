"""Small random geometric distortions of training crops that keep a digit the same digit.

Simard et al. (2003) trained on MNIST with small affine and elastic distortions in place of more data; a
digit rotated by a few degrees, scaled a little or gently warped is still a digit of its class, which a
flip is not. ``distort`` draws both per image from an explicit generator (so a resumed run redraws the
same ones) and resamples with bicubic interpolation (sharper than bilinear: the targets stay as crisp as the test digits); pixels pulled from outside the crop are zero, the
background of a digit.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

MAX_ROTATION = 8.0  # degrees at strength 1
MAX_SCALE = 0.08  # relative, at strength 1
MAX_SHEAR = 0.08
ELASTIC_PIXELS = 0.8  # standard deviation of the smoothed displacement at strength 1, in pixels
ELASTIC_SMOOTHNESS = 4.0  # Gaussian sigma of the displacement field, in pixels


def _uniform(batch: int, bound: float, generator: torch.Generator) -> torch.Tensor:
    return (torch.rand(batch, generator=generator, dtype=torch.float64) * 2 - 1) * bound


def _affine(batch: int, strength: float, generator: torch.Generator) -> torch.Tensor:
    """[B, 2, 3] matrices for ``F.affine_grid``: rotation, isotropic scale and shear about the centre."""
    angle = _uniform(batch, math.radians(MAX_ROTATION) * strength, generator)
    scale = 1 + _uniform(batch, MAX_SCALE * strength, generator)
    shear = _uniform(batch, MAX_SHEAR * strength, generator)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(batch, 2, 3, dtype=torch.float64)
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin + shear * cos
    theta[:, 1, 0], theta[:, 1, 1] = sin, cos + shear * sin
    return theta.float()


def _smooth(field: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of [B, 2, H, W] displacement fields (zero padding)."""
    radius = max(1, int(3 * sigma))
    taps = torch.arange(-radius, radius + 1, dtype=field.dtype)
    kernel = torch.exp(-0.5 * (taps / sigma) ** 2)
    kernel = kernel / kernel.sum()
    channels = field.shape[1]
    field = F.conv2d(field, kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1), padding=(0, radius), groups=channels)
    return F.conv2d(field, kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1), padding=(radius, 0), groups=channels)


def _elastic(batch: int, height: int, width: int, strength: float, generator: torch.Generator) -> torch.Tensor:
    """[B, H, W, 2] displacements in ``grid_sample``'s -1..1 units: smoothed noise with a fixed pixel std."""
    noise = torch.randn(batch, 2, height, width, generator=generator)
    field = _smooth(noise, ELASTIC_SMOOTHNESS)
    field = field / field.flatten(1).std(dim=1).clamp(min=1e-8).view(-1, 1, 1, 1) * ELASTIC_PIXELS * strength
    scale = torch.tensor([2 / width, 2 / height]).view(1, 2, 1, 1)  # pixels -> normalised coordinates
    return (field * scale).permute(0, 2, 3, 1)


def distort(images: torch.Tensor, strength: float, generator: torch.Generator) -> torch.Tensor:
    """[B, C, H, W] images, each rotated, scaled, sheared and elastically warped by amounts drawn up to
    ``strength`` (1: up to 8 degrees, 8 % scale, 0.08 shear, a 0.8 px smooth warp); 0 returns them as they are."""
    if strength <= 0:
        return images
    batch, _, height, width = images.shape
    grid = F.affine_grid(_affine(batch, strength, generator), list(images.shape), align_corners=False)
    grid = grid + _elastic(batch, height, width, strength, generator)
    return F.grid_sample(images, grid.to(images.dtype), mode="bicubic", padding_mode="zeros",
                         align_corners=False).clamp(0, 1)
