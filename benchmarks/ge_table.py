"""Print the generative-encoder tables (one per task) from the JSON files `ge_mnist.sh` writes, in the
README's form: rows degraded input / ConvAE / invertGAN / GE; MSE, PSNR, SSIM, accuracy, time per digit.

    python benchmarks/ge_table.py
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "lab" / "results"
LABELS = {"identity": "degraded input", "method=convae": "ConvAE", "method=invertgan": "invertGAN"}


def label(method: str) -> str:
    for key, name in LABELS.items():
        if key in method:
            return name
    return "GE"


def merged(parts: list[dict]) -> dict:
    """One result file from runs on disjoint subsets of the same digits: means over all per-image values,
    accuracy weighted by image count, seconds summed."""
    rows = []
    for index, first in enumerate(parts[0]["results"]):
        same = [part["results"][index] for part in parts]
        per_image = {k: v for row in same for k, v in row["per_image"].items()}
        images = sum(row["images"] for row in same)
        mean = {key: sum(v[key] for v in per_image.values()) / len(per_image) for key in ("psnr", "mse", "ssim")}
        accuracy = sum(row["accuracy"] * row["images"] for row in same) / images
        masked = (sum(row["mse_masked"] * row["images"] for row in same) / images
                  if first.get("mse_masked") is not None else None)
        rows.append(dict(first, **mean, accuracy=accuracy, mse_masked=masked, images=images, per_image=per_image,
                         seconds=sum(row["seconds"] for row in same)))
    setup = dict(parts[0]["setup"], subset="+".join(part["setup"]["subset"] for part in parts),
                 images=sum(part["setup"]["images"] for part in parts))
    return {"setup": setup, "results": rows}


def load(task: str) -> dict | None:
    """The task's results; halves (ge-TASK-a.json, ge-TASK-b.json) are merged into ge-TASK.json first."""
    path = RESULTS / f"ge-{task}.json"
    halves = [RESULTS / f"ge-{task}-{half}.json" for half in "ab"]
    if not path.is_file() and all(half.is_file() for half in halves):
        path.write_text(json.dumps(merged([json.loads(half.read_text()) for half in halves])))
    return json.loads(path.read_text()) if path.is_file() else None


def main() -> None:
    for task in ("reconstruct", "denoise", "deblur", "upscale", "inpaint"):
        data = load(task)
        if data is None:
            continue
        print(f"**{task}** (`{data['setup']['degrade'] or 'none'}`)\n")
        masked = data["results"][0].get("mse_masked") is not None
        print("| method | MSE |" + (" MSE in the mask |" if masked else "") + " PSNR dB | SSIM | accuracy | ms per digit |")
        print("|---|---|" + ("---|" if masked else "") + "---|---|---|---|")
        for row in data["results"]:
            per_digit = 1000 * row["seconds"] / row["images"]
            psnr = "inf" if row["psnr"] == float("inf") else f"{row['psnr']:.2f}"
            cells = [label(row["method"]), f"{row['mse']:.4f}"] + ([f"{row['mse_masked']:.4f}"] if masked else [])
            cells += [psnr, f"{row['ssim']:.4f}", f"{row['accuracy']:.4f}", f"{per_digit:.0f}"]
            print("| " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
