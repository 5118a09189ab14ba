"""Resource limits every reader applies, kept apart so the CLI can show them without loading OpenCV."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

DEFAULT_MAX_MEGAPIXELS = 100.0  # a 100 MP RGB photo restores in about 2.8 GB: fits a 2-core 8 GB laptop
STREAM_MEGAPIXELS = 16.0  # PNGs this large are restored a band of rows at a time where the job can (--stream-above)

_pillow_lock = threading.Lock()
_pillow_openers = 0
_pillow_limit: int | None = None


@contextlib.contextmanager
def without_pillow_pixel_limit() -> Iterator[None]:
    """Pillow's decompression-bomb limit lifted while a header is read: ``--max-megapixels`` is the limit.

    The limit is a global of Pillow's, and headers are read by the reader threads and the main thread at once:
    it is lifted by the first opener in and restored by the last one out, so no opener restores it under
    another."""
    from PIL import Image

    global _pillow_openers, _pillow_limit
    with _pillow_lock:
        if _pillow_openers == 0:
            _pillow_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        _pillow_openers += 1
    try:
        yield
    finally:
        with _pillow_lock:
            _pillow_openers -= 1
            if _pillow_openers == 0:
                Image.MAX_IMAGE_PIXELS = _pillow_limit
