"""Registers ``rrdbnet``: ESRGAN / Real-ESRGAN's generator, loading the community's weights unchanged
(`weights-tools convert FILE.pth OUT.safetensors` recognises them by their tensors)."""

from __future__ import annotations

import re

import torch

from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.architectures.rrdbnet.model import RRDBNet, RRDBNetConfig
from imgrestore.tasks import Task

_BLOCK = re.compile(r"body\.(\d+)\.rdb1\.conv1\.weight")


def detect(state: dict[str, torch.Tensor]) -> dict | None:
    """The config of an upstream RRDBNet state dict, read from its tensors' names and shapes, else None."""
    needed = ("conv_first.weight", "conv_body.weight", "conv_up1.weight", "conv_up2.weight", "conv_hr.weight",
              "conv_last.weight", "body.0.rdb1.conv1.weight")
    if not all(key in state for key in needed):
        return None
    channels = state["conv_last.weight"].shape[0]
    folded = state["conv_first.weight"].shape[1] // channels  # unshuffle ** 2
    scale = {1: 4, 4: 2, 16: 1}.get(folded)
    if scale is None:
        return None
    blocks = 1 + max(int(m[1]) for key in state if (m := _BLOCK.fullmatch(key)))
    return {"channels": channels, "scale": scale, "features": state["conv_first.weight"].shape[0],
            "blocks": blocks, "growth": state["body.0.rdb1.conv1.weight"].shape[0]}


SPEC = register(ArchSpec(
    name="rrdbnet",
    config=RRDBNetConfig,
    build=RRDBNet,
    task=Task.UPSCALE,
    description="RRDBNet (ESRGAN / Real-ESRGAN x4plus, x2plus): the community's GAN upscalers, imported",
    size_req=lambda config: SizeRequirements(multiple_of=config.unshuffle, minimum=config.unshuffle),
    scale=lambda config: config.scale,
    detect=detect,
    test_config={"channels": 3, "scale": 4, "features": 8, "blocks": 1, "growth": 4},
))

__all__ = ["SPEC", "RRDBNet", "RRDBNetConfig", "detect"]
