"""Image files in and out: every model sees float 0..1 pixels, never bit depth, alpha or EXIF.

Pixels are decoded by OpenCV (16-bit PNG/TIFF included); Pillow reads the metadata (EXIF, ICC,
orientation) and checks the file is complete, because OpenCV silently returns a partial picture
for a truncated JPEG. Writing keeps EXIF and ICC where the format can hold them.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from imgrestore.errors import ImageReadError, ImageWriteError
from imgrestore.io.atomic import atomic_path

EXTENSIONS = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF",
    ".bmp": "BMP", ".webp": "WEBP",
}
FORMAT_EXTENSION = {"PNG": ".png", "JPEG": ".jpg", "TIFF": ".tif", "BMP": ".bmp", "WEBP": ".webp"}
SIXTEEN_BIT_FORMATS = {"PNG", "TIFF"}
ALPHA_FORMATS = {"PNG", "TIFF", "WEBP"}
_ORIENTATION_TAG = 0x0112
_GRAY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


@dataclass(frozen=True)
class Image:
    """Decoded pixels plus what must survive the round trip to disk."""

    pixels: np.ndarray  # float32 [H, W, C], C = 1 or 3, values 0..1, already EXIF-rotated
    alpha: np.ndarray | None = None  # float32 [H, W] 0..1, passed through untouched
    bit_depth: int = 8
    exif: bytes | None = None  # orientation reset to 1: the pixels are upright now
    icc: bytes | None = None
    fmt: str = "PNG"

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def channels(self) -> int:
        return self.pixels.shape[2]

    @property
    def megapixels(self) -> float:
        return self.height * self.width / 1e6

    def with_pixels(self, pixels: np.ndarray) -> Image:
        """The same image with new pixels; an alpha channel follows a change of size (area or cubic)."""
        alpha = self.alpha
        if alpha is not None and alpha.shape[:2] != pixels.shape[:2]:
            shrink = pixels.shape[0] < alpha.shape[0]
            alpha = np.clip(cv2.resize(alpha, (pixels.shape[1], pixels.shape[0]),
                                       interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC), 0, 1)
        return replace(self, pixels=pixels, alpha=alpha)


def format_for(path: Path) -> str | None:
    """Pillow-style format name for a file extension, or None if it is not an image we handle."""
    return EXTENSIONS.get(path.suffix.lower())


def _orient(array: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation (1..8) to an [H, W, ...] array."""
    ops = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: np.swapaxes(a, 0, 1),
        6: lambda a: np.swapaxes(a, 0, 1)[:, ::-1],
        7: lambda a: np.swapaxes(a, 0, 1)[::-1, ::-1],
        8: lambda a: np.swapaxes(a, 0, 1)[::-1],
    }
    op = ops.get(orientation)
    return np.ascontiguousarray(op(array)) if op else array


def _metadata(data: bytes, source: str) -> tuple[str, str, bytes | None, bytes | None, int]:
    """Format, mode, EXIF (orientation reset), ICC and orientation; raises on truncated files."""
    try:
        with PILImage.open(io.BytesIO(data)) as pil:
            fmt, mode = pil.format or "PNG", pil.mode
            icc = pil.info.get("icc_profile")
            exif = pil.getexif()
            orientation = int(exif.get(_ORIENTATION_TAG, 1) or 1)
            exif_bytes = None
            if len(exif):
                if _ORIENTATION_TAG in exif:
                    exif[_ORIENTATION_TAG] = 1
                exif_bytes = exif.tobytes()
            pil.load()  # raises on a truncated file, which OpenCV would half-decode silently
    except UnidentifiedImageError:
        raise ImageReadError(f"{source}: not an image file") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageReadError(f"{source}: damaged image ({exc})") from None
    return fmt, mode, exif_bytes, icc, orientation


