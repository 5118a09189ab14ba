"""Per-file results of a batch run, the JSON report and the exit code scripts rely on."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imgrestore.errors import ReportWriteError
from imgrestore.io.atomic import atomic_write_bytes

OK, FAILED, SKIPPED, PLANNED, INTERRUPTED = "ok", "failed", "skipped", "dry-run", "interrupted"
STATUSES = (OK, FAILED, SKIPPED, PLANNED, INTERRUPTED)


@dataclass
class FileResult:
    """What happened to one input file."""

    source: str
    output: str
    relative: str = ""  # path below the input root, mirrored under the output folder
    status: str = OK
    error: str | None = None
    seconds: float = 0.0
    width: int | None = None
    height: int | None = None
    channels: int | None = None
    bit_depth: int | None = None
    input_bytes: int | None = None
    output_bytes: int | None = None
    model: str | None = None
    precision: str | None = None  # what the model ran in: fp32, bf16 or fp16 (--precision auto chooses per model)
    noise_level: float | None = None  # sigma (0..255) given to the model; None for blind models
    noise_estimate: float | None = None  # model-free (wavelet) estimate of the input's sigma, for reference
    jpeg_quality: int | None = None  # dejpeg: the JPEG quality the model was told (the file's, or --quality)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # command-specific: seed and operators for corrupt


PARTS_FOLDER = ".imgrestore-report"  # under the output folder: one part file of report rows per worker
_RANK = {OK: 4, FAILED: 3, INTERRUPTED: 2, SKIPPED: 1, PLANNED: 0}  # which record of a file a merge keeps


def part_file(out_dir: Path, label: str) -> Path:
    """A new part file for one worker's rows (``label``: its shard), unique per host and process, so a
    retried or duplicated worker never writes into another's."""
    return out_dir / PARTS_FOLDER / f"{label}.{socket.gethostname()}.{os.getpid()}.jsonl"


def append_part(path: Path, result: FileResult) -> None:
    """Append one row (one line of JSON, flushed) to a worker's part file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(dataclasses.asdict(result), default=str) + "\n")


def merge_parts(out_dir: Path) -> list[FileResult]:
    """Every file's record from the part files under ``out_dir``, one per input: the best outcome any
    attempt had (written beats failed beats interrupted beats skipped), the latest among equals; sorted by
    relative path. A line cut short by a killed worker is ignored."""
    best: dict[str, tuple[tuple[int, float, int], FileResult]] = {}
    folder = out_dir / PARTS_FOLDER
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        mtime = path.stat().st_mtime
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            try:
                result = FileResult(**json.loads(line))
            except (json.JSONDecodeError, TypeError):
                continue
            rank = (_RANK.get(result.status, 0), mtime, line_number)
            if result.source not in best or rank > best[result.source][0]:
                best[result.source] = (rank, result)
    return sorted((result for _, result in best.values()), key=lambda r: (r.relative, r.source))


def exit_code(results: list[FileResult]) -> int:
    """0 when nothing failed, 1 when at least one file failed."""
    return 1 if any(r.status == FAILED for r in results) else 0


def summary(results: list[FileResult], wall_seconds: float | None = None) -> dict[str, Any]:
    """Counts per status; ``wall_seconds`` is the run's elapsed time, ``file_seconds`` the sum of the
    per-file times (larger than the wall time when files share forward passes)."""
    counts = {status: sum(r.status == status for r in results) for status in STATUSES}
    return {"files": len(results), **counts, "wall_seconds": wall_seconds,
            "file_seconds": round(sum(r.seconds for r in results), 3)}


def write_report(path: Path, results: list[FileResult], command: dict[str, Any],
                 wall_seconds: float | None = None) -> None:
    """Write the JSON report atomically; one clear error if it cannot be written."""
    payload = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command,
        "summary": summary(results, wall_seconds),
        "files": [dataclasses.asdict(r) for r in results],
    }
    try:
        atomic_write_bytes(path, (json.dumps(payload, indent=2, default=str) + "\n").encode())
    except OSError as exc:
        raise ReportWriteError(f"--report {path}: cannot write the report ({exc.strerror or exc})") from None
