"""Adversarial restoration (ResGAN): a generator restores labelled images against a discriminator
with an embedded classifier.

Losses, with Y the one-hot class attributes of the batch and D = (real/fake head, attribute head):

* discriminator: BCE(rf(x), 1) + BCE(rf(G(x_r)), 0) for real/fake, plus the paper's multi-attribute
  objective (Eq. 6): attributes of a real image are Y, those of a generated one 1 - Y, so the
  attribute head is both a classifier and a second discriminator;
* generator: ``--adv-weight`` * BCE(rf(G), 1) + ``--cls-weight`` * BCE(attr(G), Y)
  + ``--pixel-weight`` * ``--loss``(G, x). With both adversarial weights at 0 no discriminator is
  built: that is the same generator trained with the pixel loss only.

The exported file holds the generator; the discriminator lives in the checkpoint only.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits as bce

from imgrestore.training.losses import loss_fn
from imgrestore.training.objectives.base import (
    Batch,
    Objective,
    ObjectiveContext,
    discriminator_lr,
    seed_discriminator_stream,
)
from imgrestore.training.objectives.classify import labelled_batch
from imgrestore.training.validation import validate, validation_chains


class AdversarialObjective(Objective):
    """Generator loss = pixel + adversarial + attribute terms; the discriminator steps after it."""

    def __init__(self, ctx: ObjectiveContext) -> None:
        super().__init__(ctx)
        config = ctx.config
        self.loss_fn = loss_fn(config.loss)
        self.val_chains = validation_chains(config.degrade)
        self.weights = {"pixel": config.pixel_weight, "adv": config.adv_weight, "cls": config.cls_weight}
        self.discriminator: nn.Module | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        if config.adv_weight > 0 or config.cls_weight > 0:
            seed_discriminator_stream(config.seed)
            self.discriminator = ctx.spec.discriminator(ctx.arch_config).to(ctx.device)
            self.optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=discriminator_lr(config, config.lr),
                                              betas=(0.5, 0.999))
        self.classes = ctx.arch_config.classes

    def batch(self) -> Batch:
        degraded, clean, labels = labelled_batch(self.ctx)
        device = self.ctx.device
        return Batch(degraded.to(device), clean.to(device), labels=labels.to(device))

    def _attributes(self, labels: torch.Tensor) -> torch.Tensor:
        return nn.functional.one_hot(labels.long(), self.classes).float()

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        pixel = self.loss_fn(output, batch.targets)
        total, logs = self.weights["pixel"] * pixel, {"pixel": pixel.item()}
        if self.discriminator is not None:
            real_fake, attributes = self.discriminator(output)
            adversarial = bce(real_fake.float(), torch.ones_like(real_fake, dtype=torch.float32))
            classification = bce(attributes.float(), self._attributes(batch.labels))
            total = total + self.weights["adv"] * adversarial + self.weights["cls"] * classification
            logs |= {"g_adv": adversarial.item(), "g_cls": classification.item()}
        return total, logs

    def after_step(self, output: torch.Tensor, batch: Batch, lr: float) -> dict[str, float]:
        if self.discriminator is None or self.optimizer is None:
            return {}
        for group in self.optimizer.param_groups:
            group["lr"] = discriminator_lr(self.ctx.config, lr)
        real_rf, real_attr = self.discriminator(batch.targets)
        fake_rf, fake_attr = self.discriminator(output.detach())
        target = self._attributes(batch.labels)
        loss_rf = bce(real_rf, torch.ones_like(real_rf)) + bce(fake_rf, torch.zeros_like(fake_rf))
        loss_attr = bce(real_attr, target) + bce(fake_attr, 1 - target)  # Eq. 6
        loss = self.weights["adv"] * loss_rf + self.weights["cls"] * loss_attr
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.discriminator.parameters(), 1.0)
        self.optimizer.step()
        accuracy = (real_attr.argmax(dim=1) == batch.labels).float().mean()
        return {"d_rf": loss_rf.item(), "d_attr": loss_attr.item(), "d_real_accuracy": accuracy.item()}

    def validate(self) -> dict[str, float]:
        return validate(self.ctx.restorer, self.ctx.val, self.val_chains)

    def state_dict(self) -> dict[str, Any]:
        if self.discriminator is None or self.optimizer is None:
            return {}
        return {"discriminator": self.discriminator.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state and self.discriminator is not None and self.optimizer is not None:
            self.discriminator.load_state_dict(state["discriminator"])
            self.optimizer.load_state_dict(state["optimizer"])
