"""One definition of a restoring folder command (`denoise`, `inpaint`, ...); only the default
model and the help text differ between them."""


from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

import typer

from imgrestore.cli.folder_job import engine_settings, exit_for, plan_batch, run_with_progress
from imgrestore.cli.options import (
    AddressOpt,
    BatchSizeOpt,
    BitDepthOpt,
    CpusPerWorkerOpt,
    DeviceOpt,
    DryRunOpt,
    EngineOpt,
    FormatOpt,
    GpusPerWorkerOpt,
    InputsArg,
    IoWorkersOpt,
    JpegQualityOpt,
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
    StreamAboveOpt,
    SuffixOpt,
    TileOpt,
    WorkersOpt,
    check_overlap,
)
from imgrestore.errors import UsageError
from imgrestore.io.limits import DEFAULT_MAX_MEGAPIXELS, STREAM_MEGAPIXELS
from imgrestore.tasks import DAMAGE, Task


def parse_sigma(text: str) -> float | None:
    """--sigma: 'auto' (None: estimate per image) or a level on the 0..255 scale."""
    if text.strip().lower() == "auto":
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--sigma {text}: expected 'auto' or a number on the 0..255 scale, e.g. 25") from None
    if not 0 <= value <= 255:
        raise UsageError(f"--sigma {text}: must be between 0 and 255")
    return value


def dejpeg_format(fmt: str | None, jpeg_quality: int, quiet: bool) -> str:
    """`dejpeg` writes PNG unless told otherwise: a JPEG output would bring the artifacts back."""
    if fmt is None:
        return "png"
    if fmt.lower().lstrip(".") in ("jpg", "jpeg") and not quiet:
        typer.echo(f"note: --format jpg re-encodes the restored images at --jpeg-quality {jpeg_quality}, which brings "
                   "back some of the artifacts just removed; PNG (the default) keeps the result exactly", err=True)
    return fmt


REAL_NOISE_MODEL = "resunet-real"  # `upscale --restore-first`: camera noise and JPEG, removed before enlarging


