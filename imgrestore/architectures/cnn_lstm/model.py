"""CNN encoder + row-by-row LSTM decoder with direct attention, and its CNN-CNN baseline
(Haque et al., "Image denoising and restoration with CNN-LSTM Encoder Decoder with Direct Attention").

Encoder (the paper's Table 1): conv 5x5 32 + ReLU, max-pool 2, conv 5x5 64 + ReLU, max-pool 2,
fully connected to a 100-d "thought vector" with tanh. Decoder: a multilayer LSTM that writes the
image one row per step; each step sees the thought vector v, the corrupted row x_t (the "direct
attention" to the raw input) and its own previous output row y_{t-1}; y_t = sigmoid(W h_t + b).

How y_{t-1} is fed during training: **free running** -- the decoder always receives the row it
produced itself, in training exactly as at inference. Teacher forcing (feeding the clean row) would
train the decoder on inputs it never sees at test time, where the lower half is missing and its
own guesses are all it has; this exposure bias is worst precisely in the region the model exists to
fill. The LSTM is sequential either way, so free running costs nothing extra, and gradients flow
through the fed-back rows (back-propagation through the generated sequence).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class CnnLstmConfig:
    """Hyper-parameters of :class:`CnnLstmRestorer`; stored verbatim in the weights metadata."""

    channels: int = 1
    image_size: int = 28
    conv: tuple[int, int] = (32, 64)
    thought: int = 100
    hidden: int = 256
    layers: int = 5
    dropout: float = 0.25


class CnnEncoder(nn.Module):
    """conv5x5 -> ReLU -> maxpool, twice, then a tanh fully connected layer (the thought vector)."""

    def __init__(self, channels: int, conv: tuple[int, int], image_size: int, out_features: int) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, conv[0], 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(conv[0], conv[1], 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        side = image_size // 4
        self.fc = nn.Linear(conv[1] * side * side, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(self.features(x).flatten(1)))


class CnnLstmRestorer(nn.Module):
    """Restores [B, C, S, S] images row by row (C channels of a row are concatenated)."""

    def __init__(self, config: CnnLstmConfig) -> None:
        super().__init__()
        self.config = config
        row = config.channels * config.image_size
        self.encoder = CnnEncoder(config.channels, config.conv, config.image_size, config.thought)
        self.dropout = nn.Dropout(config.dropout)
        self.lstm = nn.LSTM(config.thought + 2 * row, config.hidden, num_layers=config.layers,
                            dropout=config.dropout, batch_first=True)
        self.out = nn.Linear(config.hidden, row)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Free-running decode of ``x`` [B, C, S, S] in 0..1."""
        b, c, h, w = x.shape
        v = self.dropout(self.encoder(x))
        rows = x.permute(0, 2, 1, 3).reshape(b, h, c * w)  # row t = all channels of image row t
        previous = torch.zeros(b, c * w, dtype=x.dtype, device=x.device)
        state = None
        outputs = []
        for t in range(h):
            step = torch.cat([v, rows[:, t], previous], dim=1)[:, None]
            hidden, state = self.lstm(step, state)
            previous = torch.sigmoid(self.out(self.dropout(hidden[:, 0])))
            outputs.append(previous)
        return torch.stack(outputs, dim=1).reshape(b, h, c, w).permute(0, 2, 1, 3)


@dataclass(frozen=True)
class CnnCnnConfig:
    """Hyper-parameters of :class:`CnnCnnRestorer`, the paper's convolutional baseline."""

    channels: int = 1
    image_size: int = 28
    conv: tuple[int, int] = (32, 64)
    dropout: float = 0.25


class CnnCnnRestorer(nn.Module):
    """Convolutional encoder (32, 64, each 5x5 + ReLU + max-pool 2) and the symmetric
    deconvolutional decoder (transposed 5x5 convolutions 64 -> 32 -> channels, stride 2), sigmoid out."""

    def __init__(self, config: CnnCnnConfig) -> None:
        super().__init__()
        self.config = config
        a, b = config.conv
        self.encoder = nn.Sequential(
            nn.Conv2d(config.channels, a, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(a, b, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Dropout(config.dropout),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(b, a, 5, stride=2, padding=2, output_padding=1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(a, config.channels, 5, stride=2, padding=2, output_padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decoder(self.encoder(x)))
