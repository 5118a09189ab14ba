"""One image path for every caller: pixels -> channel fit -> tiling engine -> Restorer -> post-filter.

The folder engine, the Python API and evaluation all restore pixels through
:func:`restore_pixels`, so there is one place where a gray image meets a colour model.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import torch

from imgrestore import domains
from imgrestore.architectures import get_arch
from imgrestore.devices import resolve_device
from imgrestore.errors import DomainMismatchError, UsageError
from imgrestore.fills import prefill
from imgrestore.io.rows import RowWindow
from imgrestore.io.samples import quantize, unit_float
from imgrestore.jpeg_quality import compression_level
from imgrestore.noise_level import (
    blind_sigma,
    checked_sigma,
    probe_windows,
    residual_sigma,
    residual_weight,
)
from imgrestore.postfilter import sharpen
from imgrestore.restorer import Restorer
from imgrestore.sizes import passes_for
from imgrestore.tasks import Task
from imgrestore.tiling import RowSink, effective_tile, restore_images, tile_grid, unit_tile
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta


@dataclass(frozen=True)
class RestoreOptions:
    """How to run a restorer over images (the CLI's tiling and post-filter flags)."""

    tile: int = 512
    overlap: int | None = None  # input pixels between tiles; None: the model's own (Restorer.overlap)
    batch_size: int | None = None  # tiles per forward pass; None: :func:`default_batch_size` of the device
    sharpen: bool = False
    sharpen_amount: float = 1.0
    sigma: float | None = None  # noise level (0..255) for noise-level models; None = estimate per image
    scale: int = 1  # enlarge each image this many times (`upscale`; 1: an upscaler's own scale, see upscale_plan)
    tta: bool = False  # self-ensemble: average the results of the 8 flips/rotations (8x the time)
    allow_domain_mismatch: bool = False  # run a model on images clearly not of its domain (digits model, photo)
    restore_first: str | None = None  # `upscale --restore-first`: this restorer cleans each image before it is enlarged
    quality: int | None = None  # `dejpeg --quality`: the JPEG quality every image is restored for; None: its file's


@dataclass
class ModelSelector:
    """What ``-m`` names, resolved per image: one model for every image, or with 'auto' the bundled default
    for each image. Restorers are loaded on first use and kept."""

    name: str = catalog.AUTO
    device: str = "auto"
    precision: str = "auto"
    task: Task = Task.DENOISE  # what 'auto' picks for: the denoisers, the upscalers at ``scale`` or the inpainters
    scale: int = 1
    prior: bool = False  # 'auto' is a plug-and-play solver's prior: the fast denoisers (catalog.PRIORS)
    _loaded: dict[str, Restorer] = field(default_factory=dict, repr=False)

    def name_for(self, pixels: np.ndarray) -> str:
        """The model that restores ``pixels`` [H, W, C]. With 'auto', a gray photo stored as RGB (three
        identical channels) goes to the gray denoiser: its noise is the same in every channel, which the
        colour model never saw in training (measured 4 dB worse than the gray model on the gray val images).
        Upscaling or inpainting, a small gray image whose result fits a digit model (at most 112 px) is a digit."""
        if self.name != catalog.AUTO:
            return self.name
        return self.name_for_layout(max(pixels.shape[:2]), pixels.shape[2], domains.is_gray(pixels))

    def name_for_layout(self, longest_side: int, channels: int, gray: bool) -> str:
        """:meth:`name_for` from what it looks at: the longest side, the channels and whether the image is gray
        (one channel or three identical), so that an image read a band at a time is told apart as well."""
        if self.name != catalog.AUTO:
            return self.name
        small_gray = longest_side * self.scale <= domains.DOMAINS["digits"].max_side and gray
        planes = 1 if gray else channels  # a gray photo stored as RGB is a gray photo
        if self.task is Task.UPSCALE:
            return catalog.default_upscaler("digits" if small_gray else "photo", self.scale)
        if self.task is Task.INPAINT:
            return catalog.default_inpainter("digits" if small_gray else "photo")
        if self.task is Task.DEJPEG:
            return catalog.default_dejpegger(planes)
        return catalog.default_for(planes, prior=self.prior)

    def __getstate__(self) -> dict:
        """Pickled (a Ray worker's constructor argument) without the loaded models: each copy loads its own."""
        return {**self.__dict__, "_loaded": {}}

    def restorer_for(self, pixels: np.ndarray) -> Restorer:
        return self.load(self.name_for(pixels))

    def load(self, name: str) -> Restorer:
        if name not in self._loaded:
            self._loaded[name] = load_restorer(name, self.device, self.precision)
        return self._loaded[name]


def tiles_per_pass(options: RestoreOptions, device: str) -> int:
    """Tiles per forward pass: ``--batch-size``, else :func:`default_batch_size` of the device."""
    return options.batch_size or default_batch_size(resolve_device(device))


PASS_PIXELS = 512 * 512  # what one tile of the default batch holds: smaller tiles share it by area


def tile_overlap(options: RestoreOptions, restorer: Restorer, tile: int) -> int:
    """The overlap of ``tile`` px tiles: --overlap if given, else the model's own, kept below a quarter of a
    small tile (the model's context then matters less than a tile that still advances)."""
    if options.overlap is not None:
        return options.overlap
    return min(restorer.overlap, tile // 4) if tile > 0 else restorer.overlap


def tile_count(restorer: Restorer, height: int, width: int, options: RestoreOptions) -> float:
    """What one pass of ``restorer`` over a ``height`` x ``width`` image costs a folder job's group, in
    tiles. With ``--batch-size`` a tile is a tile; by default tiles count by their area in 512 px tiles, so
    small images share a forward pass (a 28x28 digit is 1/334 of one): the folder engine hands an iterative
    solver its digits in large batches, as a benchmark would."""
    tile = effective_tile(options.tile, restorer.size_req, restorer.tiling)
    boxes = tile_grid(height, width, tile, tile_overlap(options, restorer, tile), align=restorer.tile_alignment,
                      multiple=restorer.size_req.multiple_of)
    if options.batch_size is not None:
        return len(boxes)
    fixed = restorer.size_req.fixed  # a fixed-size model sees its own size, whatever the file's
    return sum((fixed[0] * fixed[1]) if fixed else box.shape[0] * box.shape[1] for box in boxes) / PASS_PIXELS


def default_batch_size(device: torch.device) -> int:
    """Tiles per forward pass when the user names none: 1 on a CPU, 4 on a GPU (before
    :func:`batch_for_memory` sizes it from the free memory).

    On a CPU a bigger batch buys no throughput (one 512 px tile already fills the cores; measured
    15-40 % slower at 4) and multiplies the activation memory; a GPU needs the parallel work.
    """
    return 1 if device.type == "cpu" else 4


GPU_MEMORY_SHARE = 0.6  # of the free device memory a batch may take: the rest for the allocator and the blend
MAX_GPU_BATCH = 32


def batch_for_memory(free_bytes: int, bytes_per_tile: int, ceiling: int = MAX_GPU_BATCH) -> int:
    """Tiles a pass may hold on a device with ``free_bytes`` free, a tile taking ``bytes_per_tile`` at its peak
    (measured by :func:`measured_batch`): at least 1, at most ``ceiling``."""
    if bytes_per_tile <= 0:
        return ceiling
    return max(1, min(ceiling, int(free_bytes * GPU_MEMORY_SHARE) // bytes_per_tile))


def measured_batch(restorer: Restorer, tile: torch.Tensor, level: float | None) -> int:
    """On a CUDA device: one tile's peak memory, measured by restoring it, turned into a batch size for the
    memory that is free now (:func:`batch_for_memory`)."""
    device = restorer.device
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    restorer(tile[None], level)
    per_tile = torch.cuda.max_memory_allocated(device) - before
    free, _ = torch.cuda.mem_get_info(device)
    return batch_for_memory(free, per_tile)


def with_task_options(reference: str, task: str) -> str:
    """``reference`` with the runtime options its weights recommend for ``task`` (``task_options`` in the
    metadata, e.g. the generative encoder's tuned solver settings; key ``TASK:METHOD`` when the user
    picks another ``method=``); options the user gave win."""
    ref = catalog.ModelRef.parse(reference)
    if not task or reference == catalog.AUTO or catalog.is_foreign(ref.name):  # a .pth carries no task options
        return reference
    given = ref.settings
    options = read_meta(catalog.resolve(ref.name)).task_options
    key = f"{task}:{given['method']}" if "method" in given and f"{task}:{given['method']}" in options else task
    return str(ref.with_settings({**options.get(key, {}), **given}))


def _foreign_restorer(path: Path, device: str, precision: str) -> Restorer:
    """A community ``.pth`` whose architecture its tensors give away, converted in memory (nothing written)."""
    from imgrestore.weights.convert import load_foreign

    module, config, meta = load_foreign(path)
    return Restorer(get_arch(meta.arch), config, module, meta, resolve_device(device), precision, path.stem)


def load_restorer(name_or_path: str, device: str = "auto", precision: str = "auto") -> Restorer:
    """Load a bundled restorer by name, any imgrestore .safetensors file by path, or a community ``.pth``
    upscaler (Real-ESRGAN's RRDBNet and SRVGGNetCompact files), converted in memory as `weights-tools convert`
    would."""
    ref = catalog.ModelRef.parse(name_or_path)
    if catalog.is_foreign(ref.name):
        restorer = _foreign_restorer(Path(ref.name).expanduser(), device, precision)
    else:
        path = catalog.resolve(ref.name)
        label = str(catalog.ModelRef(ref.name if catalog.is_named(path) else path.stem, ref.options))
        restorer = Restorer.from_file(path, resolve_device(device), precision, name=label, options=ref.settings)
    if not restorer.spec.task.restores:
        raise UsageError(f"{name_or_path}: a '{restorer.spec.task.value}' model ({restorer.spec.name}), not a restorer")
    return restorer


@functools.cache
def _bundled_photo_models(task: Task) -> tuple[str, ...]:
    """The bundled photo models for ``task`` (read once: a batch may refuse every one of its files)."""
    return tuple(name for name in catalog.bundled_names()
                 if (meta := read_meta(catalog.resolve(name))).domain == "photo" and Task.parse(meta.task) is task)


def check_domain(restorer: Restorer, pixels: np.ndarray) -> None:
    """Raise :class:`DomainMismatchError` (the file fails, the batch goes on) for a clear mismatch."""
    reason = domains.mismatch(restorer.meta.domain, pixels)
    if reason is None:
        return
    task = Task.parse(restorer.meta.task)
    photo_models = _bundled_photo_models(task)
    advice = (f"for photographs use {' or '.join(photo_models)}" if photo_models
              else f"imgrestore has no photo model for {task.value} yet")
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
    return np.ascontiguousarray(merged.numpy().transpose(1, 2, 0))  # float32, or samples quantized already


def dihedral(pixels: np.ndarray, k: int) -> np.ndarray:
    """One of the 8 flips/rotations (k in 0..7) of an [H, W, C] image."""
    return np.ascontiguousarray(np.rot90(pixels[:, ::-1] if k >= 4 else pixels, k % 4))


def _pad_to_multiple(pixels: np.ndarray, multiple: int) -> np.ndarray:
    """[H, W, C] pixels mirrored at the bottom and right to sides that are multiples of ``multiple``: a JPEG
    model's 8/16 px block grid, counted from the top-left corner, then stays on the grid when flipped."""
    height, width = pixels.shape[:2]
    pad = ((0, -height % multiple), (0, -width % multiple), (0, 0))
    if pad[0][1] == pad[1][1] == 0:
        return pixels
    return np.pad(pixels, pad, mode="reflect")


def undo_dihedral(pixels: np.ndarray, k: int) -> np.ndarray:
    """The inverse of :func:`dihedral`."""
    back = np.rot90(pixels, -(k % 4))
    return np.ascontiguousarray(back[:, ::-1] if k >= 4 else back)


def upscale_plan(restorer: Restorer, scale: int) -> tuple[int, int]:
    """How ``restorer`` enlarges images ``scale`` times: (bicubic factor before it, passes of it).

    A restorer that keeps the size (ResGAN's coarse digits) gets its input enlarged with bicubic
    interpolation first; a super-resolution model runs as many times as its own scale needs (x4 = two
    passes of a x2 model). ``scale`` 1 means no enlargement beyond the model's own."""
    own = restorer.scale
    if own == 1:
        return scale, 1
    passes = passes_for(max(scale, own), own)
    if passes is None:
        raise UsageError(f"{restorer.name} enlarges x{own}: --scale {scale} is not a power of {own}")
    return 1, passes


def enlarge(pixels: np.ndarray, scale: int) -> np.ndarray:
    """[H, W, C] pixels enlarged ``scale`` times with bicubic interpolation (``scale`` 1: unchanged)."""
    if scale == 1:
        return pixels
    pixels = unit_float(pixels)
    height, width = pixels.shape[:2]
    out = cv2.resize(pixels, (width * scale, height * scale), interpolation=cv2.INTER_CUBIC)
    return np.clip(out.reshape(height * scale, width * scale, pixels.shape[2]), 0, 1).astype(np.float32)


def noise_levels(images: list[np.ndarray], restorer: Restorer, options: RestoreOptions,
                 estimates: list[float | None] | None = None) -> list[float] | None:
    """The sigma (0..255) each image is restored with: --sigma if given, else the blind estimate
    (:func:`model_sigma`, from the wavelet estimate the caller may already have in ``estimates``);
    None for models that take no noise level. A JPEG model is told the compression level of --quality:
    pixels alone do not carry their file's quality (the folder job reads it from each file)."""
    if not restorer.uses_noise_level:
        return None
    if restorer.task is Task.DEJPEG:
        if options.quality is None:
            raise UsageError(f"{restorer.name} removes JPEG artifacts of a known quality: give --quality N "
                             "(the folder commands read it from each JPEG file)")
        return [compression_level(options.quality)] * len(images)
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
    return checked_by_model(windows, restorer, options, prior)


def checked_by_model(windows: list[np.ndarray], restorer: Restorer, options: RestoreOptions, prior: float) -> float:
    """:func:`model_sigma` given the image's probe windows (:func:`imgrestore.noise_level.probe_windows`)."""
    windows = [unit_float(window) for window in windows] if residual_weight(prior) > 0 else []
    if not windows:
        return prior
    probe = replace(options, tta=False, sharpen=False, sigma=prior)
    restored = restore_pixels(windows, restorer, probe, [prior] * len(windows))
    return checked_sigma(prior, residual_sigma(windows, restored, prior, restorer.meta.residual_reads))


SMALLEST_RETRY_TILE = 64  # out of memory with one tile of this size a pass: the file fails


def restore_tiles(images: list[torch.Tensor], restorer: Restorer, options: RestoreOptions,
                  levels: list[float] | None, notes: list[str] | None = None,
                  depths: list[int | None] | None = None) -> list[torch.Tensor]:
    """One pass of the tiling engine over [C, H, W] images (``depths``: see :func:`restore_images`). When the
    device runs out of memory, the batch is halved, then the tile, and the pass tried again (each retry noted
    in ``notes``); below a :data:`SMALLEST_RETRY_TILE` tile, one at a time, the error stands and the file fails."""
    batch, by_area = _pass_batch(images, restorer, options, levels)
    tile = options.tile
    overlap = tile_overlap(options, restorer, effective_tile(tile, restorer.size_req, restorer.tiling))
    while True:
        try:
            return restore_images(images, restorer, tile=tile, overlap=overlap, batch_size=batch,
                                  req=restorer.size_req, tiling=restorer.tiling, levels=levels,
                                  scale=restorer.scale, align=restorer.tile_alignment,
                                  batch_pixels=batch * PASS_PIXELS if by_area else 0, depths=depths)
        except torch.cuda.OutOfMemoryError:
            if restorer.device.type == "cuda":
                torch.cuda.empty_cache()
            if batch > 1:
                batch //= 2
            else:
                largest = max(max(image.shape[-2:]) for image in images)
                smaller = (min(tile, largest) if tile > 0 else largest) // 2
                if smaller < SMALLEST_RETRY_TILE:
                    raise
                tile, overlap = smaller, min(overlap, smaller // 4)
            if notes is not None:
                notes.append(f"out of {restorer.device.type} memory: retried with {batch} tile(s) of {tile} px a pass")


def _pass_batch(images: list, restorer: Restorer, options: RestoreOptions,
                levels: list[float] | None) -> tuple[int, bool]:
    """Tiles a pass (``--batch-size``, else the device's default, measured on a GPU) and whether the default,
    which holds small tiles by area (:func:`tile_count`), applies."""
    batch = options.batch_size or default_batch_size(restorer.device)
    by_area = options.batch_size is None
    if by_area and restorer.device.type == "cuda" and images:
        first = unit_tile(images[0][:, :options.tile or None, :options.tile or None])  # one tile's worth (0: whole)
        batch = measured_batch(restorer, first, levels[0] if levels else None)
    return batch, by_area


def restore_rows(window: RowWindow, restorer: Restorer, options: RestoreOptions, level: float | None, depth: int,
                 sink: RowSink) -> None:
    """Restore an image read a band at a time (:class:`imgrestore.io.rows.RowWindow`), handing its finished
    rows, quantized to ``depth`` bits, to ``sink`` top to bottom: the one pass of :func:`restore_tiles` (the
    same tiles and blending; batches never span two rows of tiles), for a denoiser whose output is final, without
    the out-of-memory retry (the rows read are gone)."""
    levels = None if level is None else [level]
    batch, by_area = _pass_batch([window], restorer, options, levels)
    overlap = tile_overlap(options, restorer, effective_tile(options.tile, restorer.size_req, restorer.tiling))
    restore_images([window], restorer, tile=options.tile, overlap=overlap, batch_size=batch, req=restorer.size_req,
                   tiling=restorer.tiling, levels=levels, scale=restorer.scale, align=restorer.tile_alignment,
                   batch_pixels=batch * PASS_PIXELS if by_area else 0, depths=[depth], sinks=[sink])


def prefilled(restorer: Restorer, inputs: list[torch.Tensor]) -> tuple[list[torch.Tensor], Restorer]:
    """[C + 1, H, W] image-and-mask inputs with the classical fill the model refines computed on each whole
    image (on the model's device) before the tiling engine cuts them, and the restorer that expects that;
    both as given for a model that refines no fill."""
    iterations = restorer.prefill_iterations
    if iterations is None:
        return inputs, restorer
    device = restorer.device
    filled = [torch.cat([prefill(x[None, :-1].to(device), x[None, -1:].to(device), iterations)[0].cpu(), x[-1:]])
              for x in inputs]
    return filled, restorer.on_prefilled_input()


def restore_pixels(images: list[np.ndarray], restorer: Restorer, options: RestoreOptions = RestoreOptions(),
                   levels: list[float] | None = None, masks: list[np.ndarray] | None = None,
                   notes: list[str] | None = None, depths: list[int | None] | None = None) -> list[np.ndarray]:
    """Restore [H, W, C] images (float32 0..1, or 8/16-bit samples) with one restorer; tiles of all images
    share batches.
    ``levels``: per-image noise sigma for noise-level models (default: :func:`noise_levels`);
    ``masks``: per-image [H, W] missing-pixel masks (1 = missing) for mask-aware models, which need them;
    ``notes`` collects what had to change on the way (an out-of-memory retry, :func:`restore_tiles`);
    ``depths``: per image, the bits (8/16) its output is quantized to, the samples the writer would make of
    the float result, byte for byte, or None for float32 (the default for every image). Where the tiling
    engine's output is final (:func:`_quantizes_as_it_goes`) it quantizes a finished stripe at a time, so
    no float32 copy of the whole image is ever made."""
    if restorer.uses_mask and (masks is None or len(masks) != len(images)):
        raise ValueError(f"{restorer.name} fills masked pixels: pass one mask per image")
    depths = depths or [None] * len(images)
    if restorer.uses_mask:  # the mask joins the pixels as one float input
        images = [unit_float(img) for img in images]
    if levels is None:
        levels = noise_levels(images, restorer, options)
    if options.tta:
        outputs = _self_ensemble(images, restorer, options, levels, masks, notes)
        return [out if depth is None else quantize(out, depth) for out, depth in zip(outputs, depths)]
    pieces = [_to_model_channels(img, restorer.channels) for img in images]
    if restorer.uses_mask:
        pieces = [[torch.cat([part, torch.from_numpy(np.asarray(mask, np.float32))[None]]) for part in parts]
                  for parts, mask in zip(pieces, masks)]
    restored = [t for parts in pieces for t in parts]
    # a mask-aware model's classical fill on the whole image, so that no tile border cuts a hole
    restored, restorer = prefilled(restorer, restored)
    flat_levels = None if levels is None else [lvl for lvl, parts in zip(levels, pieces) for _ in parts]
    early = [depth if _quantizes_as_it_goes(img, restorer, options) else None for img, depth in zip(images, depths)]
    passes = upscale_plan(restorer, options.scale)[1]
    for done in range(1, passes + 1):
        last = [depth for depth, parts in zip(early, pieces) for _ in parts] if done == passes else None
        restored = restore_tiles(restored, restorer, options, flat_levels, notes, last)
    outputs, start = [], 0
    for img, parts, depth in zip(images, pieces, depths):
        out = _from_model_channels(restored[start:start + len(parts)], img.shape[2])
        start += len(parts)
        if options.sharpen:
            out = sharpen(out, options.sharpen_amount)
        outputs.append(out if depth is None else quantize(out, depth))  # as it is if quantized already
    return outputs


def _self_ensemble(images: list[np.ndarray], restorer: Restorer, options: RestoreOptions, levels: list[float] | None,
                   masks: list[np.ndarray] | None, notes: list[str] | None) -> list[np.ndarray]:
    """``--tta``: the float32 mean of the restorations of the 8 flips/rotations of each image, sharpened after."""
    single = replace(options, tta=False, sharpen=False)
    align = restorer.tile_alignment
    grid = [_pad_to_multiple(img, align) for img in images]
    grid_masks = None if masks is None else [_pad_to_multiple(m[..., None], align) for m in masks]
    runs = [[undo_dihedral(out, k) for out in restore_pixels(
                [dihedral(img, k) for img in grid], restorer, single, levels,
                None if grid_masks is None else [dihedral(m, k)[..., 0] for m in grid_masks], notes)]
            for k in range(8)]
    averaged = [np.mean(outs, axis=0).astype(np.float32) for outs in zip(*runs)]
    if align > 1:  # crop the padding's share of the output (an upscaler's is larger) back off
        averaged = [out[:img.shape[0] * out.shape[0] // g.shape[0], :img.shape[1] * out.shape[1] // g.shape[1]]
                    for out, img, g in zip(averaged, images, grid)]
    return [sharpen(out, options.sharpen_amount) if options.sharpen else out for out in averaged]


def _quantizes_as_it_goes(image: np.ndarray, restorer: Restorer, options: RestoreOptions) -> bool:
    """Whether the tiling engine's output of ``image`` is its final pixels: the image's own channels in and out
    (a gray photo saved as RGB, for one, is restored as one plane and widened after) and nothing after the
    pass (no sharpening; the self-ensemble averages float results)."""
    return not options.tta and not options.sharpen and restorer.channels == image.shape[2]
