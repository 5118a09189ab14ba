"""What `denoise`, `corrupt` and every other folder command share: discovery, safety checks,
progress, the report, the summary line and the exit code."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from imgrestore.cli.console import Console
from imgrestore.errors import InterruptedRun, UsageError
from imgrestore.io.limits import STREAM_MEGAPIXELS

if TYPE_CHECKING:
    from imgrestore.io.discover import InputItem
    from imgrestore.ray_engine import RaySettings
    from imgrestore.shards import Shard

_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}


def normalize_format(fmt: str | None) -> str | None:
    """'jpg' -> 'JPEG'; None stays None (output follows the input format)."""
    if fmt is None:
        return None
    try:
        return _FORMATS[fmt.lower().lstrip(".")]
    except KeyError:
        raise UsageError(f"--format {fmt}: expected one of {', '.join(sorted(set(_FORMATS)))}") from None


ENGINES = ("local", "shard", "ray")


@dataclass(frozen=True)
class Engine:
    """Who does the files: this process (local), this process's slice (shard), or a Ray cluster (ray)."""

    name: str = "local"
    shard: Shard | None = None
    ray: RaySettings | None = None
    io_workers: int | None = None

    @property
    def exactly_once(self) -> bool:
        """Sharded and Ray runs skip outputs that exist and keep their report rows in part files under -o."""
        return self.name != "local"


def engine_settings(engine: str, shard: str | None, workers: str | None, gpus_per_worker: float,
                    cpus_per_worker: float, address: str | None, io_workers: int | None) -> Engine:
    """The engine options of a folder command, checked together."""
    from imgrestore.ray_engine import RaySettings, parse_workers
    from imgrestore.shards import parse_shard

    name = engine.strip().lower()
    if name not in ENGINES:
        raise UsageError(f"--engine {engine}: expected one of {', '.join(ENGINES)}")
    if shard and name != "shard":
        raise UsageError("--shard is for --engine shard")
    if name != "ray" and (workers or gpus_per_worker or address):
        raise UsageError("--workers, --gpus-per-worker and --address are for --engine ray")
    if name == "shard":
        return Engine(name, shard=parse_shard(shard), io_workers=io_workers)
    if name == "ray":
        return Engine(name, ray=RaySettings(address=address, workers=parse_workers(workers or "1"),
                                            gpus_per_worker=gpus_per_worker, cpus_per_worker=cpus_per_worker),
                      io_workers=io_workers)
    return Engine(io_workers=io_workers)


def plan_batch(inputs: list[str], output: Path, *, recursive: bool, suffix: str, fmt: str | None,
               skip_existing: bool, dry_run: bool, report: Path | None = None, max_megapixels: float = 0,
               jpeg_quality: int = 95, bit_depth: int | None = None, stream_megapixels: float = STREAM_MEGAPIXELS,
               side_outputs: Callable[[InputItem], list[Path]] | None = None, side_folder: Path | None = None,
               engine: Engine = Engine()):
    """Find the inputs and build the plan. Everything that can be checked before work is checked here:
    outputs that would overwrite an input or each other, paths leaving -o, an unwritable -o or report.

    ``side_outputs`` names the extra files a job writes per input (corrupt's masks, in ``side_folder``):
    they get the same guards. Files in the output folder (and ``side_folder``) are never read as inputs.
    With `--engine shard` the whole list is planned and checked, then this shard's slice kept; sharded and
    Ray runs skip existing outputs and keep their rows in part files of the report under -o.
    """
    from imgrestore.batch import BatchPlan
    from imgrestore.io import outputs
    from imgrestore.io.discover import discover
    from imgrestore.report import part_file

    out_format = normalize_format(fmt)
    outputs.check_suffix(suffix)
    outputs.check_output_folder(output)
    own_folders = {folder.resolve() for folder in (output, side_folder) if folder is not None}
    found = discover(inputs, recursive=recursive, exclude=own_folders)
    # -o is itself an input folder: outputs of earlier runs sit among the inputs (below it, -o is never entered)
    shares_input_folder = any(output.resolve() == root.resolve() for root in found.roots)
    if shares_input_folder:  # the outputs its ledger lists are not inputs
        earlier = outputs.read_ledger(output)
        found.items = [item for item in found.items if item.source.resolve() not in earlier]
    items = found.items
    if not items and not found.problems:
        raise UsageError("no image files found in the inputs (use --recursive for subfolders)")
    sources = {item.source.resolve() for item in items}
    targets = outputs.plan_targets(items, output, suffix, out_format)
    if side_outputs is not None:
        for item in items:
            for path in side_outputs(item):
                targets.setdefault(path.resolve(), []).append(item)
    outputs.check_plan(targets, sources)
    if report is not None:
        outputs.check_report_path(report, sources, set(targets))
    problems = tuple(found.problems)
    parts = None
    if engine.shard is not None:  # every shard plans and checks all files, then keeps its own
        items = engine.shard.select(items, key=lambda item: (item.relative.as_posix(), str(item.source)))
        problems = problems if engine.shard.index == 0 else ()  # one shard reports what could not be listed
    if engine.exactly_once:
        skip_existing = True  # a rerun (or a retried worker) completes exactly the rest
        parts = None if dry_run else part_file(output, engine.shard.label if engine.shard else "driver")
    plan = BatchPlan(out_dir=output, suffix=suffix, fmt=out_format, skip_existing=skip_existing, dry_run=dry_run,
                     max_megapixels=max_megapixels, problems=problems, record_outputs=shares_input_folder,
                     jpeg_quality=jpeg_quality, bit_depth=bit_depth, parts=parts, stream_megapixels=stream_megapixels)
    return items, plan


