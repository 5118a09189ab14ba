"""Large PNGs read top to bottom a band of rows at a time, for the images too large to hold whole.

libvips (``pyvips``, the ``large`` extra) decodes a PNG sequentially: each band of rows is decoded once, in
order, and nothing above it is kept. :class:`RowWindow` gives the tiling engine a [C, H, W] view of such a
file that keeps only the rows the current row of tiles needs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image as PILImage

from imgrestore.errors import ImageReadError
from imgrestore.io.limits import without_pillow_pixel_limit

STREAMED_MODES = {"L": 1, "RGB": 3, "I;16": 1, "I;16B": 1}  # gray or RGB, no alpha or palette (Pillow's names)
_SAMPLE_TYPES = {"uchar": (np.uint8, 8), "ushort": (np.uint16, 16)}


@functools.cache
def can_stream() -> bool:
    """Whether libvips is installed (``pip install 'imgrestore[large]'``)."""
    try:
        import pyvips  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@dataclass(frozen=True)
class StreamHeader:
    """What a PNG's header tells before any pixel is decoded."""

    height: int
    width: int
    channels: int
    exif: bytes | None
    icc: bytes | None


def stream_header(path: Path) -> StreamHeader | None:
    """The header of a PNG that can be read a band at a time: single-frame, not interlaced (Adam7 rows come
    in seven passes), gray or RGB without alpha, upright (no EXIF rotation to apply); None otherwise."""
    try:
        with without_pillow_pixel_limit(), PILImage.open(path) as pil:  # --max-megapixels is the limit
            if (pil.format != "PNG" or pil.mode not in STREAMED_MODES or pil.info.get("interlace")
                    or "transparency" in pil.info):
                return None
            exif = pil.getexif()
            if int(exif.get(0x0112, 1) or 1) != 1 or getattr(pil, "n_frames", 1) > 1:
                return None
            return StreamHeader(pil.height, pil.width, STREAMED_MODES[pil.mode], exif.tobytes() if len(exif) else None,
                                pil.info.get("icc_profile"))
    except Exception:  # whatever it is, the whole-image reader reports it with its reason
        return None


class RowSource:
    """A PNG decoded top to bottom: :meth:`read` returns its next rows as [N, W, C] samples."""

    def __init__(self, path: Path) -> None:
        import pyvips

        try:
            # from a source of its own: libvips caches images opened by name, and a second pass over a file
            # would get the first pass's image, already read to its end
            self._image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(str(path)), "",
                                                       access="sequential", fail_on="truncated")
        except pyvips.Error as exc:
            raise ImageReadError(f"{path}: cannot decode ({_first_line(exc)})") from None
        if self._image.format not in _SAMPLE_TYPES or self._image.bands not in (1, 3):
            raise ImageReadError(f"{path}: {self._image.bands} band(s) of {self._image.format} cannot be streamed")
        self._region = pyvips.Region.new(self._image)  # one reader of the one sequential pipeline, in order
        self.path = path
        self.height, self.width, self.channels = self._image.height, self._image.width, self._image.bands
        self.dtype, self.bit_depth = _SAMPLE_TYPES[self._image.format]
        self.next_row = 0

    def read(self, rows: int) -> np.ndarray:
        import pyvips

        rows = min(rows, self.height - self.next_row)
        if rows <= 0:
            return np.empty((0, self.width, self.channels), self.dtype)
        try:
            data = self._region.fetch(0, self.next_row, self.width, rows)
        except pyvips.Error as exc:  # a truncated or damaged file, found where the damage is
            raise ImageReadError(f"{self.path}: damaged image at row {self.next_row} ({_first_line(exc)})") from None
        self.next_row += rows
        return np.frombuffer(data, self.dtype).reshape(rows, self.width, self.channels)


def _first_line(exc: Exception) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


class RowWindow:
    """A [C, H, W] view of a :class:`RowSource` for the tiling engine, which asks for tiles a row of tiles at a
    time, top to bottom: a slice reads ahead as far as its last row and forgets the rows above its first.
    ``planes``: the channels to show (a gray photo saved as RGB is restored as its first plane)."""

    def __init__(self, source: RowSource, planes: int | None = None) -> None:
        self.source = source
        self.planes = planes or source.channels
        self.shape = (self.planes, source.height, source.width)
        self.top = 0  # the first row held
        self.rows = np.empty((0, source.width, source.channels), source.dtype)

    def __getitem__(self, key: tuple[slice, slice, slice]) -> torch.Tensor:
        _, rows, cols = key
        start, stop = rows.start or 0, rows.stop
        if start < self.top:
            raise ValueError(f"row {start} was asked for after row {self.top}: tiles must come top to bottom")
        self.rows, self.top = self.rows[start - self.top:], start
        missing = stop - (self.top + self.rows.shape[0])
        if missing > 0:
            self.rows = np.concatenate([self.rows, self.source.read(missing)])
        tile = self.rows[:stop - self.top, cols, :self.planes]
        return torch.from_numpy(np.ascontiguousarray(tile)).permute(2, 0, 1)
