"""More clean training photos for the photo denoisers (TRAINING.md, issue 7): the photographs among the
sample images of Debian's `opencv-doc` (the OpenCV samples/data folder), fetched with `apt-get download`.
They are small and most are JPEGs, so JPEGs are saved at half size (which averages away their blocking)
and PNGs as they are. Drawings, synthetic images, paintings, gray-only, chessboard and very soft or noisy
images are left out by name, and so is every image that is also a validation image (those come from
scikit-image and matplotlib; none of them is here). The images are used on the user's machine only.

    python lab/data/fetch_opencv_photos.py runs/photos-opencv
"""

import argparse
from pathlib import Path

from deb_photos import fetch_listed

PHOTOS = ["graf1.png", "chicky_512.png", "rubberwhale1.png", "smarties.png", "leuvenA.jpg", "aloeL.jpg",
          "baboon.jpg", "fruits.jpg", "building.jpg", "home.jpg", "aero1.jpg", "aero3.jpg", "butterfly.jpg",
          "squirrel_cls.jpg", "board.jpg", "stuff.jpg", "ela_original.jpg"]
SAMPLES = "usr/share/doc/opencv-doc/examples/data"


def main(out: Path) -> None:
    fetch_listed("opencv-doc", SAMPLES, PHOTOS, out, lambda name: 0.5 if name.endswith(".jpg") else 1.0,
                 lambda name: f"opencv_{Path(name).stem}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
