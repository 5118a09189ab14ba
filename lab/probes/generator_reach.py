"""Probe: how close can a generator get to real digits? invertGAN (argmin_z ||G(z) - x||^2 + lam ||z||^2) on
validation digits, for each dcgan file given, through the generative-encoder module's own solver.

    python lab/probes/generator_reach.py runs/dcgan-hinge.safetensors [--width 64] [--count 200]

With ``--from-inverse GE_FILE`` (a generative-encoder file that holds a learned inverse) the pixel search
starts from that inverse's z instead of a random one and uses the file's generator: the closest G(z) this
search finds, which bounds what any search in G's range (GE's included) can reach on these digits.

    python lab/probes/generator_reach.py --from-inverse runs/ge-v2.safetensors --steps 2000 --lam 0.01

``--then-ge STEPS`` then runs GE's own search (code objective, lambda ``--ge-lam``) from that pixel optimum: whether
GE's objective holds the best G(z) in place or walks away from it, i.e. whether E's code tells the pixels apart.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from imgrestore.architectures.generative_encoder.model import GEConfig, GenerativeEncoder
from imgrestore.metrics import psnr
from imgrestore.pipeline import load_restorer


def adam_search(z: torch.Tensor, objective: Callable[[torch.Tensor], torch.Tensor], steps: int,
                rate: float) -> torch.Tensor:
    """Adam on z for a per-sample objective, from ``z``."""
    z = z.detach().clone().requires_grad_()
    optimizer = torch.optim.Adam([z], lr=rate)
    for _ in range(steps):
        loss = objective(z)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        optimizer.step()
    return z.detach()


def pixel_search_from_inverse(module: GenerativeEncoder, x: torch.Tensor, steps: int, lam: float,
                              rate: float) -> torch.Tensor:
    """invertGAN's objective, searched from the learned inverse's z."""
    return adam_search(module.latent_start(x), lambda z: (module.generator(z) - x).pow(2).flatten(1).sum(1)
                       + lam * z.pow(2).sum(1), steps, rate)


def code_search_from(module: GenerativeEncoder, x: torch.Tensor, z: torch.Tensor, steps: int,
                     lam: float) -> torch.Tensor:
    """GE's objective ||E(G(z)) - E(x)||^2 + lam ||z||^2, searched from ``z`` at the file's rate."""
    target = module.encoder(x).detach()
    return adam_search(z, lambda z: code_distance(module, z, target) + lam * z.pow(2).sum(1), steps,
                       module.config.solver_lr)


def code_distance(module: GenerativeEncoder, z: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (module.encoder(module.generator(z)) - target).pow(2).flatten(1).sum(1)


def describe(module: GenerativeEncoder, name: str, z: torch.Tensor, x: torch.Tensor) -> str:
    with torch.no_grad():
        image = module.generator(z)
        code = float(code_distance(module, z, module.encoder(x)).mean())
        return f"{name}: pixel MSE {float((image - x).pow(2).mean()):.5f}, code distance {code:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("generator", type=Path, nargs="?")
    parser.add_argument("--from-inverse", type=Path, help="a generative-encoder file with a learned inverse")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lam", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--then-ge", type=int, default=0, metavar="STEPS", help="GE's search from the pixel optimum")
    parser.add_argument("--ge-lam", type=float, default=0.01, help="GE's lambda for --then-ge")
    args = parser.parse_args()
    digits = np.load(Path(__file__).resolve().parents[3] / "shared/data/mnist/mnist10k.npz")["images"]
    x = torch.from_numpy(digits[7000:7000 + args.count].astype(np.float32) / 255)[:, None]
    if args.from_inverse:
        module = load_restorer(str(args.from_inverse), device="cpu").module
        z = pixel_search_from_inverse(module, x, args.steps, args.lam, args.rate)
        with torch.no_grad():
            out = module.generator(z)
        if args.then_ge:
            print(describe(module, "learned inverse's z", module.latent_start(x).detach(), x))
            print(describe(module, "pixel optimum", z, x))
            print(describe(module, f"GE's search from it, {args.then_ge} steps, lambda {args.ge_lam}",
                           code_search_from(module, x, z, args.then_ge, args.ge_lam), x))
            start = module.latent_start(x).detach()
            print(describe(module, f"GE's search from the learned inverse, {args.then_ge} steps, lambda {args.ge_lam}",
                           code_search_from(module, x, start, args.then_ge, args.ge_lam), x))
            with torch.no_grad():
                print(f"ConvAE DC(E(x)): pixel MSE {float((module.autoencode(x) - x).pow(2).mean()):.5f}")
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
