"""Image files in and out: every model sees float 0..1 pixels, never bit depth, alpha or EXIF.

Pixels are decoded by OpenCV (16-bit PNG/TIFF included); Pillow reads the metadata (EXIF, ICC,
orientation, frame count) and checks the file is complete, because OpenCV silently returns a partial
picture for a truncated JPEG. Writing keeps EXIF and ICC where the format can hold them.

Rules a user can rely on (each also noted per file in the report where it applies):
- The image size is read from the header and checked against ``max_megapixels`` before decoding.
- Orientation: EXIF orientation is applied once. OpenCV applies a TIFF's own orientation tag itself.
- Float TIFFs (32-bit) stay float: values in 0..1 are used as they are; other ranges are scaled by the
  image's own minimum and maximum to 0..1 for the model and back on output; NaN or infinity is refused.
- Multi-page TIFF, animated GIF/WebP: the first frame is restored and written, with a note.
- Lossless inputs stay lossless: a lossless WebP (or a PNG/TIFF/BMP/GIF written as WebP) is written
  lossless; GIF output is written as PNG (GIF's 256-colour palette would lose the restoration).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import JpegImagePlugin, UnidentifiedImageError

from imgrestore.errors import ImageReadError, ImageWriteError
from imgrestore.io.atomic import atomic_path
from imgrestore.io.limits import without_pillow_pixel_limit
from imgrestore.io.png_rows import metadata_chunks
from imgrestore.io.samples import depth_of, quantize, unit_float
from imgrestore.jpeg_quality import JpegQuality, quality_from_tables

EXTENSIONS = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF",
    ".bmp": "BMP", ".webp": "WEBP", ".gif": "GIF",
}
FORMAT_EXTENSION = {"PNG": ".png", "JPEG": ".jpg", "TIFF": ".tif", "BMP": ".bmp", "WEBP": ".webp"}
WRITTEN_AS = {".gif": ".png"}  # input extensions whose outputs take another format
_LOSSY_FORMATS = {"JPEG"}
SIXTEEN_BIT_FORMATS = {"PNG", "TIFF"}
ALPHA_FORMATS = {"PNG", "TIFF", "WEBP"}
_ORIENTATION_TAG = 0x0112
# TIFF tags that describe how the pixels are stored (size, samples, strips, tiles, compression): copied to
# an output they would contradict its own layout (a rotated image has its width and height swapped)
_TIFF_LAYOUT_TAGS = {254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 277, 278, 279, 280, 281, 284, 317, 320,
                     322, 323, 324, 325, 338, 339, 340, 341, 530, 531, 532}
_GRAY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


@dataclass(frozen=True)
class Image:
    """Decoded pixels plus what must survive the round trip to disk."""

    # [H, W, C], C = 1 or 3, already EXIF-rotated: float32 0..1, or the file's own 8/16-bit samples when read
    # with keep_samples (and a restored image the folder engine quantized as it went); the writer takes both
    pixels: np.ndarray
    alpha: np.ndarray | None = None  # float32 [H, W] 0..1, passed through untouched
    bit_depth: int = 8
    exif: bytes | None = None  # orientation reset to 1: the pixels are upright now
    icc: bytes | None = None
    fmt: str = "PNG"
    value_range: tuple[float, float] | None = None  # float input outside 0..1: the range pixels were scaled from
    lossless: bool = True  # the source was stored losslessly (a WebP output stays lossless)
    notes: tuple[str, ...] = ()  # what reading changed or left out (first frame of several, a scaled range)
    jpeg: JpegQuality | None = None  # a JPEG source: the quality its quantization tables correspond to

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


@dataclass(frozen=True)
class _Header:
    """What Pillow reads from a file's header before any pixel is decoded."""

    fmt: str
    mode: str
    exif: bytes | None  # orientation reset to 1
    icc: bytes | None
    orientation: int
    frames: int
    jpeg: JpegQuality | None = None


_SUBSAMPLING = {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}  # Pillow's get_sampling codes


def _jpeg_quality(pil: PILImage.Image) -> JpegQuality | None:
    """The quality a JPEG's own quantization tables correspond to (None if it has none Pillow can read)."""
    tables = getattr(pil, "quantization", None)
    if pil.format != "JPEG" or not tables:
        return None
    try:
        return quality_from_tables(tables, _SUBSAMPLING.get(JpegImagePlugin.get_sampling(pil)))
    except ValueError:
        return None


