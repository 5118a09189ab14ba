"""The `corrupt` folder job: a chain applied to each file with its own reproducible seed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import torch

from imgrestore.degradations.base import seed_for
from imgrestore.degradations.spec import Chain, Degraded
from imgrestore.io.image import Image, write_image


def mask_paths(relative: Path, chain: Chain, masks_dir: Path) -> list[tuple[int, Path]]:
    """(operator index, mask file) for every masking step of ``chain`` on the file at ``relative``."""
    return [
        (index, masks_dir / relative.parent / f"{relative.stem}.{index}-{op.name.split(':', 1)[1]}.png")
        for index, op in enumerate(chain.ops) if op.makes_mask
    ]


@dataclass
class CorruptJob:
    """Degrades one file at a time; the file's seed derives from ``seed`` and its relative path,
    so outputs do not depend on order, parallelism or which files were skipped."""

    chain: Chain
    seed: int
    masks_dir: Path | None = None
    group_limit: int = 1

    def cost(self, image: Image) -> int:
        return 1

    def process(self, group: list) -> list[Image]:
        return [self.corrupt(loaded.image, Path(loaded.result.relative), loaded.result) for loaded in group]

    def degrade(self, pixels: np.ndarray, key: str) -> tuple[Degraded, int]:
        """Apply the chain to one [H, W, C] image with the seed derived from ``key`` (its relative path)."""
        file_seed = seed_for(self.seed, key)
        generator = torch.Generator().manual_seed(file_seed)
        x = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))[None]
        return self.chain(x, generator), file_seed

    def corrupt(self, image: Image, relative: Path, result=None) -> Image:
        """Degrade one image; records the seed, drawn parameters and mask files in ``result.details``."""
        degraded, file_seed = self.degrade(image.pixels, relative.as_posix())
        pixels = degraded.images[0].numpy().transpose(1, 2, 0).astype(np.float32)
        alpha = image.alpha
        if alpha is not None and alpha.shape != pixels.shape[:2]:  # downsampling changed the size
            alpha = cv2.resize(alpha, (pixels.shape[1], pixels.shape[0]), interpolation=cv2.INTER_AREA)
        saved = []
        if self.masks_dir is not None:
            for index, path in mask_paths(relative, self.chain, self.masks_dir):
                mask = degraded.params[index]["mask"][0].numpy().transpose(1, 2, 0).astype(np.float32)
                write_image(path, Image(pixels=mask, bit_depth=8, fmt="PNG"), "PNG")
                saved.append(str(path))
        if result is not None:
            result.details = {"seed": file_seed, "ops": degraded.record(0, self.chain), "masks": saved}
        return replace(image, pixels=pixels, alpha=alpha)
