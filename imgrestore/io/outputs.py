"""Where every output goes, and the checks that run before any work so no input is ever lost.

Every guard here runs while planning, before the first image is read: an output path that is an
input, two inputs writing one output, a suffix or path leaving the output folder, a report path
that is an input or cannot be written, an output folder that is a file or read-only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from imgrestore.errors import UsageError
from imgrestore.io.discover import InputItem
from imgrestore.io.image import FORMAT_EXTENSION, WRITTEN_AS

LEDGER = ".imgrestore-outputs"  # in an output folder that is also an input folder: the files this tool wrote
_SHOWN = 5  # collisions listed in full; the rest are counted


def output_path(item: InputItem, out_dir: Path, suffix: str = "", fmt: str | None = None) -> Path:
    """Where ``item``'s result goes: the relative tree mirrored under ``out_dir``, with ``suffix``."""
    extension = FORMAT_EXTENSION[fmt.upper()] if fmt else WRITTEN_AS.get(item.source.suffix.lower(), item.source.suffix)
    return out_dir / item.relative.parent / f"{item.relative.stem}{suffix}{extension}"


def check_suffix(suffix: str) -> None:
    """A suffix is part of a file name: no folder separators, no NUL, nothing that climbs out."""
    separators = {"/", "\\", os.sep, os.altsep or "/", "\0"}
    if any(sep in suffix for sep in separators):
        raise UsageError(f"--suffix {suffix!r}: must be plain text for the file name, without '/' or '\\'")


def check_output_folder(out_dir: Path) -> None:
    """-o must be a folder (or not exist yet) in a place this process can write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir}: is an existing file, not a folder")
    check_writable(out_dir, "-o")


def check_writable(path: Path, flag: str) -> None:
    """Create and remove a probe file in the nearest existing folder of ``path`` (permission bits alone
    do not tell: root ignores them, and a read-only mount refuses everyone)."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{flag} {path}: {folder} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".imgrestore-probe."):
            pass
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot write in {folder} ({exc.strerror or exc})") from None


def check_report_path(report: Path, sources: set[Path], targets: set[Path]) -> None:
    """The report is written last: refuse now, before any work, if it would replace an input or an
    output, or could not be written."""
    resolved = report.resolve()
    if resolved in sources:
        raise UsageError(f"--report {report}: is one of the inputs; it would be overwritten")
    if resolved in targets:
        raise UsageError(f"--report {report}: is one of the outputs; choose another report path")
    if report.is_dir():
        raise UsageError(f"--report {report}: is a folder; give a file path such as {report / 'report.json'}")
    if report.exists() and not report.is_file():
        raise UsageError(f"--report {report}: exists and is not a regular file")
    check_writable(report, "--report")


def plan_targets(items: list[InputItem], out_dir: Path, suffix: str, fmt: str | None) -> dict[Path, list[InputItem]]:
    """Resolved output path -> the inputs that would write it (more than one is a collision)."""
    root = out_dir.resolve()
    targets: dict[Path, list[InputItem]] = {}
    for item in items:
        target = output_path(item, out_dir, suffix, fmt)
        if not target.resolve().is_relative_to(root):
            raise UsageError(f"{item.source}: its output {target} would fall outside -o {out_dir}")
        targets.setdefault(target.resolve(), []).append(item)
    return targets


def check_plan(targets: dict[Path, list[InputItem]], sources: set[Path]) -> None:
    """Refuse a plan in which an output is an input, or two inputs write the same output."""
    for target in targets:
        if target in sources:
            raise UsageError(f"output {target} would overwrite an input: choose another -o folder or add --suffix")
    collisions = [(target, writers) for target, writers in targets.items() if len(writers) > 1]
    if collisions:
        shown = "; ".join(f"{target} <- {', '.join(str(w.source) for w in writers)}"
                          for target, writers in collisions[:_SHOWN])
        more = f"; and {len(collisions) - _SHOWN} more" if len(collisions) > _SHOWN else ""
        raise UsageError(
            f"{len(collisions)} output(s) would be written by more than one input: {shown}{more} "
            "(give their common parent folder with --recursive, or run them separately)"
        )


def read_ledger(out_dir: Path) -> set[Path]:
    """The resolved paths of the files this tool wrote into ``out_dir`` in earlier runs."""
    try:
        lines = (out_dir / LEDGER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {(out_dir / line).resolve() for line in lines if line}


def append_ledger(out_dir: Path, written: Iterable[Path]) -> None:
    """Record outputs in ``out_dir``'s ledger (one relative path a line, appended)."""
    lines = [Path(os.path.relpath(path, out_dir)).as_posix() for path in written]
    if lines:
        with open(out_dir / LEDGER, "a", encoding="utf-8") as ledger:
            ledger.write("".join(f"{line}\n" for line in lines))
