"""What defines a training run, and the `imgrestore train` command that reproduces it.

Each :class:`TrainConfig` field names its command-line flag in its metadata: that one table writes
the command recorded in every export (:func:`command_line`), and a test checks it against the
Typer options of `imgrestore train`, so a new setting is one field here plus its Typer option.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Words = Callable[[Any], list[str]]  # a field's value -> its command-line words


def _flag(name: str, *, optional: bool = False, words: Words | None = None) -> dict[str, Any]:
    """Field metadata: its ``--flag``; ``optional`` fields are left out of the command at their default."""
    return {"flag": name, "optional": optional, "words": words or (lambda value: [name, _text(value)])}


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _config_value(value: Any) -> str:
    """A -c value as typed on the command line: JSON, except plain strings that JSON would not read back."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except json.JSONDecodeError:
            return value
    return json.dumps(value, separators=(",", ":"))


def _is_pairs(data: str) -> bool:
    return ":" in data and not Path(data).exists()


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run; stored in the checkpoint and the export."""

    arch: str = field(metadata=_flag("--arch"))
    arch_config: dict[str, Any] = field(metadata=_flag("-c", words=lambda config: [
        word for key, value in config.items() for word in ("-c", f"{key}={_config_value(value)}")]))
    data: str = field(metadata=_flag("--data", words=lambda data: ["--pairs" if _is_pairs(data) else "--data", data]))
    out: str = field(metadata=_flag("-o"))
    val: str | None = field(default=None, metadata=_flag("--val", optional=True))
    degrade: str = field(default="gaussian:sigma=0..50", metadata=_flag("--degrade"))  # the shared operators' spec
    crop: int = field(default=96, metadata=_flag("--crop"))
    batch: int = field(default=8, metadata=_flag("--batch"))
    steps: int = field(default=2000, metadata=_flag("--steps"))
    lr: float = field(default=1e-3, metadata=_flag("--lr"))
    weight_decay: float = field(default=0.0, metadata=_flag("--weight-decay"))  # Adam's coupled L2 penalty
    loss: str = field(default="l1", metadata=_flag("--loss"))
    pixel_weight: float = field(default=1.0, metadata=_flag("--pixel-weight", optional=True))  # adversarial: --loss term
    adv_weight: float = field(default=0.0, metadata=_flag("--adv-weight", optional=True))  # adversarial: real/fake term
    cls_weight: float = field(default=0.0, metadata=_flag("--cls-weight", optional=True))  # adversarial: class term
    disc_lr: float = field(default=0.0, metadata=_flag("--disc-lr", optional=True))  # 0: the discriminator uses lr
    gan_loss: str = field(default="bce", metadata=_flag("--gan-loss", optional=True))  # dcgan: bce or hinge
    seed: int = field(default=0, metadata=_flag("--seed"))
    device: str = field(default="auto", metadata=_flag("--device"))
    precision: str = field(default="auto", metadata=_flag("--precision"))  # recorded as resolved (bf16 or fp32)
    checkpoint_every: int = field(default=250, metadata=_flag("--checkpoint-every", optional=True))
    val_every: int = field(default=500, metadata=_flag("--val-every"))
    workdir: str = field(default="", metadata=_flag("--workdir", optional=True))
    domain: str = field(default="photo", metadata=_flag("--domain"))
    task: str = field(default="", metadata=_flag("--task", optional=True))  # '': the architecture's own task
    augment: bool = field(default=True, metadata=_flag("--augment", optional=True, words=lambda on: (
        [] if on else ["--no-augment"])))  # random flips/rotations (off for digits: a flipped 2 is no digit)
    shift: int = field(default=0, metadata=_flag("--shift", optional=True))  # random translations (digits)
    distort: float = field(default=0.0, metadata=_flag("--distort", optional=True))  # affine + elastic warps (digits)
    zoom: tuple[float, float] | None = field(default=None, metadata=_flag("--zoom", optional=True, words=lambda zoom: [
        "--zoom", f"{zoom[0]:g}..{zoom[1]:g}"]))  # crops zoomed out by a scale in lo..hi (texture-dense crops)
    init: str | None = field(default=None, metadata=_flag("--init", optional=True))  # fine-tune these weights
    ema: float = field(default=0.0, metadata=_flag("--ema", optional=True))  # decay of the weight average; 0: none
    init_parts: tuple[tuple[str, str], ...] = field(default=(), metadata=_flag("--init-part", optional=True, words=lambda parts: [
        word for part, path in parts for word in ("--init-part", f"{part}={path}")]))  # trained sub-networks
    subset: tuple[int, int] | None = field(default=None, metadata=_flag("--subset", optional=True, words=lambda span: [
        "--subset", f"{span[0]}:{span[1]}"]))  # [start, end) of the training images, e.g. MNIST's first 7000
    val_subset: tuple[int, int] | None = field(default=None, metadata=_flag("--val-subset", optional=True, words=lambda span: [
        "--val-subset", f"{span[0]}:{span[1]}"]))

    @property
    def run_dir(self) -> Path:
        return Path(self.workdir) if self.workdir else Path(self.out).with_suffix(".run")


# where a run's files go, not what it learns: a reproducing command leaves them to the defaults
NOT_RECORDED = frozenset({"workdir", "checkpoint_every"})


def command_line(config: TrainConfig) -> str:
    """The full `imgrestore train` command that reproduces ``config`` (output file last)."""
    words = ["imgrestore", "train"]
    for spec in dataclasses.fields(TrainConfig):
        value = getattr(config, spec.name)
        if spec.name in NOT_RECORDED or spec.name == "out" or value is None:
            continue
        if spec.metadata["optional"] and value == spec.default:
            continue
        words += spec.metadata["words"](value)
    words += ["-o", config.out]
    return " ".join(shlex.quote(word) for word in words)


def flags() -> dict[str, str]:
    """Field name -> its command-line flag."""
    return {spec.name: spec.metadata["flag"] for spec in dataclasses.fields(TrainConfig)}
