"""How well the blind noise estimators read sigma on the training photos (never the val images).

For each sigma, 512x512 centre crops of ../shared/data/photos/train get noise by the benchmark
protocol (rounded, clipped to 8 bits); prints the median and 10th/90th percentiles of estimate/true
for the plain Donoho estimator (`estimate_sigma`), the mid-tone one (`blind_sigma`, the wavelet
reading) and, with --model, that model's raw residual reading (what the weights' `residual_reads`
calibrate) and what `--sigma auto` gives the model (`pipeline.noise_levels`). A gray model gets
the crops as luma. `--write-reads OUT` writes a copy of the model whose `residual_reads` are the
medians measured here (a newly trained noise-level model needs this once).

    python benchmarks/noise_estimate.py --shared ../shared --model resunet-color
    python benchmarks/noise_estimate.py --model runs/new.safetensors --write-reads runs/new-calibrated.safetensors
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from imgrestore.io.channels import to_channels
from imgrestore.io.image import read_image
from imgrestore.noise_level import (
    blind_sigma,
    estimate_sigma,
    probe_windows,
    residual_reading,
)
from imgrestore.pipeline import (
    RestoreOptions,
    load_restorer,
    noise_levels,
    restore_pixels,
)
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta, read_state_dict, save


def _cell(values: list[float]) -> str:
    finite = np.array([v for v in values if not np.isnan(v)])
    missing = f", {len(values) - len(finite)} none" if len(finite) < len(values) else ""
    return f"{np.median(finite):.3f} [{np.percentile(finite, 10):.3f}, {np.percentile(finite, 90):.3f}]{missing}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--sigmas", default="5,15,25,50,75")
    parser.add_argument("--model", help="a noise-level model: add its residual reading and --sigma auto")
    parser.add_argument("--write-reads", type=Path, help="write a copy of --model calibrated by the raw readings")
    args = parser.parse_args()
    if args.write_reads and not args.model:
        parser.error("--write-reads needs --model")
    restorer = load_restorer(args.model) if args.model else None
    rng = np.random.default_rng(0)
    crops = []
    for path in sorted((args.shared / "data/photos/train").glob("*.png")):
        pixels = read_image(path).pixels
        if restorer is not None:
            pixels = to_channels(pixels, restorer.channels)
        y, x = pixels.shape[0] // 2 - 256, pixels.shape[1] // 2 - 256
        crops.append(np.ascontiguousarray(pixels[y:y + 512, x:x + 512]))
    columns = ["Donoho", "mid-tone (wavelet reading)"]
    if restorer is not None:
        columns += [f"{args.model} residual, raw", f"`--sigma auto` with {args.model}"]
    print("| sigma | " + " | ".join(f"{c}: median [p10, p90] of estimate/true" for c in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    options = RestoreOptions()
    reads = [(0.0, 0.0)]
    for sigma in (float(s) for s in args.sigmas.split(",")):
        ratios: list[list[float]] = [[] for _ in columns]
        for crop in crops:
            noisy = (np.clip(np.round(crop * 255 + rng.normal(0, sigma, crop.shape)), 0, 255) / 255).astype(np.float32)
            prior = blind_sigma(noisy)
            ratios[0].append(estimate_sigma(noisy) / sigma)
            ratios[1].append(prior / sigma)
            if restorer is not None:
                windows = [noisy[box] for box in probe_windows(noisy)]
                raw = residual_reading(windows, restore_pixels(windows, restorer, options, [prior] * len(windows)), prior)
                ratios[2].append(float("nan") if raw is None else raw / sigma)
                ratios[3].append(noise_levels([noisy], restorer, options, [prior])[0] / sigma)
        print(f"| {sigma:g} | " + " | ".join(_cell(v) for v in ratios) + " |")
        if restorer is not None:
            reads.append((round(float(np.nanmedian(ratios[2])) * sigma, 2), sigma))
    if args.write_reads:
        path = catalog.resolve(args.model)
        save(args.write_reads, read_state_dict(path), dataclasses.replace(read_meta(path), residual_reads=tuple(reads)))
        print(f"{args.write_reads}: residual_reads {reads}")


if __name__ == "__main__":
    main()
