"""`imgrestore corrupt`: same folder rules as denoise, masks, manifest, bit-for-bit reproducibility."""

from __future__ import annotations

import json

import numpy as np
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.degradations import operators
from imgrestore.io.image import read_image

from helpers import run


def make_tree(root):
    write_png(root / "a.png", smooth_image(28, 28, 1, seed=1))
    write_png(root / "sub" / "b.png", smooth_image(30, 40, 3, seed=2), bit_depth=16)
    rgba = np.concatenate([smooth_image(20, 20, 3, seed=3), np.linspace(0, 1, 400).reshape(20, 20, 1)], axis=2)
    write_png(root / "sub" / "c.png", rgba)
    return root


def test_corrupt_tree_with_masks_and_manifest(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    out = tmp_path / "bad"
    code, _, err = run(main, capsys, "corrupt", str(src), "-o", str(out), "-r", "--op", "gaussian:sigma=25+mask:lower-half",
                       "--op", "mask:boxes", "--seed", "7", "--save-masks", "-q")
    assert code == 0, err
    a = read_image(out / "a.png")
    assert np.all(a.pixels[14:] == 0)  # lower 14 of 28 rows blanked, after the noise
    assert read_image(out / "sub" / "b.png").bit_depth == 16
    np.testing.assert_array_equal(read_image(out / "sub" / "c.png").alpha, read_image(src / "sub" / "c.png").alpha)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["chain"].startswith("gaussian:sigma=25")
    assert set(manifest["files"]) == {"a.png", "sub/b.png", "sub/c.png"}
    entry = manifest["files"]["sub/b.png"]
    assert entry["ops"][0]["drawn"]["sigma"] == 25.0 and isinstance(entry["seed"], int)
    masks = tmp_path / "bad_masks"
    lower = read_image(masks / "a.1-lower-half.png").pixels[:, :, 0]
    assert np.all(lower[14:] == 1) and np.all(lower[:14] == 0)
    assert (masks / "sub" / "b.2-boxes.png").exists()
    assert entry["masks"] == [str(masks / "sub" / "b.1-lower-half.png"), str(masks / "sub" / "b.2-boxes.png")]


def test_same_seed_same_bytes_regardless_of_which_files_run(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    spec = "gaussian:sigma=0..50+saltpepper:amount=0.05"
    run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "one"), "-r", "--op", spec, "--seed", "3", "-q")
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "a.png").write_bytes(b"done before")  # skipped: must not shift the other files' noise
    run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "two"), "-r", "--op", spec, "--seed", "3",
        "--skip-existing", "-q")
    run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "three"), "-r", "--op", spec, "--seed", "4", "-q")
    one = (tmp_path / "one" / "sub" / "b.png").read_bytes()
    assert one != (tmp_path / "three" / "sub" / "b.png").read_bytes()
    assert (tmp_path / "two" / "sub" / "b.png").read_bytes() == one
    assert (tmp_path / "two" / "sub" / "c.png").read_bytes() == (tmp_path / "one" / "sub" / "c.png").read_bytes()
    assert (tmp_path / "two" / "a.png").read_bytes() == b"done before"


def test_manifest_reproduces_the_run(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "first"), "-r", "--op", "speckle:sigma=0.1..0.3",
        "--op", "jpeg:quality=40..80", "--seed", "11", "-q")
    manifest = json.loads((tmp_path / "first" / "manifest.json").read_text())
    run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "again"), "-r", "--op", manifest["chain"],
        "--seed", str(manifest["seed"]), "-q")
    for name in manifest["files"]:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_list_describes_every_operator(capsys):
    code, out, _ = run(main, capsys, "corrupt", "--list")
    assert code == 0
    for name in operators():
        assert name in out


def test_bad_spec_is_a_usage_error(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    code, _, err = run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "x"), "--op", "gaussian:sigma=lots")
    assert code == 2 and "not a number" in err
    assert not (tmp_path / "x").exists()


def test_save_masks_without_a_mask_step_is_refused(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    code, _, err = run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "x"), "--op", "gaussian", "--save-masks")
    assert code == 2 and "no masking step" in err


def test_downsample_writes_smaller_images_and_alpha_follows(tmp_path, capsys):
    src = make_tree(tmp_path / "clean")
    code, _, err = run(main, capsys, "corrupt", str(src), "-o", str(tmp_path / "small"), "-r", "--op", "downsample:factor=4", "-q")
    assert code == 0, err
    a = read_image(tmp_path / "small" / "a.png")
    assert (a.height, a.width) == (7, 7)
    c = read_image(tmp_path / "small" / "sub" / "c.png")
    assert c.alpha is not None and c.alpha.shape == (5, 5)