def _check_size(width: int, height: int, max_megapixels: float, source: str) -> None:
    if max_megapixels and width * height > max_megapixels * 1e6:
        raise ImageReadError(f"{source}: {width}x{height} is {width * height / 1e6:.1f} megapixels, above "
                             f"--max-megapixels {max_megapixels:g} (raise it, or 0 for no limit)")


def _header(data: bytes, source: str, max_megapixels: float) -> _Header | None:
    """The header of ``data``, with the size checked before decoding; raises on truncated files.

    None for a float TIFF that Pillow cannot open (32-bit float RGB): OpenCV decodes it."""
    try:
        with without_pillow_pixel_limit(), PILImage.open(io.BytesIO(data)) as pil:  # our limit, checked below
            _check_size(*pil.size, max_megapixels, source)
            exif = pil.getexif()
            orientation = int(exif.get(_ORIENTATION_TAG, 1) or 1)
            exif_bytes = None
            if pil.format == "TIFF":  # Pillow's TIFF "EXIF" is the whole IFD: the stored layout is not metadata
                for tag in _TIFF_LAYOUT_TAGS & set(exif):
                    del exif[tag]
            if len(exif):
                if _ORIENTATION_TAG in exif:
                    exif[_ORIENTATION_TAG] = 1
                exif_bytes = exif.tobytes()
            header = _Header(pil.format or "PNG", pil.mode, exif_bytes, pil.info.get("icc_profile"),
                             orientation, int(getattr(pil, "n_frames", 1)), _jpeg_quality(pil))
            pil.load()  # raises on a truncated file, which OpenCV would half-decode silently
    except UnidentifiedImageError:
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return None
        raise ImageReadError(f"{source}: not an image file") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageReadError(f"{source}: damaged image ({exc})") from None
    return header


def read_image(path: str | Path, max_megapixels: float = 0, keep_samples: bool = False) -> Image:
    """Read PNG/JPEG/TIFF/BMP/WebP/GIF, 8 or 16 bit or float, gray/RGB/RGBA, upright per EXIF orientation.
    Images above ``max_megapixels`` (0: no limit) are refused from their header, before decoding.
    ``keep_samples``: 8/16-bit pixels stay the file's integer samples (a quarter or half of float32's memory;
    :func:`imgrestore.io.samples.unit_float` turns them into 0..1 floats); float files are floats either way."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise ImageReadError(f"{path}: empty file (0 bytes)")
    return decode_image(data, str(path), max_megapixels, keep_samples)


def _webp_is_lossless(data: bytes) -> bool:
    """True if the (first) image of a WebP file is VP8L, WebP's lossless coding."""
    offset = 12
    while offset + 8 <= len(data):
        fourcc, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":  # an animation frame: its image chunks follow a 16-byte frame header
            offset += 8 + 16
            continue
        offset += 8 + size + (size & 1)
    return False


def _float_pixels(raw: np.ndarray, source: str) -> tuple[np.ndarray, tuple[float, float] | None, list[str]]:
    """Float samples -> 0..1 pixels; other ranges are scaled by the image's own min..max (undone on output)."""
    pixels = raw.astype(np.float32, copy=False)
    if not np.isfinite(pixels).all():
        raise ImageReadError(f"{source}: float image with NaN or infinite values: cannot be restored")
    low, high = float(pixels.min()), float(pixels.max())
    if low >= 0 and high <= 1:
        return pixels, None, []
    span = high - low or 1.0
    pixels = (pixels - low) / span
    return pixels, (low, high), [f"float values {low:g}..{high:g} scaled to 0..1 for the model and back on output"]


