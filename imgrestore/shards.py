"""`--engine shard`: the I-th of N deterministic slices of a folder job, for job arrays.

Every shard plans the whole file list (so the guards against collisions see every file), sorts it by
relative path and keeps every N-th file from the I-th on: no padding, so no file belongs to two shards, and
the slices depend on nothing but the file list. I and N come from ``--shard I/N``, else from the scheduler:
SLURM job arrays (``SLURM_ARRAY_TASK_ID`` counted from ``SLURM_ARRAY_TASK_MIN``, ``SLURM_ARRAY_TASK_COUNT``)
or a Kubernetes Indexed Job (``JOB_COMPLETION_INDEX``, with N given as ``--shard auto/N``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from imgrestore.errors import UsageError

Item = TypeVar("Item")


@dataclass(frozen=True)
class Shard:
    """Slice ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise UsageError(f"--shard {self.index}/{self.count}: the index must be in 0..{self.count - 1}")

    @property
    def label(self) -> str:
        return f"{self.index}-of-{self.count}"

    def select(self, items: Sequence[Item], key) -> list[Item]:
        """This shard's items: every ``count``-th of ``items`` sorted by ``key``, from the ``index``-th on."""
        return sorted(items, key=key)[self.index::self.count]


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{what}: '{text}' is not a whole number") from None


def parse_shard(text: str | None, environ: Mapping[str, str] = os.environ) -> Shard:
    """``I/N``, ``auto/N`` (I from the scheduler) or None (both from the scheduler)."""
    if text and text.strip().lower() != "auto":
        index, sep, count = text.partition("/")
        if not sep:
            raise UsageError(f"--shard {text}: expected I/N (e.g. 0/8) or auto/N")
        count_value = _integer(count, f"--shard {text}")
        if index.strip().lower() != "auto":
            return Shard(_integer(index, f"--shard {text}"), count_value)
        return Shard(_scheduler_index(environ, text), count_value)
    if "SLURM_ARRAY_TASK_ID" in environ and "SLURM_ARRAY_TASK_COUNT" in environ:
        return Shard(_scheduler_index(environ, "SLURM"), _integer(environ["SLURM_ARRAY_TASK_COUNT"],
                                                                  "SLURM_ARRAY_TASK_COUNT"))
    raise UsageError("--engine shard needs --shard I/N, a SLURM job array (SLURM_ARRAY_TASK_ID and "
                     "SLURM_ARRAY_TASK_COUNT), or JOB_COMPLETION_INDEX with --shard auto/N")


def _scheduler_index(environ: Mapping[str, str], what: str) -> int:
    if "SLURM_ARRAY_TASK_ID" in environ:
        first = _integer(environ.get("SLURM_ARRAY_TASK_MIN", "0"), "SLURM_ARRAY_TASK_MIN")
        return _integer(environ["SLURM_ARRAY_TASK_ID"], "SLURM_ARRAY_TASK_ID") - first
    if "JOB_COMPLETION_INDEX" in environ:
        return _integer(environ["JOB_COMPLETION_INDEX"], "JOB_COMPLETION_INDEX")
    raise UsageError(f"--shard {what}: no SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment")
