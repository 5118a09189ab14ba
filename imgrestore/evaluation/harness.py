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
import torch

from imgrestore.degradations import Chain, drawn_noise_level, quantize
from imgrestore.errors import UsageError
from imgrestore.evaluation.baselines import Method
from imgrestore.grouping import group_by
from imgrestore.io.atomic import atomic_write_bytes
from imgrestore.io.discover import InputItem
from imgrestore.io.image import read_image
from imgrestore.jobs.corrupt import CorruptJob
from imgrestore.metrics import mse, psnr, ssim, ssim_available
from imgrestore.pipeline import ModelSelector, RestoreOptions, restore_pixels
from imgrestore.tasks import Task


@dataclass(frozen=True)
class Sample:
    """One evaluation image: its name, the clean and the degraded pixels, the mask of missing
    pixels when the chain masks, and the class label when the data has labels."""

    name: str
    clean: np.ndarray
    degraded: np.ndarray
    mask: np.ndarray | None = None  # [H, W], 1 = missing
    label: int | None = None
    noise_level: float = 0.0  # Gaussian sigma (0..255) the chain drew: what `eval --sigma true` gives methods


@dataclass
class ModelMethod:
    """A restorer (bundled name or path) evaluated through the same pipeline as `denoise`."""

    name: str
    models: ModelSelector
    options: RestoreOptions

    def restore(self, images: list[np.ndarray], levels: list[float] | None = None) -> list[np.ndarray]:
        out: list[np.ndarray | None] = [None] * len(images)
        for name, index in group_by(images, self.models.name_for).items():
            restorer = self.models.load(name)
            given = [levels[i] for i in index] if levels is not None and restorer.uses_noise_level else None
            restored = restore_pixels([images[i] for i in index], restorer, self.options, given)
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
    mse_masked: float | None  # MSE over the missing pixels only, when the chain masks
    accuracy: float | None  # classifier accuracy on the restored images, with --classifier
    seconds: float
    megapixels_per_second: float
    images: int
    per_image: dict[str, dict[str, float | None]] = field(default_factory=dict)


def degrade_sample(job: CorruptJob, name: str, clean: np.ndarray, bit_depth: int = 8,
                   label: int | None = None) -> Sample:
    """One sample, degraded exactly as `imgrestore corrupt` would write it (seed from ``name``)."""
    degraded, _ = job.degrade(clean, name)
    levels = 65535 if bit_depth == 16 else 255
    pixels = quantize(degraded.images[0], levels).numpy().transpose(1, 2, 0)  # as written to disk
    if pixels.shape != clean.shape:
        raise UsageError(f"{job.chain.spec()}: evaluation needs degradations that keep the size "
                         "(use downsample:back=true)")
    mask = degraded.mask[0, 0].numpy() if degraded.mask is not None else None
    return Sample(name, clean, pixels, mask, label, float(drawn_noise_level(job.chain, degraded)[0]))


def make_samples(items: list[InputItem], chain: Chain, seed: int, channels: str = "any") -> list[Sample]:
    """Clean image files and their degraded copies, identical to `imgrestore corrupt` output pixels.
    ``channels``: "any" as read, "gray" converted to BT.601 luma first, "colour" colour images only."""
    from imgrestore.io.channels import to_channels

    job = CorruptJob(chain=chain, seed=seed)
    samples = []
    for item in items:
        image = read_image(item.source)
        pixels = image.pixels
        if channels == "colour" and pixels.shape[2] != 3:
            continue
        if channels == "gray":
            pixels = to_channels(pixels, 1)
        samples.append(degrade_sample(job, item.relative.as_posix(), pixels, image.bit_depth))
    return samples


def samples_from_arrays(path: Path, subset: tuple[int, int] | None, chain: Chain, seed: int) -> list[Sample]:
    """Samples from an ``.npz``/IDX file of images (labels too when the ``.npz`` has them);
    image ``i`` takes its seed from the key ``"i"``."""
    from imgrestore.training.data import load_dataset

    data = load_dataset(str(path), 1, subset)
    start = subset[0] if subset else 0
    job = CorruptJob(chain=chain, seed=seed)
    return [
        degrade_sample(job, str(start + i), image.numpy().transpose(1, 2, 0), 8,
                       int(data.labels[i]) if data.labels is not None else None)
        for i, image in enumerate(data.clean)
    ]


def load_classifier(name_or_path: str) -> tuple[torch.nn.Module, tuple[int, int]]:
    """A bundled or file classifier (objective 'classify') in eval mode, with its input size."""
    from imgrestore.restorer import Restorer
    from imgrestore.weights import catalog

    model = Restorer.from_file(catalog.resolve(name_or_path))
    if model.spec.task is not Task.CLASSIFY:
        raise UsageError(f"--classifier {name_or_path}: a {model.spec.task.value} model, not a classifier")
    return model.module, model.size_req.fixed or (28, 28)


