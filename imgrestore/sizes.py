"""What a model declares about the input sizes it takes: read by the Restorer and the tiling engine.

It sits below both the architectures and the engines, so the tiling engine needs no architecture.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Tiling(enum.Enum):
    """How the tiling engine may feed a model."""

    TILED = "tiled"  # any crop works: split large images into overlapping tiles
    FIXED_SIZE = "fixed_size"  # accepts exactly one input size (SizeRequirements.fixed): resize in and out


@dataclass(frozen=True)
class SizeRequirements:
    """Input sizes a model accepts; the Restorer pads (or resizes) to satisfy them."""

    multiple_of: int = 1
    minimum: int = 1
    fixed: tuple[int, int] | None = None  # (height, width) for FIXED_SIZE models

    @classmethod
    def halved(cls, times: int) -> SizeRequirements:
        """What a network that halves its input ``times`` times takes: a multiple of 2**times, at least that."""
        factor = 2 ** times
        return cls(multiple_of=factor, minimum=factor)

    def padded(self, height: int, width: int) -> tuple[int, int]:
        """Smallest accepted size that contains ``height`` x ``width``."""
        if self.fixed is not None:
            return self.fixed
        def up(n: int) -> int:
            n = max(n, self.minimum)
            return -(-n // self.multiple_of) * self.multiple_of
        return up(height), up(width)


def passes_for(scale: int, own: int) -> int | None:
    """How many runs of a x``own`` upscaler enlarge ``scale`` times (x4 = two runs of x2), or None if no
    whole number of runs does."""
    passes, reached = 1, own
    while reached < scale:
        passes, reached = passes + 1, reached * own
    return passes if reached == scale else None
