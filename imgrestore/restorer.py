"""The Restorer: architecture + weights + metadata behind one call contract.

``restorer(x)`` takes a float tensor [B, C, H, W] in 0..1 of any size, pads (or resizes) to what
the architecture declares, runs in inference mode at the chosen precision, clamps to 0..1 and
returns the same shape. The CLI, evaluation, training-time validation and the Python API all go
through this class; training takes gradients through ``restorer.module``.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from imgrestore.architectures import ArchSpec, SizeRequirements, Tiling, get_arch
from imgrestore.devices import PRECISIONS, resolve_precision
from imgrestore.errors import ConfigTypeError, UsageError, WeightsError
from imgrestore.tasks import Task
from imgrestore.weights.fit import check_fits
from imgrestore.weights.format import WeightsMeta, read_meta, read_state_dict

JPEG_BLOCK_GRID = 16  # a 4:2:0 JPEG's minimum coded unit: 8 px luma blocks, chroma blocks over 16 px


def sigma_tensor(noise_level: float | torch.Tensor | None, batch: int, device: torch.device) -> torch.Tensor:
    """Noise level(s) on the 0..255 scale -> a [batch] float tensor on the 0..1 scale the modules take."""
    if noise_level is None:
        raise ValueError("this model takes a noise level: pass noise_level (sigma on the 0..255 scale)")
    level = torch.as_tensor(noise_level, dtype=torch.float32, device=device).reshape(-1)
    return (level.expand(batch) if level.numel() == 1 else level) / 255


_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _parse_bool(text: str) -> bool:
    """``bool("false")`` is True: an option's words are read instead."""
    try:
        return _BOOLS[text.strip().lower()]
    except KeyError:
        raise ValueError(text) from None


def with_runtime_options(spec: ArchSpec, config: Any, options: dict[str, str], source: str) -> Any:
    """``config`` with the given runtime options (strings from the command line) parsed and applied."""
    if not options:
        return config
    allowed = spec.runtime_options
    changes = {}
    for key, text in options.items():
        if key not in allowed:
            raise UsageError(f"{source}: '{spec.name}' takes no option '{key}'"
                             f" (options: {', '.join(allowed) or 'none'})")
        kind = type(getattr(config, key))
        try:
            changes[key] = _parse_bool(text) if kind is bool else kind(text)
        except ValueError:
            raise UsageError(f"{source}: option {key}={text} is not a {kind.__name__}") from None
    try:
        return dataclasses.replace(config, **changes)
    except ValueError as exc:
        raise UsageError(f"{source}: {exc}") from None


