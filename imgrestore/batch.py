"""The folder engine: files in, processed files out, one result per file.

Each file goes io -> job -> io, where the job restores (``denoise``) or degrades (``corrupt``).
A file that cannot be read, processed or written is recorded as failed and the batch goes on.
Small images are gathered in groups so a restoring job can put their tiles in one forward pass;
a group is bounded in tiles and megapixels, so memory stays bounded whatever the folder holds.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from imgrestore.errors import ImgrestoreError
from imgrestore.io.discover import InputItem, output_path
from imgrestore.io.image import Image, read_image, write_image
from imgrestore.noise_level import blind_sigma
from imgrestore.report import FAILED, OK, PLANNED, SKIPPED, FileResult

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
class Loaded:
    """One decoded input waiting in a group, with its result record."""

    item: InputItem
    result: FileResult
    image: Image
    started: float


class Job(Protocol):
    """What the engine does to the images; implemented by restoring and degrading commands."""

    group_limit: int  # a group is processed once its summed cost reaches this

    def cost(self, image: Image) -> int:
        """How much of a group this image takes (tiles for a restorer)."""

    def process(self, group: list[Loaded]) -> list[Image]:
        """Process a group of images sharing one channel count; may fill in their results."""


def _fail(result: FileResult, error: Exception, started: float) -> FileResult:
    result.status, result.error = FAILED, str(error) or type(error).__name__
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _process_and_write(group: list[Loaded], job: Job) -> None:
    outputs = job.process(group)
    for loaded, image in zip(group, outputs):
        result = loaded.result
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            write_image(result.output, image)
        result.notes += [str(w.message) for w in caught]
        result.output_bytes = Path(result.output).stat().st_size
        result.status = OK
        result.seconds = round(time.monotonic() - loaded.started, 3)


def run(
    items: Iterable[InputItem],
    plan: BatchPlan,
    job: Job,
    on_result: Callable[[FileResult, float], None] = lambda result, megapixels: None,
) -> list[FileResult]:
    """Process every item per ``plan``; ``on_result`` is called once per file as it finishes."""
    results: list[FileResult] = []
    pending: list[Loaded] = []

    def finish(result: FileResult, megapixels: float = 0.0) -> None:
        results.append(result)
        on_result(result, megapixels)

    def flush() -> None:
        by_channels: dict[int, list[Loaded]] = {}
        for loaded in pending:
            by_channels.setdefault(loaded.image.channels, []).append(loaded)
        for group in by_channels.values():
            try:
                _process_and_write(group, job)
            except Exception as exc:
                if len(group) == 1:
                    _fail(group[0].result, exc, group[0].started)
                    continue
                for loaded in group:  # find out which file it was
                    try:
                        _process_and_write([loaded], job)
                    except Exception as single:
                        _fail(loaded.result, single, loaded.started)
        for loaded in pending:
            finish(loaded.result, loaded.image.megapixels)
        pending.clear()

    cost_pending = 0
    for item in items:
        started = time.monotonic()
        target = output_path(item, plan.out_dir, plan.suffix, plan.fmt)
        result = FileResult(source=str(item.source), output=str(target), relative=item.relative.as_posix())
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
                image = replace(image, fmt=plan.fmt.upper())
            result.width, result.height = image.width, image.height
            result.channels, result.bit_depth = image.channels, image.bit_depth
            result.noise_estimate = round(blind_sigma(image.pixels), 2)  # the wavelet reading --sigma auto starts from
            cost = job.cost(image)
        except ImgrestoreError as exc:
            if exc.exit_code == 2:  # a usage error (bad model, bad spec) concerns every file: stop
                raise
            finish(_fail(result, exc, started))
            continue
        except Exception as exc:
            finish(_fail(result, exc, started))
            continue
        pending_mp = sum(p.image.megapixels for p in pending)
        if pending and (pending_mp + image.megapixels > GROUP_MEGAPIXELS or cost_pending >= job.group_limit):
            flush()
            cost_pending = 0
        pending.append(Loaded(item, result, image, started))
        cost_pending += cost
    flush()
    return results
