"""The JPEG quality read back from a file's quantization tables (OpenCV and Pillow, 4:2:0 and 4:4:4)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from factories import smooth_image, to_uint8
from PIL import Image

from imgrestore.io.image import decode_image
from imgrestore.jpeg_quality import STANDARD_LUMA, compression_level, quality_from_tables, scaled_table

QUALITIES = (1, 5, 10, 23, 49, 50, 51, 75, 90, 99, 100)


def _opencv_jpeg(pixels: np.ndarray, quality: int, subsampled: bool) -> bytes:
    factor = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsampled else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
    ok, data = cv2.imencode(".jpg", to_uint8(pixels)[:, :, ::-1],
                            [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor])
    assert ok
    return data.tobytes()


def _pillow_jpeg(pixels: np.ndarray, quality: int, subsampled: bool) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(pixels)).save(buffer, "JPEG", quality=quality, subsampling=2 if subsampled else 0)
    return buffer.getvalue()


@pytest.mark.parametrize("encode", [_opencv_jpeg, _pillow_jpeg], ids=["opencv", "pillow"])
@pytest.mark.parametrize("subsampled", [True, False], ids=["420", "444"])
def test_the_quality_a_file_was_saved_at_is_read_back_exactly(encode, subsampled):
    pixels = smooth_image(24, 32, 3)
    for quality in QUALITIES:
        read = decode_image(encode(pixels, quality, subsampled)).jpeg
        assert (read.quality, read.standard) == (quality, True)
        assert read.subsampling == ("4:2:0" if subsampled else "4:4:4")


def test_non_standard_tables_get_the_nearest_quality_and_say_so():
    tables = {0: np.minimum(scaled_table(STANDARD_LUMA, 30) * 1.1, 255).round().astype(int).tolist()}
    read = quality_from_tables(tables)
    assert not read.standard and 25 <= read.quality <= 30 and "nearest" in read.describe()
    assert decode_image(cv2.imencode(".png", to_uint8(smooth_image(8, 8, 3)))[1].tobytes()).jpeg is None
    with pytest.raises(ValueError, match="64 positive"):
        quality_from_tables({0: [0] * 64})


def test_the_compression_level_follows_the_quantization_step():
    assert [compression_level(q) for q in (10, 50, 90)] == [50.0, 10.0, 2.0]
    levels = [compression_level(q) for q in range(1, 101)]
    assert levels == sorted(levels, reverse=True)
