"""Many small files through `imgrestore denoise`: wall time, memory over the run, and a complete report.

Writes N small noisy PNGs (default 5,000 at 48x48, in folders of 500), runs the CLI on them in a
child process and samples its resident memory (VmRSS) and peak (VmHWM) from /proc while counting the
outputs written, so memory can be read against progress: flat means it does not grow with the files.

    python benchmarks/many_files.py                  # 5,000 files, the default model
    python benchmarks/many_files.py --files 500 --flags "-m dae-photo-color"
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np


def write_inputs(folder: Path, count: int, side: int, per_folder: int = 500) -> None:
    rng = np.random.default_rng(0)
    for index in range(count):
        sub = folder / f"part{index // per_folder:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        base = cv2.resize(rng.random((4, 4, 3)).astype(np.float32), (side, side), interpolation=cv2.INTER_CUBIC)
        noisy = np.clip(base * 255 + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)
        cv2.imwrite(str(sub / f"img{index:06d}.png"), noisy)


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB, or (0, 0) once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmRSS", "VmHWM"))}
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--side", type=int, default=48)
    parser.add_argument("--flags", default="", help="extra denoise flags, e.g. \"-m dae-photo-color\"")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, out, report = Path(tmp) / "in", Path(tmp) / "out", Path(tmp) / "report.json"
        write_inputs(source, args.files, args.side)
        command = [sys.executable, "-m", "imgrestore", "denoise", str(source), "-r", "-o", str(out),
                   "--report", str(report), "-q", *shlex.split(args.flags)]
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples = []  # (seconds, files written, rss kB, hwm kB)
        written = 0
        for line in iter(child.stdout.readline, ""):  # one line per finished file with -q
            written += " -> " in line
            if written % 50 == 0 or not samples:
                samples.append((time.monotonic() - started, written, *memory_kb(child.pid)))
        _, stderr = child.communicate()
        wall = time.monotonic() - started
        files = json.loads(report.read_text())["files"] if report.exists() else []
        outputs = sum(1 for p in out.rglob("*.png"))
    if child.returncode != 0:
        sys.exit(f"imgrestore exited {child.returncode}: {stderr}")

    def at(fraction: float) -> tuple[float, int, int, int]:
        return next(s for s in samples if s[1] >= fraction * args.files and s[2])

    statuses = {status: sum(f["status"] == status for f in files) for status in {f["status"] for f in files}}
    print(f"{args.files} files of {args.side}x{args.side} RGB, flags: {args.flags or 'defaults'}")
    print(f"wall time {wall:.1f} s ({args.files / wall:.1f} files/s, process start included)")
    print("| progress | files written | RSS MB | peak RSS so far MB |")
    print("|---|---|---|---|")
    for fraction in (0.02, 0.1, 0.5, 0.9, 1.0):
        seconds, done, rss, hwm = at(fraction)
        print(f"| {fraction:.0%} ({seconds:.0f} s) | {done} | {rss / 1024:.0f} | {hwm / 1024:.0f} |")
    print(f"report: {len(files)} entries {statuses}, {len(set(f['source'] for f in files))} distinct sources; "
          f"{outputs} output files")


if __name__ == "__main__":
    main()
