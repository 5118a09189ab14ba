"""SIGINT and SIGTERM as one exception, so a batch stops the same way after Ctrl-C and after `kill`.

A batch scheduler or `kill` sends SIGTERM; a terminal sends SIGINT. Both raise :class:`Interrupted`
(a ``KeyboardInterrupt``, so per-file ``except Exception`` handlers never swallow it), the folder
engine abandons the file in flight (its temp file is removed, no final name is touched), writes the
report with the unfinished files marked, and the CLI exits with 128 + the signal number.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process received SIGINT or SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's convention: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


@dataclass
class Received:
    """The signal that interrupted the block, if any (a caller may only see an exit code afterwards)."""

    signum: int | None = None


@contextlib.contextmanager
def exit_on_signals() -> Iterator[Received]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only; elsewhere
    Python delivers no signals, so nothing is installed). Yields what was received."""
    received = Received()
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(signum, frame) -> None:
        received.signum = signum
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, interrupt) for signum in SIGNALS}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
