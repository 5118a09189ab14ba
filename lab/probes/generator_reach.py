"""Probe: how close can a generator get to real digits? invertGAN (argmin_z ||G(z) - x||^2 + lam ||z||^2) on
validation digits, for each dcgan file given, through the generative-encoder module's own solver.

    python lab/probes/generator_reach.py runs/dcgan-hinge.safetensors [--width 64] [--count 200]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from imgrestore.architectures.generative_encoder.model import GEConfig, GenerativeEncoder
from imgrestore.metrics import psnr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("generator", type=Path)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    digits = np.load(Path(__file__).resolve().parents[3] / "shared/data/mnist/mnist10k.npz")["images"]
    x = torch.from_numpy(digits[7000:7000 + args.count].astype(np.float32) / 255)[:, None]
    config = GEConfig(gen_width=args.width, method="invertgan", steps=args.steps, lam=0.1)
    module = GenerativeEncoder(config).eval()
    module.generator.load_state_dict(load_file(args.generator))
    out = module(x)
    scores = [psnr(a.numpy(), b.numpy()) for a, b in zip(out.detach(), x)]
    print(f"{args.generator}: invertGAN {args.steps} steps on {args.count} val digits: PSNR {np.mean(scores):.2f} dB, "
          f"MSE {float((out.detach() - x).pow(2).mean()):.4f}")


if __name__ == "__main__":
    main()
