"""Classification: whole labelled images (optionally degraded), cross-entropy, accuracy."""

from __future__ import annotations

import torch
from torch import nn

from imgrestore.degradations import quantize
from imgrestore.errors import UsageError
from imgrestore.training.objectives.base import Batch, Objective
from imgrestore.training.validation import validate_classifier


def labelled_batch(run) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(degraded, clean, labels) of ``--batch`` whole images drawn at random from labelled data."""
    if run.data.labels is None:
        raise UsageError(f"--arch {run.config.arch} needs labels: --data must carry them (an .npz with 'labels')")
    picks = torch.randint(len(run.data.clean), (run.config.batch,), generator=run.generator)
    clean = torch.stack([run.data.clean[i] for i in picks.tolist()])
    degraded = quantize(run.chain(clean, run.generator).images) if run.chain.ops else clean
    return degraded, clean, run.data.labels[picks]


class ClassifyObjective(Objective):
    """Learn image -> class with cross-entropy; validated by accuracy."""

    metric_key = "val_accuracy"

    def batch(self) -> Batch:
        images, _, labels = labelled_batch(self.run)
        device = self.run.context.device
        return Batch(images.to(device), labels.to(device), labels=labels.to(device))

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        return nn.functional.cross_entropy(output, batch.targets), {}

    def validate(self) -> dict[str, float]:
        return validate_classifier(self.run.module, self.run.val, self.run.context.device)
