"""`--engine ray` on a local Ray cluster, in a network namespace of its own with only loopback up."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest
from factories import smooth_image, write_png

NAMESPACE = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


def _isolated_ok() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run([*NAMESPACE, "true"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (pip install 'imgrestore[ray]')"),
    pytest.mark.skipif(not _isolated_ok(), reason="cannot make a loopback-only network namespace here (unshare -n)"),
]


def _imgrestore(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*NAMESPACE, sys.executable, "-m", "imgrestore", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_ray_workers_write_every_file_once_and_a_rerun_adds_nothing(tmp_path, tiny_model):
    src, out, local = tmp_path / "in", tmp_path / "out", tmp_path / "local"
    for i in range(10):
        write_png(src / f"{i}.png", smooth_image(24 + i, 32, 3, seed=i))
    assert subprocess.run([sys.executable, "-m", "imgrestore", "denoise", str(src), "-o", str(local), "-m",
                           str(tiny_model), "-q"], capture_output=True).returncode == 0
    done = _imgrestore("denoise", str(src), "-o", str(out), "-m", str(tiny_model), "--engine", "ray", "--workers", "2",
                       "--report", str(tmp_path / "report.json"), "-q")
    assert done.returncode == 0, done.stderr[-3000:]
    written = {p.name: p.read_bytes() for p in out.glob("*.png")}
    assert written == {p.name: p.read_bytes() for p in local.glob("*.png")} and len(written) == 10
    rows = [json.loads(line) for part in (out / ".imgrestore-report").glob("*.jsonl") for line in part.read_text().splitlines()]
    assert sorted(r["relative"] for r in rows if r["status"] == "ok") == sorted(written)  # each file once
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["ok"] == 10

    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.png")}
    again = _imgrestore("denoise", str(src), "-o", str(out), "-m", str(tiny_model), "--engine", "ray", "-q")
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.png")} == mtimes  # nothing written twice
    merged = subprocess.run([sys.executable, "-m", "imgrestore", "report", str(out)], capture_output=True, text=True)
    assert merged.returncode == 0 and "10 files: 10 written" in merged.stdout
