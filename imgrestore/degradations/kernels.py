"""Blur kernels a user names: ``gaussian:sigma=1.6``, ``motion:length=15,angle=45``, ``box:size=5``,
or an image file of the kernel (normalised to sum 1). For the known-blur solver and `deblur --kernel`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from imgrestore.degradations.blur import gaussian_kernel, motion_kernel
from imgrestore.errors import SpecError

KINDS = {
    "gaussian": {"sigma": None, "size": 0.0},  # None: required
    "motion": {"length": None, "angle": 0.0},
    "box": {"size": None},
}


def _settings(text: str) -> tuple[str, dict[str, float]]:
    head, _, rest = text.partition(":")
    kind = head.strip().lower()
    if kind not in KINDS:
        raise SpecError(f"--kernel {text}: expected {', '.join(f'{k}:...' for k in KINDS)} or a kernel image file")
    values: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or key.strip() not in KINDS[kind]:
            raise SpecError(f"--kernel {text}: '{item}' is not one of {kind}'s settings ({', '.join(KINDS[kind])})")
        try:
            values[key.strip()] = float(value)
        except ValueError:
            raise SpecError(f"--kernel {text}: {key.strip()}={value} is not a number") from None
    missing = [key for key, default in KINDS[kind].items() if default is None and key not in values]
    if missing:
        raise SpecError(f"--kernel {text}: give {', '.join(f'{key}=...' for key in missing)}")
    return kind, {**{k: v for k, v in KINDS[kind].items() if v is not None}, **values}


def parse_kernel(text: str) -> torch.Tensor:
    """The normalised [k, k] kernel (odd k) that ``text`` names."""
    path = Path(text).expanduser()
    if path.is_file():
        return kernel_from_image(path)
    kind, values = _settings(text)
    if kind == "gaussian":
        size = int(values["size"])
        if values["sigma"] <= 0 or (size and size % 2 == 0):
            raise SpecError(f"--kernel {text}: sigma must be > 0 and size odd")
        return gaussian_kernel(values["sigma"], size)
    if kind == "motion":
        if values["length"] < 1:
            raise SpecError(f"--kernel {text}: length must be at least 1 pixel")
        return motion_kernel(values["length"], values["angle"], 2 * math.ceil(values["length"] / 2) + 3)
    size = int(values["size"])
    if size < 1 or size % 2 == 0 or size != values["size"]:
        raise SpecError(f"--kernel {text}: size must be an odd whole number")
    return torch.full((size, size), 1.0 / size ** 2)


def kernel_from_image(path: Path) -> torch.Tensor:
    """A kernel drawn as an image (brightness = weight; colour is averaged), normalised to sum 1."""
    from imgrestore.io.image import read_image

    pixels = read_image(path).pixels.mean(axis=2).astype(np.float64)
    height, width = pixels.shape
    if height != width or height % 2 == 0:
        raise SpecError(f"--kernel {path}: a kernel image must be square with an odd side (its centre is the "
                        f"middle pixel), not {width}x{height}")
    if not np.isfinite(pixels).all() or pixels.sum() <= 0:
        raise SpecError(f"--kernel {path}: the kernel image is black: no weight to blur with")
    return torch.from_numpy(pixels / pixels.sum()).float()
