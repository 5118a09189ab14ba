"""Probe (lab notebook, issue 21): plug-and-play inpainting from imgrestore's smooth fill, from scikit-image's
biharmonic fill and from OpenCV's Telea fill, on the masks of benchmarks/inpaint.py (6 colour val images, or
--images DIR): mean PSNR inside the mask and SSIM of the whole image, per start and schedule.

    python lab/probes/pnp_start.py [--images runs/photos-test]
"""
import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import inpaint as bench

from imgrestore.degradations.linear import KnownMask
from imgrestore.metrics import ssim
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
from imgrestore.pnp import PnPSettings, solve

parser = argparse.ArgumentParser()
parser.add_argument("--images", type=Path)
args = parser.parse_args()
data = bench.damaged_set(Path(__file__).resolve().parents[2].parent / "shared", args.images)
restorer = load_restorer("resunet-color", device="cpu")
settings = [PnPSettings(iterations=8, first_sigma=10.0), PnPSettings(iterations=4, first_sigma=5.0),
            PnPSettings(iterations=2, first_sigma=3.0), PnPSettings(iterations=8, first_sigma=25.0)]
starters = {"smooth": bench.smooth(200), "biharmonic": bench.biharmonic,
            "telea": bench.opencv(cv2.INPAINT_TELEA, 5)}
for kind in bench.KINDS:
    rows: dict[str, list[tuple[float, float]]] = {}
    for clean, damaged, mask in data[kind]:
        pixels = damaged.astype(np.float32) / 255
        keep = KnownMask(torch.from_numpy(1 - mask.astype(np.float32))[None, None])

        def denoise(x, level):
            return restore_pixels([x], restorer, RestoreOptions(), [level])[0]

        def score(label: str, out: np.ndarray, clean=clean, mask=mask, rows=rows) -> None:
            rows.setdefault(label, []).append((bench._psnr(out[mask], clean[mask]), ssim(out / 255.0, clean / 255.0)))

        for name, starter in starters.items():
            start = starter(damaged, mask)
            score(name, start)
            for s in settings if name != "telea" else settings[:1]:
                out = solve(pixels, keep, denoise, 0.0, s, start=start.astype(np.float32) / 255)
                out = np.round(np.clip(np.where(mask[..., None], out, pixels), 0, 1) * 255).astype(np.uint8)
                score(f"pnp {s.iterations}x{s.first_sigma:g} from {name}", out)
    for label, values in rows.items():
        print(f"{kind}: {label}: {np.mean([v[0] for v in values]):.2f} / {np.mean([v[1] for v in values]):.4f}", flush=True)
