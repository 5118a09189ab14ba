"""Training losses: each is minimal at the target and ranks errors the way its name says."""

from __future__ import annotations

import math

import pytest
import torch

from imgrestore.training.losses import LOSSES


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_is_lowest_at_the_target(name):
    target = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    exact = LOSSES[name](target, target)
    off = LOSSES[name](target + 0.05, target)
    assert float(off) > float(exact)


def test_psnr_loss_is_minus_mean_psnr_and_weighs_crops_by_relative_error():
    target = torch.zeros(2, 1, 4, 4)
    output = target.clone()
    output[0] += 0.01  # MSE 1e-4: PSNR 40 dB
    output[1] += 0.1  # MSE 1e-2: PSNR 20 dB
    assert math.isclose(float(LOSSES["psnr"](output, target)), -30.0, abs_tol=1e-3)
    # halving the small error gains as much as halving the large one (3 dB each); with MSE it would not
    small, large = output.clone(), output.clone()
    small[0] /= 2
    large[1] /= 2
    gain_small = float(LOSSES["psnr"](output, target) - LOSSES["psnr"](small, target))
    gain_large = float(LOSSES["psnr"](output, target) - LOSSES["psnr"](large, target))
    assert math.isclose(gain_small, gain_large, rel_tol=1e-3)
    assert float(LOSSES["mse"](output, target) - LOSSES["mse"](large, target)) > 50 * float(
        LOSSES["mse"](output, target) - LOSSES["mse"](small, target))


def test_training_curve_draws_negative_losses(tmp_path):
    """--loss psnr is negative: the curve falls back to a linear scale instead of failing the run."""
    from imgrestore.training.logs import write_curve

    history = [{"step": 50, "loss": -20.0}, {"step": 100, "loss": -25.0, "psnr_sigma15": 30.1}]
    write_curve(tmp_path / "curve.png", history)
    assert (tmp_path / "curve.png").stat().st_size > 1000
