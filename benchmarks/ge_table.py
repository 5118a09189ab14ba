"""Print the generative-encoder tables (one per task) from the JSON files `ge_mnist.sh` writes, in the
README's form: rows degraded input / ConvAE / invertGAN / GE; MSE, PSNR, SSIM, accuracy, time per digit.

    python benchmarks/ge_table.py
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
LABELS = {"identity": "degraded input", "method=convae": "ConvAE", "method=invertgan": "invertGAN"}


def label(method: str) -> str:
    for key, name in LABELS.items():
        if key in method:
            return name
    return "GE"


def main() -> None:
    for task in ("reconstruct", "denoise", "deblur", "upscale", "inpaint"):
        path = RESULTS / f"ge-{task}.json"
        if not path.is_file():
            continue
        data = json.loads(path.read_text())
        print(f"**{task}** (`{data['setup']['degrade'] or 'none'}`)\n")
        print("| method | MSE | PSNR dB | SSIM | accuracy | ms per digit |\n|---|---|---|---|---|---|")
        for row in data["results"]:
            per_digit = 1000 * row["seconds"] / row["images"]
            psnr = "inf" if row["psnr"] == float("inf") else f"{row['psnr']:.2f}"
            print(f"| {label(row['method'])} | {row['mse']:.4f} | {psnr} | {row['ssim']:.4f} | "
                  f"{row['accuracy']:.4f} | {per_digit:.1f} |")
        print()


if __name__ == "__main__":
    main()