def make_restore_command(name: str, default_model: str, doc: str, default_scale: int = 1,
                         with_task: bool = False) -> Callable[..., None]:
    """A Typer command restoring files/folders/globs into an output folder with ``default_model``;
    ``default_scale`` > 1 enlarges inputs first (`upscale`); ``with_task`` adds --task (`restore`)."""

    def command(
        inputs: InputsArg,
        output: OutDirOpt,
        model: ModelOpt = default_model,
        scale: Annotated[int, typer.Option("--scale", min=1, max=16, help="Enlarge every image this many times: by an upscaler itself (a x2 model runs twice for 4), or with bicubic interpolation before a model that keeps the size; 1 keeps the size.")] = default_scale,
        task: Annotated[str, typer.Option("--task", hidden=not with_task, help="What the images suffer from: denoise, deblur, upscale (enlarges by --scale, default 4), inpaint, dejpeg or reconstruct. A model may carry settings tuned per task (the generative encoder's solver); they apply unless -m NAME:key=value says otherwise. Recorded in the report.")] = "",
        tile: TileOpt = 512,
        overlap: OverlapOpt = None,
        batch_size: BatchSizeOpt = None,
        device: DeviceOpt = "auto",
        precision: PrecisionOpt = "auto",
        sigma: Annotated[str, typer.Option("--sigma", help="Noise level on the 0..255 scale for models that take one (e.g. 25), or 'auto' to estimate it per image (a wavelet reading, checked by the model on a few smooth windows). The report records the level used for every file.")] = "auto",
        tta: Annotated[bool, typer.Option("--tta", help="Self-ensemble: restore the 8 flips/rotations of each image and average them (a small gain for 8x the time).")] = False,
        sharpen: Annotated[bool, typer.Option("--sharpen", help="Apply the denoising-autoencoder paper's 3x3 sharpening kernel after restoration.")] = False,
        sharpen_amount: Annotated[float, typer.Option("--sharpen-amount", min=0.0, max=1.0, help="How much of the sharpened image to blend in (with --sharpen).")] = 1.0,
        recursive: RecursiveOpt = False,
        suffix: SuffixOpt = "",
        fmt: FormatOpt = None,
        jpeg_quality: JpegQualityOpt = 95,
        bit_depth: BitDepthOpt = None,
        stream_above: StreamAboveOpt = STREAM_MEGAPIXELS,
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
        mask: Annotated[str, typer.Option("--mask", hidden=not (name == "inpaint" or with_task), help="The missing pixels (inpainting): one mask image for every input, or a folder of masks matched by relative path (MASKS/a/b.png for photos/a/b.jpg, any image type). White = missing, as `corrupt --save-masks` writes them; a mask must have its image's size. Everything outside the mask is kept exactly.")] = "",
        kernel: Annotated[str, typer.Option("--kernel", hidden=not (with_task or default_scale > 1), help="A known degradation, undone by plug-and-play iterations with a noise-level denoiser as the prior (-m resunet-color, the default). Deblurring: the blur, as `imgrestore deblur --kernel` takes it (gaussian:sigma=1.6, motion:length=15,angle=45, box:size=5 or a kernel image). Upscaling: 'bicubic' (the images were reduced with PIL's or MATLAB's bicubic) or a blur kernel applied before keeping every --scale-th pixel.")] = "",
        quality: Annotated[int | None, typer.Option("--quality", min=1, max=100, hidden=not (name == "dejpeg" or with_task), show_default=False, help="JPEG artifacts: restore every image as if saved at this JPEG quality, instead of the quality read from each file's own quantization tables (an input that is not a JPEG needs it). The report records the quality used per file.")] = None,
        restore_first: Annotated[bool, typer.Option("--restore-first", hidden=default_scale == 1, help=f"Remove camera noise and JPEG artifacts with {REAL_NOISE_MODEL} at the original size before enlarging: for photos straight from a camera or the web. Noted in the report.")] = False,
        allow_domain_mismatch: Annotated[bool, typer.Option("--allow-domain-mismatch", help="Run the model on images it was not made for (e.g. a photo through a 28x28 digit model), which are otherwise refused per file with the reason.")] = False,
        quiet: QuietOpt = False,
    ) -> None:
        from imgrestore.degradations.kernels import parse_kernel
        from imgrestore.degradations.linear import KnownBlur, KnownDownsample
        from imgrestore.devices import replica_devices
        from imgrestore.io.masks import MaskSource
        from imgrestore.jobs.inpaint import InpaintJob, check_inpainter
        from imgrestore.jobs.known import SUPER_RESOLUTION, KnownDegradationJob, check_prior, deblur_settings
        from imgrestore.jobs.restore import RestoreJob
        from imgrestore.pipeline import ModelSelector, RestoreOptions, upscale_plan, with_task_options
        from imgrestore.weights import catalog

        if task and task not in DAMAGE:
            raise UsageError(f"--task {task}: expected one of {', '.join(t.value for t in DAMAGE)}")
        if task == "upscale" and scale == 1:
            scale = 4
        check_overlap(overlap, tile)
        if bit_depth not in (None, 8, 16):
            raise UsageError(f"--bit-depth {bit_depth}: 8 or 16")
        named = task or name
        job_task = (Task.UPSCALE if scale > 1 else
                    Task(named) if named in {t.value for t in Task} else Task.RESTORE)
        if job_task is Task.DEJPEG:
            fmt = dejpeg_format(fmt, jpeg_quality, quiet)
        elif quality is not None:
            raise UsageError("--quality is for JPEG artifacts: `imgrestore dejpeg IN -o OUT --quality N`")
        engine_choice = engine_settings(engine, shard, workers, gpus_per_worker, cpus_per_worker, address,
                                        io_workers)
        items, plan = plan_batch(inputs, output, recursive=recursive, suffix=suffix, fmt=fmt,
                                 skip_existing=skip_existing, dry_run=dry_run, report=report,
                                 max_megapixels=max_megapixels, jpeg_quality=jpeg_quality, bit_depth=bit_depth,
                                 stream_megapixels=stream_above, engine=engine_choice)
        masks = MaskSource.parse(mask) if mask else None
        if masks is not None and job_task is not Task.INPAINT:
            raise UsageError("--mask is for inpainting: `imgrestore inpaint IN -o OUT --mask MASKS`")
        known = None
        if kernel and job_task is Task.DEBLUR:
            known = KnownBlur(parse_kernel(kernel))
        elif kernel and job_task is Task.UPSCALE:
            known = (KnownDownsample.bicubic(scale) if kernel.strip().lower() == "bicubic" else
                     KnownDownsample(parse_kernel(kernel), scale))
        elif kernel:
            raise UsageError("--kernel is for --task deblur and for upscaling")
        elif job_task is Task.DEBLUR:
            raise UsageError("--task deblur needs the blur: --kernel gaussian:sigma=1.6 (or motion:..., box:..., "
                             "a kernel image)")
        if masks is None and job_task is Task.INPAINT and model == catalog.AUTO:
            model = catalog.INPAINTERS["digits"]  # without masks only the digit model knows what is missing
        model = with_task_options(model, task)
        if model == catalog.AUTO and job_task not in (Task.DENOISE, Task.UPSCALE, Task.RESTORE, Task.INPAINT,
                                                      Task.DEBLUR, Task.DEJPEG):
            raise UsageError(f"--task {job_task.value} has no automatic model: name one with -m, e.g. -m ge-mnist "
                             "for digits")
        # with a known degradation 'auto' is the denoiser the solver uses as the prior
        selectors = [ModelSelector(model, name, precision, task=Task.DENOISE if known is not None else job_task,
                                   scale=scale, prior=known is not None) for name in replica_devices(device)]
        models = selectors[0]
        if model == catalog.AUTO and job_task is Task.UPSCALE and known is None:
            catalog.check_upscalers(scale)  # a scale no bundled upscaler reaches fails before any file
        if not dry_run and model != catalog.AUTO:
            restorer = models.load(model)  # now, so a bad --model fails before any file is touched
            if restorer.scale > 1 and scale == 1:
                raise UsageError(f"{model} enlarges images x{restorer.scale}: run it with `imgrestore upscale "
                                 f"-m {model} --scale {restorer.scale}`")
            upscale_plan(restorer, scale)
            if masks is not None:
                check_inpainter(restorer)
            if known is not None:
                check_prior(restorer)
            if quality is not None and restorer.task is not Task.DEJPEG:
                raise UsageError(f"--quality: {model} is not told the JPEG quality (a blind model); drop --quality "
                                 "or use a model trained with `imgrestore train --task dejpeg`")
        options = RestoreOptions(tile=tile, overlap=overlap, batch_size=batch_size, sharpen=sharpen,
                                 sharpen_amount=sharpen_amount, sigma=parse_sigma(sigma), scale=scale, tta=tta,
                                 allow_domain_mismatch=allow_domain_mismatch,
                                 restore_first=REAL_NOISE_MODEL if restore_first else None, quality=quality)
        def make_job(models: ModelSelector):
            return (InpaintJob(models, masks, options) if masks is not None else
                    KnownDegradationJob(models, known, replace(options, scale=1),
                                        SUPER_RESOLUTION if known.scale > 1 else deblur_settings(kernel), options.sigma)
                    if known is not None else
                    RestoreJob(models, options))
        replicas = [make_job(selector) for selector in selectors]
        job = replicas[0]
        results = run_with_progress(name, items, plan, job, quiet=quiet, report=report,
                                    command={"command": name, "inputs": inputs, "output": str(output), "model": model,
                                             "task": task or name, "scale": scale,
                                             "tile": tile, "overlap": overlap, "batch_size": batch_size,
                                             "device": device, "precision": precision, "sigma": sigma, "tta": tta, "sharpen": sharpen,
                                             "sharpen_amount": sharpen_amount, "max_megapixels": max_megapixels,
                                             "allow_domain_mismatch": allow_domain_mismatch,
                                             "restore_first": REAL_NOISE_MODEL if restore_first else None,
                                             "mask": mask or None, "kernel": kernel or None, "quality": quality,
                                             "format": fmt, "jpeg_quality": jpeg_quality, "bit_depth": bit_depth,
                                             "stream_above": stream_above},
                                    engine=engine_choice, replicas=replicas)
        exit_for(results)

    command.__name__ = name
    command.__doc__ = doc
    return command
