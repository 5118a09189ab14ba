"""One image path for every caller: pixels -> channel fit -> tiling engine -> Restorer -> post-filter.

The folder engine, the Python API and evaluation all restore pixels through
:func:`restore_pixels`, so there is one place where a gray image meets a colour model.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import torch

from imgrestore import domains
from imgrestore.devices import resolve_device
from imgrestore.errors import DomainMismatchError, UsageError
from imgrestore.noise_level import (
    blind_sigma,
    checked_sigma,
    probe_windows,
    residual_sigma,
    residual_weight,
)
from imgrestore.postfilter import sharpen
from imgrestore.restorer import Restorer
from imgrestore.tiling import effective_tile, restore_images, tile_grid
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta


@dataclass(frozen=True)
class RestoreOptions:
    """How to run a restorer over images (the CLI's tiling and post-filter flags)."""

    tile: int = 512
    overlap: int = 32
    batch_size: int | None = None  # tiles per forward pass; None: :func:`default_batch_size` of the device
    sharpen: bool = False
    sharpen_amount: float = 1.0
    sigma: float | None = None  # noise level (0..255) for noise-level models; None = estimate per image
    scale: int = 1  # enlarge each image this many times (bicubic) before restoring: `upscale`
    tta: bool = False  # self-ensemble: average the results of the 8 flips/rotations (8x the time)
    allow_domain_mismatch: bool = False  # run a model on images clearly not of its domain (digits model, photo)


@dataclass
class ModelChoice:
    """A model name (or 'auto') resolved lazily to one Restorer per image channel count."""

    name: str = catalog.AUTO
    device: str = "auto"
    precision: str = "fp32"
    _loaded: dict[str, Restorer] = field(default_factory=dict, repr=False)

    def channels_for(self, pixels: np.ndarray) -> int:
        """Channels of the model that restores ``pixels`` [H, W, C]. With 'auto', a gray photo stored as RGB
        (three identical channels) goes to the gray model: its noise is the same in every channel, which the
        colour model never saw in training (measured 4 dB worse than the gray model on the gray val images)."""
        if self.name == catalog.AUTO and is_gray_rgb(pixels):
            return 1
        return pixels.shape[2]

    def name_for(self, channels: int) -> str:
        return catalog.default_for(channels) if self.name == catalog.AUTO else self.name

    def for_channels(self, channels: int) -> Restorer:
        """The Restorer that handles images with ``channels`` channels (loaded once, then cached)."""
        name = self.name_for(channels)
        if name not in self._loaded:
            self._loaded[name] = load_restorer(name, self.device, self.precision)
        return self._loaded[name]


def default_batch_size(device: torch.device) -> int:
    """Tiles per forward pass when the user names none: 1 on a CPU, 4 on a GPU.

    On a CPU a bigger batch buys no throughput (one 512 px tile already fills the cores; measured
    15-40 % slower at 4) and multiplies the activation memory; a GPU needs the parallel work.
    """
    return 1 if device.type == "cpu" else 4


def with_task_options(reference: str, task: str) -> str:
    """``reference`` with the runtime options its weights recommend for ``task`` (``task_options`` in the
    metadata, e.g. the generative encoder's tuned solver settings; key ``TASK:METHOD`` when the user
    picks another ``method=``); options the user gave win."""
    if not task or reference == catalog.AUTO:
        return reference
    name, given = catalog.split_options(reference)
    options = read_meta(catalog.resolve(name)).task_options
    key = f"{task}:{given['method']}" if "method" in given and f"{task}:{given['method']}" in options else task
    recommended = options.get(key, {})
    merged = {**recommended, **given}
    return f"{name}:{','.join(f'{k}={v}' for k, v in merged.items())}" if merged else name


def load_restorer(name_or_path: str, device: str = "auto", precision: str = "fp32") -> Restorer:
    """Load a bundled restorer by name, or any imgrestore .safetensors file by path."""
    reference, options = catalog.split_options(name_or_path)
    path = catalog.resolve(reference)
    label = reference if catalog.is_named(path) else path.stem
    if options:
        label += ":" + ",".join(f"{k}={v}" for k, v in options.items())
    restorer = Restorer.from_file(path, resolve_device(device), precision, name=label, options=options)
    if restorer.spec.objective != "restore":
        raise UsageError(f"{name_or_path}: a '{restorer.spec.objective}' model ({restorer.spec.name}), not a restorer")
    return restorer


@functools.cache
def _bundled_photo_models(task: str) -> tuple[str, ...]:
    """The bundled photo models for ``task`` (read once: a batch may refuse every one of its files)."""
    return tuple(name for name in catalog.bundled_names()
                 if (meta := read_meta(catalog.resolve(name))).domain == "photo" and meta.task == task)


def check_domain(restorer: Restorer, pixels: np.ndarray) -> None:
    """Raise :class:`DomainMismatchError` (the file fails, the batch goes on) for a clear mismatch."""
    reason = domains.mismatch(restorer.meta.domain, pixels)
    if reason is None:
        return
    photo_models = _bundled_photo_models(restorer.meta.task)
    advice = (f"for photographs use {' or '.join(photo_models)}" if photo_models
              else f"imgrestore has no photo model for {restorer.meta.task} yet")
    raise DomainMismatchError(f"{restorer.name}: {reason}; {advice} (--allow-domain-mismatch runs it anyway)")


def is_gray_rgb(pixels: np.ndarray) -> bool:
    """True for an [H, W, 3] image whose three channels are identical (a gray photo saved as RGB)."""
    return pixels.shape[2] == 3 and domains.is_gray(pixels)


def _to_model_channels(pixels: np.ndarray, channels: int) -> list[torch.Tensor]:
    """Image [H, W, C] -> the [C', H, W] tensors the model takes (a gray model sees each colour plane).

    Views, not copies: the tiling engine copies one tile at a time, so a large photo is never
    held twice."""
    tensor = torch.from_numpy(pixels).permute(2, 0, 1)
    if tensor.shape[0] == channels:
        return [tensor]
    if channels == 3:  # gray image, colour model
        return [tensor.expand(3, -1, -1)]
    if is_gray_rgb(pixels):  # gray photo saved as RGB, gray model: restore the one plane once
        return [tensor[:1]]
    return [plane[None] for plane in tensor]  # colour image, gray model: one plane at a time


def _from_model_channels(parts: list[torch.Tensor], image_channels: int) -> np.ndarray:
    merged = parts[0] if len(parts) == 1 else torch.cat(parts, dim=0)
    if merged.shape[0] == 1 and image_channels == 3:  # the one plane of a gray photo saved as RGB
        merged = merged.expand(3, -1, -1)
    elif merged.shape[0] != image_channels:  # colour model output for a gray image
        merged = merged.mean(dim=0, keepdim=True)
    return np.ascontiguousarray(merged.numpy().transpose(1, 2, 0), dtype=np.float32)


def dihedral(pixels: np.ndarray, k: int) -> np.ndarray:
    """One of the 8 flips/rotations (k in 0..7) of an [H, W, C] image."""
    return np.ascontiguousarray(np.rot90(pixels[:, ::-1] if k >= 4 else pixels, k % 4))


def undo_dihedral(pixels: np.ndarray, k: int) -> np.ndarray:
    """The inverse of :func:`dihedral`."""
    back = np.rot90(pixels, -(k % 4))
    return np.ascontiguousarray(back[:, ::-1] if k >= 4 else back)


def enlarge(pixels: np.ndarray, scale: int) -> np.ndarray:
    """[H, W, C] pixels enlarged ``scale`` times with bicubic interpolation (``scale`` 1: unchanged)."""
    if scale == 1:
        return pixels
    height, width = pixels.shape[:2]
    out = cv2.resize(pixels, (width * scale, height * scale), interpolation=cv2.INTER_CUBIC)
    return np.clip(out.reshape(height * scale, width * scale, pixels.shape[2]), 0, 1).astype(np.float32)


def noise_levels(images: list[np.ndarray], restorer: Restorer, options: RestoreOptions,
                 estimates: list[float | None] | None = None) -> list[float] | None:
    """The sigma (0..255) each image is restored with: --sigma if given, else the blind estimate
    (:func:`model_sigma`, from the wavelet estimate the caller may already have in ``estimates``);
    None for models that take no noise level."""
    if not restorer.uses_noise_level:
        return None
    if options.sigma is not None:
        return [options.sigma] * len(images)
    known = estimates or [None] * len(images)
    return [model_sigma(img, restorer, options, blind_sigma(img) if estimate is None else estimate)
            for img, estimate in zip(images, known)]


def model_sigma(image: np.ndarray, restorer: Restorer, options: RestoreOptions, prior: float) -> float:
    """``--sigma auto``: the wavelet estimate ``prior``, checked by the model itself.

    The model restores a few smooth windows of the image at ``prior``; the noise it removed where its
    output is flat is the noise level (:func:`imgrestore.noise_level.residual_sigma`). Texture inflates
    the wavelet estimate but not that residual, so the smaller of the two is used
    (:func:`imgrestore.noise_level.checked_sigma`). Dark, blown-out or texture-filled images without flat
    mid-tones keep ``prior``, and so does strong noise, where texture barely moves the wavelet reading and
    no probe runs (:func:`imgrestore.noise_level.residual_weight`).
    The probe costs about 2 % of a camera photo's restoring time.
    """
    windows = [image[box] for box in probe_windows(image)] if residual_weight(prior) > 0 else []
    if not windows:
        return prior
    probe = replace(options, tta=False, sharpen=False, sigma=prior)
    restored = restore_pixels(windows, restorer, probe, [prior] * len(windows))
    return checked_sigma(prior, residual_sigma(windows, restored, prior))


def restore_pixels(images: list[np.ndarray], restorer: Restorer, options: RestoreOptions = RestoreOptions(),
                   levels: list[float] | None = None) -> list[np.ndarray]:
    """Restore float32 [H, W, C] 0..1 images with one restorer; tiles of all images share batches.
    ``levels``: per-image noise sigma for noise-level models (default: :func:`noise_levels`)."""
    if levels is None:
        levels = noise_levels(images, restorer, options)
    if options.tta:
        single = replace(options, tta=False, sharpen=False)
        runs = [[undo_dihedral(out, k) for out in restore_pixels([dihedral(img, k) for img in images], restorer,
                                                                 single, levels)] for k in range(8)]
        averaged = [np.mean(outs, axis=0).astype(np.float32) for outs in zip(*runs)]
        return [sharpen(out, options.sharpen_amount) if options.sharpen else out for out in averaged]
    pieces = [_to_model_channels(img, restorer.channels) for img in images]
    flat = [t for parts in pieces for t in parts]
    flat_levels = None if levels is None else [lvl for lvl, parts in zip(levels, pieces) for _ in parts]
    restored = restore_images(flat, restorer, tile=options.tile, overlap=options.overlap,
                              batch_size=options.batch_size or default_batch_size(restorer.device),
                              req=restorer.size_req, tiling=restorer.tiling, levels=flat_levels)
    outputs, start = [], 0
    for img, parts in zip(images, pieces):
        out = _from_model_channels(restored[start:start + len(parts)], img.shape[2])
        start += len(parts)
        if options.sharpen:
            out = sharpen(out, options.sharpen_amount)
        outputs.append(out)
    return outputs


@dataclass
class RestoreJob:
    """The folder engine's restoring job: tiles of a group of images share forward passes."""

    choice: ModelChoice
    options: RestoreOptions

    @property
    def group_limit(self) -> int:
        return self.options.batch_size or default_batch_size(resolve_device(self.choice.device))

    def cost(self, image) -> int:
        """Number of tiles ``image`` makes for its restorer; refuses an image clearly not of the model's domain."""
        restorer = self.choice.for_channels(self.choice.channels_for(image.pixels))
        if not self.options.allow_domain_mismatch:
            check_domain(restorer, image.pixels)
        tile = effective_tile(self.options.tile, restorer.size_req, restorer.tiling)
        scale = self.options.scale
        return len(tile_grid(image.height * scale, image.width * scale, tile, self.options.overlap))

    def process(self, group: list) -> list:
        outputs: list = [None] * len(group)
        by_model: dict[int, list[int]] = {}
        for index, loaded in enumerate(group):
            by_model.setdefault(self.choice.channels_for(loaded.image.pixels), []).append(index)
        for channels, index in by_model.items():
            restored = self._restore([group[i] for i in index], self.choice.for_channels(channels))
            for i, image in zip(index, restored):
                outputs[i] = image
        return outputs

    def _restore(self, group: list, restorer: Restorer) -> list:
        pixels = [enlarge(g.image.pixels, self.options.scale) for g in group]
        # the folder engine has already estimated each input's noise for the report: reuse it
        estimates = [g.result.noise_estimate for g in group] if self.options.scale == 1 else None
        levels = noise_levels(pixels, restorer, self.options, estimates)
        outputs = restore_pixels(pixels, restorer, self.options, levels)
        fixed = restorer.size_req.fixed
        for index, loaded in enumerate(group):
            loaded.result.model = restorer.name
            if levels is not None:
                loaded.result.noise_level = round(levels[index], 2)
            size = (loaded.image.height, loaded.image.width)
            if fixed is not None and size != fixed:  # the documented decision for fixed-size models
                loaded.result.notes.append(f"resized {size[1]}x{size[0]} to the model's {fixed[1]}x{fixed[0]} "
                                           "(area) and back (bicubic)")
        return [g.image.with_pixels(pixels) for g, pixels in zip(group, outputs)]
