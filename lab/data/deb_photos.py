"""Shared by the lab/data/fetch_*_photos.py scripts: unpack a Debian package, save a photo as PNG at a scale."""

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np


def unpack(package: str, root: Path) -> Path:
    """`apt-get download` ``package`` into ``root`` and unpack it; returns the unpacked tree."""
    subprocess.run(["apt-get", "download", package], cwd=root, check=True)
    deb = next(root.glob(f"{package}_*.deb"))
    tree = root / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    return tree


def save_scaled(image: np.ndarray, scale: float, target: Path, source: str) -> None:
    """Write ``image`` area-resized by ``scale`` (1: as it is) to ``target`` and say so."""
    if scale != 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(target), image)
    print(f"{target} {image.shape[1]}x{image.shape[0]} (x{scale:g} of {source})")


def fetch_listed(package: str, folder: str, names: list[str], out: Path, scale: Callable[[str], float],
                 target_stem: Callable[[str], str]) -> None:
    """Save the images ``names`` (paths under ``folder`` of ``package``) into ``out`` as PNG, each scaled by
    ``scale(name)`` and named ``target_stem(name)``.png."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = unpack(package, Path(tmp))
        for name in names:
            image = cv2.imread(str(tree / folder / name), cv2.IMREAD_COLOR)
            save_scaled(image, scale(name), out / f"{target_stem(name)}.png", name)