def read_image(path: str | Path) -> Image:
    """Read PNG/JPEG/TIFF/BMP/WebP, 8 or 16 bit, gray/RGB/RGBA, upright per EXIF orientation."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise ImageReadError(f"{path}: empty file (0 bytes)")
    return decode_image(data, str(path))


def decode_image(data: bytes, source: str = "<bytes>") -> Image:
    """Decode an encoded image held in memory; see :func:`read_image`."""
    fmt, mode, exif, icc, orientation = _metadata(data, source)
    raw = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if raw is None:
        raise ImageReadError(f"{source}: OpenCV cannot decode this {fmt} file")
    if raw.dtype == np.uint8:
        bit_depth, pixels = 8, raw.astype(np.float32) / 255.0
    elif raw.dtype == np.uint16:
        bit_depth, pixels = 16, raw.astype(np.float32) / 65535.0
    else:
        bit_depth, pixels = 16, np.clip(raw.astype(np.float32), 0, 1)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    alpha = None
    if pixels.shape[2] == 4:
        alpha = pixels[:, :, 3].copy()
        pixels = pixels[:, :, 2::-1]
    elif pixels.shape[2] == 3:
        pixels = pixels[:, :, ::-1]
    elif pixels.shape[2] == 2:  # gray + alpha
        alpha = pixels[:, :, 1].copy()
        pixels = pixels[:, :, :1]
    if pixels.shape[2] == 3 and mode in _GRAY_MODES:
        pixels = pixels[:, :, :1]
    pixels = _orient(np.ascontiguousarray(pixels, dtype=np.float32), orientation)
    if alpha is not None:
        alpha = _orient(alpha, orientation)
    return Image(pixels=pixels, alpha=alpha, bit_depth=bit_depth, exif=exif, icc=icc, fmt=fmt)


def _quantize(values: np.ndarray, bit_depth: int) -> np.ndarray:
    top = 65535 if bit_depth == 16 else 255
    dtype = np.uint16 if bit_depth == 16 else np.uint8
    scaled = np.clip(values, 0, 1)  # the one full-size temporary: the rest happens in place
    scaled *= top
    return np.rint(scaled, out=scaled).astype(dtype)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png_with_metadata(png: bytes, exif: bytes | None, icc: bytes | None) -> bytes:
    """Insert iCCP and eXIf chunks right after IHDR (OpenCV writes neither)."""
    ihdr_end = 8 + 8 + 13 + 4
    extra = b""
    if icc:
        extra += _png_chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(icc))
    if exif:
        extra += _png_chunk(b"eXIf", exif[6:] if exif.startswith(b"Exif\x00\x00") else exif)
    return png[:ihdr_end] + extra + png[ihdr_end:]


def encode_image(image: Image, fmt: str | None = None, quality: int = 95) -> tuple[bytes, list[str]]:
    """Encode to bytes in ``fmt`` (default: the image's own); returns the bytes and any warnings."""
    fmt = (fmt or image.fmt).upper()
    notes: list[str] = []
    bit_depth = image.bit_depth
    if bit_depth == 16 and fmt not in SIXTEEN_BIT_FORMATS:
        notes.append(f"{fmt} cannot hold 16-bit pixels: written as 8-bit")
        bit_depth = 8
    alpha = image.alpha
    if alpha is not None and fmt not in ALPHA_FORMATS:
        notes.append(f"{fmt} cannot hold an alpha channel: alpha dropped")
        alpha = None
    pixels = _quantize(image.pixels, bit_depth)
    planes = [pixels[:, :, c] for c in range(pixels.shape[2])]
    if alpha is not None:
        planes.append(_quantize(alpha, bit_depth))
    stacked = np.stack(planes, axis=2) if len(planes) > 1 else planes[0]

    if bit_depth == 16:
        bgr = stacked
        if stacked.ndim == 3:
            order = [2, 1, 0, 3][: stacked.shape[2]] if stacked.shape[2] >= 3 else [0, 1]
            if stacked.shape[2] == 2:  # OpenCV has no gray+alpha: widen to BGRA
                g, a = stacked[:, :, 0], stacked[:, :, 1]
                bgr = np.stack([g, g, g, a], axis=2)
            else:
                bgr = stacked[:, :, order]
        ok, buf = cv2.imencode(FORMAT_EXTENSION[fmt], bgr)
        if not ok:
            raise ImageWriteError(f"OpenCV could not encode a 16-bit {fmt}")
        data = buf.tobytes()
        if fmt == "PNG":
            data = _png_with_metadata(data, image.exif, image.icc)
        elif image.exif or image.icc:
            notes.append("EXIF/ICC are not kept in 16-bit TIFF output")
        return data, notes

    if stacked.ndim == 2:
        pil = PILImage.fromarray(stacked, "L")
    elif stacked.shape[2] == 2:
        pil = PILImage.fromarray(stacked, "LA")
    else:
        pil = PILImage.fromarray(stacked, "RGBA" if stacked.shape[2] == 4 else "RGB")
    options: dict = {}
    if fmt in {"JPEG", "WEBP"}:
        options["quality"] = quality
    if fmt == "JPEG":
        options["subsampling"] = 0
    if fmt != "BMP":
        if image.icc:
            options["icc_profile"] = image.icc
        if image.exif:
            options["exif"] = image.exif
    elif image.exif or image.icc:
        notes.append("BMP cannot hold EXIF/ICC: metadata dropped")
    out = io.BytesIO()
    try:
        pil.save(out, format=fmt, **options)
    except (OSError, ValueError) as exc:
        raise ImageWriteError(f"cannot encode {fmt}: {exc}") from None
    return out.getvalue(), notes


def write_image(path: str | Path, image: Image, fmt: str | None = None) -> list[str]:
    """Write ``image`` atomically (temp file + rename); returns notes such as dropped metadata."""
    path = Path(path)
    data, notes = encode_image(image, fmt or format_for(path) or image.fmt)
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise ImageWriteError(f"{path}: cannot write ({exc.strerror or exc})") from None
    for note in notes:
        warnings.warn(f"{path.name}: {note}", stacklevel=2)
    return notes
