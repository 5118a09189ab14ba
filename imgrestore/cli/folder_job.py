"""What `denoise`, `corrupt` and every other folder command share: discovery, safety checks,
progress, the report, the summary line and the exit code."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import typer

from imgrestore.cli.console import Console
from imgrestore.errors import UsageError

_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}


def normalize_format(fmt: str | None) -> str | None:
    """'jpg' -> 'JPEG'; None stays None (output follows the input format)."""
    if fmt is None:
        return None
    try:
        return _FORMATS[fmt.lower().lstrip(".")]
    except KeyError:
        raise UsageError(f"--format {fmt}: expected one of {', '.join(sorted(set(_FORMATS)))}") from None


def plan_batch(inputs: list[str], output: Path, *, recursive: bool, suffix: str, fmt: str | None,
               skip_existing: bool, dry_run: bool):
    """Find the inputs and build the plan; refuses plans that would overwrite an input."""
    from imgrestore.batch import BatchPlan
    from imgrestore.io.discover import check_no_overwrite, find_images

    out_format = normalize_format(fmt)
    items = find_images(inputs, recursive=recursive)
    if not items:
        raise UsageError("no image files found in the inputs (use --recursive for subfolders)")
    check_no_overwrite(items, output, suffix, out_format)
    plan = BatchPlan(out_dir=output, suffix=suffix, fmt=out_format, skip_existing=skip_existing, dry_run=dry_run)
    return items, plan


def run_with_progress(title: str, items, plan, job, *, quiet: bool, report: Path | None,
                      command: dict[str, Any]) -> list:
    """Run the folder engine with a progress display, write the report and print the summary line."""
    from imgrestore.batch import run
    from imgrestore.report import FAILED, OK, PLANNED, SKIPPED, summary, write_report

    console = Console(quiet=quiet)
    megapixels = 0.0
    with console.progress(title, total=len(items)) as bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # per-file notes go to the report instead

        def on_result(result, mp: float) -> None:
            nonlocal megapixels
            megapixels += mp
            if result.status == FAILED:
                reason = result.error if result.source in (result.error or "") else f"{result.source}: {result.error}"
                console.error(f"failed: {reason}")
            text = {OK: f"{result.source} -> {result.output} ({result.seconds:.1f}s)",
                    SKIPPED: f"skipped (exists): {result.output}", PLANNED: f"would write {result.output}",
                    FAILED: f"failed: {result.source}"}[result.status]
            bar.advance(1, f"{megapixels:.1f} MP  {text}")

        results = run(items, plan, job, on_result)
    totals = summary(results)
    if report:
        write_report(report, results, command)
    console.line(
        f"{totals['ok']} written, {totals['failed']} failed, {totals['skipped']} skipped"
        + (f", {totals['dry-run']} planned (dry run)" if plan.dry_run else "")
    )
    return results


def exit_for(results: list) -> None:
    """Exit 1 if any file failed (0 otherwise, by returning)."""
    from imgrestore.report import exit_code

    code = exit_code(results)
    if code:
        raise typer.Exit(code)
