"""What one training step optimises: the contract between the training loop and an objective.

The loop owns the schedule, the main module's optimizer, precision, checkpoints, logs and export.
An objective owns what differs between kinds of models: how a batch is drawn, how the module is
called, the loss, any extra networks it trains alongside (a GAN's discriminator) and validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from imgrestore.architectures import ArchSpec
from imgrestore.degradations import Chain, Choice
from imgrestore.restorer import Restorer
from imgrestore.training.config import TrainConfig
from imgrestore.training.data import TrainingSet


@dataclass(frozen=True)
class ObjectiveContext:
    """What an objective may use: the run's settings, model, data and random stream; never the loop itself
    (its optimizer, schedule, checkpoints), as deepinv's losses take explicit arguments."""

    config: TrainConfig
    spec: ArchSpec
    arch_config: Any
    module: nn.Module  # the main network, trained by the loop
    restorer: Restorer  # the same module behind the inference contract, for validation
    data: TrainingSet
    val: TrainingSet | None
    generator: torch.Generator  # the run's crop and degradation draws
    chain: Chain | Choice  # --degrade
    device: torch.device
    loaded_parts: dict[str, dict[str, Any]]  # --init-part records, by part


@dataclass
class Batch:
    """One step's data on the training device."""

    inputs: torch.Tensor  # degraded crops (or latent codes for a generator)
    targets: torch.Tensor  # clean crops (or class labels for a classifier)
    labels: torch.Tensor | None = None  # class of each image, for objectives that use them
    levels: torch.Tensor | None = None  # noise sigma per crop on 0..1, for noise-level models
    latents: torch.Tensor | None = None  # the z each generated image came from, for objectives that learn it


class Objective:
    """Base class: subclasses implement :meth:`batch`, :meth:`loss` and :meth:`validate`."""

    zoomable = False  # its crops may be zoomed out by --zoom (clean-image restoring objectives only)

    def __init__(self, ctx: ObjectiveContext) -> None:
        self.ctx = ctx

    def batch(self) -> Batch:
        raise NotImplementedError

    def forward(self, trainable: torch.nn.Module, batch: Batch) -> torch.Tensor:
        """The main module's output for the batch (inside the loop's autocast)."""
        return trainable(batch.inputs) if batch.levels is None else trainable(batch.inputs, batch.levels)

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        """The main module's loss, plus any numbers worth logging."""
        raise NotImplementedError

    def after_step(self, output: torch.Tensor, batch: Batch, lr: float) -> dict[str, float]:
        """Train the objective's own networks (e.g. a discriminator) on this step's output."""
        return {}

    def validate(self) -> dict[str, float]:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Checkpoint state of the objective's own networks and optimizers."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


def seed_discriminator_stream(seed: int) -> None:
    """Seed the process's global random stream with ``seed + 1`` before a discriminator is built.

    Its initial weights and every later global draw (its dropout) come from that stream; the loop seeds
    the same stream with ``seed`` for the main network before. Kept, rather than a private generator, so
    the bundled GAN models (resgan-mnist, the generative encoder's DCGAN) still rebuild bit for bit from
    the commands in their metadata."""
    torch.manual_seed(seed + 1)


def discriminator_lr(config, lr: float) -> float:
    """The discriminator's learning rate at the step where the generator's is ``lr`` (``--disc-lr``
    scales the whole schedule; 0 keeps the generator's)."""
    return lr * config.disc_lr / config.lr if config.disc_lr else lr
