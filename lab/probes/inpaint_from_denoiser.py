"""Probe (lab notebook, issue 21): does our photo denoiser, fine-tuned to correct the smooth fill inside the mask,
learn something that holds on fresh batches, where gated-unet from scratch did not? resunet-color gets the
smooth-filled image and, as its noise-level map, the mask times --mask-level (missing pixels look noisy, known ones
clean); the output keeps the known pixels. Fresh 128 px crops of runs/data-ms8 with `mask:scratches | mask:holes`
every step, Adam, L1 over the missing pixels; printed every 25 steps: the network's L1 inside the mask over the
smooth fill's, averaged over those 25 batches (below 1 = better than its start on batches it never saw before).

Session 9 ran this with the layers called by hand, before `mask_input` existed; the model now does the same
arithmetic (smooth fill, mask x mask_level in the map channel, correction inside the mask).

    python lab/probes/inpaint_from_denoiser.py [--lr 1e-4] [--steps 150] [--mask-level 0.1]
"""
import argparse
import dataclasses
import time
from pathlib import Path

import torch

from imgrestore.architectures import get_arch
from imgrestore.degradations import quantize
from imgrestore.degradations.spec import parse_degradation
from imgrestore.fills import smooth_fill
from imgrestore.training.data import load_folder, random_crops
from imgrestore.weights.format import read_meta, read_state_dict

root = Path(__file__).resolve().parents[2]
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-4)
parser.add_argument("--steps", type=int, default=150)
parser.add_argument("--mask-level", type=float, default=0.1)
parser.add_argument("--smooth", type=int, default=200)
parser.add_argument("--data", default=str(root / "runs" / "data-ms8"))
args = parser.parse_args()

torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
images = load_folder(Path(args.data), 3, min_size=128)
chain = parse_degradation("mask:scratches | mask:holes")
weights = root / "imgrestore/weights/bundled/resunet-color.safetensors"
spec = get_arch("resunet")
denoiser_config = spec.make_config(read_meta(weights).config)
config = dataclasses.replace(denoiser_config, mask_input=True, mask_level=args.mask_level,
                             smooth_iterations=args.smooth)
model = spec.build(config)  # resunet's inpainter: the smooth fill in, the mask through the noise map's filters
model.load_state_dict(spec.adapt(read_state_dict(weights), denoiser_config, config))
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
ratios: list[float] = []
started = time.perf_counter()
for step in range(1, args.steps + 1):
    clean = random_crops(images, 8, 128, generator)
    outcome = chain(clean, generator)
    missing = outcome.mask[:, :1]
    damaged = quantize(outcome.images)
    with torch.no_grad():  # the start alone, for the ratio (the model computes the same fill inside)
        fill = smooth_fill(damaged, 1 - missing, args.smooth)
    output = model(torch.cat([damaged, missing], dim=1))
    error = ((output - clean).abs() * missing).sum() / (3 * missing.sum())
    start_error = ((fill - clean).abs() * missing).sum() / (3 * missing.sum())
    optimizer.zero_grad()
    error.backward()
    optimizer.step()
    ratios.append(float(error) / float(start_error))
    if step % 25 == 0 or step == 1:
        window = ratios[-25:]
        print(f"step {step}: network / smooth fill inside the mask, last {len(window)} batches "
              f"{sum(window) / len(window):.4f}, {time.perf_counter() - started:.0f} s", flush=True)
