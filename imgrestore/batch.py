"""The folder engine: files in, processed files out, one result per file.

Each file goes io -> job -> io, where the job restores (``denoise``) or degrades (``corrupt``).
A file that cannot be read, processed or written is recorded as failed and the batch goes on.
Small images are gathered in groups so a restoring job can put their tiles in one forward pass;
a group is bounded in tiles and megapixels, so memory stays bounded whatever the folder holds.
On SIGINT/SIGTERM the file in flight is abandoned (its temp file removed), every unfinished file is
marked ``interrupted`` and the run returns what it has, so the caller can still write the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from imgrestore.errors import ImgrestoreError
from imgrestore.grouping import group_by
from imgrestore.io.atomic import remove_stale_temps
from imgrestore.io.discover import InputItem, Problem
from imgrestore.io.image import Image, read_image, write_image
from imgrestore.io.limits import DEFAULT_MAX_MEGAPIXELS
from imgrestore.io.outputs import append_ledger, output_path
from imgrestore.noise_level import blind_sigma
from imgrestore.report import FAILED, INTERRUPTED, OK, PLANNED, SKIPPED, FileResult

GROUP_MEGAPIXELS = 8.0  # bound on the pixels held in memory while a group of small images is batched


@dataclass(frozen=True)
class BatchPlan:
    """Where outputs go and what to skip."""

    out_dir: Path
    suffix: str = ""
    fmt: str | None = None
    skip_existing: bool = False
    dry_run: bool = False
    max_megapixels: float = DEFAULT_MAX_MEGAPIXELS  # refused from the header, before decoding; 0 = no limit
    problems: tuple[Problem, ...] = ()  # entries found while planning that cannot be read: failed results
    record_outputs: bool = False  # -o is also an input folder: note each output in its ledger
    jpeg_quality: int = 95  # of JPEG and lossy WebP outputs
    bit_depth: int | None = None  # 8 or 16 bits per sample for every output; None: each input's own


@dataclass
class PendingImage:
    """One decoded input waiting in a group, with its result record."""

    item: InputItem
    result: FileResult
    image: Image | None  # None once restored: the input's pixels are freed before the output is encoded
    started: float
    megapixels: float = 0.0


class Job(Protocol):
    """What the engine does to the images; implemented by restoring and degrading commands."""

    group_limit: int  # a group is processed once its summed cost reaches this

    def cost(self, image: Image) -> int:
        """How much of a group this image takes (tiles for a restorer)."""

    def process(self, group: list[PendingImage]) -> list[Image]:
        """Process a group of images sharing one channel count; may fill in their results."""


def _fail(result: FileResult, error: Exception, started: float) -> FileResult:
    result.status, result.error = FAILED, str(error) or type(error).__name__
    result.seconds = round(time.monotonic() - started, 3)
    return result


@dataclass
class BatchRun:
    """The results of a run, in order, and the signal that stopped it early (None if it ran to the end)."""

    results: list[FileResult]
    wall_seconds: float
    interrupted: KeyboardInterrupt | None = None


def _interrupted(item: InputItem, plan: BatchPlan) -> FileResult:
    return FileResult(source=str(item.source), output=str(output_path(item, plan.out_dir, plan.suffix, plan.fmt)),
                      relative=item.relative.as_posix(), status=INTERRUPTED,
                      error="not finished: the run was interrupted")


def _process_and_write(group: list[PendingImage], job: Job, plan: BatchPlan) -> None:
    """Process a group (an error here fails the group: the caller retries its files one by one), then
    write each output; a file that cannot be written fails alone."""
    outputs = job.process(group)
    for loaded in group:
        loaded.image = None  # a large photo is not held twice while its output is encoded
    for loaded, image in zip(group, outputs):
        result = loaded.result
        if plan.record_outputs:  # before the rename: an interruption between the two never leaves it unlisted
            append_ledger(plan.out_dir, [Path(result.output)])
        if plan.bit_depth is not None and image.bit_depth in (8, 16):  # float stays float
            image = replace(image, bit_depth=plan.bit_depth)
        try:
            result.notes += write_image(result.output, image, quality=plan.jpeg_quality)
        except Exception as exc:
            _fail(result, exc, loaded.started)
            continue
        result.output_bytes = Path(result.output).stat().st_size
        result.status = OK
        result.seconds = round(time.monotonic() - loaded.started, 3)


def run(
    items: Iterable[InputItem],
    plan: BatchPlan,
    job: Job,
    on_result: Callable[[FileResult, float], None] = lambda result, megapixels: None,
) -> BatchRun:
    """Process every item per ``plan``; ``on_result`` is called once per file as it finishes."""
    run_started = time.monotonic()
    results: list[FileResult] = []
    pending: list[PendingImage] = []
    items = list(items)
    cleaned: set[Path] = set()

    def finish(result: FileResult, megapixels: float = 0.0) -> None:
        results.append(result)
        on_result(result, megapixels)

    def flush() -> None:
        for index in group_by(pending, lambda waiting: waiting.image.channels).values():
            group = [pending[i] for i in index]
            try:
                _process_and_write(group, job, plan)
            except Exception as exc:
                if len(group) == 1:
                    _fail(group[0].result, exc, group[0].started)
                    continue
                for loaded in group:  # find out which file it was
                    try:
                        _process_and_write([loaded], job, plan)
                    except Exception as single:
                        _fail(loaded.result, single, loaded.started)
        for loaded in pending:
            finish(loaded.result, loaded.megapixels)
        pending.clear()

    for problem in plan.problems:
        finish(FileResult(source=str(problem.path), output="", status=FAILED, error=f"{problem.path}: {problem.reason}"))
    cost_pending = 0
    index = 0
    try:
        for index, item in enumerate(items):  # noqa: B007 (the index tells, after an interrupt, where it stopped)
            started = time.monotonic()
            target = output_path(item, plan.out_dir, plan.suffix, plan.fmt)
            result = FileResult(source=str(item.source), output=str(target), relative=item.relative.as_posix())
            if not plan.dry_run and target.parent not in cleaned:
                cleaned.add(target.parent)
                remove_stale_temps(target.parent)
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
                image = read_image(item.source, max_megapixels=plan.max_megapixels)
                if plan.fmt:
                    image = replace(image, fmt=plan.fmt.upper())
                result.width, result.height = image.width, image.height
                result.channels, result.bit_depth = image.channels, image.bit_depth
                result.notes += list(image.notes)
                result.noise_estimate = round(blind_sigma(image.pixels), 2)  # where --sigma auto starts from
                cost = job.cost(image)
            except ImgrestoreError as exc:
                if exc.exit_code == 2:  # a usage error (bad model, bad spec) concerns every file: stop
                    raise
                finish(_fail(result, exc, started))
                continue
            except Exception as exc:
                finish(_fail(result, exc, started))
                continue
            pending_mp = sum(p.megapixels for p in pending)
            if pending and (pending_mp + image.megapixels > GROUP_MEGAPIXELS or cost_pending >= job.group_limit):
                flush()
                cost_pending = 0
            pending.append(PendingImage(item, result, image, started, image.megapixels))
            del image  # the group holds it now, and frees it once restored
            cost_pending += cost
        index = len(items)
        flush()
    except KeyboardInterrupt as signal:
        done = {r.source for r in results}
        for loaded in pending:  # a group in flight: some of its files may be written or failed already
            settled = loaded.result.status == FAILED or loaded.result.output_bytes is not None
            if str(loaded.item.source) not in done:
                results.append(loaded.result if settled else _interrupted(loaded.item, plan))
                done.add(str(loaded.item.source))
        results += [_interrupted(item, plan) for item in items[index:] if str(item.source) not in done]
        return BatchRun(results, round(time.monotonic() - run_started, 3), signal)
    return BatchRun(results, round(time.monotonic() - run_started, 3))
