"""More clean training photos for the photo denoisers (TRAINING.md, issue 7): the photographs among the
sample images of Debian's `opencv-doc` (the OpenCV samples/data folder), fetched with `apt-get download`.
They are small and most are JPEGs, so JPEGs are saved at half size (which averages away their blocking)
and PNGs as they are. Drawings, synthetic images, paintings, gray-only, chessboard and very soft or noisy
images are left out by name, and so is every image that is also a validation image (those come from
scikit-image and matplotlib; none of them is here). The images are used on the user's machine only.

    python runs/fetch_opencv_photos.py runs/photos-opencv
"""

import argparse
import tempfile
from pathlib import Path

import cv2
from deb_photos import save_scaled, unpack

PHOTOS = ["graf1.png", "chicky_512.png", "rubberwhale1.png", "smarties.png", "leuvenA.jpg", "aloeL.jpg",
          "baboon.jpg", "fruits.jpg", "building.jpg", "home.jpg", "aero1.jpg", "aero3.jpg", "butterfly.jpg",
          "squirrel_cls.jpg", "board.jpg", "stuff.jpg", "ela_original.jpg"]
SAMPLES = "usr/share/doc/opencv-doc/examples/data"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = unpack("opencv-doc", Path(tmp))
        for name in PHOTOS:
            image = cv2.imread(str(tree / SAMPLES / name), cv2.IMREAD_COLOR)
            save_scaled(image, 0.5 if name.endswith(".jpg") else 1.0, out / f"opencv_{Path(name).stem}.png", name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
