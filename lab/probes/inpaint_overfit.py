"""Probe (lab notebook, issue 21): can `gated-unet` fit one fixed batch? Eight 128 px crops of runs/data-ms8
with one fixed draw of `mask:scratches | mask:holes`, trained on alone (Adam, L1 over the whole crop as
`train --loss l1` does), printed every 25 steps: the L1 error inside the mask of the network and of push-pull
alone (its starting fill). If the network cannot go below push-pull on a batch it sees every step, the trouble
is in the model or its gradient, not in the data or the schedule.

    python lab/probes/inpaint_overfit.py [--lr 1e-3] [--steps 300] [--no-prefill]
"""
import argparse
import time
from pathlib import Path

import torch

from imgrestore.architectures import get_arch
from imgrestore.architectures.gated_unet.model import push_pull
from imgrestore.degradations import quantize
from imgrestore.degradations.spec import parse_degradation
from imgrestore.training.data import load_folder, random_crops

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--no-prefill", action="store_true")
parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "runs" / "data-ms8"))
args = parser.parse_args()

torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
images = load_folder(Path(args.data), 3, min_size=128)
clean = random_crops(images, 8, 128, generator)
outcome = parse_degradation("mask:scratches | mask:holes")(clean, generator)
missing = outcome.mask[:, :1]
inputs = torch.cat([quantize(outcome.images), missing], dim=1)
spec = get_arch("gated-unet")
model = spec.build(spec.config(widths=(16, 32, 64, 128), prefill=not args.no_prefill))
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)


def in_mask(output: torch.Tensor) -> float:
    return float(((output - clean).abs() * missing).sum() / (missing.sum() * 3))


print(f"masked share {float(missing.mean()):.3f}; push-pull L1 in the mask "
      f"{in_mask(push_pull(inputs[:, :3] * (1 - missing), 1 - missing)):.4f}", flush=True)
started = time.perf_counter()
for step in range(1, args.steps + 1):
    output = model(inputs)
    loss = (output - clean).abs().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 25 == 0 or step == 1:
        print(f"step {step}: whole-crop L1 {loss.item():.5f}, in the mask {in_mask(output.detach()):.4f}, "
              f"tail |w| max {float(model.tail.weight.abs().max()):.4f}, {time.perf_counter() - started:.0f} s",
              flush=True)
