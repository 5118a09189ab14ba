"""The same folder through `--engine local`, `--engine ray` (2 workers) and three `--engine shard` slices, then
the two recovery runs (a Ray actor killed mid-run; the driver killed mid-run and the job rerun).

The folder: `--files` synthetic noisy photos (`benchmarks/memory.py`'s) of `--side` px square, PNG, restored by
`imgrestore denoise` with the default photo denoiser in a child process each time (start-up, Ray's included).
Shards run one after another here (a job array with one 2-core node); on three nodes the wall time would be
the slowest shard's. Ray runs in a network namespace with only loopback up (`unshare -n`, as root), as the
tests do, and its workers get 1 CPU each (Ray sets their thread count from it).

Recovery counts, checked against the local run's bytes: files written twice (two "written" rows), partial
outputs (a final name missing or whose bytes differ from the local run), files redone (written after the
kill), hidden temp files left (a killed writer's; the next run in the folder removes them once stale).

    sudo python benchmarks/engines.py                 # 24 photos of 1024 px (about 10 minutes on 2 cores)
    python benchmarks/engines.py --files 6 --side 256
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import synthetic_photo

from imgrestore.io.atomic import is_temp_name

NAMESPACE = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


def denoise(src: Path, out: Path, *flags: str, isolated: bool = False) -> list[str]:
    command = [sys.executable, "-m", "imgrestore", "denoise", str(src), "-o", str(out), "-q", *flags]
    return [*NAMESPACE, *command] if isolated else command


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def written_rows(out: Path) -> list[tuple[str, str]]:
    """(part file, relative path) of every report row that says a file was written."""
    folder = out / ".imgrestore-report"
    return [(part.name, row["relative"]) for part in sorted(folder.glob("*.jsonl")) if folder.is_dir()
            for row in map(json.loads, part.read_text().splitlines()) if row["status"] == "ok"]


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.glob("*.png")}


def temps(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".") and is_temp_name(p.name)]


def wait_for_rows(out: Path, job: subprocess.Popen, least: int) -> list[tuple[str, str]]:
    while True:
        rows = written_rows(out)
        if len(rows) >= least:
            return rows
        if job.poll() is not None:
            raise SystemExit(f"the job ended before {least} files were written: {job.stderr.read().decode()[-2000:]}")
        time.sleep(0.02)


def counts(out: Path, expected: dict[str, bytes], before: set[str]) -> str:
    rows = [relative for _, relative in written_rows(out)]
    partial = sum(outputs(out).get(name) != data for name, data in expected.items())
    redone = len(set(rows) - before)
    return (f"written after the kill {redone}, written twice {len(rows) - len(set(rows))}, partial {partial}, "
            f"temp files left {len(temps(out))}")


def actor_kill(src: Path, out: Path, expected: dict[str, bytes]) -> str:
    job = subprocess.Popen(denoise(src, out, "--engine", "ray", "--workers", "2", isolated=True),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    rows = wait_for_rows(out, job, 1)
    os.kill(int(rows[0][0].split(".")[-2]), signal.SIGKILL)  # part files are label.host.pid.jsonl
    before = {relative for _, relative in written_rows(out)}
    job.communicate()
    return f"actor killed after {len(before)} of {len(expected)}: exit {job.returncode}, " + counts(out, expected, before)


def driver_kill(src: Path, out: Path, expected: dict[str, bytes]) -> str:
    job = subprocess.Popen(denoise(src, out, "--engine", "ray", "--workers", "2", isolated=True),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    wait_for_rows(out, job, 2)
    os.killpg(job.pid, signal.SIGKILL)
    job.communicate()
    time.sleep(3)
    before = set(outputs(out))
    left = temps(out)
    for temp in left:  # as if the rerun came after the stale limit
        os.utime(temp, (time.time() - 3600, time.time() - 3600))
    rerun = subprocess.run(denoise(src, out, "--engine", "ray", "--workers", "2", "--skip-existing", isolated=True),
                           capture_output=True)
    return (f"driver killed with {len(before)} of {len(expected)} written and {len(left)} temp files left: rerun exit "
            f"{rerun.returncode}, " + counts(out, expected, before))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--side", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        src = root / "in"
        src.mkdir()
        for index in range(args.files):
            cv2.imwrite(str(src / f"photo{index:03d}.png"), synthetic_photo(args.side, args.side, seed=index))
        megapixels = args.files * args.side ** 2 / 1e6
        rows = [("local", timed(denoise(src, root / "local")))]
        rows.append(("ray, 2 workers", timed(denoise(src, root / "ray", "--engine", "ray", "--workers", "2",
                                                     isolated=True))))
        shards = [timed(denoise(src, root / "shards", "--engine", "shard", "--shard", f"{i}/3")) for i in range(3)]
        rows.append(("3 shards, one after another", sum(shards)))
        expected = outputs(root / "local")
        for name in ("ray", "shards"):
            assert outputs(root / name) == expected, f"{name} wrote other bytes than the local run"
        print(f"{args.files} photos of {args.side}x{args.side} ({megapixels:.1f} MP), default photo denoiser\n")
        print("| engine | wall s | MP/s |\n|---|---|---|")
        for label, seconds in rows:
            print(f"| {label} | {seconds:.1f} | {megapixels / seconds:.3f} |")
        print(f"\nshards: {', '.join(f'{s:.1f}' for s in shards)} s; every engine wrote the local run's bytes\n")
        print(actor_kill(src, root / "actor-kill", expected))
        print(driver_kill(src, root / "driver-kill", expected))


if __name__ == "__main__":
    main()
