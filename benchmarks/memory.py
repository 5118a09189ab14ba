"""Peak resident memory and speed of `imgrestore denoise` on one large RGB photo.

Makes a synthetic 6000x4000 noisy RGB PNG (smooth content + sigma 25 noise), runs the CLI on it in
a child process with default settings and prints the child's peak RSS and throughput.

    python benchmarks/memory.py --width 6000 --height 4000 [-- extra denoise flags]
"""

from __future__ import annotations

import argparse
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("extra", nargs="*", help="extra flags for imgrestore denoise")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "big.png"
        src.parent.mkdir()
        cv2.imwrite(str(src), synthetic_photo(args.height, args.width))
        command = [sys.executable, "-m", "imgrestore", "denoise", str(src.parent), "-o", str(Path(tmp) / "out"),
                   "--quiet", *args.extra]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    megapixels = args.width * args.height / 1e6
    print(f"{args.width}x{args.height} RGB ({megapixels:.0f} MP): peak RSS {peak_gb:.2f} GB, "
          f"{seconds:.1f} s, {megapixels / seconds:.3f} MP/s (flags: {' '.join(args.extra) or 'defaults'})")


if __name__ == "__main__":
    main()
