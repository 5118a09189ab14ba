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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import torch

from imgrestore.sizes import SizeRequirements, Tiling

BatchFn = Callable[..., torch.Tensor]  # fn(tiles) or fn(tiles, levels)


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
) -> list[torch.Tensor]:
    """Restore several [C, H, W] images with ``fn`` on batches of same-shape tiles.

    Tiles of different images share batches, so many small images fill a batch as well as one
    large image does. ``fn`` receives [B, C, h, w] and must return [B, C', scale*h, scale*w] (a
    super-resolution model's ``scale``; C' may differ from C); tiles are cut with ``overlap`` in input
    pixels and blended in output space, where every box, ramp and overlap is ``scale`` times larger. With ``levels``
    (one noise level per image) it is called ``fn(tiles, tile_levels)`` with a [B] tensor. Tiles start at
    multiples of ``align`` input pixels (:func:`_spans`). With ``batch_pixels``, a batch of small tiles may
    hold more than ``batch_size`` of them, up to that many pixels.
    Inputs may be strided views (e.g. a permuted [H, W, C] array): only one batch of tiles is
    copied at a time. Outputs are [C, H, W] views of [H, W, C] float32 storage, so turning them
    back into an image array costs no copy.
    """
    tile = effective_tile(tile, req, tiling)
    if tile and overlap * 2 >= tile:
        raise ValueError(f"overlap {overlap} must be less than half the tile size {tile}")
    boxes = [box for i, img in enumerate(images)
             for box in tile_grid(img.shape[-2], img.shape[-1], tile, overlap, i, align, req.multiple_of)]
    outputs: list[torch.Tensor | None] = [None] * len(images)
    out_overlap = overlap * scale if tile else 0
    for batch in _same_shape_batches(boxes, batch_size, batch_pixels):
        crops = torch.stack([images[b.image][:, b.y0:b.y1, b.x0:b.x1] for b in batch])
        if levels is None:
            restored = fn(crops)
        else:
            restored = fn(crops, torch.tensor([levels[b.image] for b in batch], dtype=torch.float32))
        restored = restored.to("cpu", torch.float32)
        height, width = batch[0].shape
        if restored.shape[-2:] != (height * scale, width * scale):
            raise ValueError(f"a {height}x{width} tile came back {tuple(restored.shape[-2:])}, not {scale} times larger")
        for box, out in zip(batch, restored):
            size = (images[box.image].shape[-2] * scale, images[box.image].shape[-1] * scale)
            rows, cols = (box.y0 * scale, box.y1 * scale), (box.x0 * scale, box.x1 * scale)
            target = outputs[box.image]
            if target is None:  # the output's channels are the model's: allocated at its first tile
                target = outputs[box.image] = torch.zeros((*size, out.shape[0]), dtype=torch.float32).permute(2, 0, 1)
            target[:, rows[0]:rows[1], cols[0]:cols[1]].addcmul_(out, feather_weight(rows, cols, size, out_overlap))
    row_spans: list[set[tuple[int, int]]] = [set() for _ in images]
    col_spans: list[set[tuple[int, int]]] = [set() for _ in images]
    for box in boxes:
        row_spans[box.image].add((box.y0 * scale, box.y1 * scale))
        col_spans[box.image].add((box.x0 * scale, box.x1 * scale))
    for out, rows, cols in zip(outputs, row_spans, col_spans):
        assert out is not None  # every image has at least one tile
        height, width = out.shape[-2:]
        out.div_(_coverage(rows, height, out_overlap)[None, :, None])
        out.div_(_coverage(cols, width, out_overlap)[None, None, :])
    return outputs  # type: ignore[return-value]


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
