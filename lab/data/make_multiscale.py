"""The multi-scale training folders of the resunet photo denoisers (lab/TRAINING.md): every photo of
../shared/data/photos/train (plus, with --extra DIR, every PNG of DIR) at full size plus area-downscaled
copies at the given scales, which pack more texture into each 96 px crop. Never the validation images.

    python lab/data/make_multiscale.py runs/data-ms3 1 0.5 0.25
    python lab/data/make_multiscale.py runs/data-ms4 1 0.5 0.25 --extra runs/photos-extra
"""

import argparse
import os
from pathlib import Path

import cv2

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out", type=Path)
parser.add_argument("scales", type=float, nargs="+")
parser.add_argument("--extra", type=Path, action="append", default=[], help="another folder of clean PNGs")
args = parser.parse_args()
out, scales = args.out, args.scales
out.mkdir(parents=True, exist_ok=True)
sources = [Path(__file__).resolve().parents[3] / "shared/data/photos/train", *args.extra]
for path in sorted(p for folder in sources for p in folder.glob("*.png")):
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    for scale in scales:
        resized = image if scale == 1 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(out / f"{path.stem}_x{scale:g}.png"), resized)
print(out, len(os.listdir(out)), "files")
