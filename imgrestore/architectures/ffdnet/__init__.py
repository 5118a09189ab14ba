"""Registers ``ffdnet``: FFDNet, compatible with the official weights (`weights-tools import-ffdnet`)."""

import re

import torch

from imgrestore.architectures.ffdnet.model import FFDNet, FFDNetConfig
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task

_OFFICIAL_PREFIX = re.compile(r"^(module\.)?intermediate_dncnn\.itermediate_dncnn\.")


def remap_official_keys(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Official FFDNet keys (``[module.]intermediate_dncnn.itermediate_dncnn.N.*``) -> ours (``body.N.*``).
    The official files predate BatchNorm's ``num_batches_tracked`` counter (bookkeeping for training
    only); it is added as 0."""
    out = {_OFFICIAL_PREFIX.sub("body.", key): value for key, value in state.items()}
    for key in [k for k in out if k.endswith(".running_mean")]:
        out.setdefault(key.replace(".running_mean", ".num_batches_tracked"), torch.tensor(0, dtype=torch.long))
    return out


SPEC = register(ArchSpec(
    name="ffdnet",
    config=FFDNetConfig,
    build=FFDNet,
    task=Task.DENOISE,
    description="FFDNet (noise-level map, 2x2 sub-images, plain CNN); loads the official weights",
    size_req=lambda config: SizeRequirements(multiple_of=2, minimum=2),
    uses_noise_level=lambda config: True,
    remap_keys=remap_official_keys,
    test_config={"channels": 3, "features": 8, "layers": 4},
))

__all__ = ["SPEC", "FFDNet", "FFDNetConfig", "remap_official_keys"]
