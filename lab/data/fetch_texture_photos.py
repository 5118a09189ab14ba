"""More clean training images for the photo denoisers (TRAINING.md, issue 7): the photographed surface
textures of Debian's `supertuxkart-data` (bark, rock, gravel, cobblestones, bricks, leaves on a forest floor,
sand, wicker, thatch, an aerial view of Mount Fuji, ...), fetched with `apt-get download`. The game's painted
textures, normal/gloss maps and atlases are left out by name. Saved at half size, which averages away the
JPEG blocking of some. None is a validation image (those come from scikit-image and matplotlib). The images
are used on the user's machine only.

    python lab/data/fetch_texture_photos.py runs/photos-texture
"""

import argparse
from pathlib import Path

from deb_photos import fetch_listed

DATA = "usr/share/games/supertuxkart/data"
PHOTOS = [
    "tracks/black_forest/grass_forestFloor_big.jpg", "textures/hd_rock_01_d.png", "textures/hd_beach_01_d.png",
    "tracks/zengarden/landscapeMountFudji.jpg", "tracks/mines/mine_rock2.jpg", "tracks/black_forest/forest_floor.jpg",
    "tracks/black_forest/brick_wall_06.jpg", "textures/stktex_treeBark_a.png", "textures/stktex_snowRock_a.png",
    "textures/stktex_palmTreeBark_a.png", "textures/stktex_generic_rockA.png", "textures/stktex_generic_gravelA.png",
    "textures/stktex_generic_cobbleStoneA.png", "textures/stktex_generic_stoneWallA.png",
    "textures/stktex_generic_roots_a.png", "textures/stktex_cliff_a.png", "textures/stk_karstRock_a.png",
    "textures/stk_generic_rock_b.png", "textures/stk_generic_brickA.png", "textures/stk_generic_oldbricks_a.png",
    "textures/stk_generic_thatch_a.png", "textures/stk_generic_wickerA.png", "textures/stk_generic_corrugatedIronA.png",
    "textures/stk_generic_cardboard_a.png", "textures/stk_generic_dirtRoad_a.png",
    "textures/stk_generic_hexaBasaltRoad_a.png",
]


def _stem(name: str) -> str:
    return "stk_" + Path(name).stem.removeprefix("stktex_").removeprefix("stk_")


def main(out: Path) -> None:
    fetch_listed("supertuxkart-data", DATA, PHOTOS, out, lambda name: 0.5, _stem)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    main(parser.parse_args().out)
