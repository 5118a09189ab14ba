"""No input is ever lost and bad plans are refused before any work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


@pytest.fixture()
def photos(tmp_path):
    src = tmp_path / "in"
    for name in ("blue", "red"):
        write_png(src / f"{name}.png", smooth_image(20, 24, 3, seed=len(name)))
    return src


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_report_may_not_replace_an_input(photos, tmp_path, tiny_model, capsys):
    before = snapshot(photos)
    code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--report", str(photos / "blue.png"), "-q")
    assert code == 2 and "is one of the inputs" in err
    assert snapshot(photos) == before and not (tmp_path / "out").exists()


@pytest.mark.parametrize("layout", ["same stem, --format png", "same name in two input folders"])
def test_two_inputs_writing_one_output_are_refused_before_work(layout, tmp_path, tiny_model, capsys):
    if layout.startswith("same stem"):
        write_png(tmp_path / "in" / "a.png", smooth_image(16, 16, 3, seed=1))
        (tmp_path / "in" / "a.jpg").write_bytes((write_png(tmp_path / "j.png", smooth_image(16, 16, 3))).read_bytes())
        inputs, extra = [str(tmp_path / "in")], ["--format", "png"]
    else:
        write_png(tmp_path / "d1" / "x.png", smooth_image(16, 16, 3, seed=1))
        write_png(tmp_path / "d2" / "x.png", smooth_image(16, 16, 3, seed=2))
        inputs, extra = [str(tmp_path / "d1"), str(tmp_path / "d2")], []
    code, _, err = run(main, capsys, "denoise", *inputs, "-o", str(tmp_path / "out"), "-m", str(tiny_model), *extra, "-q")
    assert code == 2 and "more than one input" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_suffix_cannot_leave_the_output_folder(photos, tmp_path, tiny_model, capsys):
    keep = tmp_path / "other" / "keep.png"
    write_png(keep, smooth_image(8, 8, 3))
    before = keep.read_bytes()
    code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(tmp_path / "out" / "x"), "-m", str(tiny_model),
                       "--suffix", "/../../other/keep", "-q")
    assert code == 2 and "--suffix" in err
    assert keep.read_bytes() == before and not (tmp_path / "out").exists()


# root lists any folder whatever its mode, unless it gives up the capabilities that allow it
DROP_ROOT_READ = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search",
                  "--"]


def test_unlistable_subfolder_is_a_failed_entry(photos, tmp_path, tiny_model):
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without util-linux's setpriv: every folder is listable")
        prefix = DROP_ROOT_READ
    locked = photos / "locked"
    write_png(locked / "hidden.png", smooth_image(8, 8, 3))
    locked.chmod(0)
    report = tmp_path / "report.json"
    try:
        done = subprocess.run([*prefix, sys.executable, "-m", "imgrestore", "denoise", str(photos), "-r",
                               "-o", str(tmp_path / "out"), "-m", str(tiny_model), "--report", str(report), "-q"],
                              capture_output=True, text=True, timeout=300)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1, done.stderr
    failed = [f for f in json.loads(report.read_text())["files"] if f["status"] == "failed"]
    assert [f["source"] for f in failed] == [str(locked)]
    assert "cannot list folder" in failed[0]["error"] and "locked" in done.stderr
    assert (tmp_path / "out" / "blue.png").exists() and (tmp_path / "out" / "red.png").exists()


@pytest.mark.parametrize("where", ["subfolder of the input", "the input folder with --suffix"])
def test_a_job_writing_into_its_input_tree_resumes(where, photos, tiny_model, capsys):
    if where.startswith("subfolder"):
        args, written = ["-r", "-o", str(photos / "out")], [photos / "out" / "blue.png", photos / "out" / "red.png"]
    else:
        args, written = ["-o", str(photos), "--suffix", "_clean"], [photos / "blue_clean.png", photos / "red_clean.png"]
    originals = {p: p.read_bytes() for p in (photos / "blue.png", photos / "red.png")}
    code, out, err = run(main, capsys, "denoise", str(photos), *args, "-m", str(tiny_model), "-q")
    assert code == 0 and "2 written" in out, err
    assert all(p.exists() for p in written)
    code, out, err = run(main, capsys, "denoise", str(photos), *args, "-m", str(tiny_model), "--skip-existing", "-q")
    assert code == 0, err
    assert "0 written" in out and "2 skipped" in out
    assert {p: p.read_bytes() for p in originals} == originals
    assert not (photos / "out" / "out").exists() and not list(photos.glob("*_clean_clean.png"))


def test_report_that_cannot_be_written_is_refused_before_work(photos, tmp_path, tiny_model, capsys):
    out = tmp_path / "out"
    for report in (tmp_path, "/proc/imgrestore-report.json", photos / "blue.png" / "r.json"):
        code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(out), "-m", str(tiny_model),
                           "--report", str(report), "-q")
        assert code == 2 and "--report" in err and len(err.strip().splitlines()) == 1, (report, err)
        assert not out.exists()


def test_output_that_is_a_file_or_unwritable_is_refused_before_work(photos, tmp_path, tiny_model, capsys):
    a_file = write_png(tmp_path / "file.png", smooth_image(8, 8, 3))
    for output in (a_file, "/proc/imgrestore-out"):
        code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(output), "-m", str(tiny_model), "-q")
        assert code == 2 and "-o" in err, err
    code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(tmp_path / "o"), "--tile", "-5")
    assert code == 2 and "--tile" in err and not (tmp_path / "o").exists()


def test_bad_weights_metadata_is_one_line(photos, tmp_path, tiny_model, capsys):
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(tiny_model), "pt") as handle:
        meta = json.loads(handle.metadata()["imgrestore"])
    meta["config"]["filters"] = "four, eight"
    bad = tmp_path / "bad.safetensors"
    save_file(load_file(str(tiny_model)), str(bad), metadata={"imgrestore": json.dumps(meta)})
    code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(tmp_path / "out"), "-m", str(bad), "-q")
    assert code == 2 and "field 'filters'" in err and str(bad) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_fifos_and_broken_links_are_reported_with_their_reason(photos, tmp_path, tiny_model, capsys):
    os.mkfifo(photos / "pipe.png")
    (photos / "dangling.png").symlink_to(photos / "gone.png")
    (photos / "loop.png").symlink_to(photos / "loop.png")
    report = tmp_path / "report.json"
    code, _, err = run(main, capsys, "denoise", str(photos), "-o", str(tmp_path / "out"), "-m", str(tiny_model),
                       "--report", str(report), "-q")
    assert code == 1, err
    errors = {os.path.basename(f["source"]): f["error"] for f in json.loads(report.read_text())["files"]
              if f["status"] == "failed"}
    assert "FIFO" in errors["pipe.png"]
    assert "dangling symbolic link" in errors["dangling.png"]
    assert "symbolic link loop" in errors["loop.png"]
    code, _, err = run(main, capsys, "denoise", str(photos / "pipe.png"), "-o", str(tmp_path / "o2"),
                       "-m", str(tiny_model), "-q")
    assert code == 1 and "FIFO" in err  # named explicitly: the same reason, never opened (it would block)
    assert read_image(tmp_path / "out" / "blue.png").width == 24
