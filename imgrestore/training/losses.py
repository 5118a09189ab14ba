"""Training losses by name (``imgrestore train --loss``)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from imgrestore.errors import UsageError


def _rmse(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(nn.functional.mse_loss(output, target) + 1e-12)


def _psnr_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Minus the mean per-image PSNR (up to a constant): each crop counts by its relative error, so
    low-noise crops weigh as much as high-noise ones instead of being drowned by them (NAFNet's loss)."""
    per_image = (output - target).pow(2).flatten(1).mean(dim=1)
    return 10 * torch.log10(per_image + 1e-8).mean()


LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "l1": nn.functional.l1_loss, "mse": nn.functional.mse_loss, "rmse": _rmse, "psnr": _psnr_loss,
}


def loss_fn(name: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    try:
        return LOSSES[name]
    except KeyError:
        raise UsageError(f"--loss {name}: expected one of {', '.join(LOSSES)}") from None


