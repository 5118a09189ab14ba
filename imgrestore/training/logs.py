"""Training logs: JSON lines as they happen, plus a CSV and a loss-curve PNG rewritten from the history."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from imgrestore.io.atomic import atomic_write_bytes


def append_jsonl(path: Path, record: dict[str, Any]) -> None:
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")


def write_csv(path: Path, history: list[dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(key for record in history for key in record))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(history)
    atomic_write_bytes(path, buffer.getvalue().encode())


def _panel(points: dict[str, list[tuple[float, float]]], title: str, log_y: bool, size=(640, 300)) -> np.ndarray:
    width, height = size
    canvas = np.full((height, width, 3), 255, np.uint8)
    left, right, top, bottom = 60, 15, 25, 30
    cv2.putText(canvas, title, (left, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    every = [p for series in points.values() for p in series]
    if not every:
        return canvas
    ys = [math.log10(y) if log_y else y for _, y in every if not (log_y and y <= 0)]
    x_max = max(x for x, _ in every) or 1
    y_min, y_max = min(ys), max(ys)
    if y_max - y_min < 1e-9:
        y_min, y_max = y_min - 0.5, y_max + 0.5
    def to_px(x: float, y: float) -> tuple[int, int]:
        y = math.log10(y) if log_y else y
        return (int(left + (width - left - right) * x / x_max),
                int(height - bottom - (height - top - bottom) * (y - y_min) / (y_max - y_min)))
    cv2.rectangle(canvas, (left, top), (width - right, height - bottom), (180, 180, 180), 1)
    for value in (y_min, y_max):
        label = f"{10 ** value:.3g}" if log_y else f"{value:.2f}"
        y_px = to_px(0, 10 ** value if log_y else value)[1]
        cv2.putText(canvas, label, (2, y_px + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (60, 60, 60), 1, cv2.LINE_AA)
    cv2.putText(canvas, f"step {x_max:g}", (width - right - 80, height - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.38,
                (60, 60, 60), 1, cv2.LINE_AA)
    colours = [(200, 80, 30), (30, 140, 30), (30, 30, 200), (150, 30, 150), (20, 150, 170)]
    for i, (name, series) in enumerate(points.items()):
        colour = colours[i % len(colours)]
        pts = np.array([to_px(x, y) for x, y in series if not (log_y and y <= 0)], np.int32)
        if len(pts) > 1:
            cv2.polylines(canvas, [pts], False, colour, 1, cv2.LINE_AA)
        for p in pts if len(pts) < 30 else []:
            cv2.circle(canvas, tuple(int(v) for v in p), 2, colour, -1)
        cv2.putText(canvas, name, (left + 8 + 150 * i, top + 15), cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1, cv2.LINE_AA)
    return canvas


def write_curve(path: Path, history: list[dict[str, Any]]) -> None:
    """A PNG with the training loss (log scale when it is positive) and the validation PSNR curves."""
    loss = {"loss": [(r["step"], r["loss"]) for r in history if "loss" in r]}
    keys = sorted({k for r in history for k in r if k.startswith("psnr")})
    val = {k: [(r["step"], r[k]) for r in history if k in r] for k in keys}
    positive = all(y > 0 for _, y in loss["loss"])  # a log scale needs positive losses (--loss psnr is negative)
    picture = np.concatenate([_panel(loss, "training loss" + ("" if positive else " (linear)"), positive),
                              _panel(val, "validation PSNR (dB)", False)], axis=0)
    ok, data = cv2.imencode(".png", picture[:, :, ::-1])
    if ok:
        atomic_write_bytes(path, data.tobytes())
