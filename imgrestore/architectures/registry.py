"""Architectures register themselves here by name; everything else looks them up.

An :class:`ArchSpec` is the whole contract between an architecture and the engines: how to build
it from a typed config, what input sizes it accepts and whether it may be tiled. The tiling engine,
the loaders and the tests read these declarations; nothing is special-cased by name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from imgrestore import typed_json
from imgrestore.errors import ConfigTypeError, UnknownArchitectureError
from imgrestore.sizes import SizeRequirements, Tiling
from imgrestore.tasks import Task

__all__ = ["ArchSpec", "SizeRequirements", "Tiling", "get_arch", "list_archs", "register"]


@dataclass(frozen=True)
class ArchSpec:
    """Everything the engines need to know about one architecture."""

    name: str
    config: type  # a frozen dataclass; its asdict() is stored in the weights metadata
    build: Callable[[Any], nn.Module]
    task: Task
    description: str
    size_req: Callable[[Any], SizeRequirements] = lambda config: SizeRequirements()  # a fixed size: never tiled
    channels: Callable[[Any], int] = lambda config: config.channels
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.bfloat16, torch.float16)
    uses_noise_level: Callable[[Any], bool] = lambda config: False  # takes a noise-level map input
    uses_mask: Callable[[Any], bool] = lambda config: False  # takes the missing-pixel mask as one more channel
    # a mask-aware model that refines a classical fill: that fill's smoothing iterations (None: it starts from
    # none). Engines compute the fill on the whole image before tiling and call forward(x, prefilled=True), so
    # a hole cut by a tile border is filled from all of its surroundings, as without tiles
    prefill_iterations: Callable[[Any], int | None] = lambda config: None
    scale: Callable[[Any], int] = lambda config: 1  # output size / input size (super-resolution: 2, 4)
    # input pixels neighbouring tiles share by default: enough context that the tiled output stays within
    # 1/255 of the whole-image output (measured per bundled model by benchmarks/overlap.py)
    overlap: Callable[[Any], int] = lambda config: 32
    # optional hooks
    trainer: str | None = None  # the training objective, when not the task's default (a GAN's "adversarial", ...)
    discriminator: Callable[[Any], nn.Module] | None = None  # built from the config by adversarial trainers
    adapt: Callable[[dict[str, torch.Tensor], Any, Any], dict[str, torch.Tensor]] | None = None  # state, from, to
    parts: dict[str, tuple[str, Callable[[Any], Any]]] = field(default_factory=dict)  # sub-network -> (arch, config)
    remap_keys: Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]] | None = None  # foreign .pth keys
    runtime_options: tuple[str, ...] = ()  # config fields `-m NAME:key=value` may change at run time
    detect: Callable[[dict[str, torch.Tensor]], dict[str, Any] | None] | None = None  # config of foreign tensors
    test_config: dict[str, Any] = field(default_factory=dict)  # a tiny config the tests build (timm's test_*)

    def tiling(self, config: Any) -> Tiling:
        """How the tiling engine may feed the model: a fixed input size is never tiled (one declaration)."""
        return Tiling.FIXED_SIZE if self.size_req(config).fixed is not None else Tiling.TILED

    def make_config(self, values: dict[str, Any]) -> Any:
        """Build the typed config from metadata, each value checked against its field's type."""
        if not isinstance(values, dict):
            raise ConfigTypeError(f"'{self.name}' config: expected an object of settings, got {values!r}")
        known = {f.name: f for f in dataclasses.fields(self.config)}
        unknown = set(values) - set(known)
        if unknown:
            raise UnknownArchitectureError(
                f"architecture '{self.name}' has no config field(s) {sorted(unknown)}"
            )
        return typed_json.build(self.config, values, f"'{self.name}' config")


_REGISTRY: dict[str, ArchSpec] = {}


def register(spec: ArchSpec) -> ArchSpec:
    """Add an architecture; a second one with the same name is a programming error."""
    if spec.name in _REGISTRY:
        raise ValueError(f"architecture '{spec.name}' is registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def get_arch(name: str) -> ArchSpec:
    """Look up an architecture by name, with the known names in the error."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise UnknownArchitectureError(
            f"unknown architecture '{name}' (known: {known})"
        ) from None


def list_archs(restorers_only: bool = False) -> list[str]:
    """Names of the registered architectures (only image-in, image-out ones with ``restorers_only``), sorted."""
    return sorted(name for name, spec in _REGISTRY.items() if spec.task.restores or not restorers_only)
