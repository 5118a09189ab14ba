"""Training objectives by name; an architecture trains with ``spec.trainer`` if it names
one, else with the objective of the same name as ``spec.objective``."""

from __future__ import annotations

from imgrestore.training.objectives.adversarial import AdversarialObjective
from imgrestore.training.objectives.base import Batch, Objective
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


def make_objective(run) -> Objective:
    """The objective that trains ``run.spec``."""
    name = run.spec.trainer or run.spec.objective
    return OBJECTIVES[name](run)


__all__ = ["OBJECTIVES", "Batch", "Objective", "make_objective"]
