"""Registers ``resunet``, the noise-level-conditional residual U-Net photo denoiser."""

import dataclasses

import torch

from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.errors import UsageError
from imgrestore.architectures.resunet.model import ResUNet, ResUNetConfig


def _size_req(config: ResUNetConfig) -> SizeRequirements:
    factor = 2 ** (len(config.widths) - 1)
    return SizeRequirements(multiple_of=factor, minimum=factor)


def adapt(state: dict[str, torch.Tensor], source: ResUNetConfig, target: ResUNetConfig) -> dict[str, torch.Tensor]:
    """Weights of one config as a starting point for another that differs only in ``channels`` or
    ``noise_map``: a gray model from a colour one sees R = G = B, so its input filter is the sum of the
    colour filters and its output the mean of the colour outputs; a blind model drops the noise-map input."""
    if dataclasses.replace(source, channels=target.channels, noise_map=target.noise_map) != target:
        raise UsageError(f"--init: resunet {dataclasses.asdict(source)} can only be adapted in channels and noise_map")
    state = dict(state)
    head = state["head.weight"]  # [width, channels (+1 noise map), 3, 3]
    colour, level = head[:, :source.channels], head[:, source.channels:]
    if target.channels != source.channels:
        colour = (colour.sum(dim=1, keepdim=True) if target.channels == 1
                  else colour.expand(-1, target.channels, -1, -1) / target.channels)
        tail = state["tail.weight"]  # [channels, width, 3, 3]
        state["tail.weight"] = (tail.mean(dim=0, keepdim=True) if target.channels == 1
                                else tail.expand(target.channels, -1, -1, -1).clone())
    if target.noise_map and not source.noise_map:
        level = torch.zeros_like(head[:, :1])
    state["head.weight"] = torch.cat([colour, level], dim=1) if target.noise_map else colour.contiguous()
    return state


SPEC = register(ArchSpec(
    name="resunet",
    config=ResUNetConfig,
    build=ResUNet,
    task="denoise",
    description="Noise-level-conditional U-Net with residual blocks (DRUNet family): imgrestore's photo denoiser",
    size_req=_size_req,
    uses_noise_level=lambda config: config.noise_map,
    extra={"adapt": adapt},
))

__all__ = ["ResUNet", "ResUNetConfig", "SPEC"]
