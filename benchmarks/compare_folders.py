"""PSNR/SSIM of every image in one folder against the same relative path in a reference folder.

    python benchmarks/compare_folders.py REFERENCE CANDIDATE [CANDIDATE ...]

Prints a Markdown row per candidate folder: mean PSNR (dB) / SSIM over the matched files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from imgrestore.io.discover import find_images
from imgrestore.io.image import read_image
from imgrestore.metrics import psnr, ssim


def compare(reference: Path, candidate: Path) -> tuple[float, float, int]:
    scores = []
    for item in find_images([str(reference)], recursive=True):
        other = candidate / item.relative
        if not other.exists():
            continue
        clean, test = read_image(item.source).pixels, read_image(other).pixels
        scores.append((psnr(test, clean), ssim(test, clean)))
    if not scores:
        raise SystemExit(f"no file of {reference} has a counterpart in {candidate}")
    mean = np.mean(scores, axis=0)
    return float(mean[0]), float(mean[1]), len(scores)


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    reference = Path(sys.argv[1])
    print("| folder | files | PSNR dB | SSIM |\n|---|---|---|---|")
    for name in sys.argv[2:]:
        value, structure, count = compare(reference, Path(name))
        print(f"| {Path(name).name} | {count} | {value:.2f} | {structure:.4f} |")


if __name__ == "__main__":
    main()
