"""A compact noise-level-conditional U-Net with residual blocks (DRUNet family), imgrestore's photo denoiser.

Input: the noisy image plus a constant plane holding sigma/255 (the noise-level map, as in FFDNet and
DRUNet), so one network covers every noise level and the user (or the blind estimator) can tell it
how strong the noise is. Four scales (strided 2x2 convolutions down, transposed 2x2 up, skips
added), ``blocks`` residual blocks per scale, bias-free convolutions (a bias-free denoiser scales with
the noise level instead of memorising offsets), and a residual output: the network predicts the
correction to the noisy image, and its last layer starts at zero so training starts from the identity.

With ``mask_input`` the same network is an inpainter: the extra channel carries the missing-pixel mask (1 =
missing) times ``mask_level`` instead of a noise level, so a denoiser's weights start it off reading holes as
very noisy pixels; the holes are first filled classically (:func:`imgrestore.fills.smooth_fill`), the network
corrects that fill inside the mask only, and the known pixels are returned as given. Fine-tuned from the colour
denoiser it learned from fresh batches within 100 steps where a gated U-Net from scratch had not in 2,700
(lab/TRAINING.md, session 9).

Measured on the 2 training cores (../shared/CPU-TRAINING.md): per CPU-second this multi-scale design
learned about 2 dB more than FFDNet's single-scale one at equal training time.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn

from imgrestore.fills import SMOOTH_ITERATIONS, prefill


@dataclass(frozen=True)
class ResUNetConfig:
    """Hyper-parameters of :class:`ResUNet`; stored verbatim in the weights metadata."""

    channels: int = 3
    widths: tuple[int, ...] = (32, 64, 128, 256)
    blocks: int = 1
    noise_map: bool = True
    mask_input: bool = False  # an inpainter: the map channel is the missing-pixel mask, not a noise level
    mask_level: float = 0.1  # the noise level (0..1) a missing pixel shows the map channel
    smooth_iterations: int = SMOOTH_ITERATIONS  # of the inpainter's classical prefill

    def __post_init__(self) -> None:
        if self.mask_input and not self.noise_map:
            raise ValueError("mask_input feeds the mask through the map channel: it needs noise_map=true")
        if self.smooth_iterations < 0 or self.mask_level <= 0:
            raise ValueError("smooth_iterations must be at least 0 and mask_level positive")


class ResidualBlock(nn.Module):
    """x + conv(relu(conv(x))), 3x3, bias-free."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1, bias=False), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, padding=1, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def _stage(width: int, blocks: int) -> nn.Sequential:
    return nn.Sequential(*(ResidualBlock(width) for _ in range(blocks)))


class ResUNet(nn.Module):
    """Noise-level-conditional U-Net; ``forward(x, sigma)`` with sigma [B] on the 0..1 scale."""

    def __init__(self, config: ResUNetConfig) -> None:
        super().__init__()
        self.config = config
        widths = config.widths
        self.head = nn.Conv2d(config.channels + int(config.noise_map), widths[0], 3, padding=1, bias=False)
        self.down_stages = nn.ModuleList(_stage(w, config.blocks) for w in widths[:-1])
        self.downs = nn.ModuleList(nn.Conv2d(a, b, 2, stride=2, bias=False) for a, b in pairwise(widths))
        self.body = _stage(widths[-1], config.blocks)
        self.ups = nn.ModuleList(nn.ConvTranspose2d(b, a, 2, stride=2, bias=False)
                                 for a, b in zip(widths[-2::-1], widths[:0:-1]))
        self.up_stages = nn.ModuleList(_stage(w, config.blocks) for w in widths[-2::-1])
        self.tail = nn.Conv2d(widths[0], config.channels, 3, padding=1, bias=False)
        self._init_weights()

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        for block in self.modules():  # residual branches start small so the deep sum stays stable
            if isinstance(block, ResidualBlock):
                block.body[-1].weight.data.mul_(0.1)
        nn.init.zeros_(self.tail.weight)

    def forward(self, x: torch.Tensor, sigma: torch.Tensor | None = None, prefilled: bool = False) -> torch.Tensor:
        if self.config.mask_input:
            return self._inpaint(x, prefilled)
        features = x
        if self.config.noise_map:
            if sigma is None:
                raise ValueError("this model needs the noise level: forward(x, sigma) with sigma [B] on 0..1")
            level = sigma.to(x.dtype).reshape(-1, 1, 1, 1).expand(x.shape[0], 1, *x.shape[-2:])
            features = torch.cat([x, level], dim=1)
        return x + self.tail(self._features(features))

    def _inpaint(self, x: torch.Tensor, prefilled: bool) -> torch.Tensor:
        """x [B, channels + 1, H, W]: the image and its missing-pixel mask -> the filled image; ``prefilled``:
        the image's missing pixels already hold the classical fill (computed on the whole image)."""
        c = self.config.channels
        missing = x[:, c:c + 1]
        filled = x[:, :c] if prefilled else prefill(x[:, :c], missing, self.config.smooth_iterations)
        correction = self.tail(self._features(torch.cat([filled, missing * self.config.mask_level], dim=1)))
        return filled + missing * correction

    def _features(self, features: torch.Tensor) -> torch.Tensor:
        h = self.head(features)
        skips = []
        for stage, down in zip(self.down_stages, self.downs):
            h = stage(h)
            skips.append(h)
            h = down(h)
        h = self.body(h)
        for up, stage, skip in zip(self.ups, self.up_stages, reversed(skips)):
            h = stage(up(h) + skip)
        return h
