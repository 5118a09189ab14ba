"""Inpainting benchmark on ../shared/data/photos/val by the protocol of ../shared/TASKS.md.

Masks per colour val image from `numpy.random.default_rng(1000 + g)`, in this order: "scratches" (6-12
free-form strokes, each a random walk of 4-8 segments of 20-80 px, thickness 3-9 px, `cv2.line`; the
whole set redrawn until 5-15 % of the pixels are covered), then "boxes" (3-6 axis-aligned boxes of side
24-64 px). White = missing; masked pixels are 0 in the damaged image. TASKS.md gives the protocol, not
its code: this file's draw order is our reading of it, so its baseline rows are measured here beside
ours rather than copied. Scores: PSNR and SSIM on the whole image, PSNR inside the mask; MP/s of
output pixels. Rows: the masked input, OpenCV Telea and Navier-Stokes (radius 3 and 5), scikit-image's
biharmonic, and every --model through `imgrestore.jobs.inpaint.fill_holes`, the code `imgrestore inpaint
--mask` runs (a mask-aware model directly; a noise-level denoiser by plug-and-play from
the smooth fill), and `--smooth N` rows for that fill alone (push-pull, then N smoothing iterations). `--images DIR`
runs the same draw on another folder of PNG photos (the test split: runs/photos-test).
`--grid FILE` writes a crop of one val image per method, side by side, the clean crop last; `--seams TILE`
compares each model's output in TILE px tiles with its whole-image output (a seam shows as a difference).

    python benchmarks/inpaint.py --model inpaint-photo --model resunet-color-fast
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from imgrestore.fills import smooth_fill
from imgrestore.jobs.inpaint import fill_holes
from imgrestore.metrics import ssim
from imgrestore.pipeline import RestoreOptions, load_restorer

Inpainter = Callable[[np.ndarray, np.ndarray], np.ndarray]  # damaged uint8 RGB, mask bool -> uint8 RGB
KINDS = ("scratches", "boxes")


def scratches(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    while True:
        canvas = np.zeros((height, width), np.uint8)
        for _ in range(int(rng.integers(6, 13))):
            x, y = float(rng.uniform(0, width)), float(rng.uniform(0, height))
            thickness = int(rng.integers(3, 10))
            for _ in range(int(rng.integers(4, 9))):
                angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(20, 80)
                nx = float(np.clip(x + length * np.cos(angle), 0, width - 1))
                ny = float(np.clip(y + length * np.sin(angle), 0, height - 1))
                cv2.line(canvas, (round(x), round(y)), (round(nx), round(ny)), 255, thickness)
                x, y = nx, ny
        if 0.05 <= (canvas > 0).mean() <= 0.15:
            return canvas > 0


def boxes(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((height, width), bool)
    for _ in range(int(rng.integers(3, 7))):
        bh, bw = int(rng.integers(24, 65)), int(rng.integers(24, 65))
        top, left = int(rng.integers(0, height - bh + 1)), int(rng.integers(0, width - bw + 1))
        canvas[top:top + bh, left:left + bw] = True
    return canvas


def damaged_set(shared: Path, images: Path | None = None) -> dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Per mask kind: (clean, damaged, mask) of the colour images (val unless ``images`` names a folder),
    in the protocol's draw order."""
    out: dict[str, list] = {kind: [] for kind in KINDS}
    for index, path in enumerate(sorted((images or shared / "data/photos/val").glob("*.png"))):
        pil = Image.open(path)
        if pil.mode not in ("RGB", "RGBA"):
            continue
        clean = np.asarray(pil.convert("RGB"))
        rng = np.random.default_rng(1000 + index)
        for kind, draw in (("scratches", scratches), ("boxes", boxes)):
            mask = draw(*clean.shape[:2], rng)
            damaged = clean.copy()
            damaged[mask] = 0
            out[kind].append((clean, damaged, mask))
    return out


def opencv(method: int, radius: int) -> Inpainter:
    return lambda damaged, mask: cv2.inpaint(damaged, mask.astype(np.uint8), radius, method)


def biharmonic(damaged: np.ndarray, mask: np.ndarray) -> np.ndarray:
    from skimage.restoration import inpaint_biharmonic

    return np.round(np.clip(inpaint_biharmonic(damaged / 255.0, mask, channel_axis=-1), 0, 1) * 255).astype(np.uint8)


