"""Peak resident memory and end-to-end speed of `imgrestore denoise` on one large RGB photo.

Makes a synthetic noisy RGB PNG (smooth content + sigma 25 noise, 4000x3000 = 12 MP by default),
runs the CLI on it in a fresh child process per setting (so each peak RSS is that run's alone) and
prints a table: peak RSS, seconds (process start to written file, PNG decode and encode included)
and megapixels per second. Settings run back to back on the same file, so their speeds compare.

    python benchmarks/memory.py --run "ours=-m resunet-color" --run "FFDNet=-m ffdnet-color --sigma 25"
    python benchmarks/memory.py --width 6000 --height 4000          # one run with the defaults
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np


def synthetic_photo(height: int, width: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.random((height // 64 + 1, width // 64 + 1, 3)).astype(np.float32)
    smooth = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    noisy = smooth * 255 + rng.normal(0, 25, smooth.shape).astype(np.float32)
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


def measure(source: Path, out: Path, flags: list[str]) -> tuple[float, float]:
    """Run `imgrestore denoise` on ``source``'s folder in a child process: (peak RSS GB, seconds)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    command = [sys.executable, "-m", "imgrestore", "denoise", str(source.parent), "-o", str(out), "--quiet", *flags]
    started = time.perf_counter()
    # a wrapper process per run: RUSAGE_CHILDREN would otherwise report the largest of all runs so far
    done = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return int(done.stdout.strip().splitlines()[-1]) / 1024**2, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--run", action="append", help="LABEL=denoise flags (repeatable); default: one run, no flags")
    args = parser.parse_args()
    runs = [tuple(r.split("=", 1)) if "=" in r else (r, r) for r in (args.run or ["defaults="])]
    megapixels = args.width * args.height / 1e6
    print(f"{args.width}x{args.height} RGB ({megapixels:.1f} MP), torch threads: default")
    print("| setting | flags | peak RSS GB | seconds | MP/s |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in" / "big.png"
        source.parent.mkdir()
        cv2.imwrite(str(source), synthetic_photo(args.height, args.width))
        for index, (label, flags) in enumerate(runs):
            peak_gb, seconds = measure(source, Path(tmp) / f"out{index}", shlex.split(flags))
            print(f"| {label} | `{flags or 'defaults'}` | {peak_gb:.2f} | {seconds:.1f} | {megapixels / seconds:.3f} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
