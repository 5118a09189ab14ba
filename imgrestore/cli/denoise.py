"""`imgrestore denoise`: restore every image of files, folders or globs into an output folder."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.options import (
    BatchSizeOpt, DeviceOpt, DryRunOpt, FormatOpt, InputsArg, ModelOpt, OutDirOpt, OverlapOpt, PrecisionOpt,
    QuietOpt, RecursiveOpt, ReportOpt, SkipExistingOpt, SuffixOpt, TileOpt,
)
from imgrestore.errors import UsageError
from imgrestore.io.image import FORMAT_EXTENSION

_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}


def normalize_format(fmt: str | None) -> str | None:
    """'jpg' -> 'JPEG'; None stays None (output follows the input format)."""
    if fmt is None:
        return None
    try:
        return _FORMATS[fmt.lower().lstrip(".")]
    except KeyError:
        raise UsageError(f"--format {fmt}: expected one of {', '.join(sorted(set(_FORMATS)))}") from None


def denoise(
    inputs: InputsArg,
    output: OutDirOpt,
    model: ModelOpt = "auto",
    tile: TileOpt = 512,
    overlap: OverlapOpt = 32,
    batch_size: BatchSizeOpt = 4,
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "fp32",
    sharpen: Annotated[bool, typer.Option("--sharpen", help="Apply the paper's 3x3 sharpening kernel after restoration.")] = False,
    sharpen_amount: Annotated[float, typer.Option("--sharpen-amount", min=0.0, max=1.0, help="How much of the sharpened image to blend in (with --sharpen).")] = 1.0,
    recursive: RecursiveOpt = False,
    suffix: SuffixOpt = "",
    fmt: FormatOpt = None,
    skip_existing: SkipExistingOpt = False,
    dry_run: DryRunOpt = False,
    report: ReportOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Remove noise from every image and write the results under OUTPUT.

    Inputs are never overwritten and every write is atomic. A file that cannot be read or written
    is reported and skipped while the rest go on. Exit code: 0 all done, 1 some files failed,
    2 usage error.
    """
    from imgrestore.batch import BatchPlan, run
    from imgrestore.io.discover import check_no_overwrite, find_images
    from imgrestore.pipeline import ModelChoice, RestoreOptions
    from imgrestore.report import FAILED, OK, PLANNED, SKIPPED, exit_code, summary, write_report

    console = Console(quiet=quiet)
    if overlap < 0 or (tile > 0 and overlap * 2 >= tile):
        raise UsageError(f"--overlap {overlap} must be at least 0 and less than half of --tile {tile}")
    out_format = normalize_format(fmt)
    items = find_images(inputs, recursive=recursive)
    if not items:
        raise UsageError("no image files found in the inputs (use --recursive for subfolders)")
    check_no_overwrite(items, output, suffix, out_format)
    choice = ModelChoice(model, device, precision)
    if not dry_run and model != "auto":
        choice.for_channels(3)  # load now so a bad --model fails before any file is touched
    plan = BatchPlan(out_dir=output, suffix=suffix, fmt=out_format, skip_existing=skip_existing, dry_run=dry_run)
    options = RestoreOptions(tile=tile, overlap=overlap, batch_size=batch_size, sharpen=sharpen, sharpen_amount=sharpen_amount)

    with console.progress("denoise", total=len(items)) as bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # per-file notes go to the report instead
        megapixels = [0.0]

        def on_result(result, mp: float) -> None:
            megapixels[0] += mp
            if result.status == FAILED:
                reason = result.error if result.source in (result.error or "") else f"{result.source}: {result.error}"
                console.error(f"failed: {reason}")
            text = {OK: f"{result.source} -> {result.output} ({result.seconds:.1f}s)",
                    SKIPPED: f"skipped (exists): {result.output}", PLANNED: f"would write {result.output}",
                    FAILED: f"failed: {result.source}"}[result.status]
            bar.advance(1, f"{megapixels[0]:.1f} MP  {text}")

        results = run(items, plan, choice, options, on_result)
    totals = summary(results)
    if report:
        write_report(report, results, {"command": "denoise", "inputs": inputs, "output": str(output), "model": model,
                                       "tile": tile, "overlap": overlap, "batch_size": batch_size, "device": device,
                                       "precision": precision, "sharpen": sharpen, "sharpen_amount": sharpen_amount})
    console.line(
        f"{totals['ok']} restored, {totals['failed']} failed, {totals['skipped']} skipped"
        + (f", {totals['dry-run']} planned (dry run)" if dry_run else "")
    )
    code = exit_code(results)
    if code:
        raise typer.Exit(code)
