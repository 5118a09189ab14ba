"""`imgrestore report`: merge the part files that sharded workers wrote under an output folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.options import QuietOpt
from imgrestore.errors import UsageError


def report(
    output: Annotated[Path, typer.Argument(help="The output folder of a sharded job (`--engine shard`).", show_default=False)],
    save: Annotated[Path | None, typer.Option("--save", help="Write the merged report as JSON (the format of --report).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Merge the report rows every worker of a sharded job wrote under OUTPUT into one report.

    Each file appears once, with the best outcome any attempt had (written, then failed, interrupted,
    skipped), so a shard rerun with outputs already there changes nothing. Prints the counts; exit code 1
    if a file failed, 0 otherwise.
    """
    from imgrestore.report import FAILED, OK, PARTS_FOLDER, SKIPPED, exit_code, merge_parts, summary, write_report

    if not (output / PARTS_FOLDER).is_dir():
        raise UsageError(f"{output}: no {PARTS_FOLDER}/ here (written by folder commands run with --engine shard)")
    results = merge_parts(output)
    totals = summary(results)
    if save is not None:
        write_report(save, results, {"command": "report", "output": str(output)})
    console = Console(quiet=quiet)
    for result in results:
        if result.status == FAILED:
            console.error(f"failed: {result.source}: {result.error}")
    console.line(f"{totals['files']} files: {totals[OK]} written, {totals[FAILED]} failed, {totals[SKIPPED]} skipped"
                 f" (merged from {len(list((output / PARTS_FOLDER).glob('*.jsonl')))} part files)")
    raise typer.Exit(exit_code(results))
