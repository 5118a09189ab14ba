"""How well the blind noise estimators read sigma on the training photos (never the val images).

For each sigma, 512x512 centre crops of ../shared/data/photos/train get noise by the benchmark
protocol (rounded, clipped to 8 bits); prints the median and 10th/90th percentiles of estimate/true
for the plain Donoho estimator (`estimate_sigma`) and the mid-tone one used by `--sigma auto`.

    python benchmarks/noise_estimate.py --shared ../shared
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from imgrestore.io.image import read_image
from imgrestore.noise_level import blind_sigma, estimate_sigma


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--sigmas", default="5,15,25,50,75")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    crops = []
    for path in sorted((args.shared / "data/photos/train").glob("*.png")):
        pixels = read_image(path).pixels
        y, x = pixels.shape[0] // 2 - 256, pixels.shape[1] // 2 - 256
        crops.append(pixels[y:y + 512, x:x + 512])
    print("| sigma | Donoho: median [p10, p90] of estimate/true | mid-tone (`--sigma auto`) |")
    print("|---|---|---|")
    for sigma in (float(s) for s in args.sigmas.split(",")):
        ratios: dict[str, list[float]] = {"plain": [], "mid": []}
        for crop in crops:
            noisy = (np.clip(np.round(crop * 255 + rng.normal(0, sigma, crop.shape)), 0, 255) / 255).astype(np.float32)
            ratios["plain"].append(estimate_sigma(noisy) / sigma)
            ratios["mid"].append(blind_sigma(noisy) / sigma)
        cells = [f"{np.median(v):.3f} [{np.percentile(v, 10):.3f}, {np.percentile(v, 90):.3f}]" for v in ratios.values()]
        print(f"| {sigma:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
