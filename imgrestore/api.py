"""The Python API: the same code path the CLI runs.

>>> import numpy as np, imgrestore
>>> noisy = (np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8)
>>> clean = imgrestore.restore_array(noisy)          # default denoiser, same dtype and shape back
>>> clean.shape, clean.dtype
((64, 64, 3), dtype('uint8'))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from imgrestore.io.image import read_image, write_image
from imgrestore.pipeline import ModelSelector, RestoreOptions, load_restorer, restore_pixels
from imgrestore.restorer import Restorer
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta


def _restorer_for(model: str | Restorer, pixels: np.ndarray, device: str, precision: str) -> Restorer:
    """``model`` itself, or the model it names (for 'auto': the default for these pixels)."""
    return model if isinstance(model, Restorer) else ModelSelector(model, device, precision).restorer_for(pixels)


def restore_array(
    array: np.ndarray,
    model: str | Restorer = catalog.AUTO,
    *,
    device: str = "auto",
    precision: str = "fp32",
    options: RestoreOptions = RestoreOptions(),
) -> np.ndarray:
    """Restore an image array: [H, W], [H, W, 1|3|4]; uint8, uint16 or float 0..1.

    Returns an array of the same shape and dtype; a fourth (alpha) channel passes through untouched.
    """
    original = np.asarray(array)
    if original.dtype == np.uint8:
        scale = 255.0
    elif original.dtype == np.uint16:
        scale = 65535.0
    else:
        scale = 1.0
    pixels = original.astype(np.float32) / scale
    squeeze = pixels.ndim == 2
    if squeeze:
        pixels = pixels[:, :, None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected [H, W] or [H, W, 1|3|4], got shape {original.shape}")
    alpha = pixels[:, :, 3:] if pixels.shape[2] == 4 else None
    colour = np.ascontiguousarray(pixels[:, :, :3] if alpha is not None else pixels)
    restorer = _restorer_for(model, colour, device, precision)
    out = restore_pixels([colour], restorer, options)[0]
    if alpha is not None:
        out = np.concatenate([out, alpha], axis=2)
    if squeeze:
        out = out[:, :, 0]
    if scale != 1.0:
        return np.round(np.clip(out, 0, 1) * scale).astype(original.dtype)
    return out.astype(original.dtype if original.dtype.kind == "f" else np.float32)


def restore_file(
    source: str | Path,
    target: str | Path,
    model: str | Restorer = catalog.AUTO,
    *,
    device: str = "auto",
    precision: str = "fp32",
    options: RestoreOptions = RestoreOptions(),
    fmt: str | None = None,
) -> Path:
    """Restore one image file into ``target`` (atomic write; bit depth, alpha, EXIF and ICC kept)."""
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise ValueError(f"refusing to overwrite the input {source}")
    image = read_image(source)
    restorer = _restorer_for(model, image.pixels, device, precision)
    pixels = restore_pixels([image.pixels], restorer, options)[0]
    write_image(target, image.with_pixels(pixels), fmt)
    return target


def list_models() -> list[str]:
    """Names of the bundled and user-installed models."""
    return catalog.bundled_names() + catalog.installed_names()


__all__ = ["RestoreOptions", "Restorer", "list_models", "load_restorer", "read_meta", "restore_array", "restore_file"]
