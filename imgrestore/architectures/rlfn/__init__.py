"""Registers ``rlfn``, imgrestore's efficient photo super-resolution network (x2, x3, x4)."""

import dataclasses

import torch

from imgrestore.architectures.growth import widen
from imgrestore.architectures.registry import ArchSpec, register
from imgrestore.architectures.rlfn.model import RLFN, RLFNConfig
from imgrestore.errors import UsageError
from imgrestore.tasks import Task

# the gate of a new block starts open: sigmoid(8) = 0.9997, so the block passes its input on almost unchanged
_OPEN_GATE = 8.0


def _grow_blocks(state: dict[str, torch.Tensor], source: RLFNConfig, target: RLFNConfig) -> None:
    """Append the blocks ``target`` has beyond ``source`` as near-identities: the last 3x3 convolution at
    zero (the residual branch adds nothing), the 1x1 fusion the identity, the attention gate open; the
    other convolutions He-initialised so that gradients reach them once the last one moves."""
    generator = torch.Generator().manual_seed(0)
    f, a = target.features, target.attention

    def he(out: int, inp: int, k: int) -> torch.Tensor:
        return torch.randn(out, inp, k, k, generator=generator) * (2 / (inp * k * k)) ** 0.5

    for block in range(source.blocks, target.blocks):
        prefix = f"blocks.{block}."
        for i in range(3):
            state[prefix + f"convs.{i}.weight"] = he(f, f, 3) if i < 2 else torch.zeros(f, f, 3, 3)
            state[prefix + f"convs.{i}.bias"] = torch.zeros(f)
        state[prefix + "fuse.weight"] = torch.eye(f)[:, :, None, None].clone()
        state[prefix + "fuse.bias"] = torch.zeros(f)
        for name, out, inp, k in (("reduce", a, f, 1), ("before_pool", a, a, 3), ("after_pool", a, a, 3)):
            state[prefix + f"attention.{name}.weight"] = he(out, inp, k)
            state[prefix + f"attention.{name}.bias"] = torch.zeros(out)
        state[prefix + "attention.expand.weight"] = torch.zeros(f, a, 1, 1)
        state[prefix + "attention.expand.bias"] = torch.full((f,), _OPEN_GATE)


def adapt(state: dict[str, torch.Tensor], source: RLFNConfig, target: RLFNConfig) -> dict[str, torch.Tensor]:
    """A trained model as the start of one of another scale, wider or with more blocks. Another scale (EDSR's
    x2 -> x4 pre-training): the low-resolution body carries over; the upsampler, whose output channels depend
    on the scale, starts at zero, so the new model begins as its anchor (nearest-neighbour upscaling) on top
    of the trained features. More features: the trained channels keep their function (:func:`~imgrestore.architectures.growth.widen`), so
    the wider model starts as the trained one. More blocks: the new ones are appended as near-identities
    (:func:`_grow_blocks`), so the grown model starts within a hair of the trained one."""
    comparable = dataclasses.replace(source, scale=target.scale, blocks=target.blocks, features=target.features)
    if (comparable != target or target.blocks < source.blocks or target.features < source.features
            or (target.scale != source.scale and not target.anchor)):
        raise UsageError(f"--init: rlfn {dataclasses.asdict(source)} can only be adapted in scale (with anchor=true), "
                         "a larger features and a larger blocks")
    state = dict(state)
    if target.features > source.features:
        wider = dataclasses.replace(source, features=target.features)
        widen(state, {key: value.shape for key, value in RLFN(wider).state_dict().items()})
    if target.blocks > source.blocks:
        _grow_blocks(state, source, target)
    if target.scale != source.scale:
        out_channels = target.channels * target.scale ** 2
        state["upsample.weight"] = torch.zeros(out_channels, target.features, 3, 3)
        state["upsample.bias"] = torch.zeros(out_channels)
    return state


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
