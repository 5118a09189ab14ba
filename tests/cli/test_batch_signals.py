"""SIGINT/SIGTERM stop a batch cleanly and later runs clear leftovers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run

FILES = 40


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_writes_the_report_and_leaves_no_partial_file(signum, code, tmp_path):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.json"
    for i in range(FILES):
        write_png(src / f"{i:02d}.png", smooth_image(128, 128, 3, seed=i))
    child = subprocess.Popen([sys.executable, "-m", "imgrestore", "denoise", str(src), "-o", str(out),
                              "--report", str(report), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and any(p.suffix == ".png" and not p.name.startswith(".") for p in out.iterdir())):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == code, stderr
    assert "Traceback" not in stderr and f"interrupted by {signal.Signals(signum).name}" in stderr
    assert len(stderr.strip().splitlines()) == 1
    files = json.loads(report.read_text())["files"]
    assert len(files) == FILES
    status = {f["status"] for f in files}
    assert status <= {"ok", "interrupted"} and "interrupted" in status
    written = [p for p in out.iterdir()]
    assert not [p for p in written if p.name.startswith(".")]  # no temp file left
    assert {p.name for p in written} == {os.path.basename(f["output"]) for f in files if f["status"] == "ok"}
    for path in written:
        assert read_image(path).width == 128  # every final name holds a whole image


def test_a_later_run_removes_only_its_own_stale_temp_files(tmp_path, tiny_model, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write_png(src / "a.png", smooth_image(16, 16, 3))
    out.mkdir()
    stale, fresh, unrelated = out / ".a.k2j4h_8x.part.png", out / ".a.zz9y8x7w.part.png", out / ".a.part.png"
    for path in (stale, fresh, unrelated):
        path.write_bytes(b"partial")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(unrelated, (hour_ago, hour_ago))
    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(out), "-m", str(tiny_model), "-q")
    assert code == 0, err
    assert not stale.exists()  # ours, and abandoned: a killed run left it
    assert fresh.exists()  # ours, but recent: another run writing into this folder may still rename it
    assert unrelated.exists()  # not our naming pattern: never touched
