"""The folder engine: files in, processed files out, one result per file.

Each file goes io -> job -> io, where the job restores (``denoise``) or degrades (``corrupt``).
A file that cannot be read, processed or written is recorded as failed and the batch goes on.
Small images are gathered in groups so a restoring job can put their tiles in one forward pass;
a group is bounded in tiles and megapixels, so memory stays bounded whatever the folder holds.
On SIGINT/SIGTERM the file in flight is abandoned (its temp file removed), every unfinished file is
marked ``interrupted`` and the run returns what it has, so the caller can still write the report.
"""

from __future__ import annotations

import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from imgrestore.errors import ImgrestoreError, ReadWhole
from imgrestore.grouping import group_by
from imgrestore.io.atomic import remove_stale_temps
from imgrestore.io.discover import InputItem, Problem
from imgrestore.io.image import Image, read_image, write_image
from imgrestore.io.limits import DEFAULT_MAX_MEGAPIXELS, STREAM_MEGAPIXELS
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
    parts: Path | None = None  # `--engine shard`: this worker's part file of the report, a row per finished file
    jpeg_quality: int = 95  # of JPEG and lossy WebP outputs
    bit_depth: int | None = None  # 8 or 16 bits per sample for every output; None: each input's own
    stream_megapixels: float = STREAM_MEGAPIXELS  # larger PNGs are streamed where the job can; 0: never


@dataclass
class PendingImage:
    """One decoded input waiting in a group, with its result record."""

    item: InputItem
    result: FileResult
    image: Image | None  # None once restored: the input's pixels are freed before the output is encoded
    started: float
    megapixels: float = 0.0


@dataclass
class StreamedInput:
    """A large file the job restores from its path a band of rows at a time (its header, as the job read it)."""

    item: InputItem
    result: FileResult
    header: object
    megapixels: float
    started: float = 0.0  # when its turn came


class Job(Protocol):
    """What the engine does to the images; implemented by restoring and degrading commands."""

    group_limit: int  # a group is processed once its summed cost reaches this
    # optional ``reads_samples: bool``: 8/16-bit inputs reach the job as their integer samples (a quarter of
    # float32's memory) rather than 0..1 floats; a job that quantizes its outputs as it goes sets it
    # optional ``streamable(source, target, megapixels, max_megapixels) -> header | None`` and
    # ``stream(source, result, header, bit_depth, started) -> FileResult``: files the job restores from their
    # path a band of rows at a time, writing the output itself (``stream`` raises to have the file read whole)

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


def interrupted_result(item: InputItem, plan: BatchPlan) -> FileResult:
    """The record of a file an interruption left undone."""
    return FileResult(source=str(item.source), output=str(output_path(item, plan.out_dir, plan.suffix, plan.fmt)),
                      relative=item.relative.as_posix(), status=INTERRUPTED,
                      error="not finished: the run was interrupted")


def _write(loaded: PendingImage, image: Image, plan: BatchPlan) -> FileResult:
    """Encode and write one output atomically (on a writer thread when the engine has IO workers); a file
    that cannot be written fails alone."""
    result = loaded.result
    try:
        result.notes += write_image(result.output, image, quality=plan.jpeg_quality)
    except Exception as exc:
        return _fail(result, exc, loaded.started)
    result.output_bytes = Path(result.output).stat().st_size
    result.status = OK
    result.seconds = round(time.monotonic() - loaded.started, 3)
    return result


def _load(item: InputItem, result: FileResult, plan: BatchPlan, keep_samples: bool = False) -> PendingImage | FileResult:
    """Decode one input and fill in what reading tells (on a reader thread when the engine has IO workers);
    a file that cannot be read comes back as its failed result. ``keep_samples``: the job takes 8/16-bit
    samples (:attr:`Job.reads_samples`). The image carries the output's format and bit depth from here on."""
    started = time.monotonic()
    try:
        image = read_image(item.source, max_megapixels=plan.max_megapixels, keep_samples=keep_samples)
        result.width, result.height = image.width, image.height
        result.channels, result.bit_depth = image.channels, image.bit_depth
        if plan.fmt:
            image = replace(image, fmt=plan.fmt.upper())
        if plan.bit_depth is not None and image.bit_depth in (8, 16):  # float stays float
            image = replace(image, bit_depth=plan.bit_depth)
        result.notes += list(image.notes)
        result.noise_estimate = round(blind_sigma(image.pixels), 2)  # where --sigma auto starts from
    except Exception as exc:
        return _fail(result, exc, started)
    return PendingImage(item, result, image, started, image.megapixels)


def _stream(streamed: StreamedInput, job: Job, plan: BatchPlan) -> FileResult | PendingImage:
    """A large file restored by the job a band at a time: its result, or the file read whole (a
    :class:`PendingImage`) when the job finds it must be after all. The ledger lists the output first."""
    if plan.record_outputs:
        append_ledger(plan.out_dir, [Path(streamed.result.output)])
    streamed.started = time.monotonic()  # its turn: the files before it are done
    try:
        return job.stream(streamed.item.source, streamed.result, streamed.header,  # type: ignore[attr-defined]
                          plan.bit_depth, streamed.started)
    except ReadWhole:
        return _load(streamed.item, streamed.result, plan, getattr(job, "reads_samples", False))
    except ImgrestoreError as exc:
        if exc.exit_code == 2:
            raise
        return _fail(streamed.result, exc, streamed.started)
    except Exception as exc:
        return _fail(streamed.result, exc, streamed.started)


