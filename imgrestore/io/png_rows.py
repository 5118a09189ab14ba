"""A PNG encoder fed a band of rows at a time: a streamed image's output is never held whole.

OpenCV and Pillow encode a whole array; this writer takes finished rows as they come and compresses them
with zlib as it goes, so its memory is one band and zlib's window. Its files hold what the whole-image
writer's hold (8/16-bit gray or RGB, iCCP and eXIf chunks before the pixels, the same zlib level), the
same pixels though not the same bytes: each row takes libpng's adaptive choice of filter, the one whose
bytes, read as signed, sum smallest.
"""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_TYPE = {1: 0, 3: 2}  # gray, RGB
_IDAT_BYTES = 1 << 20  # compressed bytes per IDAT chunk
_FILTER_ROWS = 32  # rows filtered at once: the five candidate filterings of a band stay a few megabytes


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body, CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def metadata_chunks(exif: bytes | None, icc: bytes | None) -> bytes:
    """The iCCP and eXIf chunks of an image's ICC profile and EXIF block (OpenCV writes neither)."""
    chunks = b""
    if icc:
        chunks += png_chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(icc))
    if exif:
        chunks += png_chunk(b"eXIf", exif[6:] if exif.startswith(b"Exif\x00\x00") else exif)
    return chunks


def _paeth(left: np.ndarray, up: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """The Paeth predictor (PNG spec 9.4) of int16 byte planes."""
    estimate = left + up - corner
    to_left, to_up, to_corner = np.abs(estimate - left), np.abs(estimate - up), np.abs(estimate - corner)
    return np.where((to_left <= to_up) & (to_left <= to_corner), left, np.where(to_up <= to_corner, up, corner))


def filter_rows(rows: np.ndarray, previous: np.ndarray, pixel_bytes: int) -> bytes:
    """``rows`` [N, row bytes] uint8 as PNG scanlines: each row's filter-type byte, then its filtered bytes;
    ``previous``: the row above the first (zeros above the image's first row)."""
    current = rows.astype(np.int16)
    up = np.vstack([previous[None].astype(np.int16), current[:-1]])
    left = np.zeros_like(current)
    left[:, pixel_bytes:] = current[:, :-pixel_bytes]
    corner = np.zeros_like(current)
    corner[:, pixel_bytes:] = up[:, :-pixel_bytes]
    candidates = np.stack([current, current - left, current - up, current - (left + up) // 2,
                           current - _paeth(left, up, corner)]).astype(np.uint8)  # mod 256
    signed = candidates.view(np.int8).astype(np.int16)
    cost = np.abs(signed).sum(axis=2, dtype=np.int64)  # [5, N]
    chosen = cost.argmin(axis=0)
    lines = np.empty((rows.shape[0], rows.shape[1] + 1), np.uint8)
    lines[:, 0] = chosen
    lines[:, 1:] = candidates[chosen, np.arange(rows.shape[0])]
    return lines.tobytes()


class PngRowWriter:
    """Writes a ``height`` x ``width`` PNG of ``channels`` (1 or 3) samples of ``depth`` (8 or 16) bits to
    ``file``, fed top to bottom by :meth:`write`; :meth:`close` checks every row came and ends the file."""

    def __init__(self, file: BinaryIO, height: int, width: int, channels: int, depth: int, level: int,
                 extra_chunks: bytes = b"") -> None:
        if channels not in _COLOUR_TYPE or depth not in (8, 16):
            raise ValueError(f"a streamed PNG is 8/16-bit gray or RGB, not {channels} channel(s) of {depth} bits")
        self.file, self.height, self.width, self.channels, self.depth = file, height, width, channels, depth
        self.pixel_bytes = channels * depth // 8
        self.rows_written = 0
        self.previous = np.zeros(width * self.pixel_bytes, np.uint8)
        self.compressor = zlib.compressobj(level)
        self.pending = bytearray()
        header = struct.pack(">IIBBBBB", width, height, depth, _COLOUR_TYPE[channels], 0, 0, 0)
        file.write(_SIGNATURE + png_chunk(b"IHDR", header) + extra_chunks)

    def write(self, samples: np.ndarray) -> None:
        """The next rows, [N, width, channels] (or [N, width] gray) of uint8 / uint16 samples."""
        dtype = np.dtype(np.uint8 if self.depth == 8 else ">u2")
        rows = np.ascontiguousarray(samples.reshape(samples.shape[0], self.width * self.channels), dtype)
        if self.rows_written + rows.shape[0] > self.height:
            raise ValueError(f"more rows than the {self.height} the PNG header announced")
        as_bytes = rows.view(np.uint8).reshape(rows.shape[0], -1)
        for top in range(0, as_bytes.shape[0], _FILTER_ROWS):
            band = as_bytes[top:top + _FILTER_ROWS]
            self.pending += self.compressor.compress(filter_rows(band, self.previous, self.pixel_bytes))
            self.previous = band[-1].copy()
        self.rows_written += rows.shape[0]
        while len(self.pending) >= _IDAT_BYTES:
            self.file.write(png_chunk(b"IDAT", bytes(self.pending[:_IDAT_BYTES])))
            del self.pending[:_IDAT_BYTES]

    def close(self) -> None:
        if self.rows_written != self.height:
            raise ValueError(f"{self.rows_written} of the PNG's {self.height} rows were written")
        self.pending += self.compressor.flush()
        self.file.write(png_chunk(b"IDAT", bytes(self.pending)) + png_chunk(b"IEND", b""))
        self.pending.clear()
