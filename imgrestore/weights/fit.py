"""Whether a state dict fits an architecture's module exactly: one clear error instead of torch's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from imgrestore.errors import WeightsMismatchError

if TYPE_CHECKING:
    from imgrestore.architectures import ArchSpec


def check_fits(spec: ArchSpec, module: nn.Module, state_dict: dict[str, torch.Tensor], source: str) -> None:
    """Raise one clear error if ``state_dict`` does not match the module's tensors exactly."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(expected))
    wrong = sorted(
        k for k in set(expected) & set(state_dict) if tuple(expected[k].shape) != tuple(state_dict[k].shape)
    )
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        if wrong:
            key = wrong[0]
            parts.append(
                f"{len(wrong)} of the wrong shape (e.g. {key}: file {tuple(state_dict[key].shape)}, "
                f"'{spec.name}' expects {tuple(expected[key].shape)})"
            )
        raise WeightsMismatchError(f"{source}: tensors do not fit architecture '{spec.name}': " + "; ".join(parts))
