"""The degradation interface: draw random parameters explicitly, then apply them.

Keeping "draw" apart from "apply" lets one operator serve training (fresh draws every batch)
and reproducible corruption (a seed per file, recorded alongside the output).
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

import torch


class Degradation(Protocol):
    """A corruption operator working on batched tensors [B, C, H, W] in 0..1."""

    name: str

    def sample(self, batch: int, generator: torch.Generator) -> dict[str, Any]:
        """Draw this operator's random parameters for ``batch`` images."""

    def apply(self, x: torch.Tensor, params: dict[str, Any], generator: torch.Generator) -> torch.Tensor:
        """Degrade ``x`` with parameters from :meth:`sample`."""


def seed_for(seed: int, key: str) -> int:
    """A stable per-item seed: the same ``seed`` and ``key`` give the same number in every process."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)


def quantize(x: torch.Tensor, levels: int = 255) -> torch.Tensor:
    """Round to ``levels`` steps and clip to 0..1: what a degraded image looks like once saved to disk."""
    return torch.round(x.clamp(0, 1) * levels) / levels
