"""`--engine ray`: a folder job on a Ray cluster, through Ray Data, each file written exactly once.

We do not schedule: Ray Data does. The driver plans the files (every guard of the local engine runs on the
whole list), then a dataset of file paths feeds ``map_batches`` with :class:`FolderWorker`, a callable
class Ray keeps as one actor per worker in a pool. Each actor builds its job once (the model loads once per
actor) from its constructor arguments -- settings travel as arguments, never as environment variables, which
a running cluster would not see -- and runs the local engine (:func:`imgrestore.batch.run`) on its batch of
paths: it reads and writes the files itself (no pixels pass through the driver), skips outputs that exist,
writes every output atomically (temp + fsync + rename) and appends its report rows to a part file of its
own under the output folder. Ray retries tasks and restarts actors; whatever it retries, a file already
written is skipped, so each is written once, and the report is rebuilt from the part files on disk
(:func:`imgrestore.report.merge_parts`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from imgrestore.batch import BatchPlan, Job, run
from imgrestore.errors import UsageError
from imgrestore.io.atomic import remove_temps_of
from imgrestore.io.discover import InputItem
from imgrestore.report import OK, FileResult, append_part, merge_parts, part_file

RAY_EXTRA = "pip install 'imgrestore[ray]'"
FILES_PER_BATCH = 16  # what one actor call does: a retried call redoes at most this many (already written are skipped)


@dataclass(frozen=True)
class RaySettings:
    """Where and how wide the job runs (`--address`, `--workers`, `--gpus-per-worker`, `--cpus-per-worker`)."""

    address: str | None = None  # None: $RAY_ADDRESS, else a local Ray started for the job
    workers: tuple[int, int] = (1, 1)  # the actor pool's size, min and max
    gpus_per_worker: float = 0.0
    cpus_per_worker: float = 1.0


def parse_workers(text: str) -> tuple[int, int]:
    """`--workers N` or `MIN:MAX`."""
    low, _, high = text.partition(":")
    try:
        pool = (int(low), int(high or low))
    except ValueError:
        raise UsageError(f"--workers {text}: expected N or MIN:MAX") from None
    if not 1 <= pool[0] <= pool[1]:
        raise UsageError(f"--workers {text}: expected 1 <= MIN <= MAX")
    return pool


class FolderWorker:
    """One Ray actor: builds its job once, then runs the local engine on each batch of paths it is given."""

    def __init__(self, job: Job, plan: BatchPlan, io_workers: int | None) -> None:
        self.job = job
        # its own part file; a restarted actor is a new process, with a new one
        self.plan = replace(plan, skip_existing=True, parts=part_file(plan.out_dir, "ray"), problems=())
        self.io_workers = io_workers

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        items = [InputItem(Path(source), Path(relative)) for source, relative in zip(batch["source"], batch["relative"])]

        def record(result: FileResult, megapixels: float) -> None:
            append_part(self.plan.parts, result)

        outcome = run(items, self.plan, self.job, record, self.io_workers)
        return {"source": [r.source for r in outcome.results], "status": [r.status for r in outcome.results]}


def run_on_ray(items: list[InputItem], plan: BatchPlan, job: Job, settings: RaySettings, io_workers: int | None,
               progress: Callable[[int], None] = lambda done: None) -> list[FileResult]:
    """Run ``job`` over ``items`` on Ray; returns every file's record, merged from the part files on disk."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise UsageError(f"--engine ray needs Ray Data: {RAY_EXTRA}") from None
    address = settings.address or os.environ.get("RAY_ADDRESS") or None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        rows = [{"source": str(item.source), "relative": item.relative.as_posix()} for item in items]
        # one block per actor call: Ray's default of one block per row would make a million-file job a
        # million blocks on the driver
        blocks = max(1, -(-len(rows) // FILES_PER_BATCH))
        dataset = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            FolderWorker, batch_size=FILES_PER_BATCH, concurrency=settings.workers,
            num_gpus=settings.gpus_per_worker or None, num_cpus=settings.cpus_per_worker,
            fn_constructor_kwargs={"job": job, "plan": plan, "io_workers": io_workers})
        done = 0
        for batch in dataset.iter_batches(batch_size=None):
            done += len(batch["source"])
            progress(done)
    finally:
        if started_here:
            ray.shutdown()
    wanted = {str(item.source) for item in items}
    results = [result for result in merge_parts(plan.out_dir) if result.source in wanted]
    remove_temps_of([Path(result.output) for result in results if result.status == OK])
    return results
