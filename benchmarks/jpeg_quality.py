"""How well `imgrestore dejpeg` reads a JPEG's quality from its own quantization tables.

Every quality 1..100 written by OpenCV (`imencode`, libjpeg-turbo) and by Pillow, at 4:2:0 and 4:4:4, is read
back through `imgrestore.io.image.decode_image`: the table gives the number of exact reads and the largest
error. Then Pillow's Photoshop-style presets (`quality="web_low"` ...), whose tables are not scaled standard
ones, with the nearest quality the reader reports for each.

    python benchmarks/jpeg_quality.py
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, JpegPresets

from imgrestore.io.image import decode_image

QUALITIES = range(1, 101)


def opencv(rgb: np.ndarray, quality: int, subsampled: bool) -> bytes:
    factor = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsampled else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1].copy(), [cv2.IMWRITE_JPEG_QUALITY, quality,
                                                              cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor])
    assert ok
    return data.tobytes()


def pillow(rgb: np.ndarray, quality: int | str, subsampled: bool) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": quality} if isinstance(quality, str) else {"quality": quality,
                                                                     "subsampling": 2 if subsampled else 0}
    Image.fromarray(rgb).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def main() -> None:
    rgb = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    print("| encoder | chroma | qualities | read exactly | largest error | read as standard tables |")
    print("|---|---|---|---|---|---|")
    for name, encode in (("OpenCV", opencv), ("Pillow", pillow)):
        for subsampled in (True, False):
            reads = [decode_image(encode(rgb, q, subsampled)).jpeg for q in QUALITIES]
            errors = [abs(read.quality - q) for read, q in zip(reads, QUALITIES)]
            chroma = "4:2:0" if subsampled else "4:4:4"
            print(f"| {name} | {chroma} | 1..100 | {sum(e == 0 for e in errors)} | {max(errors)} "
                  f"| {sum(read.standard for read in reads)} |")
    print("\nPillow presets (Photoshop-style tables, not scaled standard ones): nearest quality read")
    print("\n| preset | quality read | standard tables | subsampling |")
    print("|---|---|---|---|")
    for preset in sorted(JpegPresets.presets):
        read = decode_image(pillow(rgb, preset, True)).jpeg
        print(f"| {preset} | {read.quality} | {read.standard} | {read.subsampling} |")


if __name__ == "__main__":
    main()
