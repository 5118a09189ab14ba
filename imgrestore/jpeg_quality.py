"""JPEG quality: the IJG scaling of the standard quantization tables, read back from a file's own tables.

A JPEG file carries the tables its pixels were quantized with. Encoders built on libjpeg (OpenCV, Pillow,
GIMP, ImageMagick, most web services) write the tables of the JPEG standard's Annex K scaled by the IJG
rule, so the quality factor can be read back exactly; any other tables (Photoshop, many cameras) get the
quality whose scaled tables have the nearest mean quantization step (as ImageMagick's estimate compares
table sums), and say so.

The strength a quality-conditioned restorer is told, :func:`compression_level`, follows the quantization
step: the IJG scale factor in percent over 10 (quality 50 -> 10, quality 10 -> 50, quality 90 -> 2), so it
grows with the error a quantized coefficient carries, as a noise sigma does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Annex K tables K.1 (luminance) and K.2 (chrominance), in natural (row-major) order, as Pillow reports them
STANDARD_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], dtype=np.float64)
STANDARD_CHROMA = np.array([
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, *([99] * 32)], dtype=np.float64)
QUALITIES = range(1, 101)


def scale_factor(quality: float) -> float:
    """The IJG scale factor in percent for ``quality`` 1..100 (libjpeg's ``jpeg_quality_scaling``)."""
    quality = min(max(quality, 1.0), 100.0)
    return 5000.0 / quality if quality < 50 else 200.0 - 2.0 * quality


def scaled_table(base: np.ndarray, quality: int) -> np.ndarray:
    """``base`` scaled to ``quality`` as libjpeg does it, in integers (baseline: entries clipped to 1..255)."""
    percent = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((base.astype(np.int64) * percent + 50) // 100, 1, 255).astype(np.float64)


def compression_level(quality: float) -> float:
    """What a quality-conditioned restorer is told for ``quality``: the IJG scale factor over 10
    (on the 0..255 scale a noise-level map uses; quality 50 -> 10, 10 -> 50, 95 -> 1)."""
    return scale_factor(quality) / 10.0


@dataclass(frozen=True)
class JpegQuality:
    """The quality a JPEG file's tables correspond to."""

    quality: int
    standard: bool  # the tables are exactly the IJG-scaled standard ones (else the nearest quality)
    subsampling: str | None = None  # '4:2:0', '4:2:2', '4:4:4' or None for gray / unknown

    def describe(self) -> str:
        kind = "" if self.standard else " (the nearest to its non-standard tables)"
        chroma = f", {self.subsampling}" if self.subsampling else ""
        return f"JPEG quality {self.quality}{kind}{chroma}"


_BASES = (STANDARD_LUMA, STANDARD_CHROMA)


def _step_distance(tables: Sequence[np.ndarray], quality: int) -> float:
    """How far ``tables``' mean quantization steps are from ``quality``'s, in log scale (luma and chroma)."""
    return float(sum(abs(np.log(table.mean() / scaled_table(base, quality).mean())) for table, base in zip(tables, _BASES)))


def quality_from_tables(quantization: Mapping[int, Sequence[int]], subsampling: str | None = None) -> JpegQuality:
    """The quality whose IJG-scaled standard tables ``quantization`` is (Pillow's ``Image.quantization``:
    table index -> 64 entries in natural order), else the one with the nearest mean step (:func:`_step_distance`).
    Only the luma table and the first chroma table count; a gray file has only the first."""
    if 0 not in quantization:
        raise ValueError("no luminance quantization table")
    tables = [np.asarray(quantization[i], dtype=np.float64) for i in (0, 1) if i in quantization]
    if any(table.shape != (64,) or (table < 1).any() for table in tables):
        raise ValueError("a quantization table that is not 64 positive entries")
    for quality in QUALITIES:
        if all(np.array_equal(table, scaled_table(base, quality)) for table, base in zip(tables, _BASES)):
            return JpegQuality(quality, True, subsampling)
    nearest = min(QUALITIES, key=lambda quality: _step_distance(tables, quality))
    return JpegQuality(nearest, False, subsampling)