def _run_on_ray(items, plan, job, engine: Engine, bar):
    """The files done by Ray workers; the driver only plans, adds the rows of what could not be listed,
    and rebuilds the report from the part files (those of an interrupted run included)."""
    import time

    from imgrestore.batch import BatchRun, interrupted_result
    from imgrestore.ray_engine import run_on_ray
    from imgrestore.report import FAILED, FileResult, append_part

    started = time.monotonic()
    listed = [FileResult(source=str(p.path), output="", status=FAILED, error=f"{p.path}: {p.reason}")
              for p in plan.problems]
    for result in listed:
        append_part(plan.parts, result)
    try:
        results = run_on_ray(items, plan, job, engine.ray, engine.io_workers,
                             progress=lambda done: bar.advance_to(done, f"{done} of {len(items)} files"))
    except KeyboardInterrupt as signal:
        from imgrestore.report import merge_parts

        done = {r.source: r for r in merge_parts(plan.out_dir)}
        results = [done.get(str(item.source)) or interrupted_result(item, plan) for item in items]
        return BatchRun(listed + results, round(time.monotonic() - started, 3), signal)
    return BatchRun(listed + results, round(time.monotonic() - started, 3))


def run_with_progress(title: str, items, plan, job, *, quiet: bool, report: Path | None,
                      command: dict[str, Any], after: Callable[[list], None] | None = None,
                      engine: Engine = Engine(), replicas: Sequence = ()) -> list:
    """Run the folder engine with a progress display, write the report and print the summary line.

    ``after(results)`` runs before the report. After SIGINT/SIGTERM, ``after``, the report (unfinished
    files marked) and the summary still happen, then InterruptedRun makes the CLI exit 130/143."""
    from imgrestore.batch import run
    from imgrestore.report import FAILED, INTERRUPTED, OK, PLANNED, SKIPPED, append_part, summary, write_report

    console = Console(quiet=quiet)
    megapixels = 0.0
    with console.progress(title, total=len(items) + len(plan.problems)) as bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # per-file notes go to the report instead

        def on_result(result, mp: float) -> None:
            nonlocal megapixels
            megapixels += mp
            if plan.parts is not None:
                append_part(plan.parts, result)
                reported.add(id(result))
            if result.status == FAILED:
                reason = result.error if result.source in (result.error or "") else f"{result.source}: {result.error}"
                console.error(f"failed: {reason}")
            text = {OK: f"{result.source} -> {result.output} ({result.seconds:.1f}s)",
                    SKIPPED: f"skipped (exists): {result.output}", PLANNED: f"would write {result.output}",
                    FAILED: f"failed: {result.source}"}[result.status]
            bar.advance(1, f"{megapixels:.1f} MP  {text}")

        reported: set[int] = set()
        if engine.name == "ray" and not plan.dry_run:
            outcome = _run_on_ray(items, plan, job, engine, bar)
            reported.update(id(result) for result in outcome.results)  # the workers wrote their rows
        else:
            outcome = run(items, plan, job, on_result, engine.io_workers, replicas)
    results = outcome.results
    if plan.parts is not None:  # the rows an interruption settled without reporting them one by one
        for result in results:
            if id(result) not in reported:
                append_part(plan.parts, result)
    if after is not None:  # e.g. corrupt's manifest: written for the files done, interrupted or not
        after(results)
    totals = summary(results)
    if report:
        write_report(report, results, command, outcome.wall_seconds)
    line = (f"{totals[OK]} written, {totals[FAILED]} failed, {totals[SKIPPED]} skipped"
            + (f", {totals[PLANNED]} planned (dry run)" if plan.dry_run else "")
            + (f", {totals[INTERRUPTED]} not done (interrupted)" if outcome.interrupted else "")
            + f" in {outcome.wall_seconds:.1f}s")
    if outcome.interrupted is not None:  # the CLI prints this one line and exits 130/143
        signal_name = getattr(outcome.interrupted, "signal_name", "SIGINT")
        raise InterruptedRun(f"interrupted by {signal_name}: {line}" + (f"; report: {report}" if report else ""),
                             getattr(outcome.interrupted, "exit_code", 130))
    console.line(line)
    return results


def exit_for(results: list) -> None:
    """Exit 1 if any file failed (0 otherwise, by returning)."""
    from imgrestore.report import exit_code

    code = exit_code(results)
    if code:
        raise typer.Exit(code)
