"""Registers ``rlfn``, imgrestore's efficient photo super-resolution network (x2, x3, x4)."""

import dataclasses

import torch

from imgrestore.architectures.registry import ArchSpec, register
from imgrestore.architectures.rlfn.model import RLFN, RLFNConfig
from imgrestore.errors import UsageError
from imgrestore.tasks import Task


def adapt(state: dict[str, torch.Tensor], source: RLFNConfig, target: RLFNConfig) -> dict[str, torch.Tensor]:
    """A model of one scale as the start of another (EDSR's x2 -> x4 pre-training): the low-resolution
    body carries over; the upsampler, whose output channels depend on the scale, starts at zero, so the
    new model begins as its anchor (nearest-neighbour upscaling) on top of the trained features."""
    if dataclasses.replace(source, scale=target.scale) != target or not target.anchor:
        raise UsageError(f"--init: rlfn {dataclasses.asdict(source)} can only be adapted in scale (with anchor=true)")
    out_channels = target.channels * target.scale ** 2
    return {**state, "upsample.weight": torch.zeros(out_channels, target.features, 3, 3),
            "upsample.bias": torch.zeros(out_channels)}


SPEC = register(ArchSpec(
    name="rlfn",
    config=RLFNConfig,
    build=RLFN,
    task=Task.UPSCALE,
    description="Residual local feature network (RLFN, efficient-SR family): imgrestore's photo upscaler",
    scale=lambda config: config.scale,
    adapt=adapt,
    test_config={"channels": 3, "scale": 2, "features": 8, "blocks": 1, "attention": 4},
))

__all__ = ["RLFN", "SPEC", "RLFNConfig"]
