"""Tiny image factories used by the tests (not fixtures: plain functions)."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage


def smooth_image(height: int, width: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    """A smooth synthetic picture (gradients and blobs) as float32 [H, W, C] in 0..1."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    planes = []
    for _ in range(channels):
        a, b, c = rng.uniform(0.5, 3, 3)
        planes.append(0.5 + 0.25 * np.sin(xx / width * a * 6) * np.cos(yy / height * b * 6) + 0.2 * np.sin((xx + yy) / (10 * c)))
    return np.clip(np.stack(planes, axis=2), 0, 1).astype(np.float32)


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    return np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8)


def write_png(path: Path, pixels: np.ndarray, bit_depth: int = 8) -> Path:
    """Write [H, W, C] RGB(A)/gray float pixels with OpenCV (BGR order handled here)."""
    top, dtype = (65535, np.uint16) if bit_depth == 16 else (255, np.uint8)
    array = np.round(np.clip(pixels, 0, 1) * top).astype(dtype)
    if array.shape[2] == 3:
        array = array[:, :, ::-1]
    elif array.shape[2] == 4:
        array = array[:, :, [2, 1, 0, 3]]
    else:
        array = array[:, :, 0]
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), array)
    return path


def write_exif_rotated_jpeg(path: Path, pixels: np.ndarray, orientation: int = 6) -> Path:
    """A JPEG whose stored pixels must be rotated per its EXIF orientation tag."""
    pil = PILImage.fromarray(to_uint8(pixels))
    exif = pil.getexif()
    exif[0x0112] = orientation
    exif[0x010F] = "imgrestore-test-camera"  # Make: must survive the round trip
    path.parent.mkdir(parents=True, exist_ok=True)
    pil.save(path, format="JPEG", quality=98, exif=exif.tobytes())
    return path


def jpeg_bytes(pixels: np.ndarray, quality: int = 95) -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(to_uint8(pixels)).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
