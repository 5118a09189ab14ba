"""`imgrestore corrupt`: write degraded copies of images, reproducibly, with a manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.folder_job import engine_settings, exit_for, plan_batch, run_with_progress
from imgrestore.cli.options import (
    AddressOpt,
    CpusPerWorkerOpt,
    DryRunOpt,
    EngineOpt,
    FormatOpt,
    GpusPerWorkerOpt,
    IoWorkersOpt,
    MaxMegapixelsOpt,
    OptionalOutDirOpt,
    QuietOpt,
    RecursiveOpt,
    ReportOpt,
    SeedOpt,
    ShardOpt,
    SkipExistingOpt,
    SuffixOpt,
    WorkersOpt,
)
from imgrestore.errors import UsageError
from imgrestore.io.limits import DEFAULT_MAX_MEGAPIXELS

MANIFEST = "manifest.json"


def corrupt(
    inputs: Annotated[list[str] | None, typer.Argument(help="Image files, folders or glob patterns (quote globs).", show_default=False)] = None,
    output: OptionalOutDirOpt = None,
    op: Annotated[list[str] | None, typer.Option("--op", help="Degradation spec, repeatable or chained with '+', e.g. gaussian:sigma=25+mask:lower-half.")] = None,
    seed: SeedOpt = 0,
    save_masks: Annotated[bool, typer.Option("--save-masks", help="Also write the mask of every masking step (white = missing).")] = False,
    masks_dir: Annotated[Path | None, typer.Option("--masks-dir", help="Where --save-masks writes (default: OUTPUT_masks beside OUTPUT).")] = None,
    list_ops: Annotated[bool, typer.Option("--list", help="Describe every operator and its settings, then exit.")] = False,
    recursive: RecursiveOpt = False,
    suffix: SuffixOpt = "",
    fmt: FormatOpt = None,
    skip_existing: SkipExistingOpt = False,
    dry_run: DryRunOpt = False,
    report: ReportOpt = None,
    max_megapixels: MaxMegapixelsOpt = DEFAULT_MAX_MEGAPIXELS,
    io_workers: IoWorkersOpt = None,
    engine: EngineOpt = "local",
    shard: ShardOpt = None,
    workers: WorkersOpt = None,
    gpus_per_worker: GpusPerWorkerOpt = 0.0,
    cpus_per_worker: CpusPerWorkerOpt = 1.0,
    address: AddressOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a degraded copy of every image (noise, blur, downsampling, masks, JPEG) plus manifest.json.

    Each file's seed derives from --seed and its relative path, and manifest.json records the exact
    operator chain, drawn parameters and seed of every output, so a run can be reproduced bit for bit.
    """
    from imgrestore.degradations import describe_operators, parse_chain
    from imgrestore.jobs.corrupt import CorruptJob

    if list_ops:
        Console().line(describe_operators())
        return
    if not inputs or output is None or not op:
        raise UsageError("corrupt needs INPUTS, -o OUTPUT and at least one --op (see --list)")
    from imgrestore.jobs.corrupt import mask_paths

    chain = parse_chain(op)
    if report is not None and report.resolve() == (output / MANIFEST).resolve():
        raise UsageError(f"--report {report}: is where corrupt writes its {MANIFEST}; choose another path")
    if save_masks and not chain.makes_mask:
        raise UsageError("--save-masks: the chain has no masking step")
    mask_folder = (masks_dir or output.parent / f"{output.name}_masks") if save_masks else None
    masks_of = None if mask_folder is None else (
        lambda item: [path for _, path in mask_paths(item.relative, chain, mask_folder)])
    engine_choice = engine_settings(engine, shard, workers, gpus_per_worker, cpus_per_worker, address,
                                    io_workers)
    items, plan = plan_batch(inputs, output, recursive=recursive, suffix=suffix, fmt=fmt,
                             skip_existing=skip_existing, dry_run=dry_run, report=report,
                             max_megapixels=max_megapixels, side_outputs=masks_of, side_folder=mask_folder,
                             engine=engine_choice)
    job = CorruptJob(chain=chain, seed=seed, masks_dir=mask_folder)
    command = {"command": "corrupt", "inputs": inputs, "output": str(output), "chain": chain.spec(full=True), "seed": seed}
    manifest = None if dry_run else (lambda results: write_manifest(output / MANIFEST, chain.spec(full=True), seed, results))
    results = run_with_progress("corrupt", items, plan, job, quiet=quiet, report=report, command=command, after=manifest,
                                engine=engine_choice)
    exit_for(results)


def write_manifest(path: Path, chain: str, seed: int, results: list) -> None:
    """Record chain, seed and drawn parameters per output; entries of earlier runs into the same
    folder (``--skip-existing``) are kept."""
    from imgrestore.io.atomic import atomic_write_bytes
    from imgrestore.report import OK

    manifest = {"chain": chain, "seed": seed, "files": {}}
    if path.exists():
        try:
            previous = json.loads(path.read_text())
            if previous.get("chain") == chain and previous.get("seed") == seed:
                manifest["files"] = previous.get("files", {})
        except (OSError, json.JSONDecodeError):
            pass
    for result in results:
        if result.status == OK:
            key = Path(result.output).relative_to(path.parent).as_posix()
            manifest["files"][key] = {"source": result.source, "relative": result.relative, **result.details}
    atomic_write_bytes(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
