"""Training data: images in memory, random crops with flips/rotations.

Sources: a folder of clean images (degraded on the fly by the training chain), a pair of folders
``degraded_dir:clean_dir`` matched by relative path, or digit arrays (an ``.npz`` with an
``images`` array, such as MNIST, or an IDX ``*-ubyte`` file, optionally gzipped).
"""

from __future__ import annotations

import gzip
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from imgrestore.errors import ImageReadError, UsageError
from imgrestore.io.channels import to_channels
from imgrestore.io.discover import find_images
from imgrestore.io.image import read_image


def load_folder(folder: Path, channels: int, min_size: int = 0) -> list[torch.Tensor]:
    """Every image below ``folder`` as a [C, H, W] float tensor; unreadable or too-small images are skipped."""
    paths = find_images([str(folder)], recursive=True)
    if not paths:
        raise UsageError(f"{folder}: no images found")
    tensors = []
    for item in paths:
        try:
            pixels = to_channels(read_image(item.source).pixels, channels)
        except ImageReadError as exc:
            warnings.warn(f"skipping training image: {exc}", stacklevel=2)
            continue
        if min(pixels.shape[:2]) >= min_size:
            tensors.append(torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1))))
    if not tensors:
        raise UsageError(f"{folder}: no image is at least {min_size} px on its short side")
    return tensors


def dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """One of the 8 flips/rotations of the square's symmetry group, k in 0..7, on the last two axes."""
    if k >= 4:
        x = x.flip(-1)
    return torch.rot90(x, k % 4, dims=(-2, -1))


def zoomed_window(size: int, zoom: tuple[float, float], height: int, width: int, generator: torch.Generator) -> int:
    """Side of the image window that one zoomed-out crop reduces to ``size`` px: ``size / s`` with the
    scale ``s`` drawn log-uniformly in ``zoom`` (0 < lo <= hi <= 1), never larger than the image."""
    low, high = math.log(zoom[0]), math.log(zoom[1])
    scale = math.exp(low + (high - low) * float(torch.rand((), generator=generator)))
    return min(round(size / scale), height, width)


def random_crops(images: list[torch.Tensor], count: int, size: int, generator: torch.Generator,
                 augment: bool = True, partners: list[torch.Tensor] | None = None, shift: int = 0,
                 zoom: tuple[float, float] | None = None):
    """``count`` random ``size`` x ``size`` crops [count, C, size, size], randomly flipped/rotated
    with ``augment``; ``shift`` zero-pads each image by that many pixels first, so crops of a whole
    image move it by up to ``shift`` pixels (digits may shift, but not flip). With ``partners``
    (degraded twins of ``images``), the same crops of both are returned as (partner crops, image crops).

    ``zoom`` (lo, hi) zooms out: each crop covers a window of ``size / s`` px (``s`` in lo..hi), area-reduced
    to ``size``, which packs the fine texture of a photo seen smaller into the crop (clean images only)."""
    if zoom is not None and partners is not None:
        raise ValueError("zoom works on clean images only: a degraded twin cannot be reduced like its clean image")
    picks = torch.randint(len(images), (count,), generator=generator).tolist()
    crops, twins = [], []
    for index in picks:
        image = torch.nn.functional.pad(images[index], (shift,) * 4) if shift else images[index]
        h, w = image.shape[-2:]
        window = zoomed_window(size, zoom, h, w, generator) if zoom else size
        y = int(torch.randint(h - window + 1, (1,), generator=generator))
        x = int(torch.randint(w - window + 1, (1,), generator=generator))
        k = int(torch.randint(8, (1,), generator=generator)) if augment else 0
        crop = image[:, y:y + window, x:x + window]
        if window != size:
            crop = torch.nn.functional.interpolate(crop[None], size=(size, size), mode="area")[0]
        crops.append(dihedral(crop, k))
        if partners is not None:
            partner = torch.nn.functional.pad(partners[index], (shift,) * 4) if shift else partners[index]
            twins.append(dihedral(partner[:, y:y + size, x:x + size], k))
    if partners is not None:
        return torch.stack(twins), torch.stack(crops)
    return torch.stack(crops)


@dataclass
class TrainingSet:
    """Clean images, and their degraded twins when the data comes in pairs."""

    clean: list[torch.Tensor]
    degraded: list[torch.Tensor] | None = None
    labels: torch.Tensor | None = None  # class of each image, when the source has labels (MNIST .npz)

    @property
    def paired(self) -> bool:
        return self.degraded is not None

    def smallest_side(self) -> int:
        return min(min(t.shape[-2:]) for t in self.clean)


def _select(items: list, subset: tuple[int, int] | None) -> list:
    return items[subset[0]:subset[1]] if subset else items


def read_idx(path: Path) -> np.ndarray:
    """An IDX array (MNIST's ``*-ubyte`` format), optionally gzipped."""
    data = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise UsageError(f"{path}: not an unsigned-byte IDX file")
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_arrays(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """Images from an ``.npz`` (array ``images``, or its first array) or an IDX file: uint8
    [N, H, W(, C)], and the ``labels`` array of the ``.npz`` if it has one."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            key = "images" if "images" in archive.files else archive.files[0]
            labels = archive["labels"] if "labels" in archive.files else None
            return archive[key], labels
    return read_idx(path), None


def load_dataset(source: str, channels: int, subset: tuple[int, int] | None = None, min_size: int = 0) -> TrainingSet:
    """Load ``source``: a folder, ``degraded_dir:clean_dir``, or an ``.npz`` / IDX file of images."""
    path = Path(source)
    if ":" in source and not path.exists():
        degraded_dir, clean_dir = (Path(p) for p in source.split(":", 1))
        return _load_pairs(degraded_dir, clean_dir, channels, subset)
    if path.is_file():
        arrays, labels = load_arrays(path)
        if arrays.ndim == 3:
            arrays = arrays[..., None]
        scale = 65535.0 if arrays.dtype == np.uint16 else 255.0 if arrays.dtype == np.uint8 else 1.0
        images = [
            torch.from_numpy(np.ascontiguousarray(to_channels(a.astype(np.float32) / scale, channels).transpose(2, 0, 1)))
            for a in _select(list(arrays), subset)
        ]
        if not images:
            raise UsageError(f"{source}: no images in the selected range")
        selected = torch.as_tensor(np.asarray(_select(list(labels), subset)), dtype=torch.long) if labels is not None else None
        return TrainingSet(images, labels=selected)
    if not path.is_dir():
        raise UsageError(f"{source}: no such folder or file")
    return TrainingSet(_select(load_folder(path, channels, min_size), subset))


def _load_pairs(degraded_dir: Path, clean_dir: Path, channels: int, subset: tuple[int, int] | None) -> TrainingSet:
    for folder in (degraded_dir, clean_dir):
        if not folder.is_dir():
            raise UsageError(f"--pairs: {folder} is not a folder")
    clean, degraded = [], []
    for item in _select(find_images([str(clean_dir)], recursive=True), subset):
        twin = degraded_dir / item.relative
        if not twin.exists():
            warnings.warn(f"no degraded twin for {item.relative}: skipped", stacklevel=2)
            continue
        a = to_channels(read_image(item.source).pixels, channels)
        b = to_channels(read_image(twin).pixels, channels)
        if a.shape != b.shape:
            raise UsageError(f"--pairs: {item.relative} has different sizes in the two folders")
        clean.append(torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1))))
        degraded.append(torch.from_numpy(np.ascontiguousarray(b.transpose(2, 0, 1))))
    if not clean:
        raise UsageError(f"--pairs: no file of {clean_dir} has a twin in {degraded_dir}")
    return TrainingSet(clean, degraded)
