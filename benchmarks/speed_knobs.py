"""What the CPU settings buy: one photo model's model-only rate with each knob of issue 24 on and off.

The Restorer's module and inputs in channels_last (the default on the CPU) against contiguous NCHW, with and
without `torch.compile`, at 1 and at every core's thread, on a batch of 384 px tiles (`--tile`; a 1024 px
side's default tiles) of a synthetic noisy photo, fp32; each row after two warm-up calls, the best of three. Printed as a Markdown table.

    python benchmarks/speed_knobs.py                        # resunet-color
    python benchmarks/speed_knobs.py --model sr-photo-x2 --no-compile
"""

from __future__ import annotations

import argparse
import os
import time

import torch

from imgrestore.pipeline import load_restorer


def rate(module: torch.nn.Module, x: torch.Tensor, sigma: torch.Tensor | None, channels_last: bool) -> float:
    """Output megapixels a second of ``module`` on ``x`` (best of three, after two warm-up calls)."""
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    args = (x,) if sigma is None else (x, sigma)
    best = float("inf")
    with torch.inference_mode():
        for attempt in range(5):
            started = time.perf_counter()
            out = module(*args)
            if attempt >= 2:
                best = min(best, time.perf_counter() - started)
    return out.shape[0] * out.shape[-2] * out.shape[-1] / 1e6 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resunet-color")
    parser.add_argument("--tiles", type=int, default=2)
    parser.add_argument("--tile", type=int, default=384, help="tile side (384: a 1024 px side's default tiles)")
    parser.add_argument("--no-compile", action="store_true")
    args = parser.parse_args()
    restorer = load_restorer(args.model, device="cpu", precision="fp32")
    x = torch.rand(args.tiles, restorer.channels, args.tile, args.tile, generator=torch.Generator().manual_seed(0))
    sigma = torch.full((args.tiles,), 25.0 / 255) if restorer.uses_noise_level else None
    cores = os.cpu_count() or 1
    print(f"{args.model}, {args.tiles} tiles of {args.tile} px, fp32, {cores} cores\n")
    print("| threads | layout | compiled | MP/s |\n|---|---|---|---|")
    for threads in sorted({1, cores}):
        torch.set_num_threads(threads)
        for channels_last in (True, False):
            module = restorer.module.to(memory_format=torch.channels_last if channels_last else torch.contiguous_format)
            variants = [("no", module)] + ([] if args.no_compile else [("yes", torch.compile(module))])
            for compiled, runnable in variants:
                layout = "channels_last" if channels_last else "NCHW"
                print(f"| {threads} | {layout} | {compiled} | {rate(runnable, x, sigma, channels_last):.3f} |", flush=True)


if __name__ == "__main__":
    main()
