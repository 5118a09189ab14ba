"""A small convolutional digit classifier, used to score restored digits (not a restorer).

Two 3x3 convolutions (32, 64) with ReLU, max-pool 2, dropout, a hidden layer of 128 and a linear
layer to the class logits: the classic Keras MNIST example, accurate to about 99 % on MNIST.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class DigitClassifierConfig:
    """Hyper-parameters of :class:`DigitClassifier`; stored verbatim in the weights metadata."""

    channels: int = 1
    image_size: int = 28
    conv: tuple[int, int] = (32, 64)
    hidden: int = 128
    classes: int = 10
    dropout: float = 0.25


class DigitClassifier(nn.Module):
    """[B, C, S, S] images in 0..1 -> [B, classes] logits."""

    def __init__(self, config: DigitClassifierConfig) -> None:
        super().__init__()
        self.config = config
        a, b = config.conv
        side = (config.image_size - 4) // 2
        self.net = nn.Sequential(
            nn.Conv2d(config.channels, a, 3), nn.ReLU(inplace=True),
            nn.Conv2d(a, b, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Dropout(config.dropout),
            nn.Flatten(), nn.Linear(b * side * side, config.hidden), nn.ReLU(inplace=True),
            nn.Dropout(config.dropout * 2), nn.Linear(config.hidden, config.classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
