"""Registers ``resunet``, the noise-level-conditional residual U-Net photo denoiser."""

import dataclasses

import torch

from imgrestore.architectures.growth import widen
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.architectures.resunet.model import ResUNet, ResUNetConfig
from imgrestore.errors import UsageError
from imgrestore.tasks import Task


def _grow_blocks(state: dict[str, torch.Tensor], source: ResUNetConfig, target: ResUNetConfig) -> None:
    """Add the residual blocks ``target`` has beyond ``source`` as identities: first convolution
    He-initialised, last one zero, so the grown network starts out computing exactly the source's function."""
    stages = ([f"down_stages.{i}" for i in range(len(source.widths) - 1)] + ["body"]
              + [f"up_stages.{i}" for i in range(len(source.widths) - 1)])
    generator = torch.Generator().manual_seed(0)
    for stage in stages:
        width = state[f"{stage}.0.body.0.weight"].shape[0]
        for block in range(source.blocks, target.blocks):
            first = torch.randn(width, width, 3, 3, generator=generator) * (2 / (width * 9)) ** 0.5
            state[f"{stage}.{block}.body.0.weight"] = first
            state[f"{stage}.{block}.body.2.weight"] = torch.zeros(width, width, 3, 3)


def adapt(state: dict[str, torch.Tensor], source: ResUNetConfig, target: ResUNetConfig) -> dict[str, torch.Tensor]:
    """Weights of one config as a starting point for another that differs in ``channels``,
    ``noise_map``, a larger ``blocks`` or wider ``widths``: a gray model from a colour one sees R = G = B, so its
    input filter is the sum of the colour filters and its output the mean of the colour outputs; a blind
    model drops the noise-map input; extra residual blocks start as identities; extra channels start
    unheard by the trained ones (:func:`~imgrestore.architectures.growth.widen`); an inpainter (``mask_input``)
    reads the mask through the noise map's filters."""
    comparable = dataclasses.replace(source, channels=target.channels, noise_map=target.noise_map, blocks=target.blocks,
                                     widths=target.widths, mask_input=target.mask_input, mask_level=target.mask_level,
                                     smooth_iterations=target.smooth_iterations)
    wider = len(target.widths) == len(source.widths) and all(map(int.__ge__, target.widths, source.widths))
    if comparable != target or target.blocks < source.blocks or not wider:
        raise UsageError(f"--init: resunet {dataclasses.asdict(source)} can only be adapted in channels, noise_map, "
                         "the inpainter's mask settings, a larger blocks and wider widths (as many scales)")
    state = dict(state)
    if target.blocks > source.blocks:
        _grow_blocks(state, source, target)
    if target.widths != source.widths:
        grown = dataclasses.replace(source, widths=target.widths, blocks=target.blocks)
        widen(state, {key: value.shape for key, value in ResUNet(grown).state_dict().items()},
              transposed={key for key in state if key.startswith("ups.")})
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
    task=Task.DENOISE,
    description="Noise-level-conditional U-Net with residual blocks (DRUNet family): imgrestore's photo denoiser",
    size_req=lambda config: SizeRequirements.halved(len(config.widths) - 1),
    uses_noise_level=lambda config: config.noise_map and not config.mask_input,
    uses_mask=lambda config: config.mask_input,
    prefill_iterations=lambda config: config.smooth_iterations if config.mask_input else None,
    # measured (benchmarks/overlap.py): the bundled 4-level resunets need 64 px to stay within 1/255, 32 gives
    # up to 8 levels; a shallower one needs less, by its halvings
    overlap=lambda config: 8 * 2 ** (len(config.widths) - 1),
    adapt=adapt,
    test_config={"channels": 3, "widths": [4, 8, 16], "blocks": 1},
))

__all__ = ["SPEC", "ResUNet", "ResUNetConfig"]
