"""Registers ``srvgg``: Real-ESRGAN's SRVGGNetCompact, loading the community's weights unchanged
(`weights-tools convert FILE.pth OUT.safetensors` recognises them by their tensors)."""

from __future__ import annotations

import math
import re

import torch

from imgrestore.architectures.registry import ArchSpec, register
from imgrestore.architectures.srvgg.model import SRVGGConfig, SRVGGNetCompact
from imgrestore.tasks import Task

_LAYER = re.compile(r"body\.(\d+)\.weight")


def detect(state: dict[str, torch.Tensor]) -> dict | None:
    """The config of an upstream SRVGGNetCompact state dict, read from its tensors, else None: ``body.N``
    alternates 3x3 convolutions (4-D weight and a bias) and PReLU slopes (1-D), ending on a convolution."""
    layers = sorted(int(m[1]) for key in state if (m := _LAYER.fullmatch(key)))
    if not layers or layers != list(range(len(layers))) or len(layers) % 2 == 0:
        return None
    if set(state) != {f"body.{i}.weight" for i in layers} | {f"body.{i}.bias" for i in layers[::2]}:
        return None
    if any(state[f"body.{i}.weight"].ndim != (4 if i % 2 == 0 else 1) for i in layers):
        return None
    first, last = state["body.0.weight"], state[f"body.{layers[-1]}.weight"]
    channels = first.shape[1]
    scale = math.isqrt(last.shape[0] // channels)
    if scale * scale * channels != last.shape[0]:
        return None
    return {"channels": channels, "scale": scale, "features": first.shape[0], "convs": (len(layers) - 3) // 2}


SPEC = register(ArchSpec(
    name="srvgg",
    config=SRVGGConfig,
    build=SRVGGNetCompact,
    task=Task.UPSCALE,
    description="SRVGGNetCompact (Real-ESRGAN general-x4v3, animevideov3): the community's compact upscalers, imported",
    scale=lambda config: config.scale,
    detect=detect,
    test_config={"channels": 3, "scale": 4, "features": 8, "convs": 2},
))

__all__ = ["SPEC", "SRVGGConfig", "SRVGGNetCompact", "detect"]
