"""Validation during training, through the same Restorer and tiling path the CLI uses."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from imgrestore.degradations import Chain, Choice, drawn_level, parse_degradation, quantize, seed_for
from imgrestore.degradations.jpeg import JpegCompression
from imgrestore.degradations.noise import GaussianNoise
from imgrestore.errors import UsageError
from imgrestore.metrics import psnr
from imgrestore.noise_level import blind_sigma
from imgrestore.pipeline import prefilled
from imgrestore.restorer import Restorer
from imgrestore.tiling import restore_images
from imgrestore.training.data import TrainingSet

VAL_SIGMAS = (15.0, 25.0, 50.0)
VAL_QUALITIES = (10, 20, 30, 40)  # ../shared/TASKS.md's JPEG protocol: OpenCV at these qualities, 4:2:0


def validation_chains(degrade: str) -> dict[str, Chain]:
    """What validation measures: PSNR at sigma 15/25/50 for a Gaussian denoiser, at JPEG quality
    10/20/30/40 (4:2:0) for JPEG alone over a range of qualities (also when every alternative of a ``|`` spec
    is such a range: a run that weights some qualities stays comparable), else the training chain (each
    alternative of a ``|`` spec on its own: psnr_1, psnr_2, ...)."""
    chain = parse_degradation(degrade)
    if isinstance(chain, Choice):
        standard = [validation_chains(alternative.spec(full=True)) for alternative in chain.chains]
        if all(s.keys() == standard[0].keys() for s in standard) and "psnr" not in standard[0]:
            return standard[0]
        return {f"psnr_{index}": alternative for index, alternative in enumerate(chain.chains, start=1)}
    if len(chain.ops) == 1 and isinstance(chain.ops[0], GaussianNoise) and chain.ops[0].coef is None:
        return {f"psnr_sigma{int(s)}": Chain((GaussianNoise(sigma=(s, s)),)) for s in VAL_SIGMAS}
    if len(chain.ops) == 1 and isinstance(chain.ops[0], JpegCompression) and len(set(chain.ops[0].quality)) == 2:
        return {f"psnr_q{q}": Chain((JpegCompression(quality=(q, q)),)) for q in VAL_QUALITIES}
    return {"psnr": chain}


def crop_to_multiple(image: torch.Tensor, factor: int) -> torch.Tensor:
    """``image`` [..., H, W] cropped at the bottom and right to a multiple of ``factor`` (the SR protocol)."""
    height, width = image.shape[-2:]
    return image[..., :height - height % factor, :width - width % factor]


def validate(restorer: Restorer, val: TrainingSet, chains: dict[str, Chain], seed: int = 0) -> dict[str, float]:
    """Mean PSNR on the validation set through the tiling engine: degraded by each chain (8-bit
    quantised, as on disk), or the given degraded twins for paired data."""
    scale = restorer.scale
    cleans = [crop_to_multiple(img, scale) for img in val.clean]

    def run(degraded: list[torch.Tensor], model: Restorer, levels: list[float] | None) -> float:
        restored = restore_images(degraded, model, tile=256, overlap=16, batch_size=16,
                                  req=restorer.size_req, tiling=restorer.tiling, levels=levels, scale=scale,
                                  align=restorer.tile_alignment)
        return float(np.mean([psnr(out.numpy(), clean.numpy()) for out, clean in zip(restored, cleans)]))

    if val.degraded is not None:
        levels = [blind_sigma(d.permute(1, 2, 0).numpy()) for d in val.degraded] if restorer.uses_noise_level else None
        return {"psnr": run(val.degraded, restorer, levels)}
    results: dict[str, float] = {}
    for key, chain in chains.items():
        generator = torch.Generator().manual_seed(seed_for(seed, f"val-{key}"))
        outcomes = [chain(img[None], generator) for img in cleans]
        levels = [float(drawn_level(chain, o, restorer.task)[0]) for o in outcomes] if restorer.uses_noise_level else None
        inputs = [quantize(o.images)[0] for o in outcomes]
        if restorer.uses_mask:
            inputs = [torch.cat([x, o.mask[0, :1].to(x)]) for x, o in zip(inputs, outcomes)]
        results[key] = run(*prefilled(restorer, inputs), levels)
    return results


def validate_classifier(module: nn.Module, val: TrainingSet, device: torch.device) -> dict[str, float]:
    """Accuracy of a classifier on the labelled validation set."""
    if val.labels is None:
        raise UsageError("validating a classifier needs labelled --val data (an .npz with 'labels')")
    correct = 0
    with torch.inference_mode():
        for start in range(0, len(val.clean), 256):
            images = torch.stack(val.clean[start:start + 256]).to(device)
            correct += int((module(images).argmax(dim=1).cpu() == val.labels[start:start + 256]).sum())
    return {"accuracy": correct / len(val.clean)}
