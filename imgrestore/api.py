"""The Python API: the same code path the CLI runs.

>>> import numpy as np, imgrestore
>>> noisy = (np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8)
>>> clean = imgrestore.restore_array(noisy)          # default denoiser, same dtype and shape back
>>> clean.shape, clean.dtype
((64, 64, 3), dtype('uint8'))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from imgrestore.io.image import read_image, write_image
from imgrestore.pipeline import ModelSelector, RestoreOptions, load_restorer, restore_pixels
from imgrestore.pnp import PnPSettings
from imgrestore.restorer import Restorer
from imgrestore.tasks import Task
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta


def _restorer_for(model: str | Restorer, pixels: np.ndarray, device: str, precision: str,
                  task: Task = Task.DENOISE, prior: bool = False) -> Restorer:
    """``model`` itself, or the model it names (for 'auto': the default for these pixels and ``task``, or with
    ``prior`` the plug-and-play solver's)."""
    if isinstance(model, Restorer):
        return model
    return ModelSelector(model, device, precision, task=task, prior=prior).restorer_for(pixels)


@dataclass(frozen=True)
class _ArrayForm:
    """How a caller's array was laid out, to give the result back the same way."""

    dtype: np.dtype
    scale: float  # 255 for uint8, 65535 for uint16, 1 for floats
    squeeze: bool  # [H, W] in, [H, W] out
    alpha: np.ndarray | None  # a fourth channel, passed through untouched


def _pixels_of(array: np.ndarray) -> tuple[np.ndarray, _ArrayForm]:
    """[H, W], [H, W, 1|3|4] uint8/uint16/float -> float32 [H, W, 1|3] 0..1 pixels and the array's form."""
    original = np.asarray(array)
    scale = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}.get(original.dtype, 1.0)
    pixels = original.astype(np.float32) / scale
    squeeze = pixels.ndim == 2
    if squeeze:
        pixels = pixels[:, :, None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected [H, W] or [H, W, 1|3|4], got shape {original.shape}")
    alpha = pixels[:, :, 3:] if pixels.shape[2] == 4 else None
    colour = np.ascontiguousarray(pixels[:, :, :3] if alpha is not None else pixels)
    return colour, _ArrayForm(original.dtype, scale, squeeze, alpha)


def _array_of(pixels: np.ndarray, form: _ArrayForm) -> np.ndarray:
    out = pixels if form.alpha is None else np.concatenate([pixels, form.alpha], axis=2)
    if form.squeeze:
        out = out[:, :, 0]
    if form.scale != 1.0:
        return np.round(np.clip(out, 0, 1) * form.scale).astype(form.dtype)
    return out.astype(form.dtype if form.dtype.kind == "f" else np.float32)


def restore_array(
    array: np.ndarray,
    model: str | Restorer = catalog.AUTO,
    *,
    device: str = "auto",
    precision: str = "auto",
    options: RestoreOptions = RestoreOptions(),
) -> np.ndarray:
    """Restore an image array: [H, W], [H, W, 1|3|4]; uint8, uint16 or float 0..1.

    Returns an array of the same shape and dtype; a fourth (alpha) channel passes through untouched.
    """
    pixels, form = _pixels_of(array)
    restorer = _restorer_for(model, pixels, device, precision)
    return _array_of(restore_pixels([pixels], restorer, options)[0], form)


def deblur_array(
    array: np.ndarray,
    kernel: str | np.ndarray,
    model: str | Restorer = catalog.AUTO,
    *,
    sigma: float = 0.0,
    iterations: int = PnPSettings().iterations,
    device: str = "auto",
    precision: str = "auto",
    options: RestoreOptions = RestoreOptions(),
) -> np.ndarray:
    """Undo a known blur, as `imgrestore deblur` does: ``kernel`` a spec ("gaussian:sigma=1.6",
    "motion:length=15,angle=45", "box:size=5", a kernel image's path) or a square array; ``sigma`` the
    noise level on the 0..255 scale; ``model`` the noise-level denoiser used as the prior."""
    from imgrestore.degradations.kernels import parse_kernel
    from imgrestore.degradations.linear import KnownBlur
    from imgrestore.jobs.known import deblur_settings, solve_known

    blur = parse_kernel(kernel) if isinstance(kernel, str) else torch.as_tensor(np.asarray(kernel, np.float32))
    pixels, form = _pixels_of(array)
    restorer = _restorer_for(model, pixels, device, precision, prior=True)
    settings = deblur_settings(kernel if isinstance(kernel, str) else "", iterations)
    restored = solve_known(pixels, KnownBlur(blur / blur.sum()), restorer, options, sigma, settings)
    return _array_of(restored, form)


def inpaint_array(
    array: np.ndarray,
    mask: np.ndarray,
    model: str | Restorer = catalog.AUTO,
    *,
    device: str = "auto",
    precision: str = "auto",
    options: RestoreOptions = RestoreOptions(),
) -> np.ndarray:
    """Fill the pixels where ``mask`` [H, W] is true (or > 0), as `imgrestore inpaint --mask` does; every
    other pixel comes back unchanged. ``model``: 'auto' (the photo inpainter), a mask-aware model, or a
    noise-level denoiser for the plug-and-play solver."""
    from imgrestore.jobs.inpaint import fill_holes

    pixels, form = _pixels_of(array)
    missing = (np.asarray(mask) > 0).astype(np.float32)
    if missing.shape != pixels.shape[:2]:
        raise ValueError(f"the mask is {missing.shape}, the image {pixels.shape[:2]}: they must match")
    restorer = _restorer_for(model, pixels, device, precision, Task.INPAINT)
    return _array_of(fill_holes(pixels, missing, restorer, options), form)


def restore_file(
    source: str | Path,
    target: str | Path,
    model: str | Restorer = catalog.AUTO,
    *,
    device: str = "auto",
    precision: str = "auto",
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


__all__ = ["RestoreOptions", "Restorer", "deblur_array", "inpaint_array", "list_models", "load_restorer", "read_meta",
           "restore_array", "restore_file"]
