"""Find input images (files, folders, globs) and map each to its mirrored output path."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from imgrestore.errors import UsageError
from imgrestore.io.image import EXTENSIONS, FORMAT_EXTENSION

_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class InputItem:
    """An input file and its path relative to the input root (mirrored under the output folder)."""

    source: Path
    relative: Path


def _is_candidate(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith(".")


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next((i for i, p in enumerate(parts) if set(p) & _GLOB_CHARS), len(parts))]]
    return Path(*fixed) if fixed else Path(".")


def find_images(inputs: list[str], recursive: bool = False) -> list[InputItem]:
    """Expand inputs into image files, sorted, without duplicates.

    A folder contributes the image files in it (all levels with ``recursive``); a glob contributes
    its matches, relative to the glob's fixed leading folders; a file is taken as given, even
    without an image extension, so a mistaken name is reported rather than silently ignored.
    """
    items: dict[Path, InputItem] = {}
    for raw in inputs:
        path = Path(raw)
        if set(raw) & _GLOB_CHARS and not path.exists():
            root = _glob_root(raw)
            matches = [Path(m) for m in glob.glob(raw, recursive=recursive)]
            if not matches:
                raise UsageError(f"{raw}: no file matches this pattern")
            for match in matches:
                if _is_candidate(match):
                    items.setdefault(match.resolve(), InputItem(match, match.relative_to(root)))
        elif path.is_dir():
            walker = path.rglob("*") if recursive else path.glob("*")
            for match in walker:
                if _is_candidate(match):
                    items.setdefault(match.resolve(), InputItem(match, match.relative_to(path)))
        elif path.is_file():
            items.setdefault(path.resolve(), InputItem(path, Path(path.name)))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return sorted(items.values(), key=lambda item: (str(item.relative), str(item.source)))


def output_path(item: InputItem, out_dir: Path, suffix: str = "", fmt: str | None = None) -> Path:
    """Where ``item``'s result goes: the relative tree mirrored under ``out_dir``, with ``suffix``."""
    extension = FORMAT_EXTENSION[fmt.upper()] if fmt else item.source.suffix
    return out_dir / item.relative.parent / f"{item.relative.stem}{suffix}{extension}"


def check_no_overwrite(items: list[InputItem], out_dir: Path, suffix: str, fmt: str | None) -> None:
    """Refuse any plan in which an output path is one of the inputs."""
    sources = {item.source.resolve() for item in items}
    for item in items:
        target = output_path(item, out_dir, suffix, fmt).resolve()
        if target in sources:
            raise UsageError(
                f"output {target} would overwrite an input: choose another -o folder or add --suffix"
            )
