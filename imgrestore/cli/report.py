"""`imgrestore report`: merge what sharded workers wrote: a folder job's part files, or `eval`'s score files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.options import QuietOpt
from imgrestore.errors import UsageError


def report(
    paths: Annotated[list[Path], typer.Argument(help="The output folder of a sharded folder job (`--engine shard` or `ray`), or the --save .json files of sharded `imgrestore eval --shard` runs.", show_default=False)],
    save: Annotated[Path | None, typer.Option("--save", help="Write the merged report as JSON (a folder job: the format of --report; eval: the format of eval --save).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Merge what the workers of a sharded job wrote.

    A folder job's OUTPUT: each file appears once, with the best outcome any attempt had (written, then
    failed, interrupted, skipped), so a shard rerun with outputs already there changes nothing. Prints the
    counts; exit code 1 if a file failed, 0 otherwise.

    `eval` score files (PART.json ...): the per-image scores of every shard, each image once, give the table
    of the whole set (means over all images, seconds summed).
    """
    if paths and all(path.suffix.lower() == ".json" and not path.is_dir() for path in paths):
        _merge_eval(paths, save, Console(quiet=quiet))
        return
    if len(paths) != 1 or not paths[0].is_dir():
        raise UsageError("give one output folder of a sharded folder job, or the .json files of `eval --shard` runs")
    _merge_folder_job(paths[0], save, Console(quiet=quiet))


def _merge_folder_job(output: Path, save: Path | None, console: Console) -> None:
    from imgrestore.report import FAILED, OK, PARTS_FOLDER, SKIPPED, exit_code, merge_parts, summary, write_report

    if not (output / PARTS_FOLDER).is_dir():
        raise UsageError(f"{output}: no {PARTS_FOLDER}/ here (written by folder commands run with --engine shard)")
    results = merge_parts(output)
    totals = summary(results)
    if save is not None:
        write_report(save, results, {"command": "report", "output": str(output)})
    for result in results:
        if result.status == FAILED:
            console.error(f"failed: {result.source}: {result.error}")
    console.line(f"{totals['files']} files: {totals[OK]} written, {totals[FAILED]} failed, {totals[SKIPPED]} skipped"
                 f" (merged from {len(list((output / PARTS_FOLDER).glob('*.jsonl')))} part files)")
    raise typer.Exit(exit_code(results))


def _merge_eval(paths: list[Path], save: Path | None, console: Console) -> None:
    from imgrestore.cli.evaluate import scores_table
    from imgrestore.evaluation.harness import save_table
    from imgrestore.evaluation.merge import merge_parts, read_part

    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    setup, scores = merge_parts([read_part(path) for path in paths])
    console.table(scores_table(scores, f"{setup.get('degrade')} · sigma {setup.get('sigma')} · seed {setup.get('seed')} · "
                                       f"{setup['images']} images merged from {len(paths)} files"))
    if save is not None:
        save_table(save, scores, setup)
