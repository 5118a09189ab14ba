"""SRVGGNetCompact (Real-ESRGAN's compact models: realesr-general-x4v3, realesr-animevideov3), written to
load the community's weights unchanged.

A plain stack of 3x3 convolutions with PReLU at the input resolution; the last one predicts
``scale`` x ``scale`` sub-pixels per channel (pixel shuffle), added to the nearest-neighbour
enlargement of the input. Tensor names follow the upstream ``body.N`` sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class SRVGGConfig:
    """Hyper-parameters of :class:`SRVGGNetCompact`; realesr-general-x4v3 is (3, 4, 64, 32)."""

    channels: int = 3
    scale: int = 4
    features: int = 64
    convs: int = 32  # 3x3 convolutions between the first and the last


class SRVGGNetCompact(nn.Module):
    """``forward(x)``: [B, C, H, W] in 0..1 -> [B, C, scale*H, scale*W]."""

    def __init__(self, config: SRVGGConfig) -> None:
        super().__init__()
        self.config = config
        f = config.features
        layers: list[nn.Module] = [nn.Conv2d(config.channels, f, 3, padding=1), nn.PReLU(f)]
        for _ in range(config.convs):
            layers += [nn.Conv2d(f, f, 3, padding=1), nn.PReLU(f)]
        layers.append(nn.Conv2d(f, config.channels * config.scale ** 2, 3, padding=1))
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        detail = F.pixel_shuffle(self.body(x), self.config.scale)
        return detail + F.interpolate(x, scale_factor=self.config.scale, mode="nearest")
