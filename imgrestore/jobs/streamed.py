"""Large PNG photos denoised a band of rows at a time: memory set by the tiles, not by the photo.

A photo of 48 MP holds 144 MB of 8-bit input and as much output; read whole, they are most of what grows
with the photo. A PNG of at least ``stream_megapixels`` (the folder plan's) is instead read twice, top to
bottom, by libvips (:mod:`imgrestore.io.rows`): the first pass reads what ``--sigma auto`` and the model
choice need (the blind noise estimate, the probe windows, whether the photo is gray), the second feeds the
tiling engine a row of tiles at a time, and each finished stripe of output rows goes straight to the PNG
encoder (:mod:`imgrestore.io.png_rows`) writing the temp file beside the output. Same noise estimate, tiles,
blending and quantization as the whole-image path, so the same pixels where a pass holds one tile (a CPU at
the default tile); a pass here never batches tiles of two rows of tiles, and where the whole-image path
batches several small tiles differently, a float may round to the next 16-bit level.

What is streamed: a photo denoiser whose output is final (no ``--tta``, ``--sharpen`` or upscaling), PNG in
and PNG out, gray or RGB without alpha, upright. Anything else is read whole, as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from imgrestore import domains
from imgrestore.errors import ReadWhole
from imgrestore.io.atomic import atomic_path
from imgrestore.io.image import PNG_COMPRESS_LEVEL, written_depth
from imgrestore.io.png_rows import PngRowWriter, metadata_chunks
from imgrestore.io.rows import RowSource, RowWindow, StreamHeader, can_stream, stream_header
from imgrestore.noise_level import BlindSigma, ProbeWindows
from imgrestore.pipeline import ModelSelector, RestoreOptions, checked_by_model, restore_rows
from imgrestore.report import OK, FileResult
from imgrestore.restorer import Restorer
from imgrestore.sizes import Tiling
from imgrestore.tasks import Task

SCAN_ROWS = 320  # rows a band in the first pass: a multiple of the probe windows' 160 and of the 2x2 blocks
STREAMED_NOTE = "read and written a band of rows at a time (a large PNG: memory does not grow with its size)"


@dataclass(frozen=True)
class Scan:
    """What the first pass reads: the blind noise estimate, the probe windows' pixels, whether it is gray."""

    blind_sigma: float
    windows: list[np.ndarray]
    gray: bool


def scan(source: RowSource) -> Scan:
    """Read ``source`` once, top to bottom, for :class:`Scan`."""
    sigma = BlindSigma(source.channels, np.dtype(source.dtype))
    ranking = ProbeWindows(source.height, source.width, keep_pixels=True)
    gray = True
    for top in range(0, source.height, SCAN_ROWS):
        band = source.read(SCAN_ROWS)
        sigma.add(band)
        ranking.add(band, top)
        gray = gray and domains.is_gray(band)  # one channel, or three identical ones
    return Scan(sigma.sigma(), ranking.windows(), gray)


def _fits(restorer: Restorer, options: RestoreOptions, channels: int, gray: bool) -> bool:
    """Whether ``restorer`` denoises this photo with a final output a stripe at a time."""
    planes_fit = restorer.channels == channels or (restorer.channels == 1 and gray)
    return (planes_fit and restorer.task is Task.DENOISE and restorer.scale == 1 and restorer.tiling is Tiling.TILED
            and restorer.meta.domain == "photo" and not options.tta and not options.sharpen
            and options.scale == 1 and options.restore_first is None)


def streamable(source: Path, target: Path, models: ModelSelector, options: RestoreOptions, megapixels: float,
               max_megapixels: float) -> StreamHeader | None:
    """The header of ``source`` if it is restored a band at a time into ``target`` (see the module), else None.
    Decided from the header and the model the photo gets (the colour or the gray default, or ``-m``'s)."""
    if megapixels <= 0 or source.suffix.lower() != ".png" or target.suffix.lower() != ".png" or not can_stream():
        return None
    header = stream_header(source)
    if header is None or header.height * header.width < megapixels * 1e6:
        return None
    if max_megapixels and header.height * header.width > max_megapixels * 1e6:
        return None  # the whole-image reader refuses it with the usual message
    restorer = models.load(models.name_for_layout(max(header.height, header.width), header.channels,
                                                  header.channels == 1))
    return header if _fits(restorer, options, header.channels, gray=header.channels == 1) else None


def restore_streamed(source: Path, result: FileResult, header: StreamHeader, models: ModelSelector,
                     options: RestoreOptions, bit_depth: int | None, started: float) -> FileResult:
    """Denoise ``source`` into ``result.output`` a band at a time and fill in ``result``; raises
    :class:`imgrestore.errors.ReadWhole` before anything is written when the first pass rules it out."""
    first = RowSource(source)
    result.width, result.height, result.channels, result.bit_depth = first.width, first.height, first.channels, first.bit_depth
    scanned = scan(first)
    result.noise_estimate = round(scanned.blind_sigma, 2)
    restorer = models.load(models.name_for_layout(max(first.height, first.width), first.channels, scanned.gray))
    if not _fits(restorer, options, first.channels, scanned.gray):
        raise ReadWhole(f"{restorer.name} takes {restorer.channels} plane(s); this photo has {first.channels}")
    level = None
    if restorer.uses_noise_level:
        level = options.sigma if options.sigma is not None else checked_by_model(
            scanned.windows, restorer, options, result.noise_estimate)  # the report's rounded estimate, as read whole
    planes = restorer.channels if restorer.channels != first.channels else None  # a gray photo stored as RGB
    depth = written_depth(bit_depth or first.bit_depth, "PNG")
    target = Path(result.output)
    with atomic_path(target) as temp, temp.open("wb") as file:
        writer = PngRowWriter(file, first.height, first.width, first.channels, depth, PNG_COMPRESS_LEVEL,
                              metadata_chunks(header.exif, header.icc))

        def write(_: int, rows: np.ndarray) -> None:
            writer.write(rows if planes is None else np.repeat(rows, first.channels, axis=2))

        restore_rows(RowWindow(RowSource(source), planes), restorer, options, level, depth, write)
        writer.close()
    result.model, result.precision = restorer.name, restorer.precision
    if level is not None:
        result.noise_level = round(level, 2)
    result.notes.append(STREAMED_NOTE)
    result.output_bytes = target.stat().st_size
    result.status = OK
    result.seconds = round(time.monotonic() - started, 3)
    return result
