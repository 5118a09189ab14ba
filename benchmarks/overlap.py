"""How much overlap each photo model's tiles need: the largest difference between tiled and whole-image output.

For every bundled photo restorer, each colour val image (gray ones for gray models), noisy at sigma 25 (or
JPEG-compressed at quality 20 for a JPEG model, downscaled by two for an upscaler), is restored whole and in
tiles of `--tile` px (96 for an x4 upscaler's quarter-size inputs) at several overlaps, through the CLI's own path (`restore_pixels`). Printed: the largest
absolute difference over all images and pixels in 8-bit levels (1.0 = 1/255) per overlap, and the smallest
overlap within one level. A model's default overlap (`ArchSpec.overlap`: 64 for the resunets, 32 for the
others) must be at or above its smallest.

    python benchmarks/overlap.py
    python benchmarks/overlap.py --models resunet-color --overlaps 8 16 32
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
from imgrestore.tasks import Task
from imgrestore.weights import catalog

PHOTO_MODELS = ("resunet-color", "resunet-gray", "resunet-real", "dae-photo-color", "dae-photo-gray", "sr-photo-x2",
                "sr-photo-x4", "dejpeg-color", "dejpeg-gray")


def damaged(rgb: np.ndarray, task: Task, scale: int, seed: int) -> np.ndarray:
    """The input a model of ``task`` would be given, float32 0..1."""
    if scale > 1:
        small = cv2.resize(rgb, (rgb.shape[1] // scale, rgb.shape[0] // scale), interpolation=cv2.INTER_AREA)
        return small.astype(np.float32) / 255
    if task == Task.DEJPEG:
        _, data = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, 20])
        return cv2.imdecode(data, cv2.IMREAD_UNCHANGED).reshape(rgb.shape).astype(np.float32) / 255
    noise = np.random.default_rng(seed).normal(0, 25, rgb.shape)
    return np.clip((rgb + noise) / 255, 0, 1).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=[m for m in PHOTO_MODELS if m in catalog.bundled_names()])
    parser.add_argument("--overlaps", nargs="*", type=int, default=[8, 16, 24, 32, 48])
    parser.add_argument("--tile", type=int, default=192)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = parser.parse_args()
    paths = sorted((args.shared / "data/photos/val").glob("*.png"))
    print(f"| model | {' | '.join(f'overlap {o}' for o in args.overlaps)} | smallest within 1 level |")
    print(f"|---|{'---|' * len(args.overlaps)}---|")
    for name in args.models:
        restorer = load_restorer(name, device="cpu", precision="fp32")
        mode = "RGB" if restorer.channels == 3 else "L"
        images = [np.asarray(Image.open(p).convert(mode)) for p in paths if (Image.open(p).mode == "L") == (mode == "L")]
        images = [img[:, :, None] if img.ndim == 2 else img for img in images]
        inputs = [damaged(img, restorer.task, restorer.scale, i) for i, img in enumerate(images)]
        # the level each image is restored at is fixed, so tiles and whole image differ by tiling only
        base = RestoreOptions(scale=restorer.scale, sigma=25.0, quality=20, tile=4096, overlap=0)
        whole = restore_pixels(inputs, restorer, base)
        worst = []
        tile = min(args.tile, 96) if restorer.scale >= 4 else args.tile  # an x4 input is a quarter of a val image
        for overlap in args.overlaps:
            tiled = restore_pixels(inputs, restorer, replace(base, tile=tile, overlap=overlap))
            worst.append(max(float(np.abs(a - b).max()) * 255 for a, b in zip(whole, tiled)))
        enough = next((o for o, w in zip(args.overlaps, worst) if w <= 1.0), None)
        print(f"| {name} | {' | '.join(f'{w:.2f}' for w in worst)} | {enough if enough is not None else 'none'} |",
              flush=True)


if __name__ == "__main__":
    main()
