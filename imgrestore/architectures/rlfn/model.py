"""RLFN-style efficient super-resolution (Kong et al. 2022, "Residual Local Feature Network", the NTIRE
2022 efficient-SR winner), written for imgrestore.

All the work happens at the low resolution: a 3x3 head, ``blocks`` residual local feature blocks
(three 3x3 convolutions with LeakyReLU and a skip, a 1x1 fusion, then spatial attention: a
cheap max-pooled branch that gates each pixel, stride 1 here so that tiles match the whole image), a 3x3 body tail with a long skip, and
a pixel-shuffle upsampler at the end. With ``anchor`` the low-resolution input itself, each pixel
repeated ``scale`` x ``scale`` times, is added before the shuffle (ABPN's anchor), so the network
starts out as nearest-neighbour upscaling and only learns the missing detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class RLFNConfig:
    """Hyper-parameters of :class:`RLFN`."""

    channels: int = 3
    scale: int = 2
    features: int = 48
    blocks: int = 6
    attention: int = 16  # channels of the spatial-attention branch
    anchor: bool = True

    def __post_init__(self) -> None:
        if self.scale not in (2, 3, 4):
            raise ValueError(f"scale must be 2, 3 or 4, not {self.scale}")
        if self.features < 1 or self.blocks < 1 or self.attention < 1:
            raise ValueError("features, blocks and attention must be positive")


class SpatialAttention(nn.Module):
    """A sigmoid gate per pixel and channel from a wider view: 1x1 reduction, 3x3, 7x7 max-pool, 3x3, 1x1.

    RLFN's enhanced spatial attention pools with strides (3x3/2 convolution, 7x7/3 max-pool) and
    interpolates back, which ties the result to where the pooling grid falls: a tile and the whole image
    then disagree however much they overlap. Every step here has stride 1, so the network is
    translation-equivariant and a tiled result equals the whole-image one once tiles overlap by its
    receptive field (checked by the tiling tests)."""

    def __init__(self, features: int, width: int) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(features, width, 1)
        self.before_pool = nn.Conv2d(width, width, 3, padding=1)
        self.after_pool = nn.Conv2d(width, width, 3, padding=1)
        self.expand = nn.Conv2d(width, features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        reduced = self.reduce(x)
        # a 7x7 max is a 7x1 max of 1x7 maxima: the same values for 14 comparisons instead of 49
        pooled = F.max_pool2d(self.before_pool(reduced), kernel_size=(1, 7), stride=1, padding=(0, 3))
        pooled = F.max_pool2d(pooled, kernel_size=(7, 1), stride=1, padding=(3, 0))
        return x * torch.sigmoid(self.expand(self.after_pool(pooled) + reduced))


class LocalFeatureBlock(nn.Module):
    """Three 3x3 convolutions with LeakyReLU(0.05) and a skip, a 1x1 fusion, spatial attention."""

    def __init__(self, features: int, attention: int) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(features, features, 3, padding=1) for _ in range(3))
        self.fuse = nn.Conv2d(features, features, 1)
        self.attention = SpatialAttention(features, attention)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        for conv in self.convs:
            out = F.leaky_relu(conv(out), 0.05, inplace=True)  # in place: a conv output nobody else holds
        return self.attention(self.fuse(out + x))


class RLFN(nn.Module):
    """``forward(x)``: x [B, C, H, W] in 0..1 -> [B, C, scale*H, scale*W]."""

    def __init__(self, config: RLFNConfig) -> None:
        super().__init__()
        self.config = config
        c, f, s = config.channels, config.features, config.scale
        self.head = nn.Conv2d(c, f, 3, padding=1)
        self.blocks = nn.Sequential(*(LocalFeatureBlock(f, config.attention) for _ in range(config.blocks)))
        self.body_tail = nn.Conv2d(f, f, 3, padding=1)
        self.upsample = nn.Conv2d(f, c * s * s, 3, padding=1)
        if config.anchor:  # start from the anchor alone: nearest-neighbour upscaling
            nn.init.zeros_(self.upsample.weight)
            nn.init.zeros_(self.upsample.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.head(x)
        features = self.body_tail(self.blocks(features)) + features
        detail = self.upsample(features)
        if self.config.anchor:
            detail = detail + x.repeat_interleave(self.config.scale ** 2, dim=1)
        return F.pixel_shuffle(detail, self.config.scale)
