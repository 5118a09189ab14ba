"""A U-Net of gated convolutions that fills the holes of a masked photo (inpainting).

Input: the image and, as one more channel, the mask of missing pixels (1 = missing, as `corrupt
--save-masks` writes it). A gated convolution (Yu et al. 2019, DeepFill v2) computes features and a
sigmoid gate from the same window, so each layer learns for itself which of its inputs are valid:
an ordinary convolution would average the zeros of a hole into everything near it. The pixels under
the mask are zeroed before the first layer, so whatever a file holds there (black, white, a
scratch) has no influence, and the known pixels are copied to the output unchanged.

With ``prefill`` (the default) the holes are first filled classically (:func:`imgrestore.fills.smooth_fill`:
push-pull, then ``smooth_iterations`` conjugate-gradient steps towards the biharmonic fill; level with
scikit-image's biharmonic inside the scratches of val, above it inside the boxes), and the network learns
a correction to it, its last layer starting small: it begins at a classical inpainter instead of at black holes (lab/TRAINING.md).

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

from imgrestore.fills import SMOOTH_ITERATIONS, prefill


@dataclass(frozen=True)
class GatedUNetConfig:
    """Hyper-parameters of :class:`GatedUNet`; stored verbatim in the weights metadata."""

    channels: int = 3
    widths: tuple[int, ...] = (32, 64, 96, 128)
    blocks: int = 1
    dilations: tuple[int, ...] = (2, 4)  # extra gated blocks at the lowest scale
    prefill: bool = True  # learn a correction to a classical fill rather than the fill itself
    smooth_iterations: int = SMOOTH_ITERATIONS  # of the prefill's smoothing (0: push-pull alone)

    def __post_init__(self) -> None:
        if len(self.widths) < 2 or min(self.widths) < 1 or self.blocks < 1 or any(d < 1 for d in self.dilations) \
                or self.smooth_iterations < 0:
            raise ValueError("widths needs two or more positive entries; blocks and dilations must be positive, "
                             "smooth_iterations at least 0")


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

    def forward(self, x: torch.Tensor, prefilled: bool = False) -> torch.Tensor:
        """``prefilled``: the image's missing pixels already hold the classical fill (whole-image)."""
        c = self.config.channels
        missing = x[:, c:c + 1]
        if prefilled:  # only ever set for a model with config.prefill (ArchSpec.prefill_iterations)
            image = x[:, :c]
        else:
            image = x[:, :c] * (1 - missing)
            if self.config.prefill:
                image = prefill(image, missing, self.config.smooth_iterations)
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
