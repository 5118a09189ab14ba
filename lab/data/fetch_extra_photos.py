"""Extra clean training photos for the photo denoisers (TRAINING.md, issue 7): the photographs among the
wallpapers of Debian's `plasma-workspace-wallpapers` (GPL-2+) and `lomiri-wallpapers-20.04` (Kleiber,
CC-BY-SA-3.0), fetched with `apt-get download` and saved as PNG at half size or less (short side <= 1024),
which also averages away the JPEG blocking of the originals. Their artwork (illustrations, gradients) is
left out by name. None of these is a validation image (those come from scikit-image and matplotlib).

    python lab/data/fetch_extra_photos.py runs/photos-extra
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import cv2

PACKAGES = ["plasma-workspace-wallpapers", "lomiri-wallpapers-20.04"]
PLASMA_PHOTOS = ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
                 "Kite", "OneStandsOut", "Path", "summer_1am"]
LOMIRI_PHOTOS = ["Kleiber_by_Lukas_Baubkus.jpg"]


def _largest(folder: Path) -> Path:
    return max(folder.iterdir(), key=lambda p: int(p.stem.split("x")[0]) * int(p.stem.split("x")[1]))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=root, check=True)
        for deb in root.glob("*.deb"):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root / "x")], check=True)
        sources = [_largest(root / "x/usr/share/wallpapers" / name / "contents/images") for name in PLASMA_PHOTOS]
        sources += [root / "x/usr/share/backgrounds" / name for name in LOMIRI_PHOTOS]
        for path in sources:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            scale = min(0.5, 1024 / min(image.shape[:2]))
            small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            name = path.parts[-4] if "wallpapers" in path.parts else path.stem
            cv2.imwrite(str(out / f"{name}.png"), small)
            print(f"{out / name}.png {small.shape[1]}x{small.shape[0]} (x{scale:.3f} of {path.name})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
