"""`imgrestore eval`: the identity baseline equals an independent computation; models, tables, grid."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


@pytest.fixture()
def clean_folder(tmp_path):
    folder = tmp_path / "clean"
    write_png(folder / "a.png", smooth_image(40, 48, 3, seed=1))
    write_png(folder / "b.png", smooth_image(36, 36, 1, seed=2))
    write_png(folder / "c.png", smooth_image(32, 40, 3, seed=3), bit_depth=16)
    return folder


def test_identity_psnr_matches_an_independent_computation(clean_folder, tmp_path, capsys):
    spec, seed = "gaussian:sigma=20+saltpepper:amount=0.02", "5"
    code, _, err = run(main, capsys, "eval", str(clean_folder), "--degrade", spec, "--seed", seed,
                       "--baseline", "identity", "--save", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    reported = json.loads((tmp_path / "r.json").read_text())["results"][0]
    # independently: corrupt the same files to disk, then compute PSNR here with numpy
    run(main, capsys, "corrupt", str(clean_folder), "-o", str(tmp_path / "bad"), "--op", spec, "--seed", seed, "-q")
    values = []
    for name in ("a.png", "b.png", "c.png"):
        clean = read_image(clean_folder / name).pixels.astype(np.float64)
        bad = read_image(tmp_path / "bad" / name).pixels.astype(np.float64)
        values.append(10 * np.log10(1 / np.mean((clean - bad) ** 2)))
    assert reported["method"] == "identity"
    assert reported["psnr"] == pytest.approx(np.mean(values), abs=1e-6)


def test_eval_model_and_nlm_with_tables_and_grid(clean_folder, tmp_path, tiny_model, capsys):
    code, _out, err = run(main, capsys, "eval", str(clean_folder), "--degrade", "gaussian:sigma=25",
                         "--model", str(tiny_model), "--baseline", "nlm", "--baseline", "identity",
                         "--save", str(tmp_path / "t.csv"), "--save", str(tmp_path / "t.md"),
                         "--grid", str(tmp_path / "grid.png"), "--grid-count", "2", "-q")
    assert code == 0, err
    rows = list(csv.DictReader((tmp_path / "t.csv").open()))
    assert [r["method"] for r in rows] == ["nlm", "identity", "tiny-color"]
    by_method = {r["method"]: r for r in rows}
    assert float(by_method["nlm"]["psnr"]) > float(by_method["identity"]["psnr"])  # smooth images: NLM helps
    assert all(float(r["megapixels_per_second"]) > 0 and r["ssim"] for r in rows)
    assert "| tiny-color |" in (tmp_path / "t.md").read_text()
    grid = read_image(tmp_path / "grid.png")
    assert grid.height > 2 * 32 and grid.width > 4 * 32  # 2 rows; degraded | nlm | tiny | clean


@pytest.mark.parametrize("args, message", [
    (["--baseline", "median"], "unknown baseline"),
    ([], "at least one"),
    (["--baseline", "identity", "--degrade", "downsample:factor=2"], "back=true"),
    (["--baseline", "identity", "--save", "x.txt"], ".json, .csv or .md"),
])
def test_eval_usage_errors(clean_folder, capsys, args, message):
    code, _, err = run(main, capsys, "eval", str(clean_folder), *args, "-q")
    assert code == 2 and message in err


def test_eval_on_labelled_digits_with_a_classifier(toy_digits, tiny_classifier, tmp_path, capsys):
    code, out, err = run(main, capsys, "eval", str(toy_digits), "--subset", "20:40", "--degrade",
                         "mask:lower-half+saltpepper:amount=0.3", "--baseline", "identity", "--classifier",
                         str(tiny_classifier), "--save", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    assert "accuracy on the clean images 1.0000" in out
    data = json.loads((tmp_path / "r.json").read_text())
    identity = data["results"][0]
    assert data["setup"]["clean_accuracy"] == 1.0 and data["setup"]["images"] == 20
    assert identity["mse_masked"] > identity["mse"]  # the blanked half is where the error is
    assert 0 <= identity["accuracy"] <= 1
    assert set(identity["per_image"]) == {str(i) for i in range(20, 40)}


def test_classifier_needs_labels_in_eval(clean_folder, tiny_classifier, capsys):
    code, _, err = run(main, capsys, "eval", str(clean_folder), "--baseline", "identity", "--classifier",
                       str(tiny_classifier), "-q")
    assert code == 2 and "labelled" in err


def test_channels_option_selects_colour_or_converts_to_gray(tmp_path, capsys):
    write_png(tmp_path / "in" / "c.png", smooth_image(32, 32, 3))
    write_png(tmp_path / "in" / "g.png", smooth_image(32, 32, 1))
    sizes = {}
    for channels in ("any", "colour", "gray"):
        out = tmp_path / f"{channels}.json"
        code, _, err = run(main, capsys, "eval", str(tmp_path / "in"), "--baseline", "identity", "--channels", channels,
                           "--save", str(out), "-q")
        assert code == 0, err
        sizes[channels] = json.loads(out.read_text())["results"][0]["images"]
    assert sizes == {"any": 2, "colour": 1, "gray": 2}
    code, _, err = run(main, capsys, "eval", str(tmp_path / "in"), "--baseline", "identity", "--channels", "cmyk")
    assert code == 2 and "--channels cmyk" in err


def test_sharded_eval_merged_by_report_equals_one_run(clean_folder, tmp_path, capsys):
    """Two shards' score files, merged, give the table of the unsharded run: every image once, the same
    per-image scores and means; files of another experiment are refused instead of mixed."""
    common = ["eval", str(clean_folder), "--degrade", "gaussian:sigma=20", "--seed", "3", "--baseline", "identity",
              "--baseline", "nlm", "-q"]
    assert run(main, capsys, *common, "--save", str(tmp_path / "all.json"))[0] == 0
    for index in (0, 1):
        code, _, err = run(main, capsys, *common, "--shard", f"{index}/2", "--save", str(tmp_path / f"part{index}.json"))
        assert code == 0, err
    parts = [json.loads((tmp_path / f"part{i}.json").read_text())["results"][0]["per_image"] for i in (0, 1)]
    assert sorted(parts[0]) == ["a.png", "c.png"] and sorted(parts[1]) == ["b.png"]  # every 2nd by name
    code, _, err = run(main, capsys, "report", str(tmp_path / "part0.json"), str(tmp_path / "part1.json"),
                       "--save", str(tmp_path / "merged.json"), "-q")
    assert code == 0, err
    whole = json.loads((tmp_path / "all.json").read_text())
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["setup"]["images"] == 3
    for one, both in zip(whole["results"], merged["results"], strict=True):
        assert both["method"] == one["method"] and both["images"] == 3
        assert both["per_image"] == one["per_image"]
        assert both["psnr"] == pytest.approx(one["psnr"], abs=1e-9)
        assert both["ssim"] == pytest.approx(one["ssim"], abs=1e-9)
    assert run(main, capsys, "eval", str(clean_folder), "--degrade", "gaussian:sigma=30", "--baseline", "identity",
               "--baseline", "nlm", "--shard", "1/2", "--save", str(tmp_path / "other.json"), "-q")[0] == 0
    code, _, err = run(main, capsys, "report", str(tmp_path / "part0.json"), str(tmp_path / "other.json"), "-q")
    assert code == 2 and "different experiments" in err and "degrade" in err
