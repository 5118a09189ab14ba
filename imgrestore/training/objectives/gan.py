"""Unconditional GAN training of an image generator (the generative encoder's G).

Each step draws latent codes z ~ N(0, I) and a batch of real images; the generator steps, then the
discriminator (``spec.discriminator``, kept in the checkpoint, not exported), on the losses ``--gan-loss``
names (:data:`GAN_LOSSES`):

* ``bce`` (DCGAN): the generator minimises the non-saturating BCE(D(G(z)), 1), the discriminator
  BCE(D(x), 0.9) + BCE(D(G(z)), 0) (one-sided label smoothing);
* ``hinge`` (SAGAN, BigGAN): the generator minimises -D(G(z)), the discriminator
  relu(1 - D(x)) + relu(1 + D(G(z))): scores past the margin stop pulling, so neither side saturates.

A generator has no restoring metric to validate, so the export holds the last weights (the average with
``--ema``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits as bce
from torch.nn.functional import relu

from imgrestore.errors import UsageError
from imgrestore.training.objectives.base import (
    Batch,
    Objective,
    ObjectiveContext,
    discriminator_lr,
    seed_discriminator_stream,
)

REAL_LABEL = 0.9  # one-sided label smoothing: a discriminator that is never certain keeps the generator's gradients alive


@dataclass(frozen=True)
class GanLoss:
    """The two sides of one GAN loss, on the discriminator's raw scores (logits)."""

    generator: Callable[[torch.Tensor], torch.Tensor]  # fake scores -> generator loss
    discriminator: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # real, fake scores -> discriminator loss


GAN_LOSSES = {
    "bce": GanLoss(
        generator=lambda fake: bce(fake, torch.ones_like(fake)),
        discriminator=lambda real, fake: bce(real, torch.full_like(real, REAL_LABEL)) + bce(fake, torch.zeros_like(fake))),
    "hinge": GanLoss(
        generator=lambda fake: -fake.mean(),
        discriminator=lambda real, fake: relu(1 - real).mean() + relu(1 + fake).mean()),
}


def gan_loss(name: str) -> GanLoss:
    try:
        return GAN_LOSSES[name]
    except KeyError:
        raise UsageError(f"--gan-loss {name}: expected one of {', '.join(GAN_LOSSES)}") from None


class GanObjective(Objective):
    """Generator vs discriminator on whole images of the training data."""


    def __init__(self, ctx: ObjectiveContext) -> None:
        super().__init__(ctx)
        seed_discriminator_stream(ctx.config.seed)
        self.discriminator = ctx.spec.discriminator(ctx.arch_config).to(ctx.device)
        self.optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=discriminator_lr(ctx.config, ctx.config.lr),
                                          betas=(0.5, 0.999))
        self.z_dim = ctx.arch_config.z_dim
        self.losses = gan_loss(ctx.config.gan_loss)

    def batch(self) -> Batch:
        ctx = self.ctx
        picks = torch.randint(len(ctx.data.clean), (ctx.config.batch,), generator=ctx.generator)
        real = torch.stack([ctx.data.clean[i] for i in picks.tolist()])
        z = torch.randn(ctx.config.batch, self.z_dim, generator=ctx.generator)
        return Batch(z.to(ctx.device), real.to(ctx.device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        return self.losses.generator(self.discriminator(output).float()), {}

    def after_step(self, output: torch.Tensor, batch: Batch, lr: float) -> dict[str, float]:
        for group in self.optimizer.param_groups:
            group["lr"] = discriminator_lr(self.ctx.config, lr)
        real, fake = self.discriminator(batch.targets), self.discriminator(output)
        loss = self.losses.discriminator(real.float(), fake.float())
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.discriminator.parameters(), 1.0)
        self.optimizer.step()
        return {"d_loss": loss.item(), "d_real": torch.sigmoid(real).mean().item(),
                "d_fake": torch.sigmoid(fake).mean().item()}

    def validate(self) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"discriminator": self.discriminator.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state:
            self.discriminator.load_state_dict(state["discriminator"])
            self.optimizer.load_state_dict(state["optimizer"])
