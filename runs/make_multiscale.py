"""The multi-scale training folder of resunet-color (TRAINING.md): every photo of
../shared/data/photos/train at full size plus area-downscaled copies at x0.5 and x0.25, which pack more
texture into each 96 px crop. Derived only from the shared training photos.

    python runs/make_multiscale.py runs/data-ms3 1 0.5 0.25
"""

import os
import sys
from pathlib import Path

import cv2

out, scales = Path(sys.argv[1]), [float(s) for s in sys.argv[2:]]
out.mkdir(parents=True, exist_ok=True)
for path in sorted(Path(__file__).resolve().parents[2].joinpath("shared/data/photos/train").glob("*.png")):
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    for scale in scales:
        resized = image if scale == 1 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(out / f"{path.stem}_x{scale:g}.png"), resized)
print(out, len(os.listdir(out)), "files")
