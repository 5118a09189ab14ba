"""Plug-and-play restoration of a known linear degradation with our denoiser as the prior (DPIR's HQS).

Half-quadratic splitting alternates two easy problems: the data step, the exact minimiser of
``||y - A x||^2 + alpha_k ||x - z||^2`` for the known operator A (:mod:`imgrestore.degradations.linear`),
and the prior step, our noise-level-conditional denoiser run on x at noise level sigma_k. sigma_k falls
log-evenly from ``first_sigma`` to the image's own noise level over the iterations, and
alpha_k = weight * noise^2 / sigma_k^2 (DPIR's schedule), so the early steps lean on the prior and
the last ones on the data. The denoiser goes through the tiling engine like every restorer, so memory
stays bounded by the tile; the data step works on the whole image (a few image-sized arrays).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch


class KnownOperator(Protocol):
    """What the solver needs of an operator (:mod:`imgrestore.degradations.linear`)."""

    @property
    def scale(self) -> int: ...  # output size over the damaged image's: 1, or a reduction's factor
    def extend(self, x: torch.Tensor) -> torch.Tensor: ...  # the estimate with its margin, to start from
    def crop(self, x: torch.Tensor) -> torch.Tensor: ...  # the image again
    def extended_step(self, z: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor: ...


@dataclass(frozen=True)
class PnPSettings:
    """The solver's schedule (DPIR's defaults for deblurring)."""

    iterations: int = 8
    first_sigma: float = 49.0  # the prior's noise level at the first iteration, on the 0..255 scale
    weight: float = 0.23  # DPIR's lambda: how far each data step may move from the prior's estimate
    noise_floor: float = 0.255  # a noise-free image still gets this much: the data step needs alpha > 0

    def __post_init__(self) -> None:
        if self.iterations < 1 or self.first_sigma <= 0 or self.weight <= 0 or self.noise_floor <= 0:
            raise ValueError("iterations, first_sigma, weight and noise_floor must be positive")


def schedule(noise: float, settings: PnPSettings) -> list[tuple[float, float]]:
    """(sigma_k, alpha_k) per iteration for an image with Gaussian ``noise`` (0..255)."""
    noise = max(noise, settings.noise_floor)
    last = min(noise, settings.first_sigma)
    sigmas = np.geomspace(settings.first_sigma, last, settings.iterations)
    return [(float(s), settings.weight * noise ** 2 / float(s) ** 2) for s in sigmas]


Denoiser = Callable[[np.ndarray, float], np.ndarray]  # [H, W, C] 0..1 pixels, sigma (0..255) -> pixels


def solve(damaged: np.ndarray, operator: KnownOperator, denoise: Denoiser, noise: float,
          settings: PnPSettings = PnPSettings(), start: np.ndarray | None = None) -> np.ndarray:
    """Restore [H, W, C] 0..1 ``damaged`` = A(clean) + noise of level ``noise`` (0..255) by HQS."""
    y = torch.from_numpy(np.ascontiguousarray(damaged.transpose(2, 0, 1), dtype=np.float32))[None]
    x = y if start is None else torch.from_numpy(np.ascontiguousarray(start.transpose(2, 0, 1), dtype=np.float32))[None]
    x = operator.extend(x)  # the margin is estimated with the image, so borders need no guess
    for sigma, alpha in schedule(noise, settings):
        x = operator.extended_step(x, y, alpha).clamp(0, 1)
        pixels = np.ascontiguousarray(x[0].permute(1, 2, 0).numpy(), dtype=np.float32)
        x = torch.from_numpy(np.ascontiguousarray(denoise(pixels, sigma).transpose(2, 0, 1), dtype=np.float32))[None]
    return np.ascontiguousarray(operator.crop(x)[0].permute(1, 2, 0).numpy(), dtype=np.float32)
