"""The deblurring folder job: every image through plug-and-play HQS with the known kernel
(:mod:`imgrestore.pnp`), our noise-level denoiser as the prior, tiled like every restorer."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from imgrestore.degradations.linear import KnownBlur
from imgrestore.errors import UsageError
from imgrestore.pipeline import ModelSelector, RestoreOptions, restore_pixels, tiles_per_pass
from imgrestore.pnp import PnPSettings, solve
from imgrestore.restorer import Restorer
from imgrestore.tiling import effective_tile, tile_grid


def check_prior(restorer: Restorer) -> None:
    """Refuse a model the solver cannot use as its prior."""
    if not restorer.uses_noise_level or restorer.scale != 1:
        raise UsageError(f"--model {restorer.name}: deblurring needs a denoiser that takes a noise level "
                         "(resunet-color, resunet-gray, ffdnet-*)")


def deblur_pixels(pixels: np.ndarray, blur: KnownBlur, restorer: Restorer, options: RestoreOptions, noise: float,
                  settings: PnPSettings = PnPSettings()) -> np.ndarray:
    """[H, W, C] 0..1 ``pixels`` blurred by ``blur`` with Gaussian ``noise`` (0..255), restored by HQS with
    ``restorer`` (a noise-level denoiser) as the prior."""
    check_prior(restorer)

    def denoise(x: np.ndarray, level: float) -> np.ndarray:
        return restore_pixels([x], restorer, options, [level])[0]

    return np.clip(solve(pixels, blur, denoise, noise, settings), 0, 1).astype(np.float32)


@dataclass
class DeblurJob:
    """Deblur each image with ``kernel``; ``sigma`` None estimates each image's noise level (the folder
    engine's wavelet reading of the blurred file)."""

    models: ModelSelector
    kernel: torch.Tensor
    options: RestoreOptions
    settings: PnPSettings = field(default_factory=PnPSettings)
    sigma: float | None = None

    @property
    def group_limit(self) -> int:
        return tiles_per_pass(self.options, self.models.device)

    def cost(self, image) -> int:
        """Tiles of one denoising pass, times the iterations."""
        restorer = self.models.restorer_for(image.pixels)
        tile = effective_tile(self.options.tile, restorer.size_req, restorer.tiling)
        return len(tile_grid(image.height, image.width, tile, self.options.overlap)) * self.settings.iterations

    def process(self, group: list) -> list:
        blur = KnownBlur(self.kernel)
        outputs = []
        for pending in group:
            pixels = pending.image.pixels
            restorer = self.models.restorer_for(pixels)
            noise = self.sigma if self.sigma is not None else float(pending.result.noise_estimate or 0.0)
            restored = deblur_pixels(pixels, blur, restorer, self.options, noise, self.settings)
            pending.result.model = restorer.name
            pending.result.noise_level = round(noise, 2)
            pending.result.notes.append(f"deblurred by {self.settings.iterations} plug-and-play iterations "
                                        f"with {restorer.name} as the prior")
            outputs.append(pending.image.with_pixels(restored))
        return outputs
