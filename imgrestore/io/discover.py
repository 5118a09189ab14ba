"""Find input images (files, folders, globs), with a reason for every entry that cannot be an input.

Nothing vanishes silently: a folder that cannot be listed, a dangling symbolic link, a link loop
or a FIFO with an image name becomes a :class:`Problem` that the batch reports as a failed entry.
Entries are classified from ``lstat``/``stat`` only, so a FIFO is never opened (reading one blocks).
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from imgrestore.errors import UsageError
from imgrestore.io.image import EXTENSIONS

_GLOB_CHARS = set("*?[")
FOLDER = "a folder"  # what classify() says of a folder: walked, not an input file


@dataclass(frozen=True)
class InputItem:
    """An input file and its path relative to the input root (mirrored under the output folder)."""

    source: Path
    relative: Path


@dataclass(frozen=True)
class Problem:
    """An entry found while looking for inputs that cannot be read as one, and why."""

    path: Path
    reason: str


@dataclass
class Discovery:
    """What the inputs expanded to: image files, the entries that failed, and the roots searched."""

    items: list[InputItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)  # folders whose trees the inputs come from


def _is_image_name(path: Path) -> bool:
    return path.suffix.lower() in EXTENSIONS and not path.name.startswith(".")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _broken_reason(path: Path, exc: OSError) -> str:
    """Why ``stat`` failed on an entry that exists in its folder."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"dangling symbolic link (target {os.readlink(path)} does not exist)"
    return f"cannot be read ({exc.strerror or exc})"


def classify(path: Path) -> str | None:
    """None if ``path`` is a regular file (or a link to one); otherwise why it cannot be an input file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return _broken_reason(path, exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return FOLDER
    return _kind(mode)


def _walk(root: Path, recursive: bool, exclude: set[Path], found: Discovery) -> None:
    """Add the image files under ``root``; every folder that cannot be listed is a problem.

    Symbolic links to folders are followed once each: a folder reached again (a link loop) is reported.
    """
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                found.problems.append(Problem(folder, "symbolic link loop (folder already searched)"))
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as exc:
            found.problems.append(Problem(folder, f"cannot list folder ({exc.strerror or exc})"))
            continue
        subfolders = []
        for name in names:
            path = folder / name
            if name.startswith("."):
                continue  # hidden files, including this tool's own temp files
            reason = classify(path)
            if reason == FOLDER:
                if recursive and path.resolve() not in exclude:
                    subfolders.append(path)
            elif reason is None:
                if _is_image_name(path):
                    found.items.append(InputItem(path, path.relative_to(root)))
            elif _is_image_name(path) or (path.is_symlink() and not path.suffix):
                found.problems.append(Problem(path, reason))  # an image, or what may have been a folder
        pending.extend(reversed(subfolders))


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next((i for i, p in enumerate(parts) if set(p) & _GLOB_CHARS), len(parts))]]
    return Path(*fixed) if fixed else Path(".")


def discover(inputs: list[str], recursive: bool = False, exclude: set[Path] | None = None) -> Discovery:
    """Expand inputs into image files, sorted, without duplicates, plus the problems met on the way.

    A folder contributes the image files in it (all levels with ``recursive``; folders in ``exclude``,
    resolved paths, are not entered); a glob contributes its matches, relative to the glob's fixed
    leading folders; a file is taken as given, even without an image extension, so a mistaken name is
    reported rather than silently ignored. A name that does not exist at all is a usage error.
    """
    exclude = exclude or set()
    found = Discovery()
    for raw in inputs:
        path = Path(raw)
        if set(raw) & _GLOB_CHARS and not os.path.lexists(raw):
            root = _glob_root(raw)
            matches = sorted(Path(m) for m in glob.glob(raw, recursive=recursive))
            if not matches:
                raise UsageError(f"{raw}: no file matches this pattern")
            found.roots.append(root)
            skipped = {folder for folder in exclude if folder != root.resolve()}  # -o may be the glob's own folder
            for match in matches:
                if any(match.resolve().is_relative_to(folder) for folder in skipped):
                    continue
                reason = classify(match)
                if reason is None and _is_image_name(match):
                    found.items.append(InputItem(match, match.relative_to(root)))
                elif reason not in (None, FOLDER) and _is_image_name(match):
                    found.problems.append(Problem(match, reason))
        elif not os.path.lexists(raw):
            raise UsageError(f"{raw}: no such file or folder")
        elif (reason := classify(path)) == FOLDER:
            found.roots.append(path)
            _walk(path, recursive, exclude, found)
        elif reason is None:
            found.roots.append(path.parent)
            found.items.append(InputItem(path, Path(path.name)))
        else:
            found.problems.append(Problem(path, reason))
    unique: dict[Path, InputItem] = {}
    for item in found.items:
        unique.setdefault(item.source.resolve(), item)
    found.items = sorted(unique.values(), key=lambda item: (str(item.relative), str(item.source)))
    return found


def find_images(inputs: list[str], recursive: bool = False) -> list[InputItem]:
    """The image files of :func:`discover` (for training and evaluation, which read what they can)."""
    return discover(inputs, recursive).items
