"""More clean training photos for the photo denoisers (TRAINING.md, issue 7): the photographs of two Debian
games, the jigsaw puzzles of KDE's `palapeli-data` (a castle, a bridge at night, citrus slices, a bee, a
chameleon) and the photo templates of `tuxpaint-data` (bark, rocks, moss, waves, trees, a lighthouse, sheep,
a wool mill, ...), fetched with `apt-get download`. All are JPEGs, so they are saved at half size, which
averages away their blocking. None is a validation image (those come from scikit-image and matplotlib).
The images are used on the user's machine only.

    python lab/data/fetch_puzzle_photos.py runs/photos-puzzle
"""

import argparse
import tempfile
from pathlib import Path

import cv2

from deb_photos import save_scaled, unpack

FOLDERS = {"palapeli-data": "usr/share/palapeli/collection", "tuxpaint-data": "usr/share/tuxpaint/templates"}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for package, folder in FOLDERS.items():
            tree = unpack(package, Path(tmp))
            for path in sorted((tree / folder).glob("*.jpg")):
                image = cv2.imread(str(path), cv2.IMREAD_COLOR)
                save_scaled(image, 0.5, out / f"{package.split('-')[0]}_{path.stem}.png", path.name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
