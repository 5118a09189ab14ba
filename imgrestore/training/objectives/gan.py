"""Unconditional GAN training of an image generator (the generative encoder's G).

Each step draws latent codes z ~ N(0, I) and a batch of real images; the generator minimises the
non-saturating loss BCE(D(G(z)), 1), then the discriminator (``spec.discriminator``, kept in
the checkpoint, not exported) steps on BCE(D(x), 0.9) + BCE(D(G(z)), 0) (one-sided label smoothing). A generator has no restoring
metric to validate, so the export holds the last weights.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits as bce

from imgrestore.training.objectives.base import (
    Batch,
    Objective,
    ObjectiveContext,
    discriminator_lr,
    seed_discriminator_stream,
)

REAL_LABEL = 0.9  # one-sided label smoothing: a discriminator that is never certain keeps the generator's gradients alive


class GanObjective(Objective):
    """Generator vs discriminator on whole images of the training data."""


    def __init__(self, ctx: ObjectiveContext) -> None:
        super().__init__(ctx)
        seed_discriminator_stream(ctx.config.seed)
        self.discriminator = ctx.spec.discriminator(ctx.arch_config).to(ctx.device)
        self.optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=discriminator_lr(ctx.config, ctx.config.lr),
                                          betas=(0.5, 0.999))
        self.z_dim = ctx.arch_config.z_dim

    def batch(self) -> Batch:
        ctx = self.ctx
        picks = torch.randint(len(ctx.data.clean), (ctx.config.batch,), generator=ctx.generator)
        real = torch.stack([ctx.data.clean[i] for i in picks.tolist()])
        z = torch.randn(ctx.config.batch, self.z_dim, generator=ctx.generator)
        return Batch(z.to(ctx.device), real.to(ctx.device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        verdict = self.discriminator(output)
        return bce(verdict.float(), torch.ones_like(verdict, dtype=torch.float32)), {}

    def after_step(self, output: torch.Tensor, batch: Batch, lr: float) -> dict[str, float]:
        for group in self.optimizer.param_groups:
            group["lr"] = discriminator_lr(self.ctx.config, lr)
        real, fake = self.discriminator(batch.targets), self.discriminator(output)
        loss = bce(real, torch.full_like(real, REAL_LABEL)) + bce(fake, torch.zeros_like(fake))
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
