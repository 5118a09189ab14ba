"""Layer stacks shared by several architectures."""

from __future__ import annotations

from torch import nn


def strided_critic(channels: int, width: int) -> nn.Sequential:
    """The feature stack of the DCGAN-style discriminators: two stride-2 4x4 convolutions (width, 2 x width)
    with LeakyReLU 0.2 and BatchNorm on the second, flattened, dropout 0.3 (S x S in -> 2 x width x S/4 x S/4 out)."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.2, inplace=True), nn.Flatten(), nn.Dropout(0.3),
    )