def _split_channels(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """OpenCV's [H, W] / BGR / BGRA / gray+alpha samples -> RGB-or-gray [H, W, C] and alpha [H, W]."""
    if raw.ndim == 2:
        return raw[:, :, None], None
    channels = raw.shape[2]
    if channels == 4:
        return cv2.cvtColor(raw, cv2.COLOR_BGRA2RGB), np.ascontiguousarray(raw[:, :, 3])
    if channels == 3:
        return cv2.cvtColor(raw, cv2.COLOR_BGR2RGB, dst=raw), None  # in place: no second full-size copy
    if channels == 2:  # gray + alpha
        return np.ascontiguousarray(raw[:, :, :1]), np.ascontiguousarray(raw[:, :, 1])
    return np.ascontiguousarray(raw[:, :, :1]), None


def _to_unit_float(samples: np.ndarray, source: str) -> tuple[np.ndarray, int, tuple[float, float] | None, list[str]]:
    """Integer or float samples -> float32 0..1 (one float copy, scaled in place), bit depth, float range, notes."""
    if samples.dtype in (np.uint8, np.uint16):
        return unit_float(samples), depth_of(samples), None, []
    if samples.dtype.kind == "f":
        pixels, value_range, notes = _float_pixels(samples, source)
        return pixels, 32, value_range, notes
    raise ImageReadError(f"{source}: {samples.dtype} samples are not supported (8/16-bit integers or float)")


def decode_image(data: bytes, source: str = "<bytes>", max_megapixels: float = 0, keep_samples: bool = False) -> Image:
    """Decode an encoded image held in memory; see :func:`read_image`."""
    header = _header(data, source, max_megapixels)
    raw = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if raw is None:
        raise ImageReadError(f"{source}: OpenCV cannot decode this {header.fmt if header else 'TIFF'} file")
    if header is None:
        header = _Header("TIFF", "RGB", None, None, 1, 1)
        _check_size(raw.shape[1], raw.shape[0], max_megapixels, source)
    notes = [f"{header.frames} frames/pages: only the first was restored and written"] if header.frames > 1 else []
    color, alpha_samples = _split_channels(raw)  # still integer samples: channel moves cost 1 byte a sample
    del raw
    if color.shape[2] == 3 and header.mode in _GRAY_MODES:
        color = np.ascontiguousarray(color[:, :, :1])
    if keep_samples and color.dtype in (np.uint8, np.uint16):
        pixels, bit_depth, value_range, range_notes = color, depth_of(color), None, []
    else:
        pixels, bit_depth, value_range, range_notes = _to_unit_float(color, source)
    del color
    alpha = None if alpha_samples is None else _to_unit_float(alpha_samples, source)[0]
    notes += range_notes
    if header.fmt == "GIF" and alpha is not None and alpha.min() == 1:
        alpha = None  # OpenCV gives GIFs an alpha plane even when no colour is transparent
    orientation = 1 if header.fmt == "TIFF" else header.orientation  # OpenCV has oriented a TIFF already
    pixels = _orient(np.ascontiguousarray(pixels), orientation)
    if alpha is not None:
        alpha = _orient(alpha, orientation)
    lossless = header.fmt not in _LOSSY_FORMATS and not (header.fmt == "WEBP" and not _webp_is_lossless(data))
    fmt = "PNG" if header.fmt == "GIF" else header.fmt
    return Image(pixels=pixels, alpha=alpha, bit_depth=bit_depth, exif=header.exif, icc=header.icc, fmt=fmt,
                 value_range=value_range, lossless=lossless, notes=tuple(notes), jpeg=header.jpeg)


# zlib level of 8-bit PNG output: OpenCV's default, which its 16-bit path here and most rival tools (through
# cv2.imwrite) write with. Pillow's own default, 6, took 5.1 of the 53 seconds of a 12 MP photo through the
# photo denoiser on 2 cores; level 1 encodes a training photo 4.4x faster for a file 20 % larger.
PNG_COMPRESS_LEVEL = 1


def _png_with_metadata(png: bytes, exif: bytes | None, icc: bytes | None) -> bytes:
    """Insert iCCP and eXIf chunks right after IHDR (OpenCV writes neither)."""
    ihdr_end = 8 + 8 + 13 + 4
    return png[:ihdr_end] + metadata_chunks(exif, icc) + png[ihdr_end:]


_EXIF_IFD, _PIXEL_X, _PIXEL_Y = 0x8769, 0xA002, 0xA003


def _exif_with_size(exif: bytes, width: int, height: int) -> bytes:
    """``exif`` with the image size it records (PixelX/YDimension) set to ``width`` x ``height``:
    an upscaled photo must not claim its old size."""
    parsed = PILImage.Exif()
    parsed.load(exif)
    ifd = parsed.get_ifd(_EXIF_IFD)
    if _PIXEL_X not in ifd and _PIXEL_Y not in ifd:
        return exif
    ifd[_PIXEL_X], ifd[_PIXEL_Y] = width, height
    return parsed.tobytes()


def written_depth(bit_depth: int, fmt: str) -> int:
    """The bits a sample of a ``bit_depth`` image takes in a ``fmt`` file: float (32) only in TIFF, 16 in
    PNG and TIFF, 8 elsewhere. A restorer that quantizes its output as it goes quantizes to this."""
    fmt = fmt.upper()
    if bit_depth == 32:
        return 32 if fmt == "TIFF" else 16 if fmt in SIXTEEN_BIT_FORMATS else 8
    return 16 if bit_depth == 16 and fmt in SIXTEEN_BIT_FORMATS else 8


def output_depth(image: Image, path: str | Path) -> int | None:
    """The 8/16 bits a sample of ``image`` takes when written to ``path`` (None: float, a float TIFF)."""
    depth = written_depth(image.bit_depth, format_for(Path(path)) or image.fmt)
    return None if depth == 32 else depth


def encode_image(image: Image, fmt: str | None = None, quality: int = 95) -> tuple[bytes, list[str]]:
    """Encode to bytes in ``fmt`` (default: the image's own); returns the bytes and notes on what the format could not hold."""
    fmt = (fmt or image.fmt).upper()
    if image.exif:
        image = replace(image, exif=_exif_with_size(image.exif, image.width, image.height))
    notes: list[str] = []
    bit_depth = written_depth(image.bit_depth, fmt)
    if bit_depth == 32:
        return _float_tiff(image), notes
    if image.bit_depth == 32:
        scaled = "" if image.value_range is None else f" of the 0..1 scaled values (range {image.value_range[0]:g}..{image.value_range[1]:g})"
        notes.append(f"{fmt} cannot hold float pixels: written as {bit_depth}-bit{scaled}")
    elif image.bit_depth == 16 and bit_depth == 8:
        notes.append(f"{fmt} cannot hold 16-bit pixels: written as 8-bit")
    alpha = image.alpha
    if alpha is not None and fmt not in ALPHA_FORMATS:
        notes.append(f"{fmt} cannot hold an alpha channel: alpha dropped")
        alpha = None
    pixels = quantize(image.pixels, bit_depth)
    if alpha is not None:
        stacked = np.dstack([pixels, quantize(alpha, bit_depth)])
    else:
        stacked = pixels if pixels.shape[2] > 1 else pixels[:, :, 0]
    del pixels

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
    if fmt == "PNG":
        options["compress_level"] = PNG_COMPRESS_LEVEL
    if fmt == "JPEG" or (fmt == "WEBP" and not image.lossless):
        options["quality"] = quality
    if fmt == "WEBP" and image.lossless:
        options["lossless"] = True  # a lossless source stays lossless
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


def _float_tiff(image: Image) -> bytes:
    """A float32 TIFF (gray, RGB or RGBA) in the input's own value range."""
    pixels = image.pixels
    if image.value_range is not None:
        low, high = image.value_range
        pixels = pixels * np.float32((high - low) or 1.0) + np.float32(low)
    planes = pixels[:, :, ::-1] if pixels.shape[2] == 3 else pixels[:, :, 0]
    if image.alpha is not None and pixels.shape[2] == 3:
        planes = np.dstack([planes, image.alpha])
    ok, buf = cv2.imencode(".tif", np.ascontiguousarray(planes, dtype=np.float32))
    if not ok:
        raise ImageWriteError("OpenCV could not encode a float TIFF")
    return buf.tobytes()


def write_image(path: str | Path, image: Image, fmt: str | None = None, quality: int = 95) -> list[str]:
    """Write ``image`` atomically (temp file + rename); ``quality`` for JPEG and lossy WebP. Returns notes
    such as dropped metadata, which the folder engine puts in the report."""
    path = Path(path)
    data, notes = encode_image(image, fmt or format_for(path) or image.fmt, quality)
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise ImageWriteError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return notes
