"""`imgrestore eval`: corrupt deterministically, restore with models and baselines, score, tabulate.

Degraded images are exactly what ``imgrestore corrupt`` writes with the same spec and seed (same
per-file seed, same rounding to the file's bit depth), so a table can be reproduced from files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from imgrestore.degradations import Chain
from imgrestore.degradations.job import CorruptJob
from imgrestore.errors import UsageError
from imgrestore.evaluation.baselines import Method
from imgrestore.evaluation.metrics import mse, psnr, ssim, ssim_available
from imgrestore.io.atomic import atomic_write_bytes
from imgrestore.io.discover import InputItem
from imgrestore.io.image import read_image
from imgrestore.pipeline import ModelChoice, RestoreOptions, restore_pixels


@dataclass(frozen=True)
class Sample:
    """One evaluation image: its name, the clean pixels and the degraded pixels."""

    name: str
    clean: np.ndarray
    degraded: np.ndarray


@dataclass
class ModelMethod:
    """A restorer (bundled name or path) evaluated through the same pipeline as `denoise`."""

    name: str
    choice: ModelChoice
    options: RestoreOptions

    def restore(self, images: list[np.ndarray]) -> list[np.ndarray]:
        out: list[np.ndarray | None] = [None] * len(images)
        for channels in sorted({img.shape[2] for img in images}):
            index = [i for i, img in enumerate(images) if img.shape[2] == channels]
            restored = restore_pixels([images[i] for i in index], self.choice.for_channels(channels), self.options)
            for i, pixels in zip(index, restored):
                out[i] = pixels
        return out  # type: ignore[return-value]


@dataclass
class Score:
    """Mean scores of one method over all samples."""

    method: str
    psnr: float
    ssim: float | None
    mse: float
    seconds: float
    megapixels_per_second: float
    images: int
    per_image: dict[str, dict[str, float | None]] = field(default_factory=dict)


def make_samples(items: list[InputItem], chain: Chain, seed: int) -> list[Sample]:
    """Clean images and their degraded copies, identical to `imgrestore corrupt` output pixels."""
    job = CorruptJob(chain=chain, seed=seed)
    samples = []
    for item in items:
        image = read_image(item.source)
        degraded = job.corrupt(image, item.relative)
        if degraded.pixels.shape != image.pixels.shape:
            raise UsageError(f"{chain.spec()}: evaluation needs degradations that keep the size "
                             "(use downsample:back=true)")
        levels = 65535 if image.bit_depth == 16 else 255
        pixels = np.round(np.clip(degraded.pixels, 0, 1) * levels) / levels  # as written to disk
        samples.append(Sample(item.relative.as_posix(), image.pixels, pixels.astype(np.float32)))
    return samples


def score(method: Method, samples: list[Sample]) -> tuple[Score, list[np.ndarray]]:
    """Run one method over all samples (one call, so tiles of all images share batches) and score it."""
    started = time.perf_counter()
    restored = method.restore([s.degraded for s in samples])
    seconds = time.perf_counter() - started
    with_ssim = ssim_available()
    per_image = {}
    for sample, out in zip(samples, restored):
        per_image[sample.name] = {
            "psnr": psnr(out, sample.clean), "mse": mse(out, sample.clean),
            "ssim": ssim(out, sample.clean) if with_ssim else None,
        }
    megapixels = sum(s.clean.shape[0] * s.clean.shape[1] for s in samples) / 1e6
    values = list(per_image.values())
    return Score(
        method=method.name,
        psnr=float(np.mean([v["psnr"] for v in values])),
        ssim=float(np.mean([v["ssim"] for v in values])) if with_ssim else None,
        mse=float(np.mean([v["mse"] for v in values])),
        seconds=seconds,
        megapixels_per_second=megapixels / seconds if seconds > 0 else float("inf"),
        images=len(samples),
        per_image=per_image,
    ), restored


def to_markdown(scores: list[Score], title: str) -> str:
    lines = [f"{title}\n", "| method | PSNR dB | SSIM | MSE | seconds | MP/s |", "|---|---|---|---|---|---|"]
    for s in scores:
        ssim_text = f"{s.ssim:.4f}" if s.ssim is not None else "-"
        lines.append(f"| {s.method} | {s.psnr:.2f} | {ssim_text} | {s.mse:.6f} | {s.seconds:.2f} | "
                     f"{s.megapixels_per_second:.3f} |")
    return "\n".join(lines) + "\n"


def to_csv(scores: list[Score]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["method", "psnr", "ssim", "mse", "seconds", "megapixels_per_second", "images"])
    for s in scores:
        writer.writerow([s.method, f"{s.psnr:.4f}", "" if s.ssim is None else f"{s.ssim:.5f}", f"{s.mse:.8f}",
                         f"{s.seconds:.3f}", f"{s.megapixels_per_second:.4f}", s.images])
    return buffer.getvalue()


def save_table(path: Path, scores: list[Score], setup: dict) -> None:
    """Write the results as .json, .csv or .md (by extension), atomically."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps({"setup": setup, "results": [dataclasses.asdict(s) for s in scores]}, indent=2)
    elif suffix == ".csv":
        text = to_csv(scores)
    elif suffix in (".md", ".markdown"):
        text = to_markdown(scores, f"`{setup.get('degrade')}`, seed {setup.get('seed')}, {scores[0].images} images")
    else:
        raise UsageError(f"--save {path}: use a .json, .csv or .md file name")
    atomic_write_bytes(path, text.encode())


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    """Write ``text`` on a dark band at the top of a uint8 RGB tile."""
    out = tile.copy()
    scale = max(0.35, tile.shape[1] / 300)
    band = int(16 * scale)
    out[:band] = (out[:band] * 0.35).astype(np.uint8)
    cv2.putText(out, text, (3, band - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * scale, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def make_grid(samples: list[Sample], columns: list[tuple[str, list[np.ndarray]]], count: int, size: int = 0) -> np.ndarray:
    """Side-by-side picture: one row per sample, columns degraded | methods... | clean (uint8 RGB)."""
    rows = []
    for i, sample in enumerate(samples[:count]):
        tiles = [("degraded", sample.degraded)] + [(name, images[i]) for name, images in columns] + [("clean", sample.clean)]
        row = []
        for name, pixels in tiles:
            rgb = np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels
            array = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
            if size:
                array = cv2.resize(array, (size, size * array.shape[0] // array.shape[1]), interpolation=cv2.INTER_NEAREST)
            row.append(_label(array, name) if i == 0 else array)
        height = max(t.shape[0] for t in row)
        row = [np.pad(t, ((0, height - t.shape[0]), (0, 2), (0, 0)), constant_values=255) for t in row]
        rows.append(np.concatenate(row, axis=1))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 2), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows]
    return np.concatenate(rows, axis=0)
