"""Probe: how close can a generator get to real digits? invertGAN (argmin_z ||G(z) - x||^2 + lam ||z||^2) on
validation digits, for each dcgan file given, through the generative-encoder module's own solver.

    python lab/probes/generator_reach.py runs/dcgan-hinge.safetensors [--width 64] [--count 200]

With ``--from-inverse GE_FILE`` (a generative-encoder file that holds a learned inverse) the pixel search
starts from that inverse's z instead of a random one and uses the file's generator: the closest G(z) this
search finds, which bounds what any search in G's range (GE's included) can reach on these digits.

    python lab/probes/generator_reach.py --from-inverse runs/ge-v2.safetensors --steps 2000 --lam 0.01
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from imgrestore.architectures.generative_encoder.model import GEConfig, GenerativeEncoder
from imgrestore.metrics import psnr
from imgrestore.pipeline import load_restorer


def pixel_search_from_inverse(module: GenerativeEncoder, x: torch.Tensor, steps: int, lam: float,
                              rate: float) -> torch.Tensor:
    """invertGAN's objective, searched by Adam from the learned inverse's z."""
    z = module.latent_start(x).detach().requires_grad_()
    optimizer = torch.optim.Adam([z], lr=rate)
    for _ in range(steps):
        loss = (module.generator(z) - x).pow(2).flatten(1).sum(1) + lam * z.pow(2).sum(1)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        optimizer.step()
    with torch.no_grad():
        return module.generator(z)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("generator", type=Path, nargs="?")
    parser.add_argument("--from-inverse", type=Path, help="a generative-encoder file with a learned inverse")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lam", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=0.05)
    args = parser.parse_args()
    digits = np.load(Path(__file__).resolve().parents[3] / "shared/data/mnist/mnist10k.npz")["images"]
    x = torch.from_numpy(digits[7000:7000 + args.count].astype(np.float32) / 255)[:, None]
    if args.from_inverse:
        module = load_restorer(str(args.from_inverse), device="cpu").module
        out = pixel_search_from_inverse(module, x, args.steps, args.lam, args.rate)
        source = f"{args.from_inverse} (from its learned inverse)"
    else:
        config = GEConfig(gen_width=args.width, method="invertgan", steps=args.steps, lam=args.lam)
        module = GenerativeEncoder(config).eval()
        module.generator.load_state_dict(load_file(args.generator))
        out = module(x).detach()
        source = str(args.generator)
    scores = [psnr(a.numpy(), b.numpy()) for a, b in zip(out, x)]
    print(f"{source}: invertGAN {args.steps} steps, lambda {args.lam} on {args.count} val digits: "
          f"PSNR {np.mean(scores):.2f} dB, MSE {float((out - x).pow(2).mean()):.5f}")


if __name__ == "__main__":
    main()
