"""Stored samples and model pixels: 8/16-bit integers on one side, float32 0..1 on the other.

A decoded photo kept as its own samples takes 1 or 2 bytes a sample instead of float32's 4, so the folder
engine holds inputs that way and the tiling engine converts one tile at a time (and quantizes each finished
band of output). Both directions give exactly the values of converting the whole image at once, so the
bytes written are the same either way.
"""

from __future__ import annotations

import numpy as np

_TOP = {8: 255, 16: 65535}
_DTYPE = {8: np.uint8, 16: np.uint16}
_QUANTIZE_SAMPLES = 1 << 22  # samples converted at a time: a 16 MB float temporary, whatever the image size


def depth_of(samples: np.ndarray) -> int:
    """Bits a sample of ``samples`` holds: 8 or 16 for integers, 32 for floats (already 0..1 pixels)."""
    if samples.dtype == np.uint8:
        return 8
    if samples.dtype == np.uint16:
        return 16
    if samples.dtype.kind == "f":
        return 32
    raise TypeError(f"{samples.dtype} samples: 8/16-bit integers or float")


def unit_float(samples: np.ndarray) -> np.ndarray:
    """8/16-bit samples -> float32 0..1 (a new array, the same values as ``samples / 255.0`` in float32);
    float pixels are returned as they are."""
    depth = depth_of(samples)
    if depth == 32:
        return samples
    pixels = samples.astype(np.float32)
    pixels /= _TOP[depth]  # in place: float32 division, as a whole-image conversion does
    return pixels


def quantize(values: np.ndarray, bit_depth: int, out: np.ndarray | None = None) -> np.ndarray:
    """0..1 floats -> ``bit_depth`` (8/16) samples, a band of rows at a time so no full-size float copy is
    made; written into ``out`` when given. Samples already of that depth are returned as they are, others
    converted through float."""
    dtype = _DTYPE[bit_depth]
    if values.dtype == dtype and out is None:
        return values
    if values.dtype.kind != "f":
        values = unit_float(values)
    top = _TOP[bit_depth]
    target = np.empty(values.shape, dtype) if out is None else out
    rows = max(1, _QUANTIZE_SAMPLES // max(1, values[0].size))
    for start in range(0, values.shape[0], rows):
        band = np.clip(values[start:start + rows], 0, 1)
        band *= top
        target[start:start + rows] = np.rint(band, out=band)
    return target


def sample_dtype(bit_depth: int) -> type[np.integer]:
    """The numpy type of ``bit_depth`` (8/16) samples."""
    return _DTYPE[bit_depth]
