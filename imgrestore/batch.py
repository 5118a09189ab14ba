"""The folder engine: files in, restored files out, one result per file.

Each file goes io -> pipeline (tiling -> Restorer -> post-filter) -> io. A file that cannot be
read, restored or written is recorded as failed and the batch goes on. Small images are gathered
in groups so their tiles share forward passes; the group is bounded in tiles and megapixels so
memory stays bounded whatever the folder holds.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from imgrestore.errors import ImgrestoreError
from imgrestore.io.discover import InputItem, output_path
from imgrestore.io.image import Image, read_image, write_image
from imgrestore.noise_level import estimate_sigma
from imgrestore.pipeline import ModelChoice, RestoreOptions, restore_pixels
from imgrestore.report import FAILED, OK, PLANNED, SKIPPED, FileResult
from imgrestore.tiling import effective_tile, tile_grid

GROUP_MEGAPIXELS = 8.0  # bound on the pixels held in memory while a group of small images is batched


@dataclass(frozen=True)
class BatchPlan:
    """Where outputs go and what to skip."""

    out_dir: Path
    suffix: str = ""
    fmt: str | None = None
    skip_existing: bool = False
    dry_run: bool = False


@dataclass
class _Loaded:
    item: InputItem
    result: FileResult
    image: Image
    started: float


def _tile_count(image: Image, choice: ModelChoice, options: RestoreOptions) -> int:
    restorer = choice.for_channels(image.channels)
    tile = effective_tile(options.tile, restorer.size_req, restorer.tiling)
    return len(tile_grid(image.height, image.width, tile, options.overlap))


def _fail(result: FileResult, error: Exception, started: float) -> FileResult:
    result.status, result.error = FAILED, str(error)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _restore_group(group: list[_Loaded], choice: ModelChoice, options: RestoreOptions) -> None:
    """Restore a group of images sharing one channel count; fill in their results."""
    restorer = choice.for_channels(group[0].image.channels)
    outputs = restore_pixels([g.image.pixels for g in group], restorer, options)
    for loaded, pixels in zip(group, outputs):
        result = loaded.result
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            write_image(result.output, loaded.image.with_pixels(pixels), fmt=None)
        result.notes += [str(w.message) for w in caught]
        result.output_bytes = Path(result.output).stat().st_size
        result.model = restorer.name
        result.status = OK
        result.seconds = round(time.monotonic() - loaded.started, 3)


def run(
    items: Iterable[InputItem],
    plan: BatchPlan,
    choice: ModelChoice,
    options: RestoreOptions,
    on_result: Callable[[FileResult, float], None] = lambda result, megapixels: None,
) -> list[FileResult]:
    """Restore every item per ``plan``; ``on_result`` is called once per file as it finishes."""
    results: list[FileResult] = []
    pending: list[_Loaded] = []

    def finish(result: FileResult, megapixels: float = 0.0) -> None:
        results.append(result)
        on_result(result, megapixels)

    def flush() -> None:
        if not pending:
            return
        by_channels: dict[int, list[_Loaded]] = {}
        for loaded in pending:
            by_channels.setdefault(loaded.image.channels, []).append(loaded)
        for group in by_channels.values():
            try:
                _restore_group(group, choice, options)
            except Exception as exc:  # noqa: BLE001 - one bad group must not end the batch
                if len(group) > 1:  # find out which file it was
                    for loaded in group:
                        try:
                            _restore_group([loaded], choice, options)
                        except Exception as single:  # noqa: BLE001
                            _fail(loaded.result, single, loaded.started)
                else:
                    _fail(group[0].result, exc, group[0].started)
        for loaded in pending:
            finish(loaded.result, loaded.image.megapixels)
        pending.clear()

    tiles_pending = 0
    for item in items:
        started = time.monotonic()
        target = output_path(item, plan.out_dir, plan.suffix, plan.fmt)
        result = FileResult(source=str(item.source), output=str(target))
        try:
            result.input_bytes = item.source.stat().st_size
        except OSError:
            pass
        if plan.skip_existing and target.exists():
            result.status = SKIPPED
            finish(result)
            continue
        if plan.dry_run:
            result.status = PLANNED
            finish(result)
            continue
        try:
            image = read_image(item.source)
            if plan.fmt:
                image = Image(image.pixels, image.alpha, image.bit_depth, image.exif, image.icc, plan.fmt.upper())
            result.width, result.height = image.width, image.height
            result.channels, result.bit_depth = image.channels, image.bit_depth
            result.noise_estimate = round(estimate_sigma(image.pixels), 2)
            tiles = _tile_count(image, choice, options)
        except ImgrestoreError as exc:
            if exc.exit_code == 2:  # a usage error (bad model) concerns every file: stop
                raise
            finish(_fail(result, exc, started))
            continue
        except Exception as exc:  # noqa: BLE001 - unexpected decoder failures are per-file too
            finish(_fail(result, exc, started))
            continue
        pending_mp = sum(p.image.megapixels for p in pending)
        if pending and (pending_mp + image.megapixels > GROUP_MEGAPIXELS or tiles_pending >= options.batch_size):
            flush()
            tiles_pending = 0
        pending.append(_Loaded(item, result, image, started))
        tiles_pending += tiles
    flush()
    return results
