"""Spec strings <-> operator chains, and the ``corrupt --list`` text.

Grammar: operators joined by ``+``; each is ``name`` or ``name:key=value,key=value``; masks are
``mask:kind[,key=value...]``. A value ``lo..hi`` is a range drawn per image. Examples::

    gaussian:sigma=25
    gaussian:sigma=0..50
    mask:lower-half+saltpepper:amount=0.1
    downsample:factor=4,back=true+gaussian:sigma=10

Training also takes alternatives joined by `` | ``: each image goes through one of them, drawn
uniformly (``mask:lower-half+saltpepper:amount=0.1 | mask:lower-half+gaussian:sigma=51``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from imgrestore.degradations.base import Operator, format_value, operators
from imgrestore.errors import ImgrestoreError, SpecError
from imgrestore.jpeg_quality import compression_level
from imgrestore.tasks import Task

_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def _parse_number(text: str, kind: type, where: str) -> Any:
    try:
        return kind(text) if kind is not int else int(float(text)) if float(text).is_integer() else int(text)
    except ValueError:
        raise SpecError(f"{where}: '{text}' is not a{'n integer' if kind is int else ' number'}") from None


def _parse_value(text: str, hint: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:  # a range lo..hi, or one value
        low, sep, high = text.partition("..")
        low_value = _parse_number(low, float, where)
        return (low_value, _parse_number(high, float, where) if sep else low_value)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in args if a is not type(None))
        return None if text.lower() in {"none", "null", ""} else _parse_value(text, inner, where)
    if hint is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise SpecError(f"{where}: '{text}' is not true or false")
    if hint in (int, float):
        return _parse_number(text, hint, where)
    return text


def parse_operator(text: str) -> Operator:
    """One operator from ``name[:key=value,...]`` (or ``mask:kind[,key=value...]``)."""
    text = text.strip()
    head, _, rest = text.partition(":")
    items = [item.strip() for item in rest.split(",") if item.strip()] if rest else []
    name = head.strip().lower()
    if name == "mask":
        if not items or "=" in items[0]:
            kinds = ", ".join(n.split(":", 1)[1] for n in operators() if n.startswith("mask:"))
            raise SpecError(f"'{text}': say which mask, e.g. mask:lower-half (kinds: {kinds})")
        name = f"mask:{items.pop(0).lower()}"
    registry = operators()
    if name not in registry:
        raise SpecError(f"unknown degradation '{name}' in '{text}' (see `imgrestore corrupt --list`; known: "
                        f"{', '.join(sorted(registry))})")
    cls = registry[name]
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            raise SpecError(f"'{item}' in '{text}': expected key=value")
        if key not in fields:
            raise SpecError(f"{name} has no setting '{key}' (settings: {', '.join(sorted(fields))})")
        values[key] = _parse_value(value.strip(), hints[key], f"{name}.{key}")
    try:
        return cls(**values)
    except ImgrestoreError:
        raise
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{name}: {exc}") from None


@dataclass(frozen=True)
class Degraded:
    """The result of a chain on a batch: images, the drawn parameters per operator, the union mask.
    From a :class:`Choice`, ``branches`` keeps, per alternative, the batch rows it took and their outcome
    (``params`` is then empty: rows of different alternatives drew different operators)."""

    images: torch.Tensor
    params: list[dict[str, torch.Tensor]]
    mask: torch.Tensor | None
    branches: tuple[tuple[int, torch.Tensor, Degraded], ...] = ()

    def record(self, index: int, chain: Chain) -> list[dict[str, Any]]:
        """JSON-ready parameters drawn for image ``index`` (masks left out: they are saved as files)."""
        out = []
        for op, params in zip(chain.ops, self.params):
            drawn = {k: float(v[index]) for k, v in params.items() if k != "mask"}
            out.append({"op": op.spec(full=True), **({"drawn": drawn} if drawn else {})})
        return out


@dataclass(frozen=True)
class Chain:
    """Operators applied in order, all drawing from one explicit generator."""

    ops: tuple[Operator, ...] = field(default_factory=tuple)

    @property
    def makes_mask(self) -> bool:
        return any(op.makes_mask for op in self.ops)

    def spec(self, full: bool = False) -> str:
        """The chain as a spec string; ``full`` spells out every setting (what manifests record)."""
        return "+".join(op.spec(full) for op in self.ops)

    def __call__(self, x: torch.Tensor, generator: torch.Generator) -> Degraded:
        params, mask = [], None
        for op in self.ops:
            drawn = op.sample(x, generator)
            x = op.apply(x, drawn, generator)
            if "mask" in drawn:
                mask = drawn["mask"] if mask is None else torch.maximum(mask, drawn["mask"])
            params.append(drawn)
        return Degraded(x, params, mask)


@dataclass(frozen=True)
class Choice:
    """Alternative chains: each image of a batch goes through one of them, drawn uniformly, so one
    model can learn several corruptions at once. Only training draws from alternatives; ``corrupt``
    and ``eval`` take one chain so that every file records exactly what was done to it."""

    chains: tuple[Chain, ...]

    @property
    def ops(self) -> tuple[Operator, ...]:
        return tuple(op for chain in self.chains for op in chain.ops)

    @property
    def makes_mask(self) -> bool:
        return any(chain.makes_mask for chain in self.chains)

    def spec(self, full: bool = False) -> str:
        return " | ".join(chain.spec(full) for chain in self.chains)

    def __call__(self, x: torch.Tensor, generator: torch.Generator) -> Degraded:
        picks = torch.randint(len(self.chains), (x.shape[0],), generator=generator)
        images = x.clone()
        mask = torch.zeros_like(x) if self.makes_mask else None
        branches = []
        for index, chain in enumerate(self.chains):
            rows = (picks == index).nonzero().flatten()
            if len(rows) == 0:
                continue
            degraded = chain(x[rows], generator)
            images[rows] = degraded.images
            if mask is not None and degraded.mask is not None:
                mask[rows] = degraded.mask.to(mask)
            branches.append((index, rows, degraded))
        return Degraded(images, [], mask, tuple(branches))


def _per_branch(choice: Choice, degraded: Degraded,
                level_of: Callable[[Chain, Degraded], torch.Tensor]) -> torch.Tensor:
    """A per-image level from alternatives: each row's level as the alternative it took reports it."""
    levels = torch.zeros(degraded.images.shape[0])
    for index, rows, outcome in degraded.branches:
        levels[rows] = level_of(choice.chains[index], outcome)
    return levels


