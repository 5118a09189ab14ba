"""The tiling engine: split images into overlapping tiles, batch them, blend them back.

Peak memory is set by ``tile`` and ``batch_size``, never by the image size: the model only ever
sees a batch of tiles. Tiles are blended with a feathered weight (a linear ramp across the overlap),
so tile borders, where a convolution sees padding instead of neighbours, count for nothing and no
seam shows: with an overlap of at least four times a model's receptive-field radius the tiled
result equals the whole-image one. The engine knows nothing about architectures: it takes a callable and a
:class:`SizeRequirements` plus the model's :class:`Tiling` declaration.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from imgrestore.io.samples import quantize, sample_dtype
from imgrestore.sizes import SizeRequirements, Tiling

BatchFn = Callable[..., torch.Tensor]  # fn(tiles) or fn(tiles, levels)
RowSink = Callable[[int, np.ndarray], None]  # sink(first row, [rows, W, C] samples): finished rows, top to bottom


@dataclass(frozen=True)
class TileBox:
    """One tile of one image: rows y0..y1 and columns x0..x1 (end exclusive)."""

    image: int
    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.y1 - self.y0, self.x1 - self.x0


def _spans_of_size(length: int, tile: int, overlap: int, align: int) -> list[tuple[int, int]]:
    """(start, end) of ``tile`` px tiles covering ``length``, each starting at a multiple of ``align``; the
    last tile is shifted inward to stay full size, and with ``align`` > 1 grows by less than ``align`` to
    reach the end instead."""
    stride = max(align, (tile - overlap) // align * align)
    starts = list(range(0, length - tile, stride))
    last = (length - tile) // align * align
    if last > starts[-1]:
        starts.append(last)
    return [(start, start + tile) for start in starts[:-1]] + [(starts[-1], length)]


def _spans(length: int, tile: int, overlap: int, align: int = 1, multiple: int = 1) -> list[tuple[int, int]]:
    """(start, end) of the tiles covering ``length``: as few as ``tile`` px tiles need, each as small as
    that count allows (a multiple of ``multiple``, the model's size rule, and of ``align``, the grid every
    tile starts on).

    ``tile`` bounds memory; it is not a size to fill. Three 512 px tiles with a 64 px overlap would
    compute a 1024 px side 1.5 times over, three 384 px tiles 1.1 times: the same count of smaller
    tiles gives the same result within the tiling's 1/255 for 56 % of the work. ``align``: a period
    the model's input has, e.g. a JPEG's 16 px blocks of chroma, which a tile must see where the whole
    image has it."""
    if length <= tile:
        return [(0, length)]
    count = len(_spans_of_size(length, tile, overlap, align))
    step = math.lcm(align, multiple)
    smallest = -(-(length + (count - 1) * overlap) // count)
    for size in range(-(-smallest // step) * step, tile, step):
        spans = _spans_of_size(length, size, overlap, align)
        if len(spans) <= count:
            return spans
    return _spans_of_size(length, tile, overlap, align)


def tile_grid(height: int, width: int, tile: int, overlap: int, image: int = 0, align: int = 1,
              multiple: int = 1) -> list[TileBox]:
    """All tiles of one image (:func:`_spans`); ``tile <= 0`` means one tile for the whole image."""
    if tile <= 0:
        return [TileBox(image, 0, height, 0, width)]
    th, tw = min(tile, height), min(tile, width)
    return [
        TileBox(image, y0, y1, x0, x1)
        for y0, y1 in _spans(height, th, overlap, align, multiple)
        for x0, x1 in _spans(width, tw, overlap, align, multiple)
    ]


def _ramp(length: int, overlap: int, feather_start: bool = True, feather_end: bool = True) -> torch.Tensor:
    """1-D blending weight of a tile: ~0 in the outer quarter of the overlap, a linear rise across
    its middle half, 1 inside; an end on the image border is not feathered.

    A convolution near a tile edge sees padding instead of the neighbouring pixels; giving that
    outer band (nearly) no weight lets the neighbouring tile, which sees real context there,
    decide those pixels, so the tiled result matches the whole-image one. At the image border there
    is no neighbour to take over: there the tile sees what the whole image sees, and a ramp would only
    hand those pixels to an overlapping tile's own feathered edge. The weight never reaches 0, so every
    pixel is defined.
    """
    if overlap <= 0:
        return torch.ones(length)
    index = torch.arange(length, dtype=torch.float32)
    far = torch.full_like(index, float(length + overlap))  # beyond any ramp
    distance = torch.minimum(index + 0.5 if feather_start else far,
                             length - 1 - index + 0.5 if feather_end else far)
    return ((distance - overlap / 4) / (overlap / 2)).clamp(min=1e-3, max=1.0)


def _span_weight(span: tuple[int, int], length: int, overlap: int) -> torch.Tensor:
    """The ramp of a tile covering ``span`` of an axis ``length`` pixels long."""
    start, end = span
    return _ramp(end - start, overlap, feather_start=start > 0, feather_end=end < length)


def feather_weight(rows: tuple[int, int], cols: tuple[int, int], size: tuple[int, int], overlap: int) -> torch.Tensor:
    """2-D blending weight [H, W] of the tile covering ``rows`` x ``cols`` of an image of ``size``."""
    return _span_weight(rows, size[0], overlap)[:, None] * _span_weight(cols, size[1], overlap)[None, :]


def _coverage(spans: Iterable[tuple[int, int]], length: int, overlap: int) -> torch.Tensor:
    """Summed 1-D blending weight of the tiles at ``spans`` along an axis of ``length`` pixels.

    Tiles form a grid and each tile's weight is a product of two ramps, so the summed 2-D weight
    is the outer product of the two axes' sums: no image-sized weight map is ever allocated.
    """
    total = torch.zeros(length)
    for start, end in spans:
        total[start:end] += _span_weight((start, end), length, overlap)
    return total


def effective_tile(tile: int, req: SizeRequirements, tiling: Tiling) -> int:
    """The tile size the model accepts: rounded up to its multiple; 0 (whole image) if it must not be tiled."""
    if tiling is not Tiling.TILED or tile <= 0:
        return 0
    tile = max(tile, req.minimum)
    return -(-tile // req.multiple_of) * req.multiple_of


def unit_tile(samples: torch.Tensor) -> torch.Tensor:
    """A tile of 8/16-bit samples as float32 0..1 (float tiles as they are): the values a whole-image
    conversion gives, one tile at a time."""
    if samples.dtype == torch.uint8:
        return samples.to(torch.float32) / 255
    if samples.dtype == torch.uint16:
        return samples.to(torch.float32) / 65535
    return samples


class _Canvas:
    """One image's output, blended a stripe of rows at a time.

    Stripe k runs from the k-th row of tiles' first row to the next one's: once the tiles of rows 0..k are
    all in, nothing adds to stripe k again, so it is divided by the summed blending weight and finished. A
    float output accumulates in place; a quantized one (``depth`` 8 or 16) keeps only its unfinished
    stripes as float and writes each finished one as samples, so an image is never held as float32 whole;
    with a ``sink`` it hands each finished stripe's samples on instead, so the output is never held at all.
    """

    def __init__(self, boxes: list[TileBox], size: tuple[int, int], scale: int, overlap: int, depth: int | None,
                 sink: RowSink | None = None):
        if sink is not None and depth is None:
            raise ValueError("a row sink takes quantized samples: give the image's depth")
        self.size, self.scale, self.overlap, self.depth, self.sink = size, scale, overlap, depth, sink
        self.starts = sorted({box.y0 * scale for box in boxes})
        self.row_of = {start: k for k, start in enumerate(self.starts)}
        self.bounds = [*self.starts[1:], size[0]]
        self.remaining = [0] * len(self.starts)
        for box in boxes:
            self.remaining[self.row_of[box.y0 * scale]] += 1
        self.row_weight = _coverage({(b.y0 * scale, b.y1 * scale) for b in boxes}, size[0], overlap)
        self.col_weight = _coverage({(b.x0 * scale, b.x1 * scale) for b in boxes}, size[1], overlap)
        self.stripes: dict[int, torch.Tensor] = {}
        self.finished = 0  # stripes 0..finished-1 are written
        self.output: torch.Tensor | None = None  # [C, H, W] view of [H, W, C] storage
        self.samples: np.ndarray | None = None  # the quantized output's storage

    def _allocate(self, channels: int) -> None:
        height, width = self.size
        if self.depth is None:
            self.output = torch.zeros((height, width, channels), dtype=torch.float32).permute(2, 0, 1)
        else:
            self.samples = np.zeros((height, width, channels), sample_dtype(self.depth))
            self.output = torch.from_numpy(self.samples).permute(2, 0, 1)

    def _stripe(self, k: int, channels: int) -> torch.Tensor:
        if k not in self.stripes:
            if self.output is None and self.sink is None:  # the output's channels are the model's: allocated
                # at its first tile
                self._allocate(channels)
            start, end = self.starts[k], self.bounds[k]
            self.stripes[k] = (self.output[:, start:end] if self.depth is None else
                               torch.zeros((end - start, self.size[1], channels)).permute(2, 0, 1))
        return self.stripes[k]

    def add(self, box: TileBox, out: torch.Tensor) -> None:
        """Blend one restored tile in, then finish every stripe no tile will touch again."""
        rows, cols = (box.y0 * self.scale, box.y1 * self.scale), (box.x0 * self.scale, box.x1 * self.scale)
        weight = feather_weight(rows, cols, self.size, self.overlap)
        first = self.row_of[rows[0]]
        for k in range(first, len(self.starts)):
            start, end = self.starts[k], self.bounds[k]
            if start >= rows[1]:
                break
            top, bottom = max(start, rows[0]), min(end, rows[1])
            stripe = self._stripe(k, out.shape[0])
            piece = slice(top - rows[0], bottom - rows[0])
            stripe[:, top - start:bottom - start, cols[0]:cols[1]].addcmul_(out[:, piece], weight[piece])
        self.remaining[first] -= 1
        while self.finished < len(self.starts) and self.remaining[self.finished] == 0:
            self._finish(self.finished)
            self.finished += 1

    def _finish(self, k: int) -> None:
        stripe = self.stripes.pop(k)
        start, end = self.starts[k], self.bounds[k]
        stripe.div_(self.row_weight[start:end][None, :, None])
        stripe.div_(self.col_weight[None, None, :])
        if self.sink is not None:
            self.sink(start, quantize(stripe.permute(1, 2, 0).numpy(), self.depth))
        elif self.samples is not None:
            quantize(stripe.permute(1, 2, 0).numpy(), self.depth, out=self.samples[start:end])


def restore_images(
    images: list[torch.Tensor],
    fn: BatchFn,
    *,
    tile: int = 512,
    overlap: int = 32,
    batch_size: int = 1,
    req: SizeRequirements = SizeRequirements(),
    tiling: Tiling = Tiling.TILED,
    levels: list[float] | None = None,
    scale: int = 1,
    align: int = 1,
    batch_pixels: int = 0,
    depths: Sequence[int | None] | None = None,
    sinks: Sequence[RowSink | None] | None = None,
) -> list[torch.Tensor | None]:
    """Restore several [C, H, W] images with ``fn`` on batches of same-shape tiles.

    Tiles of different images share batches, so many small images fill a batch as well as one
    large image does. ``fn`` receives [B, C, h, w] and must return [B, C', scale*h, scale*w] (a
    super-resolution model's ``scale``; C' may differ from C); tiles are cut with ``overlap`` in input
    pixels and blended in output space, where every box, ramp and overlap is ``scale`` times larger. With ``levels``
    (one noise level per image) it is called ``fn(tiles, tile_levels)`` with a [B] tensor. Tiles start at
    multiples of ``align`` input pixels (:func:`_spans`). With ``batch_pixels``, a batch of small tiles may
    hold more than ``batch_size`` of them, up to that many pixels.
    Inputs may be strided views (e.g. a permuted [H, W, C] array) of float 0..1 pixels or of 8/16-bit
    samples: only one batch of tiles is copied (and made float) at a time. Outputs are [C, H, W] views of
    [H, W, C] storage, so turning them back into an image array costs no copy: float32, or with ``depths``
    (one per image, None for float) 8/16-bit samples quantized a finished stripe of rows at a time.

    Streaming: an image may be any object with a ``shape`` that slices like a [C, H, W] tensor, such as a
    file read top to bottom (:class:`imgrestore.io.rows.RowWindow`): tiles are then taken a row of tiles at a
    time, top to bottom, so no tile asks for rows above the last row of tiles. With ``sinks`` (one per image,
    None: returned as usual; a sink needs its image's depth) the finished rows of an image go to its sink,
    top to bottom, and its output is None.
    """
    tile = effective_tile(tile, req, tiling)
    if tile and overlap * 2 >= tile:
        raise ValueError(f"overlap {overlap} must be less than half the tile size {tile}")
    grids = [tile_grid(img.shape[-2], img.shape[-1], tile, overlap, i, align, req.multiple_of)
             for i, img in enumerate(images)]
    out_overlap = overlap * scale if tile else 0
    canvases = [_Canvas(grid, (img.shape[-2] * scale, img.shape[-1] * scale), scale, out_overlap,
                        None if depths is None else depths[i], None if sinks is None else sinks[i])
                for i, (img, grid) in enumerate(zip(images, grids))]
    streamed = any(not isinstance(img, torch.Tensor) for img in images)
    for batch in _batches(grids, batch_size, batch_pixels, by_tile_row=streamed):
        crops = torch.stack([unit_tile(images[b.image][:, b.y0:b.y1, b.x0:b.x1]) for b in batch])
        if levels is None:
            restored = fn(crops)
        else:
            restored = fn(crops, torch.tensor([levels[b.image] for b in batch], dtype=torch.float32))
        restored = restored.to("cpu", torch.float32)
        height, width = batch[0].shape
        if restored.shape[-2:] != (height * scale, width * scale):
            raise ValueError(f"a {height}x{width} tile came back {tuple(restored.shape[-2:])}, not {scale} times larger")
        for box, out in zip(batch, restored):
            canvases[box.image].add(box, out)
    return [canvas.output for canvas in canvases]


def _batches(grids: list[list[TileBox]], batch_size: int, batch_pixels: int, by_tile_row: bool) -> Iterator[list[TileBox]]:
    """The batches of every image's tiles (:func:`_same_shape_batches`); ``by_tile_row``: a batch never holds
    tiles of two rows of tiles, and the rows come top to bottom."""
    if not by_tile_row:
        yield from _same_shape_batches((box for grid in grids for box in grid), batch_size, batch_pixels)
        return
    for grid in grids:
        for start in sorted({box.y0 for box in grid}):
            yield from _same_shape_batches((box for box in grid if box.y0 == start), batch_size, batch_pixels)


def _same_shape_batches(boxes: Iterable[TileBox], batch_size: int, batch_pixels: int = 0) -> Iterator[list[TileBox]]:
    """Group tiles into batches of one shape, in order: at most ``batch_size`` tiles, or as many as fit in
    ``batch_pixels`` when that is more."""
    pending: dict[tuple[int, int], list[TileBox]] = {}
    for box in boxes:
        group = pending.setdefault(box.shape, [])
        group.append(box)
        if len(group) >= max(batch_size, batch_pixels // (box.shape[0] * box.shape[1])):
            yield pending.pop(box.shape)
    yield from (group for group in pending.values() if group)
