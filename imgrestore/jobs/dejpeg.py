"""The JPEG quality a quality-conditioned model restores each file for: its own tables, or --quality."""

from __future__ import annotations

from imgrestore.errors import QualityUnknownError
from imgrestore.io.image import Image


def file_quality(image: Image, given: int | None) -> tuple[int, str]:
    """The quality ``image`` is restored for and the report's note on where it came from: ``given``
    (`--quality`) if set, else what the file's quantization tables say. A file that is not a JPEG, with no
    ``given``, fails on its own (:class:`QualityUnknownError`): its damage cannot be read from it."""
    read = image.jpeg
    if given is not None:
        differs = f" (its tables read {read.quality})" if read is not None and read.quality != given else ""
        return given, f"restored for JPEG quality {given} (--quality){differs}"
    if read is None:
        raise QualityUnknownError("not a JPEG file, so no quality to read from it: give --quality N to restore it "
                                  "as a JPEG saved at quality N")
    return read.quality, f"{read.describe()} (read from the file)"
