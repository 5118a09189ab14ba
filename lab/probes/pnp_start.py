"""Probe (lab notebook, issue 21): plug-and-play inpainting from a biharmonic start against a Telea start, on the
masks of benchmarks/inpaint.py (6 colour val images): PSNR inside the mask per image and the mean.

    python lab/probes/pnp_start.py
"""
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import inpaint as bench

from imgrestore.degradations.linear import KnownMask
from imgrestore.jobs.inpaint import telea_fill
from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
from imgrestore.pnp import PnPSettings, solve

data = bench.damaged_set(Path(__file__).resolve().parents[2].parent / "shared")
restorer = load_restorer("resunet-color", device="cpu")
settings = [PnPSettings(iterations=8, first_sigma=10.0), PnPSettings(iterations=8, first_sigma=5.0),
            PnPSettings(iterations=4, first_sigma=5.0)]
for kind in bench.KINDS:
    rows = {name: [] for name in ["biharmonic"] + [f"pnp {s.iterations}x{s.first_sigma:g} from {st}" for s in settings for st in ("telea", "biharmonic")]}
    for clean, damaged, mask in data[kind]:
        bih = bench.biharmonic(damaged, mask)
        rows["biharmonic"].append(bench._psnr(bih[mask], clean[mask]))
        pixels = damaged.astype(np.float32) / 255
        keep = KnownMask(torch.from_numpy(1 - mask.astype(np.float32))[None, None])
        starts = {"telea": telea_fill(pixels, mask.astype(np.float32)), "biharmonic": bih.astype(np.float32) / 255}

        def denoise(x, level):
            return restore_pixels([x], restorer, RestoreOptions(), [level])[0]
        for s in settings:
            for st, start in starts.items():
                out = solve(pixels, keep, denoise, 0.0, s, start=start)
                out = np.round(np.clip(np.where(mask[..., None], out, pixels), 0, 1) * 255).astype(np.uint8)
                rows[f"pnp {s.iterations}x{s.first_sigma:g} from {st}"].append(bench._psnr(out[mask], clean[mask]))
        print(kind, {k: round(v[-1], 2) for k, v in rows.items()}, flush=True)
    print("MEAN", kind, {k: round(float(np.mean(v)), 2) for k, v in rows.items()}, flush=True)
