"""`--engine ray` on a local Ray cluster, in a network namespace of its own with only loopback up."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from factories import smooth_image, write_png

from imgrestore.io.atomic import is_temp_name

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


def _slow_folder(src, count=48, side=320):
    """Files big enough that a worker's batch of 16 takes a moment, so a kill lands mid-run."""
    for i in range(count):
        write_png(src / f"{i:02d}.png", smooth_image(side, side + i, 3, seed=i))


def _ok_rows(out):
    """(part file, relative path) of every row that says a file was written."""
    return [(part.name, row["relative"]) for part in sorted((out / ".imgrestore-report").glob("*.jsonl"))
            for row in map(json.loads, part.read_text().splitlines()) if row["status"] == "ok"]


def _temps(out):
    return [p for p in out.iterdir() if p.name.startswith(".") and is_temp_name(p.name)]


def _start_ray_job(src, out, model, *extra):
    """The job in its own session (so the whole process tree can be killed at once)."""
    return subprocess.Popen([*NAMESPACE, sys.executable, "-m", "imgrestore", "denoise", str(src), "-o", str(out), "-m",
                             str(model), "--engine", "ray", "--workers", "2", "-q", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_rows(out, job, least=1, timeout=300):
    """Wait until some worker has recorded ``least`` written files; returns the part files by then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _ok_rows(out) if (out / ".imgrestore-report").is_dir() else []
        if len(rows) >= least:
            return rows
        assert job.poll() is None, job.stderr.read().decode()[-3000:]
        time.sleep(0.02)
    raise AssertionError("no worker wrote a file in time")


def _local_run(src, local, model):
    assert subprocess.run([sys.executable, "-m", "imgrestore", "denoise", str(src), "-o", str(local), "-m", str(model),
                           "-q"], capture_output=True).returncode == 0
    return {p.name: p.read_bytes() for p in local.glob("*.png")}


def _job_to_kill(tmp_path, model):
    """A slow folder, its local run's outputs, and a Ray job started on it: (inputs, -o, outputs, job)."""
    src, out = tmp_path / "in", tmp_path / "out"
    _slow_folder(src)
    return src, out, _local_run(src, tmp_path / "local", model), _start_ray_job(src, out, model)


def test_an_actor_killed_mid_run_is_replaced_and_every_file_is_written_once(tmp_path, tiny_model):
    _, out, expected, job = _job_to_kill(tmp_path, tiny_model)
    try:
        rows = _wait_for_rows(out, job)
        victim = int(rows[0][0].split(".")[-2])  # part files are named label.host.pid.jsonl
        os.kill(victim, signal.SIGKILL)
        written_before = len(list(out.glob("*.png")))
        _, stderr = job.communicate(timeout=600)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
    assert job.returncode == 0, stderr.decode()[-3000:]
    assert written_before < len(expected)  # the kill landed mid-run
    assert {p.name: p.read_bytes() for p in out.glob("*.png")} == expected  # no partial output
    ok = [relative for _, relative in _ok_rows(out)]
    assert len(ok) == len(set(ok))  # no file written twice
    assert sum(1 for part, _ in _ok_rows(out) if part.split(".")[-2] != str(victim)) > 0  # others took over
    merged = subprocess.run([sys.executable, "-m", "imgrestore", "report", str(out)], capture_output=True, text=True)
    assert merged.returncode == 0 and f"{len(expected)} files:" in merged.stdout


def test_a_driver_killed_mid_run_loses_nothing_and_a_rerun_does_exactly_the_rest(tmp_path, tiny_model):
    src, out, expected, job = _job_to_kill(tmp_path, tiny_model)
    try:
        _wait_for_rows(out, job, least=2)
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.communicate()
    time.sleep(3)  # Ray's workers die with their driver; let any last write land before counting
    complete = {p.name: p.stat().st_mtime_ns for p in out.glob("*.png")}
    assert 0 < len(complete) < len(expected)
    assert all(p.read_bytes() == expected[p.name] for p in out.glob("*.png"))  # what exists is whole
    for temp in _temps(out):  # a killed writer's temp file, aged past the stale limit
        os.utime(temp, (time.time() - 3600, time.time() - 3600))
    first_rows = set(_ok_rows(out))

    again = _imgrestore("denoise", str(src), "-o", str(out), "-m", str(tiny_model), "--engine", "ray", "--workers", "2",
                        "--skip-existing", "-q")
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p.name: p.read_bytes() for p in out.glob("*.png")} == expected
    assert {name: out.joinpath(name).stat().st_mtime_ns for name in complete} == complete  # not redone
    redone = [relative for part, relative in set(_ok_rows(out)) - first_rows]
    assert sorted(redone) == sorted(set(expected) - set(complete))  # exactly the rest, each once
    assert not _temps(out)
