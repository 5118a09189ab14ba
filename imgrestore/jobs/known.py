"""The folder job for a known degradation: every image through plug-and-play HQS (:mod:`imgrestore.pnp`)
with the known operator, our noise-level denoiser as the prior, tiled like every restorer. A known
blur (`deblur --kernel`) keeps the size; a known reduction (`restore --task upscale --kernel bicubic`,
DPIR's super-resolution) enlarges, starting from the bicubic enlargement."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from imgrestore.errors import UsageError
from imgrestore.pipeline import ModelSelector, RestoreOptions, enlarge, restore_pixels, tile_count, tiles_per_pass
from imgrestore.pnp import KnownOperator, PnPSettings, solve
from imgrestore.restorer import Restorer

SUPER_RESOLUTION = PnPSettings(iterations=24)  # DPIR's count for super-resolution (8 for deblurring)


def deblur_settings(kernel: str, iterations: int = PnPSettings().iterations) -> PnPSettings:
    """The schedule for a blur named as `--kernel` names it. A motion streak's spectral zeros turn the first
    data steps' noise into streaks the prior removes better from a lower start: on the 6 colour val images
    first sigma 25 gave +1.9 dB over DPIR's 49 on the 15 px motion blur, 49 gave +0.2 dB on the Gaussian
    blur. A smooth blur loses no frequency entirely, so its data steps may lean less on the data: weight
    0.15 gave +0.11 dB over DPIR's 0.23 on the Gaussian blur (0.1: +0.09), where 0.1 cost motion 4.7 dB on
    crops (lab/TRAINING.md)."""
    if kernel.strip().lower().startswith("motion"):
        return PnPSettings(iterations=iterations, first_sigma=25.0)
    return PnPSettings(iterations=iterations, weight=SMOOTH_BLUR_WEIGHT)


SMOOTH_BLUR_WEIGHT = 0.15  # chosen on the 6 colour val images, Gaussian sigma 1.6 (benchmarks/deblur.py)


def check_prior(restorer: Restorer) -> None:
    """Refuse a model the solver cannot use as its prior."""
    if not restorer.uses_noise_level or restorer.scale != 1:
        raise UsageError(f"--model {restorer.name}: a known degradation is undone with a denoiser that takes a "
                         "noise level as the prior (resunet-color-fast, resunet-gray-fast, resunet-color, ffdnet-*)")


def solve_known(pixels: np.ndarray, operator: KnownOperator, restorer: Restorer, options: RestoreOptions,
                noise: float, settings: PnPSettings = PnPSettings()) -> np.ndarray:
    """[H, W, C] 0..1 ``pixels`` = operator(clean) + Gaussian ``noise`` (0..255), restored by HQS with
    ``restorer`` (a noise-level denoiser) as the prior; ``scale`` times larger for a known reduction."""
    check_prior(restorer)

    def denoise(x: np.ndarray, level: float) -> np.ndarray:
        return restore_pixels([x], restorer, options, [level])[0]

    start = enlarge(pixels, operator.scale) if operator.scale > 1 else None
    return np.clip(solve(pixels, operator, denoise, noise, settings, start=start), 0, 1).astype(np.float32)


@dataclass
class KnownDegradationJob:
    """Undo ``operator`` in each image; ``sigma`` None estimates each image's noise level (the folder
    engine's wavelet reading of the damaged file)."""

    models: ModelSelector
    operator: KnownOperator
    options: RestoreOptions
    settings: PnPSettings = field(default_factory=PnPSettings)
    sigma: float | None = None

    @property
    def group_limit(self) -> int:
        return tiles_per_pass(self.options, self.models.device)

    def cost(self, image) -> int:
        """Tiles of one denoising pass at the output size, times the iterations."""
        restorer = self.models.restorer_for(image.pixels)
        scale = self.operator.scale
        return tile_count(restorer, image.height * scale, image.width * scale, self.options) * self.settings.iterations

    def process(self, group: list) -> list:
        outputs = []
        for pending in group:
            pixels = pending.image.pixels
            restorer = self.models.restorer_for(pixels)
            noise = self.sigma if self.sigma is not None else float(pending.result.noise_estimate or 0.0)
            restored = solve_known(pixels, self.operator, restorer, self.options, noise, self.settings)
            pending.result.model = restorer.name
            pending.result.precision = restorer.precision
            pending.result.noise_level = round(noise, 2)
            what = f"enlarged x{self.operator.scale}" if self.operator.scale > 1 else "deblurred"
            pending.result.notes.append(f"{what} by {self.settings.iterations} plug-and-play iterations "
                                        f"with {restorer.name} as the prior")
            outputs.append(pending.image.with_pixels(restored))
        return outputs
