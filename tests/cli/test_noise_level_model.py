"""A noise-level model end to end: trained with the drawn sigma, run with --sigma N or auto."""

from __future__ import annotations

import json

import pytest

from imgrestore.cli.app import main
from imgrestore.weights.format import read_meta

from helpers import run


@pytest.fixture(scope="module")
def tiny_resunet(train_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("resunet") / "r.safetensors"
    code = main(["train", "--arch", "resunet", "-c", "widths=[4,8]", "--data", str(train_folder),
                 "--val", str(train_folder), "--sigma", "0..50", "--crop", "16", "--batch", "4", "--steps", "3",
                 "--val-every", "3", "--precision", "fp32", "-o", str(out), "-q"])
    assert code == 0
    return out


def test_training_validates_at_the_true_sigmas(tiny_resunet):
    meta = read_meta(tiny_resunet)
    assert meta.arch == "resunet" and set(meta.metrics["val_psnr"]) == {"psnr_sigma15", "psnr_sigma25", "psnr_sigma50"}


def test_report_records_the_level_given_or_estimated(tiny_resunet, train_folder, tmp_path, capsys):
    for sigma in ("17.5", "auto"):
        report = tmp_path / f"{sigma}.json"
        code, _, err = run(main, capsys, "denoise", str(train_folder), "-o", str(tmp_path / sigma), "-m", str(tiny_resunet),
                           "--sigma", sigma, "--report", str(report), "-q")
        assert code == 0, err
        files = json.loads(report.read_text())["files"]
        levels = [f["noise_level"] for f in files]
        if sigma == "auto":  # the wavelet reading, which the model's check may lower by at most a quarter
            assert all(0.75 * f["noise_estimate"] - 0.01 <= level <= f["noise_estimate"] + 0.01
                       for level, f in zip(levels, files))
        else:
            assert levels == [17.5] * len(files)


def test_bad_sigma_is_a_usage_error(tiny_resunet, train_folder, tmp_path, capsys):
    code, _, err = run(main, capsys, "denoise", str(train_folder), "-o", str(tmp_path / "x"), "-m", str(tiny_resunet),
                       "--sigma", "loud")
    assert code == 2 and "--sigma loud" in err


def test_eval_tells_methods_the_true_or_a_fixed_sigma(tiny_resunet, train_folder, tmp_path, capsys):
    rows = {}
    for sigma in ("auto", "true", "40"):
        out = tmp_path / f"{sigma}.json"
        code, _, err = run(main, capsys, "eval", str(train_folder), "--degrade", "gaussian:sigma=20", "--sigma", sigma,
                           "-m", str(tiny_resunet), "--baseline", "nlm", "--save", str(out), "-q")
        assert code == 0, err
        data = json.loads(out.read_text())
        assert data["setup"]["sigma"] == sigma
        rows[sigma] = {r["method"]: r["psnr"] for r in data["results"]}
    # NLM's strength follows the level it is told: a fixed 40 differs from the true 20
    assert rows["true"]["nlm"] != rows["40"]["nlm"]
    assert rows["true"]["r"] != rows["40"]["r"]


def test_tta_averages_the_eight_symmetries(tiny_resunet, train_folder, tmp_path, capsys):
    import numpy as np

    from imgrestore.pipeline import RestoreOptions, dihedral, load_restorer, restore_pixels, undo_dihedral

    image = np.random.default_rng(0).uniform(0, 1, (20, 28, 3)).astype(np.float32)
    for k in range(8):
        np.testing.assert_array_equal(undo_dihedral(dihedral(image, k), k), image)
    restorer = load_restorer(str(tiny_resunet), device="cpu")
    plain = restore_pixels([image], restorer, RestoreOptions(sigma=20))[0]
    ensemble = restore_pixels([image], restorer, RestoreOptions(sigma=20, tta=True))[0]
    by_hand = np.mean([undo_dihedral(restore_pixels([dihedral(image, k)], restorer, RestoreOptions(sigma=20))[0], k)
                       for k in range(8)], axis=0)
    np.testing.assert_allclose(ensemble, by_hand, atol=1e-6)
    assert not np.allclose(ensemble, plain)

    out = tmp_path / "t.json"
    code, _, err = run(main, capsys, "eval", str(train_folder), "-m", str(tiny_resunet), "-m", f"{tiny_resunet}:tta=true",
                       "--save", str(out), "-q")
    assert code == 0, err
    assert [r["method"] for r in json.loads(out.read_text())["results"]] == ["r", "r +tta"]


def test_gray_model_trains_from_the_colour_one(tiny_resunet, train_folder, tmp_path, capsys):
    out = tmp_path / "gray.safetensors"
    code, _, err = run(main, capsys, "train", "--arch", "resunet", "-c", "channels=1", "-c", "widths=[4,8]",
                       "--init", str(tiny_resunet), "--data", str(train_folder), "--sigma", "0..50", "--crop", "16",
                       "--batch", "2", "--steps", "2", "--precision", "fp32", "-o", str(out), "-q")
    assert code == 0, err
    meta = read_meta(out)
    assert meta.channels == 1 and meta.training["init"]["file"] == str(tiny_resunet)
    code, _, err = run(main, capsys, "train", "--arch", "resunet", "-c", "widths=[4,8,16]", "--init", str(tiny_resunet),
                       "--data", str(train_folder), "--crop", "16", "--steps", "1", "-o", str(tmp_path / "x.safetensors"))
    assert code == 2 and "can only be adapted in channels, noise_map" in err
