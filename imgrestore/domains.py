"""What kind of images a model is made for, and the clear mismatches refused before restoring.

A model's metadata names its ``domain``. A 28x28 digit model given a colour photo of hundreds of
pixels "succeeds" with coloured noise; that is refused per file with the reason, unless the user asks
for it (``--allow-domain-mismatch``). Domains not listed here (a user's own) are never refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Domain:
    """The images a domain's models were trained on."""

    description: str
    colour: bool  # colour images belong to it
    max_side: int | None  # the longer side, in pixels, beyond which an image clearly does not belong


DOMAINS = {
    "digits": Domain("28x28 handwritten digits (MNIST)", colour=False, max_side=4 * 28),
    "photo": Domain("photographs", colour=True, max_side=None),
}


def is_gray(pixels: np.ndarray) -> bool:
    """One channel, or three identical ones (a gray picture saved as RGB)."""
    if pixels.shape[2] == 1:
        return True
    return bool(np.array_equal(pixels[:, :, 0], pixels[:, :, 1]) and np.array_equal(pixels[:, :, 0], pixels[:, :, 2]))


def mismatch(domain: str, pixels: np.ndarray) -> str | None:
    """Why an [H, W, C] image clearly is not of ``domain``, or None if it may be."""
    known = DOMAINS.get(domain)
    if known is None:
        return None
    height, width = pixels.shape[:2]
    reasons = []
    if not known.colour and not is_gray(pixels):
        reasons.append("in colour")
    if known.max_side is not None and max(height, width) > known.max_side:
        reasons.append(f"{width}x{height} pixels")
    if not reasons:
        return None
    return f"the model is made for {known.description}; this image is {' and '.join(reasons)}"
