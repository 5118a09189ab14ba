"""The inpainting folder job with known masks (`inpaint --mask`): each image's missing pixels filled
by a mask-aware network (``gated-unet``), or by plug-and-play HQS with a noise-level denoiser as the
prior (:mod:`imgrestore.pnp`, starting from the smooth fill of :mod:`imgrestore.fills`), by what ``-m`` names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from imgrestore.degradations.linear import KnownMask
from imgrestore.errors import UsageError
from imgrestore.fills import fill_pixels
from imgrestore.io.masks import MaskSource, read_masks
from imgrestore.pipeline import ModelSelector, RestoreOptions, check_domain, restore_pixels, tile_count, tiles_per_pass
from imgrestore.pnp import PnPSettings, solve
from imgrestore.restorer import Restorer


def check_inpainter(restorer: Restorer) -> None:
    """Refuse a model that cannot use a mask: neither mask-aware nor a noise-level denoiser for the solver."""
    if not (restorer.uses_mask or (restorer.uses_noise_level and restorer.scale == 1)):
        raise UsageError(f"--model {restorer.name}: filling masked pixels needs a mask-aware model (gated-unet) "
                         "or a denoiser that takes a noise level (resunet-color-fast, resunet-gray-fast) for the solver")


# from the smooth fill the prior only refines: of 8 x 10, 4 x 5, 2 x 3 and 8 x 25 on val (lab/probes/pnp_start.py),
# 4 x 5 kept the fill's PSNR inside the mask best (+0.02 / -0.04 dB on scratches / boxes; 8 x 10: -0.07 / -0.24)
PNP_INPAINTING = PnPSettings(iterations=4, first_sigma=5.0)


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

        # the solver starts from the smooth fill (on val level with biharmonic inside scratches, above it
        # inside boxes): the prior only refines
        filled = solve(pixels, keep, denoise, 0.0, settings, start=fill_pixels(pixels, missing))
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