class Restorer:
    """A ready-to-run restorer; build it with :meth:`from_file` or :func:`imgrestore.load_restorer`."""

    def __init__(
        self,
        spec: ArchSpec,
        config: Any,
        module: nn.Module,
        meta: WeightsMeta,
        device: torch.device | str = "cpu",
        precision: str = "fp32",
        name: str = "",
    ) -> None:
        self.spec = spec
        self.config = config
        self.meta = meta
        self.name = name or spec.name
        self.device = torch.device(device)
        self.dtype = resolve_precision(precision, self.device, spec.dtypes, meta.precision_loss)
        self.module = module.to(self.device).eval()
        if self.device.type == "cpu":
            self.module = self.module.to(memory_format=torch.channels_last)
        self.prefilled = False  # inputs already hold the model's classical fill: see on_prefilled_input

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path, device: torch.device | str = "cpu", precision: str = "fp32",
                  name: str = "", options: dict[str, str] | None = None) -> Restorer:
        """Load a weights file written by :func:`imgrestore.weights.format.save`; ``options``
        override the config fields the architecture allows at run time (``runtime_options``)."""
        path = Path(path)
        meta = read_meta(path)
        spec = get_arch(meta.arch)
        try:
            stored = spec.make_config(meta.config)
        except ConfigTypeError as exc:
            raise WeightsError(f"{path}: {exc}") from None
        config = with_runtime_options(spec, stored, options or {}, str(path))
        module = spec.build(config)
        state = read_state_dict(path)
        check_fits(spec, module, state, str(path))
        module.load_state_dict(state)
        return cls(spec, config, module, meta, device, precision, name or path.stem)

    # -- declarations the engines read ---------------------------------------------------------
    @property
    def channels(self) -> int:
        return self.spec.channels(self.config)

    @property
    def size_req(self) -> SizeRequirements:
        return self.spec.size_req(self.config)

    @property
    def scale(self) -> int:
        """Output size over input size: 1 for restorers, 2 or 4 for super-resolution models."""
        return self.spec.scale(self.config)

    @property
    def tiling(self) -> Tiling:
        return self.spec.tiling(self.config)

    @property
    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.module.parameters())

    # -- the call contract -----------------------------------------------------------------------
    @property
    def uses_noise_level(self) -> bool:
        """True if the model must be told the noise sigma (noise-level map input)."""
        return self.spec.uses_noise_level(self.config)

    @property
    def task(self) -> Task:
        """What the model was trained for (its weights' metadata): a noise-level map holds the noise sigma for
        a denoiser and the JPEG compression level (:func:`imgrestore.jpeg_quality.compression_level`) for a
        dejpeg model."""
        return Task.parse(self.meta.task)

    @property
    def precision(self) -> str:
        """The precision the model runs in (what `--precision auto` chose): fp32, bf16 or fp16."""
        return next(name for name, dtype in PRECISIONS.items() if dtype == self.dtype)

    @property
    def overlap(self) -> int:
        """The overlap between tiles this model needs (input pixels) when the user gives none."""
        return self.spec.overlap(self.config)

    @property
    def tile_alignment(self) -> int:
        """Tiles start at multiples of this many pixels, so that each tile sees the periods the whole image
        has where the whole image has them: the model's size multiple (a U-Net that halves its input three
        times computes on an 8 px grid; a tile shifted off it gives other values, whatever the overlap) and,
        for a JPEG model, the 16 px block grid of 4:2:0 chroma."""
        multiple = self.size_req.multiple_of if self.tiling is Tiling.TILED else 1
        return math.lcm(multiple, JPEG_BLOCK_GRID) if self.task is Task.DEJPEG else multiple

    @property
    def uses_mask(self) -> bool:
        """True if the model takes the missing-pixel mask (1 = missing) as one more input channel."""
        return self.spec.uses_mask(self.config)

    @property
    def prefill_iterations(self) -> int | None:
        """For a mask-aware model that refines a classical fill (:func:`imgrestore.fills.smooth_fill`), that
        fill's smoothing iterations; None if it starts from none or its inputs already hold it."""
        return None if self.prefilled or not self.uses_mask else self.spec.prefill_iterations(self.config)

    def on_prefilled_input(self) -> Restorer:
        """This restorer (the same module and weights) for inputs whose missing pixels already hold its
        classical fill, computed on the whole image: the tiles of one image then all refine one fill."""
        view = copy.copy(self)
        view.prefilled = True
        return view

    @property
    def input_channels(self) -> int:
        """Channels of the input tensor: the image's, plus the mask's for a mask-aware model."""
        return self.channels + int(self.uses_mask)

    def __call__(self, x: torch.Tensor, noise_level: float | torch.Tensor | None = None) -> torch.Tensor:
        """Restore a batch [B, C, H, W] of 0..1 floats; returns [B, C, scale*H, scale*W], clamped to 0..1.

        ``noise_level``: the Gaussian sigma on the 0..255 scale, one number or one per image; needed
        by models that take a noise-level map, ignored by the others. A mask-aware model (``uses_mask``)
        takes the mask of missing pixels as channel C + 1."""
        if x.ndim != 4 or x.shape[1] != self.input_channels:
            raise ValueError(f"expected [B, {self.input_channels}, H, W], got {tuple(x.shape)}")
        height, width = x.shape[-2:]
        if self.device.type == "cuda" and x.device.type == "cpu":  # page-locked: the copy overlaps the GPU's work
            x = x.to(torch.float32).pin_memory().to(self.device, non_blocking=True)
        x = x.to(self.device, torch.float32)
        req = self.size_req
        if req.fixed is not None:
            x_in = F.interpolate(x, size=req.fixed, mode="area") if (height, width) != req.fixed else x
        else:
            ph, pw = req.padded(height, width)
            x_in = _reflect_pad(x, ph - height, pw - width)
        with torch.inference_mode():
            y = self.forward(x_in, noise_level)
            if req.fixed is not None and (height, width) != req.fixed:
                y = F.interpolate(y, size=(height, width), mode="bicubic", align_corners=False)
            return y[..., :height * self.scale, :width * self.scale].clamp(0, 1)

    def forward(self, x: torch.Tensor, noise_level: float | torch.Tensor | None = None) -> torch.Tensor:
        """Run the module at the chosen precision; no padding, no gradient bookkeeping."""
        if self.device.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)
        use_autocast = self.dtype != torch.float32
        with torch.autocast(self.device.type, dtype=self.dtype, enabled=use_autocast):
            if self.uses_noise_level:
                y = self.module(x, sigma_tensor(noise_level, x.shape[0], x.device))
            elif self.prefilled:
                y = self.module(x, prefilled=True)
            else:
                y = self.module(x)
        return y.float()

    def describe(self) -> dict[str, Any]:
        """Facts shown by `imgrestore models NAME` and `weights-tools inspect`."""
        return {
            "name": self.name,
            "arch": self.spec.name,
            "config": dataclasses.asdict(self.config),
            "parameters": self.parameter_count,
            "size_req": dataclasses.asdict(self.size_req),
            "tiling": self.tiling.value,
            "scale": self.scale,
        }


def _reflect_pad(x: torch.Tensor, pad_h: int, pad_w: int) -> torch.Tensor:
    """Pad bottom/right by mirroring; falls back to replicate when the image is too small to mirror."""
    if pad_h == 0 and pad_w == 0:
        return x
    mode = "reflect" if pad_h < x.shape[-2] and pad_w < x.shape[-1] else "replicate"
    return F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
