"""Training objectives by name; an architecture trains with ``spec.trainer`` if it names
one, else a classifier with ``classify`` and any other model with ``restore``."""

from __future__ import annotations

from imgrestore.tasks import Task
from imgrestore.training.objectives.adversarial import AdversarialObjective
from imgrestore.training.objectives.base import Batch, Objective, ObjectiveContext
from imgrestore.training.objectives.classify import ClassifyObjective
from imgrestore.training.objectives.encode import EncodeGeneratedObjective
from imgrestore.training.objectives.gan import GanObjective
from imgrestore.training.objectives.restore import RestoreObjective

OBJECTIVES: dict[str, type[Objective]] = {
    "restore": RestoreObjective,
    "classify": ClassifyObjective,
    "adversarial": AdversarialObjective,
    "gan": GanObjective,
    "encode": EncodeGeneratedObjective,
}


def make_objective(ctx: ObjectiveContext) -> Objective:
    """The objective that trains ``ctx.spec``."""
    name = ctx.spec.trainer or ("classify" if ctx.spec.task is Task.CLASSIFY else "restore")
    return OBJECTIVES[name](ctx)


__all__ = ["OBJECTIVES", "Batch", "Objective", "ObjectiveContext", "make_objective"]
