"""Where each image's mask of missing pixels comes from (`inpaint --mask`), and reading one.

A mask is an image of the same size: white (or any bright pixel) = missing, as `corrupt --save-masks`
writes them. ``--mask`` names one file for every image, or a folder mirroring the inputs: the mask of
``photos/a/b.jpg`` (relative path ``a/b.jpg``) is ``MASKS/a/b.<any image extension>``, or the masks
`corrupt --save-masks` wrote for it (``MASKS/a/b.<step>-<kind>.png``, joined when there are several).
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from imgrestore.errors import MaskError, UsageError
from imgrestore.io.discover import InputItem
from imgrestore.io.image import EXTENSIONS, read_image


@dataclass(frozen=True)
class MaskSource:
    """``--mask``: one mask file for every image, or a folder of masks matched by relative path."""

    path: Path

    @classmethod
    def parse(cls, text: str) -> MaskSource:
        path = Path(text).expanduser()
        if not path.exists():
            raise UsageError(f"--mask {text}: no such file or folder")
        if path.is_file() and path.suffix.lower() not in EXTENSIONS:
            raise UsageError(f"--mask {text}: not an image file (expected one of {', '.join(sorted(EXTENSIONS))})")
        return cls(path)

    def files_for(self, item: InputItem) -> list[Path]:
        """The mask files of ``item``: the one file; else the folder's file with the item's relative path,
        or with its stem and any image extension, or the ones `corrupt --save-masks` names ``stem.N-kind``."""
        if self.path.is_file():
            return [self.path]
        same = self.path / item.relative
        if same.is_file():
            return [same]
        stem = same.with_suffix("")
        found = sorted(p for p in stem.parent.glob(f"{glob.escape(stem.name)}.*")
                       if p.suffix.lower() in EXTENSIONS and p.is_file()) if stem.parent.is_dir() else []
        if not found:
            raise MaskError(f"no mask for {item.relative.as_posix()} in {self.path} "
                            f"(expected {stem.relative_to(self.path).as_posix()}.png or another image type)")
        return found


def read_mask(path: Path, height: int, width: int) -> np.ndarray:
    """The [H, W] float32 mask in ``path`` (1 = missing), checked against the image's size."""
    try:
        pixels = read_image(path).pixels
    except Exception as exc:
        raise MaskError(f"mask {path}: {exc}") from None
    if pixels.shape[:2] != (height, width):
        raise MaskError(f"mask {path} is {pixels.shape[1]}x{pixels.shape[0]}, the image {width}x{height}: "
                        "a mask must have the image's size")
    return (pixels.mean(axis=2) > 0.5).astype(np.float32)


def read_masks(paths: list[Path], height: int, width: int) -> np.ndarray:
    """The union of the masks in ``paths``: a pixel is missing if any of them says so."""
    return np.maximum.reduce([read_mask(path, height, width) for path in paths])
