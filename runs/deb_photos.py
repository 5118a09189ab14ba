"""Shared by the runs/fetch_*_photos.py scripts: unpack a Debian package, save a photo as PNG at a scale."""

import subprocess
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
