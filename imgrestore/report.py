"""Per-file results of a batch run, the JSON report and the exit code scripts rely on."""

from __future__ import annotations

import dataclasses
import json
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
