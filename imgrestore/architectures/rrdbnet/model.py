"""RRDBNet (ESRGAN, Wang et al. 2018; Real-ESRGAN 2021), written to load the community's weights unchanged.

Residual-in-residual dense blocks at the input resolution, then two nearest-neighbour x2 steps, each
followed by a 3x3 convolution. The x2 and x1 models of Real-ESRGAN fold the image into sub-images first
(pixel unshuffle by 2 or 4) and so work at a quarter or a sixteenth of the pixels. Tensor names and
shapes follow the upstream module (``conv_first``, ``body.N.rdbK.convJ``, ``conv_body``, ``conv_up1``,
``conv_up2``, ``conv_hr``, ``conv_last``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class RRDBNetConfig:
    """Hyper-parameters of :class:`RRDBNet`; Real-ESRGAN x4plus is (3, 4, 64, 23, 32)."""

    channels: int = 3
    scale: int = 4
    features: int = 64
    blocks: int = 23
    growth: int = 32

    def __post_init__(self) -> None:
        if self.scale not in (1, 2, 4):
            raise ValueError(f"scale must be 1, 2 or 4, not {self.scale}")

    @property
    def unshuffle(self) -> int:
        """The sub-image factor before the body: x4 works on the image, x2 on 2x2 and x1 on 4x4 sub-images."""
        return 4 // self.scale


class DenseBlock(nn.Module):
    """Five 3x3 convolutions, each seeing all earlier outputs; scaled by 0.2 onto the input."""

    def __init__(self, features: int, growth: int) -> None:
        super().__init__()
        for index in range(1, 6):
            out = features if index == 5 else growth
            setattr(self, f"conv{index}", nn.Conv2d(features + (index - 1) * growth, out, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        seen = [x]
        for index in range(1, 5):
            seen.append(F.leaky_relu(getattr(self, f"conv{index}")(torch.cat(seen, 1)), 0.2))
        return self.conv5(torch.cat(seen, 1)) * 0.2 + x


class RRDB(nn.Module):
    """Three dense blocks with a scaled residual around them."""

    def __init__(self, features: int, growth: int) -> None:
        super().__init__()
        self.rdb1, self.rdb2, self.rdb3 = (DenseBlock(features, growth) for _ in range(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.rdb3(self.rdb2(self.rdb1(x))) * 0.2 + x


class RRDBNet(nn.Module):
    """``forward(x)``: [B, C, H, W] in 0..1 -> [B, C, scale*H, scale*W] (H, W multiples of the unshuffle)."""

    def __init__(self, config: RRDBNetConfig) -> None:
        super().__init__()
        self.config = config
        f = config.features
        self.conv_first = nn.Conv2d(config.channels * config.unshuffle ** 2, f, 3, padding=1)
        self.body = nn.Sequential(*(RRDB(f, config.growth) for _ in range(config.blocks)))
        self.conv_body = nn.Conv2d(f, f, 3, padding=1)
        self.conv_up1 = nn.Conv2d(f, f, 3, padding=1)
        self.conv_up2 = nn.Conv2d(f, f, 3, padding=1)
        self.conv_hr = nn.Conv2d(f, f, 3, padding=1)
        self.conv_last = nn.Conv2d(f, config.channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.unshuffle > 1:
            x = F.pixel_unshuffle(x, self.config.unshuffle)
        features = self.conv_first(x)
        features = features + self.conv_body(self.body(features))
        for conv in (self.conv_up1, self.conv_up2):
            features = F.leaky_relu(conv(F.interpolate(features, scale_factor=2, mode="nearest")), 0.2)
        return self.conv_last(F.leaky_relu(self.conv_hr(features), 0.2))
