"""Non-blind deblurring benchmark on ../shared/data/photos/val by the protocol of ../shared/TASKS.md.

Kernels: Gaussian sigma 1.6 (25x25, `cv2.getGaussianKernel`) and a 15 px line at 45 degrees
(`np.fliplr(np.eye(15))`), applied by `cv2.filter2D` with reflected borders, then Gaussian noise of sigma 2
(0..255) drawn with `default_rng(1000 + g)` (the Gaussian kernel's draw first), clipped and rounded.
PSNR and SSIM on RGB with a 16 px border shaved, mean over the colour images; MP/s of output pixels.
Rows: the blurred input, plug-and-play HQS with our denoiser given the true kernel and noise level
(`imgrestore.pnp`, first sigma per kernel as `imgrestore deblur` picks it), and with --baselines
scikit-image's Richardson-Lucy, Wiener and unsupervised Wiener (given the true kernel).

    python benchmarks/deblur.py
    python benchmarks/deblur.py --iterations 8 --weight 0.23 --baselines
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from imgrestore.degradations.linear import KnownBlur
from imgrestore.jobs.known import deblur_settings, solve_known
from imgrestore.metrics import ssim
from imgrestore.pipeline import RestoreOptions, load_restorer
from imgrestore.pnp import PnPSettings

SHAVE = 16
NOISE = 2.0
Deblur = Callable[[np.ndarray, np.ndarray], np.ndarray]  # blurred uint8 RGB, kernel -> restored uint8 RGB


def kernels() -> dict[str, np.ndarray]:
    gaussian = cv2.getGaussianKernel(25, 1.6)
    line = np.fliplr(np.eye(15))
    return {"Gaussian σ1.6": gaussian @ gaussian.T, "motion 15 px": line / line.sum()}


def damaged_set(shared: Path) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Per kernel: (clean, damaged) uint8 RGB pairs of the colour val images, in the protocol's draw order."""
    paths = sorted((shared / "data/photos/val").glob("*.png"))
    out: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {name: [] for name in kernels()}
    for index, path in enumerate(paths):
        pil = Image.open(path)
        if pil.mode not in ("RGB", "RGBA"):
            continue
        clean = np.asarray(pil.convert("RGB")).astype(np.float64)
        rng = np.random.default_rng(1000 + index)
        for name, kernel in kernels().items():
            blurred = cv2.filter2D(clean, -1, kernel, borderType=cv2.BORDER_REFLECT)
            damaged = np.clip(np.round(blurred + rng.normal(0, NOISE, clean.shape)), 0, 255).astype(np.uint8)
            out[name].append((clean.astype(np.uint8), damaged))
    return out


def ours(settings: PnPSettings) -> Deblur:
    """The code `imgrestore deblur` runs (`solve_known`), given the true kernel and noise level."""
    restorer = load_restorer("resunet-color-fast", device="cpu")

    def run(damaged: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        blur = KnownBlur(torch.from_numpy(kernel).float())
        out = solve_known(damaged.astype(np.float32) / 255, blur, restorer, RestoreOptions(), NOISE, settings)
        return np.round(out * 255).astype(np.uint8)
    return run


def richardson_lucy(iterations: int) -> Deblur:
    from skimage.restoration import richardson_lucy as rl

    def run(damaged: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        planes = [rl(damaged[..., c] / 255.0, kernel, num_iter=iterations, clip=True) for c in range(3)]
        return np.round(np.stack(planes, axis=2) * 255).astype(np.uint8)
    return run


def wiener(balance: float) -> Deblur:
    from skimage.restoration import wiener as skimage_wiener

    def run(damaged: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        planes = [skimage_wiener(damaged[..., c] / 255.0, kernel, balance) for c in range(3)]
        return np.round(np.clip(np.stack(planes, axis=2), 0, 1) * 255).astype(np.uint8)
    return run


def unsupervised_wiener(damaged: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    from skimage.restoration import unsupervised_wiener as skimage_unsupervised

    planes = [skimage_unsupervised(damaged[..., c] / 255.0, kernel, rng=np.random.default_rng(0))[0] for c in range(3)]
    return np.round(np.clip(np.stack(planes, axis=2), 0, 1) * 255).astype(np.uint8)


def measure(method: Deblur | None, pairs: list[tuple[np.ndarray, np.ndarray]], kernel: np.ndarray) -> tuple[float, float, float]:
    scores, pixels, seconds = [], 0, 0.0
    inner = (slice(SHAVE, -SHAVE), slice(SHAVE, -SHAVE))
    for clean, damaged in pairs:
        started = time.perf_counter()
        out = damaged if method is None else method(damaged, kernel)
        seconds += time.perf_counter() - started
        pixels += out.shape[0] * out.shape[1]
        a, b = out[inner].astype(np.float64), clean[inner].astype(np.float64)
        scores.append((10 * np.log10(255.0 ** 2 / np.mean((a - b) ** 2)), ssim(a / 255, b / 255)))
    psnr, similarity = (float(v) for v in np.mean(scores, axis=0))
    return psnr, similarity, (pixels / 1e6 / seconds if method is not None else float("nan"))


SPECS = {"Gaussian σ1.6": "gaussian:sigma=1.6,size=25", "motion 15 px": "motion:length=15,angle=45"}  # as --kernel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--iterations", type=int, default=PnPSettings().iterations)
    parser.add_argument("--weight", type=float, help="one data-step weight for both kernels (default: `deblur`'s "
                        "choice per kernel)")
    parser.add_argument("--only", choices=("gaussian", "motion"), help="one kernel only")
    parser.add_argument("--first-sigma", type=float, help="one first sigma for both kernels (default: `deblur`'s "
                        "choice per kernel)")
    parser.add_argument("--baselines", action="store_true", help="add Richardson-Lucy and the Wiener filters (slow)")
    args = parser.parse_args()
    data = damaged_set(args.shared)
    names = [name for name in kernels() if not args.only or name.lower().startswith(args.only)]

    def settings(name: str) -> PnPSettings:
        chosen = deblur_settings(SPECS[name], args.iterations)
        return replace(chosen, weight=args.weight or chosen.weight, first_sigma=args.first_sigma or chosen.first_sigma)

    rows: list[tuple[str, dict[str, Deblur | None]]] = [
        ("blurred + noisy input", dict.fromkeys(names)),
        (f"imgrestore PnP-HQS, resunet-color-fast, {args.iterations} iterations, first sigma "
         + " / ".join(f"{settings(n).first_sigma:g}" for n in names) + ", weight "
         + " / ".join(f"{settings(n).weight:g}" for n in names), {n: ours(settings(n)) for n in names})]
    if args.baselines:
        rows += [(label, dict.fromkeys(names, method)) for label, method in
                 (("Richardson-Lucy (30 iterations)", richardson_lucy(30)), ("Wiener (balance 0.01)", wiener(0.01)),
                  ("unsupervised Wiener", unsupervised_wiener))]
    print(f"colour val ({len(data[names[0]])} images), noise sigma {NOISE:g}, {SHAVE} px shaved\n")
    print("| method | " + " | ".join(f"{n} PSNR | SSIM | MP/s" for n in names) + " |")
    print("|---" * (1 + 3 * len(names)) + "|")
    for label, methods in rows:
        cells = []
        for name in names:
            psnr, similarity, speed = measure(methods[name], data[name], kernels()[name])
            cells.append(f"{psnr:.2f} | {similarity:.4f} | {'–' if np.isnan(speed) else f'{speed:.3f}'}")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
