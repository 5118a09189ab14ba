"""What a model loses in a reduced precision: validation PSNR on ../shared/data/photos/val at fp32 and at bf16.

Each model is validated as its training run validated it (the chain of its recorded `--degrade`: sigma
15/25/50 for a Gaussian denoiser, quality 10-40 for a JPEG model, the reduction for an upscaler), once in
fp32 and once under bf16 autocast, through the same Restorer and tiling path as the CLI. On a CPU without
native bf16 the bf16 run is slow (emulated) but computes the same bf16 arithmetic. `--write` records the
loss in the weights' metadata (`precision_loss`, the tensors untouched), which is what `--precision auto`
reads: a precision losing at most 0.02 dB may run by default where the device computes it natively.

    python benchmarks/precision_loss.py resunet-color resunet-gray sr-photo-x2
    python benchmarks/precision_loss.py imgrestore/weights/bundled/resunet-color.safetensors --write
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from imgrestore.devices import SAFE_LOSS_DB
from imgrestore.pipeline import load_restorer
from imgrestore.training.data import load_dataset
from imgrestore.training.validation import validate, validation_chains
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta, read_state_dict, save


def mean_psnr(name: str, precision: str, val: Path) -> tuple[float, dict[str, float], float]:
    """(mean validation PSNR, per metric, seconds) of ``name`` in ``precision`` on the CPU."""
    restorer = load_restorer(name, device="cpu", precision=precision)
    degrade = restorer.meta.training.get("hyperparameters", {}).get("degrade") or "gaussian:sigma=0..50"
    data = load_dataset(str(val), restorer.channels, None)
    started = time.perf_counter()
    metrics = validate(restorer, data, validation_chains(degrade))
    return float(np.mean(list(metrics.values()))), metrics, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="bundled names or .safetensors files")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--write", action="store_true", help="record the bf16 loss in each file's metadata")
    args = parser.parse_args()
    val = args.shared / "data/photos/val"
    print("| model | fp32 PSNR | bf16 PSNR | lost (dB) | safe for auto | fp32 s | bf16 s |")
    print("|---|---|---|---|---|---|---|")
    for name in args.models:
        full, _, full_seconds = mean_psnr(name, "fp32", val)
        half, _, half_seconds = mean_psnr(name, "bf16", val)
        lost = round(max(0.0, full - half), 4)
        print(f"| {name} | {full:.4f} | {half:.4f} | {lost:.4f} | {lost <= SAFE_LOSS_DB} | {full_seconds:.0f} "
              f"| {half_seconds:.0f} |", flush=True)
        if args.write:
            path = catalog.resolve(name)
            state, meta = read_state_dict(path), read_meta(path)
            save(path, state, dataclasses.replace(meta, precision_loss={**meta.precision_loss, "bf16": lost}))


if __name__ == "__main__":
    main()
