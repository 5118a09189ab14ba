"""Run the CLIs through their real entry points (error mapping and exit codes included)."""

from __future__ import annotations

from collections.abc import Callable


def run(main: Callable[[list[str]], int], capsys, *args: str) -> tuple[int, str, str]:
    """Call ``main(args)``; return (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