def drawn_noise_level(chain: Chain | Choice, degraded: Degraded) -> torch.Tensor:
    """Per image, the Gaussian sigma (0..255) the chain drew: what a noise-level model is told
    in training (several Gaussian steps add in quadrature; 0 if the chain adds none)."""
    if isinstance(chain, Choice):
        return _per_branch(chain, degraded, drawn_noise_level)
    variance = torch.zeros(degraded.images.shape[0], dtype=torch.float64)
    for op, params in zip(chain.ops, degraded.params):
        if op.name == "gaussian":
            variance += params["sigma"].to(torch.float64) ** 2
    return variance.sqrt().float()


def drawn_compression_level(chain: Chain | Choice, degraded: Degraded) -> torch.Tensor:
    """Per image, the JPEG compression level the chain drew (:func:`imgrestore.jpeg_quality.compression_level`
    of the lowest quality of its JPEG steps; 0 if it compresses nothing): what a JPEG model is told in training."""
    if isinstance(chain, Choice):
        return _per_branch(chain, degraded, drawn_compression_level)
    level = torch.zeros(degraded.images.shape[0], dtype=torch.float64)
    for op, params in zip(chain.ops, degraded.params):
        if op.name == "jpeg":
            drawn = torch.tensor([compression_level(q) for q in params["quality"].tolist()], dtype=torch.float64)
            level = torch.maximum(level, drawn)
    return level.float()


def drawn_level(chain: Chain | Choice, degraded: Degraded, task: Task) -> torch.Tensor:
    """Per image, what a conditioned model of ``task`` is told the damage was: the JPEG compression level
    for a dejpeg model, the Gaussian sigma otherwise."""
    if task is Task.DEJPEG:
        return drawn_compression_level(chain, degraded)
    return drawn_noise_level(chain, degraded)


def parse_degradation(spec: str) -> Chain | Choice:
    """A chain, or a :class:`Choice` when the spec joins alternatives with ``|`` (training only)."""
    texts = [text for text in spec.split("|")]
    if len(texts) == 1:
        return parse_chain(spec)
    if any(not text.strip() for text in texts):
        raise SpecError(f"'{spec}': an empty alternative around '|'")
    return Choice(tuple(parse_chain(text) for text in texts))


def parse_chain(specs: str | list[str]) -> Chain:
    """A chain from one spec string (``a+b``) or several (repeated ``--op``); ``none`` is the empty chain."""
    texts = [specs] if isinstance(specs, str) else list(specs)
    if any("|" in text for text in texts):
        raise SpecError(f"'{' '.join(texts)}': alternatives ('|') are for `train --degrade` only; "
                        "corrupt and evaluate with one chain at a time")
    if [t.strip().lower() for t in texts] == ["none"]:
        return Chain(())  # clean inputs (e.g. training a classifier)
    parts = [part for text in texts for part in text.split("+") if part.strip()]
    if not parts:
        raise SpecError("empty degradation spec (e.g. gaussian:sigma=25)")
    return Chain(tuple(parse_operator(part) for part in parts))


def describe_operators() -> str:
    """The `imgrestore corrupt --list` text: every operator, its purpose and its settings."""
    lines = []
    for name, cls in sorted(operators().items()):
        doc = " ".join((cls.__doc__ or "").split())
        lines.append(f"{name}\n    {doc}")
        for f in dataclasses.fields(cls):
            lines.append(f"    {f.name} = {format_value(f.default)}: "
                         f"{f.metadata.get('help', '')}")
        lines.append("")
    lines.append("Chain operators with '+' or repeated --op; ranges lo..hi are drawn per image. "
                 "Example: mask:lower-half+saltpepper:amount=0.1")
    return "\n".join(lines)