def predict(classifier: torch.nn.Module, size: tuple[int, int], images: list[np.ndarray]) -> np.ndarray:
    """Class predictions for [H, W, 1] images (resized to the classifier's input size if needed)."""
    tensors = torch.stack([torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))) for img in images])
    if tuple(tensors.shape[-2:]) != size:
        tensors = torch.nn.functional.interpolate(tensors, size=size, mode="area")
    with torch.inference_mode():
        return torch.cat([classifier(tensors[i:i + 512]).argmax(dim=1) for i in range(0, len(tensors), 512)]).numpy()


def score(method: Method, samples: list[Sample], classifier: tuple[torch.nn.Module, tuple[int, int]] | None = None,
          levels: list[float] | None = None) -> tuple[Score, list[np.ndarray]]:
    """Run one method over all samples (one call, so tiles of all images share batches) and score it.
    ``levels``: the noise sigma each image's method is told (None: each method estimates it)."""
    started = time.perf_counter()
    restored = method.restore([s.degraded for s in samples], levels)
    seconds = time.perf_counter() - started
    with_ssim = ssim_available()
    per_image = {}
    for sample, out in zip(samples, restored):
        values: dict[str, float | None] = {
            "psnr": psnr(out, sample.clean), "mse": mse(out, sample.clean),
            "ssim": ssim(out, sample.clean) if with_ssim else None,
        }
        if sample.mask is not None and sample.mask.any():
            missing = sample.mask.astype(bool)
            values["mse_masked"] = mse(out[missing], sample.clean[missing])
        per_image[sample.name] = values
    accuracy = None
    if classifier is not None:
        predicted = predict(*classifier, restored)
        accuracy = float(np.mean(predicted == np.array([s.label for s in samples])))
    megapixels = sum(s.clean.shape[0] * s.clean.shape[1] for s in samples) / 1e6
    return summarise(method.name, per_image, accuracy, seconds, megapixels), restored


def summarise(method: str, per_image: dict[str, dict[str, float | None]], accuracy: float | None,
              seconds: float, megapixels: float) -> Score:
    """A method's :class:`Score` from its per-image scores: means over the images (SSIM only if every image
    has one, the masked MSE over the images that had a mask)."""
    values = list(per_image.values())
    ssims = [v.get("ssim") for v in values]
    masked = [v["mse_masked"] for v in values if v.get("mse_masked") is not None]
    return Score(
        method=method,
        psnr=float(np.mean([v["psnr"] for v in values])),
        ssim=float(np.mean(ssims)) if all(x is not None for x in ssims) else None,
        mse=float(np.mean([v["mse"] for v in values])),
        mse_masked=float(np.mean(masked)) if masked else None,
        accuracy=accuracy,
        seconds=seconds,
        megapixels_per_second=megapixels / seconds if seconds > 0 else float("inf"),
        images=len(values),
        per_image=per_image,
    )


def columns(scores: list[Score]) -> list[tuple[str, str]]:
    """(header, Score attribute) of the table; optional columns only when some method has them."""
    cols = [("PSNR dB", "psnr"), ("SSIM", "ssim"), ("MSE", "mse")]
    if any(s.mse_masked is not None for s in scores):
        cols.append(("MSE missing", "mse_masked"))
    if any(s.accuracy is not None for s in scores):
        cols.append(("accuracy", "accuracy"))
    return [*cols, ("seconds", "seconds"), ("MP/s", "megapixels_per_second")]


def cell(score: Score, attribute: str) -> str:
    value = getattr(score, attribute)
    if value is None:
        return "-"
    formats = {"psnr": ".2f", "ssim": ".4f", "mse": ".6f", "mse_masked": ".6f", "accuracy": ".4f",
               "seconds": ".2f", "megapixels_per_second": ".3f"}
    return format(value, formats[attribute])


def to_markdown(scores: list[Score], title: str) -> str:
    cols = columns(scores)
    lines = [f"{title}\n", "| method | " + " | ".join(h for h, _ in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for s in scores:
        lines.append(f"| {s.method} | " + " | ".join(cell(s, a) for _, a in cols) + " |")
    return "\n".join(lines) + "\n"


def to_csv(scores: list[Score]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = ["psnr", "ssim", "mse", "mse_masked", "accuracy", "seconds", "megapixels_per_second", "images"]
    writer.writerow(["method", *names])
    for s in scores:
        writer.writerow([s.method, *("" if getattr(s, n) is None else getattr(s, n) for n in names)])
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
