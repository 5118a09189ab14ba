"""`imgrestore deblur`: undo a known blur (a lens's or a measured motion's kernel) with our denoiser as the prior."""

from __future__ import annotations

from typing import Annotated

import typer

from imgrestore.cli.folder_job import engine_settings, exit_for, plan_batch, run_with_progress
from imgrestore.cli.options import (
    AddressOpt,
    BatchSizeOpt,
    CpusPerWorkerOpt,
    DeviceOpt,
    DryRunOpt,
    EngineOpt,
    FormatOpt,
    GpusPerWorkerOpt,
    InputsArg,
    IoWorkersOpt,
    MaxMegapixelsOpt,
    ModelOpt,
    OutDirOpt,
    OverlapOpt,
    PrecisionOpt,
    QuietOpt,
    RecursiveOpt,
    ReportOpt,
    ShardOpt,
    SkipExistingOpt,
    SuffixOpt,
    TileOpt,
    WorkersOpt,
    check_overlap,
)
from imgrestore.cli.restore_command import parse_sigma
from imgrestore.io.limits import DEFAULT_MAX_MEGAPIXELS


def deblur(
    inputs: InputsArg,
    output: OutDirOpt,
    kernel: Annotated[str, typer.Option("--kernel", help="The blur: gaussian:sigma=1.6[,size=25], motion:length=15,angle=45, box:size=5, or an image of the kernel (square, odd side, brightness = weight; normalised to sum 1).")],
    model: ModelOpt = "auto",
    sigma: Annotated[str, typer.Option("--sigma", help="Noise level of the blurred images on the 0..255 scale, or 'auto' to estimate it per image. Recorded in the report.")] = "auto",
    iterations: Annotated[int, typer.Option("--iterations", min=1, max=100, help="Plug-and-play iterations: each runs the denoiser once over the image.")] = 8,
    tile: TileOpt = 512,
    overlap: OverlapOpt = None,
    batch_size: BatchSizeOpt = None,
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
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
    """Undo a known blur in every image and write the results under OUTPUT.

    Plug-and-play half-quadratic splitting (DPIR): each iteration solves the blur's data term exactly
    (in the Fourier domain, borders handled without wrap-around) and runs our noise-level denoiser as
    the prior (resunet-color-fast or resunet-gray-fast per image by default), its noise level falling from 49 (25
    for a motion kernel, measured better on its streaks) to the image's own. Inputs are never overwritten and every write is atomic. Exit code: 0 all done,
    1 some files failed, 2 usage error.
    """
    from imgrestore.degradations.kernels import parse_kernel
    from imgrestore.degradations.linear import KnownBlur
    from imgrestore.devices import replica_devices
    from imgrestore.jobs.known import KnownDegradationJob, check_prior, deblur_settings
    from imgrestore.pipeline import ModelSelector, RestoreOptions
    from imgrestore.weights import catalog

    blur = parse_kernel(kernel)  # a bad kernel fails before any file is touched
    check_overlap(overlap, tile)
    engine_choice = engine_settings(engine, shard, workers, gpus_per_worker, cpus_per_worker, address,
                                    io_workers)
    items, plan = plan_batch(inputs, output, recursive=recursive, suffix=suffix, fmt=fmt,
                             skip_existing=skip_existing, dry_run=dry_run, report=report,
                             max_megapixels=max_megapixels, engine=engine_choice)
    selectors = [ModelSelector(model, name, precision, prior=True) for name in replica_devices(device)]
    if not dry_run and model != catalog.AUTO:
        check_prior(selectors[0].load(model))
    options = RestoreOptions(tile=tile, overlap=overlap, batch_size=batch_size)
    replicas = [KnownDegradationJob(models, KnownBlur(blur), options, deblur_settings(kernel, iterations),
                                    parse_sigma(sigma)) for models in selectors]
    job = replicas[0]
    results = run_with_progress("deblur", items, plan, job, quiet=quiet, report=report,
                                command={"command": "deblur", "inputs": inputs, "output": str(output),
                                         "kernel": kernel, "model": model, "sigma": sigma, "iterations": iterations,
                                         "tile": tile, "overlap": overlap, "batch_size": batch_size,
                                         "device": device, "precision": precision, "max_megapixels": max_megapixels},
                                engine=engine_choice, replicas=replicas)
    exit_for(results)