def smooth(iterations: int) -> Inpainter:
    """imgrestore's classical fill (push-pull, then conjugate gradients towards biharmonic): gated-unet's start."""
    def run(damaged: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image = torch.from_numpy(damaged.astype(np.float32) / 255).permute(2, 0, 1)[None]
        known = torch.from_numpy(1 - mask.astype(np.float32))[None, None]
        with torch.inference_mode():
            filled = smooth_fill(image, known, iterations)[0].permute(1, 2, 0).numpy()
        return np.round(np.clip(filled, 0, 1) * 255).astype(np.uint8)
    return run


def imgrestore_inpainter(name: str, options: RestoreOptions = RestoreOptions()) -> Inpainter:
    restorer = load_restorer(name, device="cpu")

    def run(damaged: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = fill_holes(damaged.astype(np.float32) / 255, mask.astype(np.float32), restorer, options)
        return np.round(out * 255).astype(np.uint8)
    return run


def seams(name: str, tile: int, data: dict) -> str:
    """How far ``name``'s output with ``tile`` px tiles (its default overlap) is from its whole-image output."""
    whole = imgrestore_inpainter(name, RestoreOptions(tile=0))
    tiled = imgrestore_inpainter(name, RestoreOptions(tile=tile))
    gaps = [np.abs(whole(d, m).astype(int) - tiled(d, m).astype(int)) for kind in KINDS for _, d, m in data[kind]]
    return (f"{name}, {tile} px tiles against the whole image: max {max(int(g.max()) for g in gaps)}/255, "
            f"mean {np.mean([g.mean() for g in gaps]):.4f}/255")


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(255.0 ** 2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def measure(method: Inpainter | None, triples: list) -> tuple[float, float, float, float, list[np.ndarray]]:
    scores, pixels, seconds, outputs = [], 0, 0.0, []
    for clean, damaged, mask in triples:
        started = time.perf_counter()
        out = damaged if method is None else method(damaged, mask)
        seconds += time.perf_counter() - started
        pixels += out.shape[0] * out.shape[1]
        outputs.append(out)
        scores.append((_psnr(out, clean), _psnr(out[mask], clean[mask]), ssim(out / 255.0, clean / 255.0)))
    whole, inside, similarity = (float(v) for v in np.mean(scores, axis=0))
    return whole, inside, similarity, (pixels / 1e6 / seconds if method is not None else float("nan")), outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--images", type=Path, help="a folder of PNG photos instead of val (e.g. runs/photos-test)")
    parser.add_argument("--model", action="append", default=[], help="an imgrestore model (repeatable)")
    parser.add_argument("--smooth", type=int, action="append", default=[], metavar="N",
                        help="a row for imgrestore's classical fill with N smoothing iterations (repeatable)")
    parser.add_argument("--no-baselines", action="store_true", help="only the input and the --model rows")
    parser.add_argument("--seams", type=int, metavar="TILE", help="compare each --model tiled with TILE px tiles "
                        "(the model's overlap) against its whole-image output; with --grid, add those tiled crops")
    parser.add_argument("--grid", type=Path, help="write a crop of the first image's boxes per method here")
    args = parser.parse_args()
    data = damaged_set(args.shared, args.images)
    rows: list[tuple[str, Inpainter | None]] = [("masked input (holes = 0)", None)]
    if not args.no_baselines:
        rows += [(f"OpenCV {label}, r {r}", opencv(flag, r)) for label, flag in
                 (("Telea", cv2.INPAINT_TELEA), ("Navier-Stokes", cv2.INPAINT_NS)) for r in (3, 5)]
        rows.append(("scikit-image biharmonic", biharmonic))
    rows += [(f"imgrestore smooth fill, {n} iterations", smooth(n)) for n in args.smooth]
    rows += [(f"imgrestore {name}", imgrestore_inpainter(name)) for name in args.model]
    coverage = {kind: 100 * np.mean([m.mean() for _, _, m in data[kind]]) for kind in KINDS}
    print(f"{args.images or 'colour val'} ({len(data['boxes'])} images); pixels masked: scratches {coverage['scratches']:.1f} %, "
          f"boxes {coverage['boxes']:.1f} %\n")
    print("| method | scratches PSNR / inside / SSIM | MP/s | boxes PSNR / inside / SSIM | MP/s |")
    print("|---|---|---|---|---|")
    crops = []
    for label, method in rows:
        cells = []
        for kind in KINDS:
            whole, inside, similarity, speed, outputs = measure(method, data[kind])
            cells.append(f"{whole:.2f} / {inside:.2f} / {similarity:.4f} | {'–' if np.isnan(speed) else f'{speed:.2f}'}")
            if kind == "boxes":
                crops.append(outputs[0])
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    if args.seams:
        print()
        for name in args.model:
            print(seams(name, args.seams, data))
    if args.grid:
        clean, damaged, mask = data["boxes"][0]
        for name in args.model if args.seams else []:
            crops.append(imgrestore_inpainter(name, RestoreOptions(tile=args.seams))(damaged, mask))
            rows.append((f"imgrestore {name}, {args.seams} px tiles", None))
        crops.append(clean)
        mask = data["boxes"][0][2]
        ys, xs = np.nonzero(mask)
        cy, cx = int(np.median(ys)), int(np.median(xs))
        top, left = max(0, cy - 96), max(0, cx - 96)
        strip = np.concatenate([c[top:top + 192, left:left + 192] for c in crops], axis=1)
        args.grid.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(strip).save(args.grid)
        print(f"\nwrote {args.grid}: " + " | ".join([label for label, _ in rows] + ["clean"]))


if __name__ == "__main__":
    main()
