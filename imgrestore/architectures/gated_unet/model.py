"""A U-Net of gated convolutions that fills the holes of a masked photo (inpainting).

Input: the image and, as one more channel, the mask of missing pixels (1 = missing, as `corrupt
--save-masks` writes it). A gated convolution (Yu et al. 2019, DeepFill v2) computes features and a
sigmoid gate from the same window, so each layer learns for itself which of its inputs are valid:
an ordinary convolution would average the zeros of a hole into everything near it. The pixels under
the mask are zeroed before the first layer, so whatever a file holds there (black, white, a
scratch) has no influence, and the known pixels are copied to the output unchanged.

With ``prefill`` (the default) the holes are first filled by push-pull (each missing pixel takes the
mean of the known pixels of the finest coarser level that has any, enlarged bilinearly: a smooth fill
about as good as OpenCV's Telea inside the mask on val), and the network learns a correction to it, its last
layer starting small: it begins near a classical inpainter instead of at black holes (lab/TRAINING.md).

Four scales (strided 2x2 convolutions down, transposed 2x2 up, skips added) give a receptive field of
well over 100 px at the full resolution, which a 64 px box needs; the lowest scale adds dilated
gated blocks (DeepFill's) to widen it further without more downsampling.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class GatedUNetConfig:
    """Hyper-parameters of :class:`GatedUNet`; stored verbatim in the weights metadata."""

    channels: int = 3
    widths: tuple[int, ...] = (32, 64, 96, 128)
    blocks: int = 1
    dilations: tuple[int, ...] = (2, 4)  # extra gated blocks at the lowest scale
    prefill: bool = True  # learn a correction to a push-pull fill rather than the fill itself

    def __post_init__(self) -> None:
        if len(self.widths) < 2 or min(self.widths) < 1 or self.blocks < 1 or any(d < 1 for d in self.dilations):
            raise ValueError("widths needs two or more positive entries; blocks and dilations must be positive")


class GatedConv(nn.Module):
    """ELU(features) * sigmoid(gate), both from one 3x3 convolution."""

    def __init__(self, cin: int, cout: int, dilation: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, 2 * cout, 3, padding=dilation, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features, gate = self.conv(x).chunk(2, dim=1)
        return F.elu(features) * torch.sigmoid(gate)


class GatedBlock(nn.Module):
    """x + conv(gated(x)): a residual block whose first layer is gated."""

    def __init__(self, width: int, dilation: int = 1) -> None:
        super().__init__()
        self.gated = GatedConv(width, width, dilation)
        self.out = nn.Conv2d(width, width, 3, padding=1)
        nn.init.zeros_(self.out.bias)
        self.out.weight.data.mul_(0.1)  # residual branches start small so the deep sum stays stable

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.out(self.gated(x))


def push_pull(image: torch.Tensor, known: torch.Tensor, levels: int = 8) -> torch.Tensor:
    """``image`` [B, C, H, W] with the pixels where ``known`` [B, 1, H, W] is 0 filled from coarser levels:
    each level averages the known pixels of 2x2 blocks (the mean of the known ones only), a pixel still
    unknown after ``levels`` halvings takes the image's known mean."""
    if levels == 0 or min(image.shape[-2:]) < 2:
        total = known.sum((-2, -1), keepdim=True).clamp(min=1e-6)
        return image * known + (1 - known) * (image * known).sum((-2, -1), keepdim=True) / total
    weight = F.avg_pool2d(known, 2, ceil_mode=True)  # the pooling's divisor cancels in the ratio below
    coarse_known = (weight > 0).to(image)
    coarse = F.avg_pool2d(image * known, 2, ceil_mode=True) / weight.clamp(min=1e-6) * coarse_known
    filled = F.interpolate(push_pull(coarse, coarse_known, levels - 1), size=image.shape[-2:], mode="bilinear",
                           align_corners=False)
    return image * known + (1 - known) * filled


def _stage(width: int, blocks: int) -> nn.Sequential:
    return nn.Sequential(*(GatedBlock(width) for _ in range(blocks)))


class GatedUNet(nn.Module):
    """``forward(x)``: x [B, channels + 1, H, W], the image and its missing-pixel mask, -> [B, channels, H, W]."""

    def __init__(self, config: GatedUNetConfig) -> None:
        super().__init__()
        self.config = config
        widths = config.widths
        self.head = GatedConv(config.channels + 1, widths[0])
        self.down_stages = nn.ModuleList(_stage(w, config.blocks) for w in widths[:-1])
        self.downs = nn.ModuleList(nn.Conv2d(a, b, 2, stride=2) for a, b in pairwise(widths))
        self.body = nn.Sequential(*(GatedBlock(widths[-1], d) for d in (1, *config.dilations)))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(b, a, 2, stride=2) for a, b in zip(widths[-2::-1], widths[:0:-1]))
        self.up_stages = nn.ModuleList(_stage(w, config.blocks) for w in widths[-2::-1])
        self.tail = nn.Conv2d(widths[0], config.channels, 3, padding=1)
        if config.prefill:  # the correction starts small; at zero, no gradient would reach the layers before it
            self.tail.weight.data.mul_(0.1)
            nn.init.zeros_(self.tail.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.config.channels
        missing = x[:, c:c + 1]
        image = x[:, :c] * (1 - missing)
        if self.config.prefill:
            image = push_pull(image, 1 - missing)
        h = self.head(torch.cat([image, missing], dim=1))
        skips = []
        for stage, down in zip(self.down_stages, self.downs):
            h = stage(h)
            skips.append(h)
            h = down(h)
        h = self.body(h)
        for up, stage, skip in zip(self.ups, self.up_stages, reversed(skips)):
            h = stage(up(h) + skip)
        filled = self.tail(h)
        return image + missing * filled
