"""Denoising benchmark on ../shared/data/photos/val, with the protocol of ../shared/README.md.

noisy = clip(round(clean + N(0, sigma^2)), 0, 255) as uint8; PSNR/SSIM against the clean image
with data range 255. Compares the noisy input, OpenCV non-local means on the array (h tuned per
sigma on this very set, which flatters NLM) and imgrestore models run through the public API
(the same path as the CLI). Prints a Markdown table.

    python benchmarks/denoise_val.py --model auto --shared ../shared
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

import imgrestore
from imgrestore.io.channels import to_channels
from imgrestore.io.image import read_image
from imgrestore.metrics import psnr, ssim

SIGMAS = (15, 25, 50)
NLM_H = {15: [8, 10, 12, 14, 16], 25: [14, 17, 20, 23, 26], 50: [30, 35, 40, 45, 50, 55]}


def load_val(shared: Path) -> dict[str, list[tuple[str, np.ndarray]]]:
    """Colour set (the colour images) and gray set (all images, BT.601 luma) as uint8 [H, W, C]."""
    colour, gray = [], []
    for path in sorted((shared / "data/photos/val").glob("*.png")):
        pixels = read_image(path).pixels
        if pixels.shape[2] == 3:
            colour.append((path.stem, np.round(pixels * 255).astype(np.uint8)))
        gray.append((path.stem, np.round(to_channels(pixels, 1) * 255).astype(np.uint8)))
    return {"colour": colour, "gray": gray}


def add_noise(clean: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(np.round(clean + rng.normal(0, sigma, clean.shape)), 0, 255).astype(np.uint8)


def scores(restored: np.ndarray, clean: np.ndarray) -> tuple[float, float]:
    a, b = restored.astype(np.float32) / 255, clean.astype(np.float32) / 255
    return psnr(a, b), ssim(a, b)


def nlm(noisy: np.ndarray, h: float) -> np.ndarray:
    array = noisy[:, :, 0] if noisy.shape[2] == 1 else noisy
    out = cv2.fastNlMeansDenoising(np.ascontiguousarray(array), None, h=h, templateWindowSize=7, searchWindowSize=21)
    return out.reshape(noisy.shape)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--model", action="append", default=None, help="imgrestore model(s); default: auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sets", default="colour,gray", help="which sets: colour,gray")
    args = parser.parse_args()
    models = args.model or ["auto"]
    sets = {k: v for k, v in load_val(args.shared).items() if k in args.sets.split(",")}
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    speed: dict[str, float] = {}
    for set_name, images in sets.items():
        for sigma in SIGMAS:
            cell = f"{set_name} {sigma}"
            noisy = [(n, c, add_noise(c, sigma, args.seed + i)) for i, (n, c) in enumerate(images)]
            rows.setdefault("noisy input", {})[cell] = tuple(np.mean([scores(x, c) for _, c, x in noisy], axis=0))
            best = max(
                ((*np.mean([scores(nlm(x, h), c) for _, c, x in noisy], axis=0), h) for h in NLM_H[sigma]),
                key=lambda t: t[0],
            )
            rows.setdefault("OpenCV NLM (h tuned)", {})[cell] = best[:2]
            print(f"{cell}: NLM best h={best[2]}", flush=True)
            for model in models:
                started, pixels = time.perf_counter(), 0
                results = []
                for _, clean, x in noisy:
                    restored = imgrestore.restore_array(x, model, device="cpu")
                    results.append(scores(restored, clean))
                    pixels += x.shape[0] * x.shape[1]
                elapsed = time.perf_counter() - started
                speed[f"{model} {set_name}"] = pixels / 1e6 / elapsed
                rows.setdefault(f"imgrestore {model}", {})[cell] = tuple(np.mean(results, axis=0))
    cells = [f"{s} {sigma}" for s in sets for sigma in SIGMAS]
    print("\n| method | " + " | ".join(cells) + " |")
    print("|---|" + "---|" * len(cells))
    for method, values in rows.items():
        print(f"| {method} | " + " | ".join(f"{values[c][0]:.2f} / {values[c][1]:.4f}" for c in cells) + " |")
    print("\nPSNR dB / SSIM, mean over images; colour = 6 colour images, gray = all 8 as luma.")
    for key, mps in speed.items():
        print(f"speed {key}: {mps:.3f} MP/s")


if __name__ == "__main__":
    main()
