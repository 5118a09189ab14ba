"""Classification: whole labelled images (optionally degraded), cross-entropy, accuracy."""

from __future__ import annotations

import torch
from torch import nn

from imgrestore.degradations import quantize
from imgrestore.errors import UsageError
from imgrestore.training.objectives.base import Batch, Objective
from imgrestore.training.validation import validate_classifier


def labelled_batch(ctx) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(degraded, clean, labels) of ``--batch`` whole images drawn at random from labelled data."""
    if ctx.data.labels is None:
        raise UsageError(f"--arch {ctx.config.arch} needs labels: --data must carry them (an .npz with 'labels')")
    picks = torch.randint(len(ctx.data.clean), (ctx.config.batch,), generator=ctx.generator)
    clean = torch.stack([ctx.data.clean[i] for i in picks.tolist()])
    degraded = quantize(ctx.chain(clean, ctx.generator).images) if ctx.chain.ops else clean
    return degraded, clean, ctx.data.labels[picks]


class ClassifyObjective(Objective):
    """Learn image -> class with cross-entropy; validated by accuracy."""


    def batch(self) -> Batch:
        images, _, labels = labelled_batch(self.ctx)
        device = self.ctx.device
        return Batch(images.to(device), labels.to(device), labels=labels.to(device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        return nn.functional.cross_entropy(output, batch.targets), {}

    def validate(self) -> dict[str, float]:
        return validate_classifier(self.ctx.module, self.ctx.val, self.ctx.device)
