"""The generative encoder through the folder engine against the same digits in one batched call.

`--digits` held-out test digits (from 7,500 on), noisy as `benchmarks/ge_tasks.sh`'s denoise task (Gaussian
sigma 51, seed 0), written as 28x28 PNGs. Batched: the digits restored by one `restore_pixels` call (the
path `imgrestore eval --batch-size 500` takes), model loaded beforehand. Folder: `imgrestore restore DIR -m
ge-mnist --task denoise` in a child process, start to exit (start-up and model load included). Printed:
seconds per digit of each and their ratio, and the largest difference between their outputs in 8-bit levels.

    python benchmarks/ge_folder.py --digits 300
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from imgrestore.degradations import parse_chain
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels, with_task_options


def noisy_digits(mnist: Path, count: int) -> list[np.ndarray]:
    digits = np.load(mnist)["images"][7500:7500 + count].astype(np.float32)[:, None] / 255
    chain = parse_chain("gaussian:sigma=51")
    noisy = chain(torch.from_numpy(digits), generator=torch.Generator().manual_seed(0)).images.numpy()
    return [np.round(np.clip(d[0], 0, 1) * 255).astype(np.uint8) for d in noisy]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=300)
    parser.add_argument("--model", default="ge-mnist")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = parser.parse_args()
    digits = noisy_digits(args.shared / "data/mnist/mnist10k.npz", args.digits)
    reference = with_task_options(args.model, "denoise")
    with tempfile.TemporaryDirectory() as scratch:
        src, out = Path(scratch) / "in", Path(scratch) / "out"
        src.mkdir()
        for index, digit in enumerate(digits):
            cv2.imwrite(str(src / f"{index:05d}.png"), digit)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "imgrestore", "restore", str(src), "-o", str(out), "-m", args.model,
                        "--task", "denoise", "-q"], check=True)
        folder = (time.perf_counter() - started) / len(digits)
        written = [cv2.imread(str(out / f"{i:05d}.png"), cv2.IMREAD_GRAYSCALE) for i in range(len(digits))]
    restorer = load_restorer(reference, device="cpu")
    pixels = [d[:, :, None].astype(np.float32) / 255 for d in digits]
    started = time.perf_counter()
    batched_out = restore_pixels(pixels, restorer, RestoreOptions())
    batched = (time.perf_counter() - started) / len(digits)
    difference = max(float(np.abs(np.round(b[:, :, 0] * 255) - w).max()) for b, w in zip(batched_out, written))
    print(f"| path | s per digit |\n|---|---|\n| batched, one call | {batched:.4f} |\n| folder (CLI, start-up "
          f"included) | {folder:.4f} |\n\nfolder / batched: {folder / batched:.2f}x over {len(digits)} digits; "
          f"largest output difference {difference:.0f} levels")


if __name__ == "__main__":
    main()