def _process(group: list[PendingImage], job: Job, plan: BatchPlan) -> list[tuple[PendingImage, Image | FileResult]]:
    """Each file of a group with its output, ready to write, or its failed result. A group that fails is
    retried file by file, so only the file at fault fails. The inputs are let go (a large photo is not held
    twice while its output is encoded) and, with -o among the inputs, each output is listed in the ledger
    before it is written (an interruption between the two never leaves it unlisted)."""
    try:
        outputs = job.process(group)
    except Exception as exc:
        if len(group) == 1:
            return [(group[0], _fail(group[0].result, exc, group[0].started))]
        return [done for loaded in group for done in _process([loaded], job, plan)]
    for loaded in group:
        loaded.image = None
        if plan.record_outputs:
            append_ledger(plan.out_dir, [Path(loaded.result.output)])
    return list(zip(group, outputs))


def _process_and_write(group: list[PendingImage], job: Job, plan: BatchPlan) -> list[tuple[FileResult, float]]:
    """Process a group and write its outputs in turn (a replica's thread): (result, megapixels) per file."""
    return [(out if isinstance(out, FileResult) else _write(loaded, out, plan), loaded.megapixels)
            for loaded, out in _process(group, job, plan)]


class _Inline(Executor):
    """An executor without threads: each call runs when submitted (``--io-workers 0``, the sequential engine)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever reads the future, as a thread pool does
            future.set_exception(exc)
        return future


def default_io_workers() -> int:
    """Reader and writer threads each: 1, so decoding and encoding overlap the model without taking cores
    from it (PNG/JPEG coding in OpenCV and Pillow releases the GIL)."""
    return 1


@dataclass
class _Outbox:
    """Results in the order the sequential engine would report them: a ready result, or a write still in
    flight; the head is passed on (``finish``) as soon as it is done, so progress stays in order."""

    finish: Callable[[FileResult, float], None]
    # (FileResult, megapixels), or a Future of one file's FileResult (a write) or of a replica's group
    # [(FileResult, megapixels), ...]
    entries: deque = field(default_factory=deque)

    def put(self, entry: FileResult | Future, megapixels: float = 0.0) -> None:
        self.entries.append((entry, megapixels))
        self.drain(wait=False)

    def drain(self, wait: bool, keep: int = 0) -> None:
        """Pass on every done head entry; with ``wait``, wait until at most ``keep`` entries remain."""
        while self.entries:
            entry, megapixels = self.entries[0]
            if isinstance(entry, Future) and not entry.done() and not (wait and len(self.entries) > keep):
                return
            self.entries.popleft()
            for result, pixels in _settled(entry, megapixels):
                self.finish(result, pixels)

    def settled(self) -> list[FileResult]:
        """After an interrupt: the results of every entry that completed (cancelled groups have none)."""
        wait_for([entry for entry, _ in self.entries if isinstance(entry, Future) and not entry.cancelled()])
        return [result for entry, megapixels in self.entries if not (isinstance(entry, Future) and entry.cancelled())
                for result, _ in _settled(entry, megapixels)]


def _settled(entry: FileResult | Future, megapixels: float) -> list[tuple[FileResult, float]]:
    """An outbox entry as (result, megapixels) pairs, waiting for it if it is still running."""
    if not isinstance(entry, Future):
        return [(entry, megapixels)]
    value = entry.result()
    return value if isinstance(value, list) else [(value, megapixels)]


def run(
    items: Iterable[InputItem],
    plan: BatchPlan,
    job: Job,
    on_result: Callable[[FileResult, float], None] = lambda result, megapixels: None,
    io_workers: int | None = None,
    replicas: Sequence[Job] = (),
) -> BatchRun:
    """Process every item per ``plan``; ``on_result`` is called once per file as it finishes, in order.

    Streaming: ``io_workers`` reader threads decode the next files while the job runs on the current group,
    and as many writer threads encode and write its outputs behind it (None: :func:`default_io_workers`;
    0: no threads, everything in turn). Memory stays bounded: at most ``io_workers`` decoded files wait
    ahead, one group is processed, and at most ``io_workers`` outputs wait to be written. Outputs are the
    same bytes and the report the same records, in the same order, whatever ``io_workers`` is.

    ``replicas``: more than one job (the same job with its model on several devices, ``--device
    cuda:0,cuda:1``): each group goes to the next free replica on a thread of its own and is written there,
    so the devices work side by side from one queue of groups; results keep their order."""
    run_started = time.monotonic()
    workers = default_io_workers() if io_workers is None else io_workers
    results: list[FileResult] = []
    pending: list[PendingImage] = []
    items = list(items)
    cleaned: set[Path] = set()

    def finish(result: FileResult, megapixels: float = 0.0) -> None:
        results.append(result)
        on_result(result, megapixels)

    outbox = _Outbox(finish)
    free: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for replica in replicas:
        free.put(replica)
    devices = ThreadPoolExecutor(len(replicas), thread_name_prefix="imgrestore-model") if len(replicas) > 1 else None
    readers: Executor = ThreadPoolExecutor(workers, thread_name_prefix="imgrestore-read") if workers else _Inline()
    writers: Executor = ThreadPoolExecutor(workers, thread_name_prefix="imgrestore-write") if workers else _Inline()

    def process(group: list[PendingImage]) -> None:
        """Process a group here, then hand its outputs to the writers."""
        for loaded, out in _process(group, job, plan):
            if isinstance(out, FileResult):
                outbox.put(out, loaded.megapixels)
                continue
            outbox.drain(wait=True, keep=workers)  # at most `workers` outputs wait for a writer
            outbox.put(writers.submit(_write, loaded, out, plan), loaded.megapixels)

    def on_replica(group: list[PendingImage]) -> list[tuple[FileResult, float]]:
        """A group on the next free replica, then written, on a replica's thread."""
        replica = free.get()
        try:
            return _process_and_write(group, replica, plan)
        finally:
            free.put(replica)

    def flush() -> None:
        for index in group_by(pending, lambda waiting: waiting.image.channels).values():
            group = [pending[i] for i in index]
            if devices is None:
                process(group)
            else:
                outbox.drain(wait=True, keep=2 * len(replicas))  # a group queued behind each one in flight
                outbox.put(devices.submit(on_replica, group), sum(loaded.megapixels for loaded in group))
        pending.clear()

    def decide(item: InputItem) -> FileResult | Future | StreamedInput:
        """What happens to ``item``: skipped, planned (dry run), streamed in its turn, or a read submitted to a
        reader."""
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
            return result
        if plan.dry_run:
            result.status = PLANNED
            return result
        streamable = getattr(job, "streamable", None)
        header = streamable and streamable(item.source, target, plan.stream_megapixels, plan.max_megapixels)
        if header:
            return StreamedInput(item, result, header, header.height * header.width / 1e6)
        return readers.submit(_load, item, result, plan, getattr(job, "reads_samples", False))

    for problem in plan.problems:
        finish(FileResult(source=str(problem.path), output="", status=FAILED, error=f"{problem.path}: {problem.reason}"))
    ahead: deque[tuple[InputItem, FileResult | Future | StreamedInput]] = deque()  # decided, in order; reads run ahead
    upcoming = iter(items)
    cost_pending = 0
    try:
        while True:
            while len(ahead) <= workers and (item := next(upcoming, None)) is not None:
                ahead.append((item, decide(item)))
            if not ahead:
                break
            _, decided = ahead[0]
            if isinstance(decided, StreamedInput):  # in its turn: the files before it are finished first
                flush()
                cost_pending = 0
                outbox.drain(wait=True)  # and written, so no replica shares the model with it
                loaded = _stream(decided, job, plan)
            else:
                loaded = decided if isinstance(decided, FileResult) else decided.result()
            ahead.popleft()
            if isinstance(loaded, FileResult):  # skipped, planned, unreadable, or streamed
                streamed_ok = isinstance(decided, StreamedInput) and loaded.status == OK
                outbox.put(loaded, decided.megapixels if streamed_ok else 0.0)
                continue
            try:
                cost = job.cost(loaded.image)
            except ImgrestoreError as exc:
                if exc.exit_code == 2:  # a usage error (bad model, bad spec) concerns every file: stop
                    raise
                outbox.put(_fail(loaded.result, exc, loaded.started))
                continue
            except Exception as exc:
                outbox.put(_fail(loaded.result, exc, loaded.started))
                continue
            pending_mp = sum(p.megapixels for p in pending)
            if pending and (pending_mp + loaded.megapixels > GROUP_MEGAPIXELS or cost_pending >= job.group_limit):
                flush()
                cost_pending = 0
            pending.append(loaded)
            del loaded  # the group holds it now, and frees it once restored
            cost_pending += cost
        flush()
        outbox.drain(wait=True)
    except KeyboardInterrupt as signal:
        readers.shutdown(wait=False, cancel_futures=True)  # reads not started are dropped; none has side effects
        if devices is not None:  # groups not started are dropped; those on a device finish
            devices.shutdown(wait=False, cancel_futures=True)
        results += outbox.settled()  # a write handed over completes: each is atomic
        done = {r.source for r in results}
        for loaded in pending:  # a group in flight: some of its files may be written or failed already
            settled = loaded.result.status == FAILED or loaded.result.output_bytes is not None
            if str(loaded.item.source) not in done:
                results.append(loaded.result if settled else interrupted_result(loaded.item, plan))
                done.add(str(loaded.item.source))
        results += [interrupted_result(item, plan) for item in items if str(item.source) not in done]
        return BatchRun(results, round(time.monotonic() - run_started, 3), signal)
    finally:
        readers.shutdown(wait=True, cancel_futures=True)
        writers.shutdown(wait=True)
        if devices is not None:
            devices.shutdown(wait=True, cancel_futures=True)
    return BatchRun(results, round(time.monotonic() - run_started, 3))
