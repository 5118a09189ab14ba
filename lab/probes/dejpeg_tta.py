"""Probe: does averaging dejpeg-color over the 8 flips/rotations (self-ensemble, waifu2x's -x) pay at q30/q40?

Each transform runs on the decoded JPEG padded (reflect, bottom/right) to a multiple of 16, so the flipped
image keeps its 8/16 px block grid at the top-left where restore_pixels' tiles expect it.

    python lab/probes/dejpeg_tta.py [--model dejpeg-color] [--quality 30 --quality 40]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from dejpeg import jpeg_file, load_val

from imgrestore.io.image import decode_image
from imgrestore.metrics import psnr
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels


def transforms(k: int):
    flip, turns = divmod(k, 4)

    def forward(a: np.ndarray) -> np.ndarray:
        return np.rot90(a[:, ::-1] if flip else a, turns).copy()

    def inverse(a: np.ndarray) -> np.ndarray:
        a = np.rot90(a, -turns)
        return (a[:, ::-1] if flip else a).copy()
    return forward, inverse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="dejpeg-color")
    parser.add_argument("--quality", type=int, action="append", default=[])
    args = parser.parse_args()
    shared = Path(__file__).resolve().parents[3] / "shared"
    images = load_val(shared)
    restorer = load_restorer(args.model, device="cpu")
    for quality in args.quality or [30, 40]:
        scores = {1: [], 2: [], 4: [], 8: []}
        for clean in images:
            image = decode_image(jpeg_file(clean, quality))
            options = replace(RestoreOptions(), quality=image.jpeg.quality)
            h, w = image.pixels.shape[:2]
            padded = np.pad(image.pixels, ((0, (-h) % 16), (0, (-w) % 16), (0, 0)), mode="reflect")
            outs = []
            for k in (0, 4, 2, 6, 1, 3, 5, 7):  # identity, flip, rot180, ... so prefixes are balanced sets
                forward, inverse = transforms(k)
                out = restore_pixels([forward(padded)], restorer, options)[0]
                outs.append(inverse(out)[:h, :w])
            for n in scores:
                mean = np.clip(np.mean(outs[:n], axis=0), 0, 1)
                scores[n].append(psnr(np.round(mean * 255) / 255, clean.astype(np.float64) / 255))
        print(f"q{quality}: " + ", ".join(f"{n} transforms {np.mean(v):.3f}" for n, v in scores.items()), flush=True)


if __name__ == "__main__":
    main()
