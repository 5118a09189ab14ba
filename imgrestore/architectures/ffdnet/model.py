"""FFDNet (Zhang, Zuo, Zhang 2018), written to load the official weights.

The image is split into its four 2x2 sub-images (pixel unshuffle), a constant noise-level map is
put in front of them, a plain CNN (conv + ReLU, then conv + BatchNorm + ReLU, then conv) predicts
the noise of the sub-images, and the noise is put back to full size (pixel shuffle) and subtracted.
The official models: gray 15 layers of 64 features, colour 12 layers of 96. PyTorch's
pixel_unshuffle orders channels exactly as the reference code's de-interleaving (channel c*4 + 2*dy + dx).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class FFDNetConfig:
    """Hyper-parameters of :class:`FFDNet`; the official gray model is (1, 64, 15), colour (3, 96, 12)."""

    channels: int = 3
    features: int = 96
    layers: int = 12


def _body(in_features: int, features: int, layers: int, out_features: int) -> nn.Sequential:
    """The reference code's layer order, so its state-dict indices map one to one."""
    modules: list[nn.Module] = [nn.Conv2d(in_features, features, 3, padding=1, bias=False), nn.ReLU(inplace=True)]
    for _ in range(layers - 2):
        modules += [nn.Conv2d(features, features, 3, padding=1, bias=False), nn.BatchNorm2d(features),
                    nn.ReLU(inplace=True)]
    modules.append(nn.Conv2d(features, out_features, 3, padding=1, bias=False))
    return nn.Sequential(*modules)


class FFDNet(nn.Module):
    """``forward(x, sigma)``: x [B, C, H, W] in 0..1 with even H and W, sigma [B] on the 0..1 scale."""

    def __init__(self, config: FFDNetConfig) -> None:
        super().__init__()
        self.config = config
        sub = 4 * config.channels
        self.body = _body(sub + config.channels, config.features, config.layers, sub)

    def forward(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        sub_images = F.pixel_unshuffle(x, 2)
        level = sigma.to(x.dtype).reshape(-1, 1, 1, 1).expand(x.shape[0], self.config.channels, *sub_images.shape[-2:])
        noise = self.body(torch.cat([level, sub_images], dim=1))
        return x - F.pixel_shuffle(noise, 2)
