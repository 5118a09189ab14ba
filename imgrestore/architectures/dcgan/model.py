"""DCGAN generator and discriminator for small square images (28x28 digits by default).

The generator maps a latent code z ~ N(0, I) to an image in 0..1: a linear layer to a 7x7 map,
then two stride-2 transposed convolutions with BatchNorm and ReLU, sigmoid out. The
discriminator mirrors it with strided convolutions and LeakyReLU. The generative encoder
(``generative_encoder``) searches this generator's latent space to restore images.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from imgrestore.architectures.blocks import strided_critic


@dataclass(frozen=True)
class DCGANConfig:
    """Hyper-parameters of :class:`DCGANGenerator` and its training discriminator."""

    channels: int = 1
    image_size: int = 28
    z_dim: int = 32
    width: int = 64
    disc_width: int = 64


class DCGANGenerator(nn.Module):
    """z [B, z_dim] -> image [B, C, S, S] in 0..1 (S divisible by 4)."""

    def __init__(self, config: DCGANConfig) -> None:
        super().__init__()
        self.config = config
        w, side = config.width, config.image_size // 4
        self.project = nn.Sequential(nn.Linear(config.z_dim, 2 * w * side * side, bias=False),
                                     nn.BatchNorm1d(2 * w * side * side), nn.ReLU(inplace=True))
        self.body = nn.Sequential(
            nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(w, config.channels, 4, stride=2, padding=1),
        )
        self.side = side

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).reshape(z.shape[0], -1, self.side, self.side)
        return torch.sigmoid(self.body(h))


class DCGANDiscriminator(nn.Module):
    """Image -> real/fake logit [B]."""

    def __init__(self, config: DCGANConfig) -> None:
        super().__init__()
        self.features = strided_critic(config.channels, config.disc_width)
        self.real_fake = nn.Linear(2 * config.disc_width * (config.image_size // 4) ** 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.real_fake(self.features(x))[:, 0]
