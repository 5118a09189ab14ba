"""The inpainting folder job with known masks (`inpaint --mask`): each image's missing pixels filled
by a mask-aware network (``gated-unet``), or by plug-and-play HQS with a noise-level denoiser as the
prior (:mod:`imgrestore.pnp`, starting from OpenCV's Telea fill), by what ``-m`` names."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch

from imgrestore.degradations.linear import KnownMask
from imgrestore.errors import UsageError
from imgrestore.io.masks import MaskSource, read_masks
from imgrestore.pipeline import ModelSelector, RestoreOptions, check_domain, restore_pixels, tile_count, tiles_per_pass
from imgrestore.pnp import PnPSettings, solve
from imgrestore.restorer import Restorer


def telea_fill(pixels: np.ndarray, missing: np.ndarray, radius: int = 5) -> np.ndarray:
    """OpenCV's Telea inpainting of [H, W, C] 0..1 pixels (8-bit inside OpenCV): the solver's starting point."""
    planes = np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8)
    filled = cv2.inpaint(planes, (missing > 0).astype(np.uint8), radius, cv2.INPAINT_TELEA)
    out = filled.reshape(pixels.shape).astype(np.float32) / 255
    return np.where(missing[..., None] > 0, out, pixels).astype(np.float32)


def check_inpainter(restorer: Restorer) -> None:
    """Refuse a model that cannot use a mask: neither mask-aware nor a noise-level denoiser for the solver."""
    if not (restorer.uses_mask or (restorer.uses_noise_level and restorer.scale == 1)):
        raise UsageError(f"--model {restorer.name}: filling masked pixels needs a mask-aware model (gated-unet) "
                         "or a denoiser that takes a noise level (resunet-color, resunet-gray) for the solver")


PNP_INPAINTING = PnPSettings(iterations=8, first_sigma=10.0)  # from a Telea start the prior only refines: measured best of 3-30 on a val crop


def fill_holes(pixels: np.ndarray, missing: np.ndarray, restorer: Restorer, options: RestoreOptions,
               settings: PnPSettings = PNP_INPAINTING) -> np.ndarray:
    """[H, W, C] 0..1 ``pixels`` with the ``missing`` [H, W] pixels (1) filled and every other pixel kept
    exactly: by a mask-aware restorer, or by HQS with a noise-level denoiser as the prior."""
    check_inpainter(restorer)
    if restorer.uses_mask:
        filled = restore_pixels([pixels], restorer, options, masks=[missing])[0]
    else:
        keep = KnownMask(torch.from_numpy(1 - missing)[None, None])

        def denoise(x: np.ndarray, level: float) -> np.ndarray:
            return restore_pixels([x], restorer, options, [level])[0]

        filled = solve(pixels, keep, denoise, 0.0, settings, start=telea_fill(pixels, missing))
    # the known pixels come back exactly as they were read, whatever the model does near them
    return np.clip(np.where(missing[..., None] > 0, filled, pixels), 0, 1).astype(np.float32)


@dataclass
class InpaintJob:
    """Fill the pixels each image's mask marks missing; everything else is kept exactly."""

    models: ModelSelector
    masks: MaskSource
    options: RestoreOptions
    settings: PnPSettings = PNP_INPAINTING

    @property
    def group_limit(self) -> int:
        return tiles_per_pass(self.options, self.models.device)

    def cost(self, image) -> int:
        restorer = self.models.restorer_for(image.pixels)
        if not self.options.allow_domain_mismatch:
            check_domain(restorer, image.pixels)
        passes = 1 if restorer.uses_mask else self.settings.iterations
        return tile_count(restorer, image.height, image.width, self.options) * passes

    def process(self, group: list) -> list:
        outputs = []
        for pending in group:
            image = pending.image
            mask_files = self.masks.files_for(pending.item)
            missing = read_masks(mask_files, image.height, image.width)
            restorer = self.models.restorer_for(image.pixels)
            filled = fill_holes(image.pixels, missing, restorer, self.options, self.settings)
            how = (f"filled by {restorer.name}" if restorer.uses_mask else
                   f"filled by {self.settings.iterations} plug-and-play iterations with {restorer.name} as the prior")
            pending.result.model = restorer.name
            pending.result.precision = restorer.precision
            pending.result.notes.append(f"{how}: {100 * float(missing.mean()):.1f} % of the pixels, "
                                        f"mask {', '.join(map(str, mask_files))}")
            outputs.append(image.with_pixels(filled))
        return outputs

