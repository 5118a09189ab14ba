"""Convolutional denoising autoencoder (Bernier & Lucio, "Image Denoising Using Autoencoders").

The paper's encoder is a stack of 3x3 stride-2 convolutions (32 then 64 filters), each followed
by LeakyReLU and BatchNorm, a dense latent of 16 units, a mirrored ConvTranspose decoder and a last
3x3 ConvTranspose back to the image depth. Set ``latent_dim=None`` and the dense latent is dropped,
which makes the network fully convolutional: it then takes any size that is a multiple of
``stride ** len(filters)``. ``stride=2`` downsamples at each encoder stage (the common Keras
rendering of the paper); ``stride=1`` keeps full resolution, as the paper's text describes it
("same" padding, BatchNorm instead of pooling), and is what the photo denoisers use: noise is a
per-pixel signal that a downsampling bottleneck cannot pass on.

Two switches exist for photographs and are off in the paper's setting:
``blocks_per_stage`` adds 3x3 conv-LeakyReLU-BatchNorm layers at each scale (capacity without
changing the design), and ``output="residual"`` predicts the noise and subtracts it from the input,
so the low-resolution bottleneck no longer has to carry the whole image, only the noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn


@dataclass(frozen=True)
class DAEConfig:
    """Hyper-parameters of :class:`DenoisingAutoencoder`; stored verbatim in the weights metadata."""

    channels: int = 1
    filters: tuple[int, ...] = (32, 64)
    latent_dim: int | None = 16  # None: fully convolutional, any input size
    image_size: int = 28  # only used with a dense latent, which fixes the input size
    stride: int = 2  # 1 keeps full resolution ("same" padding, no downsampling)
    blocks_per_stage: int = 0
    negative_slope: float = 0.01  # the paper's LeakyReLU: f(x) = max(0.01 x, x)
    output: Literal["sigmoid", "residual", "linear"] = "sigmoid"


def _conv_act_norm(conv: nn.Module, width: int, slope: float) -> list[nn.Module]:
    return [conv, nn.LeakyReLU(slope, inplace=True), nn.BatchNorm2d(width)]


def _same_scale_blocks(width: int, count: int, slope: float) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for _ in range(count):
        layers += _conv_act_norm(nn.Conv2d(width, width, 3, padding=1), width, slope)
    return layers


class DenoisingAutoencoder(nn.Module):
    """Encoder of strided 3x3 convolutions, optional dense latent, ConvTranspose decoder."""

    def __init__(self, config: DAEConfig) -> None:
        super().__init__()
        self.config = config
        slope = config.negative_slope
        encoder: list[nn.Module] = []
        width = config.channels
        for filters in config.filters:
            encoder += _conv_act_norm(nn.Conv2d(width, filters, 3, stride=config.stride, padding=1), filters, slope)
            encoder += _same_scale_blocks(filters, config.blocks_per_stage, slope)
            width = filters
        self.encoder = nn.Sequential(*encoder)

        self.latent: nn.Module = nn.Identity()
        if config.latent_dim is not None:
            side = config.image_size // config.stride ** len(config.filters)
            flat = width * side * side
            self.latent = nn.Sequential(
                nn.Flatten(),
                nn.Linear(flat, config.latent_dim),
                nn.Linear(config.latent_dim, flat),
                nn.Unflatten(1, (width, side, side)),
            )

        decoder: list[nn.Module] = []
        for filters in reversed(config.filters):
            up = nn.ConvTranspose2d(width, filters, 3, stride=config.stride, padding=1, output_padding=config.stride - 1)
            decoder += _conv_act_norm(up, filters, slope)
            decoder += _same_scale_blocks(filters, config.blocks_per_stage, slope)
            width = filters
        decoder.append(nn.ConvTranspose2d(width, config.channels, 3, padding=1))
        self.decoder = nn.Sequential(*decoder)
        for layer in self.modules():
            if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
                # He initialisation keeps activations from shrinking layer after layer; PyTorch's
                # default (fan-in uniform, a=sqrt(5)) left deep stacks stuck at "output = input".
                nn.init.kaiming_normal_(layer.weight, a=slope, nonlinearity="leaky_relu")
                nn.init.zeros_(layer.bias)
        if config.output == "residual":
            # Start as the identity map: the first steps then refine a good answer
            # instead of climbing out of a random one.
            nn.init.zeros_(self.decoder[-1].weight)
            nn.init.zeros_(self.decoder[-1].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Restore ``x`` of shape [B, C, H, W] with values in 0..1."""
        y = self.decoder(self.latent(self.encoder(x)))
        if self.config.output == "sigmoid":
            return torch.sigmoid(y)
        if self.config.output == "residual":
            return x - y
        return y
