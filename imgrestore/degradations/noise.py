"""Additive noise operators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class GaussianNoise:
    """Additive white Gaussian noise; ``sigma`` on the 0..255 scale, fixed or drawn per image."""

    sigma_min: float = 25.0
    sigma_max: float = 25.0
    name: str = "gaussian"

    def sample(self, batch: int, generator: torch.Generator) -> dict[str, Any]:
        u = torch.rand(batch, generator=generator)
        return {"sigma": self.sigma_min + (self.sigma_max - self.sigma_min) * u}

    def apply(self, x: torch.Tensor, params: dict[str, Any], generator: torch.Generator) -> torch.Tensor:
        sigma = params["sigma"].to(x.device, x.dtype).view(-1, 1, 1, 1) / 255.0
        noise = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        return x + sigma * noise
