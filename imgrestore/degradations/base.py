"""The degradation interface: draw random parameters explicitly, then apply them.

Every operator is a small frozen dataclass whose fields are its settings (what a spec string such
as ``gaussian:sigma=0..50`` sets). ``sample`` draws the per-image random parameters from an
explicit ``torch.Generator``; ``apply`` degrades a batch [B, C, H, W] of 0..1 floats with them.
Keeping the two apart lets one operator serve training (fresh draws every batch) and ``corrupt``
(one seed per file, recorded in the manifest so the run can be reproduced bit for bit).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, ClassVar

import torch

from imgrestore.errors import SpecError

Params = dict[str, torch.Tensor]
_OPERATORS: dict[str, type[Operator]] = {}


def operator(cls: type[Operator]) -> type[Operator]:
    """Class decorator: register an operator under its ``name``; a duplicate name is an error."""
    if cls.name in _OPERATORS:
        raise ValueError(f"degradation '{cls.name}' is registered twice")
    _OPERATORS[cls.name] = cls
    return cls


def operators() -> dict[str, type[Operator]]:
    """All registered operators by name."""
    return dict(_OPERATORS)


def setting(default: Any, help: str) -> Any:
    """A dataclass field with the help text shown by ``imgrestore corrupt --list``."""
    return dataclasses.field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Operator:
    """Base class of corruption operators. Subclasses set ``name`` and override the two methods."""

    name: ClassVar[str] = ""
    makes_mask: ClassVar[bool] = False

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        """Draw this operator's random parameters for the batch ``x`` (one value per image)."""
        return {}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        """Degrade ``x`` [B, C, H, W] with ``params`` from :meth:`sample`."""
        raise NotImplementedError

    def spec(self, full: bool = False) -> str:
        """This operator as a spec string: settings that differ from the defaults, or all with ``full``."""
        changed = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if full or value != f.default:
                changed.append(f"{f.name}={format_value(value)}")
        separator = "," if ":" in self.name else ":"  # mask:kind takes its settings after a comma
        return self.name + (separator + ",".join(changed) if changed else "")


def format_value(value: Any) -> str:
    """A setting as written in a spec string (ranges as lo..hi)."""
    if value is None:
        return "none"
    if isinstance(value, tuple):
        low, high = value
        return format_value(low) if low == high else f"{format_value(low)}..{format_value(high)}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def uniform(low: float, high: float, batch: int, generator: torch.Generator) -> torch.Tensor:
    """``batch`` values drawn uniformly in [low, high] (exactly ``low`` when they are equal)."""
    return low + (high - low) * torch.rand(batch, generator=generator, dtype=torch.float64)


def per_image(values: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Broadcast one value per image to [B, 1, 1, 1] in ``x``'s dtype."""
    return values.to(x.dtype).view(-1, 1, 1, 1)


def seed_for(seed: int, key: str) -> int:
    """A stable per-item seed: the same ``seed`` and ``key`` give the same number in every process.

    hashlib, not ``hash()``: Python salts ``hash`` of strings per process.
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)


def quantize(x: torch.Tensor, levels: int = 255) -> torch.Tensor:
    """Round to ``levels`` steps and clip to 0..1: what a degraded image looks like once saved to disk."""
    return torch.round(x.clamp(0, 1) * levels) / levels


def check(condition: bool, op: str, message: str) -> None:
    """Raise a SpecError naming the operator when a setting is out of range."""
    if not condition:
        raise SpecError(f"{op}: {message}")
