"""Restoration: crops of clean images, degraded on the fly (or given as pairs), pixel loss."""

from __future__ import annotations

import torch

from imgrestore.degradations import drawn_noise_level, quantize
from imgrestore.errors import UsageError
from imgrestore.noise_level import blind_sigma
from imgrestore.training.data import random_crops
from imgrestore.training.losses import loss_fn
from imgrestore.training.objectives.base import Batch, Objective
from imgrestore.training.validation import validate, validation_chains


class RestoreObjective(Objective):
    """Learn degraded -> clean with ``--loss`` on random crops."""

    zooms = True

    def __init__(self, run) -> None:
        super().__init__(run)
        self.loss_fn = loss_fn(run.config.loss)
        self.val_chains = validation_chains(run.config.degrade)

    def batch(self) -> Batch:
        run, config = self.run, self.run.config
        levels = None
        if run.data.paired:
            degraded, clean = random_crops(run.data.clean, config.batch, config.crop, run.generator,
                                           config.augment, partners=run.data.degraded, shift=config.shift)
            if run.restorer.uses_noise_level:
                levels = torch.tensor([blind_sigma(d.permute(1, 2, 0).numpy()) for d in degraded])
        else:
            clean = random_crops(run.data.clean, config.batch, config.crop, run.generator, config.augment,
                                 shift=config.shift, zoom=config.zoom)
            outcome = run.chain(clean, run.generator)
            degraded = quantize(outcome.images)
            if run.restorer.uses_noise_level:
                levels = drawn_noise_level(run.chain, outcome)
            if degraded.shape != clean.shape:
                raise UsageError(f"--degrade {config.degrade}: training needs degradations that keep the size "
                                 "(use downsample:back=true)")
        device = run.context.device
        return Batch(degraded.to(device).contiguous(memory_format=torch.channels_last),
                     clean.to(device).contiguous(memory_format=torch.channels_last),
                     levels=None if levels is None else (levels / 255).to(device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        return self.loss_fn(output, batch.targets), {}

    def validate(self) -> dict[str, float]:
        return validate(self.run.restorer, self.run.val, self.val_chains)
