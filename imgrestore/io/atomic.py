"""Atomic writes: the output appears complete or not at all, even after Ctrl-C or a crash."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    The temporary file lives in the target's folder so ``os.replace`` stays on one file system
    and is atomic. It keeps the target's suffix because some writers pick the format from it. Its bytes
    are flushed to the disk (fsync) before the rename, so after a power loss or a killed node a final
    name holds a whole file, never a renamed empty one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, _default_mode())  # mkstemp creates 0600; outputs get the usual umask-based mode
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _default_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 less the process umask (read from /proc where it
    can be: setting the umask to read it would briefly change it for every thread)."""
    try:
        status = Path("/proc/self/status").read_text()
        mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("Umask:")), 8)
    except (OSError, StopIteration, ValueError):
        mask = os.umask(0)
        os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


STALE_SECONDS = 300  # a temp file untouched this long belongs to a run that was killed (writes take seconds)
_TEMP_NAME = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.part(\.[A-Za-z0-9]+)?$")  # what atomic_path's mkstemp makes


def is_temp_name(name: str) -> bool:
    """True for the names :func:`atomic_path` gives its temporary files."""
    return bool(_TEMP_NAME.match(name))


def _temps_in(folder: Path) -> Iterator[tuple[os.DirEntry, re.Match]]:
    """The temp files :func:`atomic_path` left in ``folder``, with their name's match (the target's stem and
    suffix); nothing if the folder cannot be read."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is not None:
            yield entry, match


def _unlink(entry: os.DirEntry, removed: list[Path]) -> None:
    try:
        os.unlink(entry.path)
        removed.append(Path(entry.path))
    except OSError:
        pass


def remove_stale_temps(folder: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove this tool's leftover temp files in ``folder`` (only those, and only stale ones: another
    run writing into the same folder keeps its fresh ones). Returns what was removed."""
    removed: list[Path] = []
    now = time.time()
    for entry, _ in _temps_in(folder):
        try:
            stale = entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > older_than
        except OSError:
            continue
        if stale:
            _unlink(entry, removed)
    return removed


def remove_temps_of(completed: list[Path]) -> list[Path]:
    """Remove the temp files left beside outputs that are now complete: a writer killed mid-write (a Ray
    actor, say, whose file another actor then wrote) leaves its temp, and the run that finished the file
    knows it is junk at once. One scan per folder. Returns what was removed."""
    by_folder: dict[Path, set[str]] = {}
    for target in completed:
        by_folder.setdefault(target.parent, set()).add(target.name)
    removed: list[Path] = []
    for folder, names in by_folder.items():
        for entry, match in _temps_in(folder):
            if match[1] + (match[2] or "") in names:
                _unlink(entry, removed)
    return removed
