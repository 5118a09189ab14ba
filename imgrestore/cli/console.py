"""Progress output: a live rich bar on a terminal, plain log lines otherwise (or with --quiet)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.console import Console as RichConsole
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class _Bar:
    def __init__(self, progress: Progress | None, task: int | None, console: Console, total: float, unit: str):
        self._progress, self._task, self._console = progress, task, console
        self.total, self.unit, self.done = total, unit, 0.0

    def advance(self, amount: float = 1, text: str = "") -> None:
        self.advance_to(self.done + amount, text)

    def advance_to(self, done: float, text: str = "") -> None:
        self.done = done
        if self._progress is not None:
            self._progress.update(self._task, completed=done, info=text)
        elif text:
            self._console.line(f"[{done:g}/{self.total:g} {self.unit}] {text}")


class Console:
    """Where commands print: stdout for results, stderr for errors; live bars only on a terminal."""

    def __init__(self, quiet: bool = False) -> None:
        self.live = not quiet and sys.stdout.isatty()
        self._out = RichConsole(highlight=False)
        self._err = RichConsole(stderr=True, highlight=False)

    def line(self, text: str) -> None:
        """One plain line on stdout (markup disabled: file names may contain brackets)."""
        self._out.print(text, markup=False, soft_wrap=True)

    def error(self, text: str) -> None:
        self._err.print(text, markup=False, soft_wrap=True)

    def table(self, renderable) -> None:
        self._out.print(renderable)

    @contextlib.contextmanager
    def progress(self, description: str, total: float, unit: str = "files") -> Iterator[_Bar]:
        """A progress bar; ``advance(n, text)`` moves it (plain mode prints ``text`` as a log line)."""
        if not self.live:
            yield _Bar(None, None, self, total, unit)
            return
        columns = (
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn(unit), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[info]}"),
        )
        with Progress(*columns, console=self._out, transient=False) as progress:
            task = progress.add_task(description, total=total, info="")
            yield _Bar(progress, task, self, total, unit)
