"""More clean training photos for the photo denoisers (TRAINING.md, issue 7): the photographs in Debian's
`gcompris-qt-data`, the educational suite's activity backgrounds (animals, birds and insects from the
"erase" activity; monuments of Egypt, France, Germany, India, the USA and the seven wonders; wild and farm
animals; musicians; underwater scenes), fetched with `apt-get download`. GCompris keeps them as lossy WebP
inside Qt resource (.rcc) bundles, read here; the drawn pictures of the other activities and one archival
black-and-white print are left out. Saved at half size, which averages away the WebP smoothing. None is a
validation image (those come from scikit-image and matplotlib). The images are used on the user's machine
only.

    python lab/data/fetch_gcompris_photos.py runs/photos-gcompris
"""

import argparse
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from deb_photos import save_scaled, unpack

RCC_FOLDER = "usr/share/gcompris-qt/rcc"
PHOTO_BUNDLES = ["erase", "explore_monuments", "explore_world_animals", "explore_farm_animals",
                 "explore_world_music", "clickgame"]
LEFT_OUT = {"usa_castleClinton"}  # an archival black-and-white print with film grain
MIN_SIDE = 500  # thumbnails and icons are smaller


def rcc_files(bundle: bytes) -> Iterator[tuple[str, bytes]]:
    """(path, content) of every file in a Qt binary resource bundle (the `rcc --binary` format)."""
    version, tree, data, names = struct.unpack(">IIII", bundle[4:20])
    entry_size = 14 if version == 1 else 22

    def name(offset: int) -> str:
        (length,) = struct.unpack(">H", bundle[names + offset:names + offset + 2])
        return bundle[names + offset + 6:names + offset + 6 + 2 * length].decode("utf-16-be")

    def walk(index: int, prefix: str) -> Iterator[tuple[str, bytes]]:
        entry = tree + index * entry_size
        name_offset, flags = struct.unpack(">IH", bundle[entry:entry + 6])
        path = prefix + (name(name_offset) if index else "")
        if flags & 2:  # a directory: child count, first child
            count, first = struct.unpack(">II", bundle[entry + 6:entry + 14])
            for child in range(first, first + count):
                yield from walk(child, path + "/")
            return
        (offset,) = struct.unpack(">I", bundle[entry + 10:entry + 14])
        (size,) = struct.unpack(">I", bundle[data + offset:data + offset + 4])
        content = bundle[data + offset + 4:data + offset + 4 + size]
        yield path, zlib.decompress(content[4:]) if flags & 1 else content

    assert bundle[:4] == b"qres", "not a Qt resource bundle"
    yield from walk(0, "")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = unpack("gcompris-qt-data", Path(tmp))
        for bundle in PHOTO_BUNDLES:
            for path, content in rcc_files((tree / RCC_FOLDER / f"{bundle}.rcc").read_bytes()):
                stem = Path(path).stem
                if not path.endswith(".webp") or stem in LEFT_OUT:
                    continue
                image = cv2.imdecode(np.frombuffer(content, np.uint8), cv2.IMREAD_COLOR)
                if image is not None and min(image.shape[:2]) >= MIN_SIDE:
                    save_scaled(image, 0.5, out / f"gcompris_{bundle}_{stem}.png", path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
