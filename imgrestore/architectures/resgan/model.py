"""ResGAN (restoring extremely coarse images): a residual generator conditioned on the coarse image,
and a discriminator with an embedded classifier.

Generator: X_g = f(g(X_r) + X_r), the paper's Eq. 9 -- the coarse image X_r passes straight through
and the network g learns only the residual. We take f = sigmoid and add X_r in logit space, so an
untrained g (zero last layer) returns X_r exactly and outputs stay in 0..1. ``merge="concat"`` is the
paper's variant of the residual connection: inside each block the pass-through and the block's
output are concatenated along the channel axis (then mixed by a 1x1 convolution) instead of added,
and the coarse image is concatenated to the last features instead of added to the output.

Discriminator: two strided convolutions, then two heads: real/fake (one logit) and the embedded
classifier (one logit per class attribute, trained with the multi-attribute objective of Eq. 6).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from imgrestore.architectures.blocks import strided_critic


@dataclass(frozen=True)
class ResGANConfig:
    """Hyper-parameters of the generator (restorer) and its training discriminator."""

    channels: int = 1
    image_size: int = 28
    width: int = 64
    blocks: int = 4
    merge: str = "concat"  # "concat" (the paper's variant) or "add" (the original residual connection)
    classes: int = 10  # attributes the discriminator's embedded classifier predicts
    disc_width: int = 64

    def __post_init__(self) -> None:
        if self.merge not in ("add", "concat"):
            raise ValueError(f"merge must be 'add' or 'concat', not {self.merge!r}")


def _conv_bn_relu(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class MergeBlock(nn.Module):
    """A residual block whose pass-through is added (``add``) or concatenated (``concat``)."""

    def __init__(self, width: int, merge: str) -> None:
        super().__init__()
        self.merge = merge
        self.body = nn.Sequential(_conv_bn_relu(width, width), nn.Conv2d(width, width, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(width))
        self.mix = nn.Conv2d(2 * width, width, 1) if merge == "concat" else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        merged = x + y if self.mix is None else self.mix(torch.cat([x, y], dim=1))
        return torch.relu(merged)


class ResGANGenerator(nn.Module):
    """Coarse [B, C, S, S] image (already brought back to full size) -> restored image, 0..1."""

    def __init__(self, config: ResGANConfig) -> None:
        super().__init__()
        self.config = config
        w = config.width
        self.head = _conv_bn_relu(config.channels, w)
        self.down = nn.Sequential(nn.Conv2d(w, 2 * w, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(2 * w),
                                  nn.ReLU(inplace=True))
        self.blocks = nn.Sequential(*(MergeBlock(2 * w, config.merge) for _ in range(config.blocks)))
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(w),
                                nn.ReLU(inplace=True))
        tail_in = 2 * w + (config.channels if config.merge == "concat" else 0)
        self.tail = nn.Conv2d(tail_in, config.channels, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def forward(self, coarse: torch.Tensor) -> torch.Tensor:
        top = self.head(coarse)
        h = self.up(self.blocks(self.down(top)))
        h = torch.cat([h, top], dim=1)  # the full-resolution features skip the bottleneck
        logit = torch.logit(coarse.float().clamp(1e-3, 1 - 1e-3)).to(h.dtype)
        if self.config.merge == "concat":
            return torch.sigmoid(self.tail(torch.cat([h, coarse.to(h.dtype)], dim=1)) + logit)
        return torch.sigmoid(self.tail(h) + logit)


class ResGANDiscriminator(nn.Module):
    """Image -> (real/fake logit [B], class-attribute logits [B, classes])."""

    def __init__(self, config: ResGANConfig) -> None:
        super().__init__()
        self.features = strided_critic(config.channels, config.disc_width)
        flat = 2 * config.disc_width * (config.image_size // 4) ** 2
        self.real_fake = nn.Linear(flat, 1)
        self.attributes = nn.Linear(flat, config.classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.features(x)
        return self.real_fake(h)[:, 0], self.attributes(h)
