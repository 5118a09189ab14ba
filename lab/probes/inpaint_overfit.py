"""Probe (lab notebook, issue 21): can `gated-unet` fit one fixed batch? Eight 128 px crops of runs/data-ms8
with one fixed draw of `mask:scratches | mask:holes`, trained on alone (Adam, L1 over the whole crop as
`train --loss l1` does), printed every 25 steps: the L1 error inside the mask of the network and of its
classical start alone (its prefill). If the network cannot go below push-pull on a batch it sees every step, the trouble
is in the model or its gradient, not in the data or the schedule.

    python lab/probes/inpaint_overfit.py [--lr 1e-3] [--steps 300] [--no-prefill] [--fresh] [--clip 1.0]
"""
import argparse
import time
from pathlib import Path

import torch

from imgrestore.architectures import get_arch
from imgrestore.degradations import quantize
from imgrestore.degradations.spec import parse_degradation
from imgrestore.fills import smooth_fill
from imgrestore.training.data import load_folder, random_crops

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--no-prefill", action="store_true")
parser.add_argument("--smooth", type=int, default=200, help="the prefill's smoothing iterations (0: push-pull)")
parser.add_argument("--loss-in-mask", action="store_true", help="L1 over the missing pixels only")
parser.add_argument("--fresh", action="store_true", help="a new batch every step (generalisation, not fitting)")
parser.add_argument("--clip", type=float, default=0.0, help="clip the gradient norm, as the training loop does (1.0)")
parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "runs" / "data-ms8"))
args = parser.parse_args()

torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
images = load_folder(Path(args.data), 3, min_size=128)
chain = parse_degradation("mask:scratches | mask:holes")


def draw() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    clean = random_crops(images, 8, 128, generator)
    outcome = chain(clean, generator)
    missing = outcome.mask[:, :1]
    return clean, missing, torch.cat([quantize(outcome.images), missing], dim=1)


clean, missing, inputs = draw()
spec = get_arch("gated-unet")
model = spec.build(spec.config(widths=(16, 32, 64, 128), prefill=not args.no_prefill,
                                 smooth_iterations=args.smooth))
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)


def in_mask(output: torch.Tensor) -> float:
    return float(((output - clean).abs() * missing).sum() / (missing.sum() * 3))


def start_in_mask() -> float:
    """The error of the network's classical start (its prefill) alone."""
    return in_mask(smooth_fill(inputs[:, :3] * (1 - missing), 1 - missing, args.smooth))


print(f"masked share {float(missing.mean()):.3f}; the start's L1 in the mask {start_in_mask():.4f}", flush=True)
started = time.perf_counter()
ratios: list[float] = []
for step in range(1, args.steps + 1):
    if args.fresh:
        clean, missing, inputs = draw()
    output = model(inputs)
    loss = (((output - clean).abs() * missing).sum() / (3 * missing.sum()) if args.loss_in_mask
            else (output - clean).abs().mean())
    optimizer.zero_grad()
    loss.backward()
    if args.clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
    optimizer.step()
    ratios.append(in_mask(output.detach()) / start_in_mask())
    if step % 25 == 0 or step == 1:
        print(f"step {step}: whole-crop L1 {loss.item():.5f}, in the mask {in_mask(output.detach()):.4f}, "
              f"network / start in the mask over the last 25 steps {sum(ratios[-25:]) / len(ratios[-25:]):.4f}, "
              f"tail |w| max {float(model.tail.weight.abs().max()):.4f}, {time.perf_counter() - started:.0f} s",
              flush=True)
