"""Build a training-data folder that a bundled model's recorded command names, e.g. `runs/data-ms8`.

`runs/data-msN` (N = 3..8) is every photo of ../shared/data/photos/train at x1, x0.5 and x0.25
(area) plus, from N = 4 on, the first N - 3 of the Debian photo collections below at the same
three scales. Each collection is fetched once into `runs/photos-NAME` by `lab/data/fetch_NAME_photos.py`.
Never the validation images.

    python lab/data/build.py runs/data-ms8
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLLECTIONS = ("extra", "opencv", "puzzle", "texture", "gcompris")  # in the order the data rounds added them
MULTISCALE = re.compile(r"runs/data-ms([3-8])")


def can_build(folder: str) -> bool:
    return MULTISCALE.fullmatch(folder) is not None


def build(folder: str, root: Path) -> Path:
    """Make ``folder`` (relative to the project ``root``) unless it exists; returns its path."""
    match = MULTISCALE.fullmatch(folder)
    if match is None:
        raise ValueError(f"{folder}: no recipe (known: runs/data-ms3 .. runs/data-ms8)")
    target = root / folder
    if target.is_dir():
        return target
    extras = []
    for name in COLLECTIONS[:int(match[1]) - 3]:
        photos = root / "runs" / f"photos-{name}"
        if not photos.is_dir():
            subprocess.run([sys.executable, str(HERE / f"fetch_{name}_photos.py"), str(photos)], check=True)
        extras += ["--extra", str(photos)]
    subprocess.run([sys.executable, str(HERE / "make_multiscale.py"), str(target), "1", "0.5", "0.25", *extras],
                   check=True)
    return target


if __name__ == "__main__":
    for argument in sys.argv[1:] or ["--help"]:
        if argument in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        print(build(argument, HERE.parents[1]))
