"""Restoration: crops of clean images, degraded on the fly (or given as pairs), pixel loss."""

from __future__ import annotations

import torch

from imgrestore.degradations import drawn_level, quantize
from imgrestore.errors import UsageError
from imgrestore.noise_level import blind_sigma
from imgrestore.training.augment import distort
from imgrestore.training.data import random_crops
from imgrestore.training.losses import loss_fn
from imgrestore.training.objectives.base import Batch, Objective, ObjectiveContext
from imgrestore.training.validation import validate, validation_chains


class RestoreObjective(Objective):
    """Learn degraded -> clean with ``--loss`` on random crops."""

    zoomable = True

    def __init__(self, ctx: ObjectiveContext) -> None:
        super().__init__(ctx)
        scale = ctx.restorer.scale
        if ctx.config.crop % scale:
            raise UsageError(f"--crop {ctx.config.crop} must be a multiple of the model's scale {scale}")
        if scale > 1 and ctx.data.paired:
            raise UsageError(f"a x{scale} model trains on clean --data degraded on the fly, not on --pairs")
        if ctx.restorer.uses_mask and (ctx.data.paired or not ctx.chain.makes_mask):
            raise UsageError(f"{ctx.spec.name} learns to fill masked pixels: train it on clean --data with a "
                             "--degrade that masks, e.g. 'mask:strokes|mask:boxes'")
        self.loss_fn = loss_fn(ctx.config.loss)
        self.val_chains = validation_chains(ctx.config.degrade)

    def batch(self) -> Batch:
        ctx, config = self.ctx, self.ctx.config
        levels = None
        if ctx.data.paired:
            degraded, clean = random_crops(ctx.data.clean, config.batch, config.crop, ctx.generator,
                                           config.augment, partners=ctx.data.degraded, shift=config.shift)
            if ctx.restorer.uses_noise_level:
                levels = torch.tensor([blind_sigma(d.permute(1, 2, 0).numpy()) for d in degraded])
        else:
            clean = distort(random_crops(ctx.data.clean, config.batch, config.crop, ctx.generator, config.augment,
                                         shift=config.shift, zoom=config.zoom), config.distort, ctx.generator)
            outcome = ctx.chain(clean, ctx.generator)
            degraded = quantize(outcome.images)
            if ctx.restorer.uses_mask:
                degraded = torch.cat([degraded, outcome.mask[:, :1].to(degraded)], dim=1)
            if ctx.restorer.uses_noise_level:
                levels = drawn_level(ctx.chain, outcome, ctx.restorer.task)
            scale = ctx.restorer.scale
            if degraded.shape[-2:] != (clean.shape[-2] // scale, clean.shape[-1] // scale):
                raise UsageError(f"--degrade {config.degrade}: {_size_rule(scale)}")
        device = ctx.device
        return Batch(degraded.to(device).contiguous(memory_format=torch.channels_last),
                     clean.to(device).contiguous(memory_format=torch.channels_last),
                     levels=None if levels is None else (levels / 255).to(device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        return self.loss_fn(output, batch.targets), {}

    def validate(self) -> dict[str, float]:
        return validate(self.ctx.restorer, self.ctx.val, self.val_chains)


def _size_rule(scale: int) -> str:
    if scale == 1:
        return "training needs degradations that keep the size (use downsample:back=true)"
    return (f"a x{scale} model trains on inputs {scale} times smaller than the crops "
            f"(e.g. downsample:factor={scale},mode=bicubic)")
