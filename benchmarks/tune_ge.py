"""Tune the generative encoder's lambda per task and method on validation digits, and store the
choices in the weights' metadata (``task_options``), where `restore --task` and ge_mnist.sh find them.

Validation digits only (mnist10k.npz 7000:7500 by default, never the 2,500 test digits). Each
candidate is one `imgrestore eval` run; the lowest MSE wins.

    python benchmarks/tune_ge.py runs/ge-mnist.safetensors --subset 7000:7250
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import tempfile
from pathlib import Path

from imgrestore.weights.format import read_meta, read_state_dict, save

HERE = Path(__file__).parent


def tasks() -> dict[str, str]:
    text = (HERE / "ge_tasks.sh").read_text().split('GE_TASKS="', 1)[1].split('"', 1)[0]
    return dict(line.split("=", 1) for line in text.strip().splitlines())


def score(weights: Path, method: str, lam: str, spec: str, data: Path, subset: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "r.json"
        subprocess.run(["imgrestore", "eval", str(data), "--subset", subset, "--degrade", spec, "--batch-size", "500",
                        "-m", f"{weights}:method={method},lam={lam}", "--save", str(out), "-q"],
                       check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())["results"][0]["mse"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path)
    parser.add_argument("--data", type=Path, default=HERE.parents[1] / "shared/data/mnist/mnist10k.npz")
    parser.add_argument("--subset", default="7000:7250")
    parser.add_argument("--lams", default="0.001,0.01,0.1,1")
    args = parser.parse_args()
    chosen: dict[str, dict[str, str]] = {}
    for task, spec in tasks().items():
        for method in ("ge", "invertgan"):
            results = {lam: score(args.weights, method, lam, spec, args.data, args.subset) for lam in args.lams.split(",")}
            best = min(results, key=results.get)
            chosen[task if method == "ge" else f"{task}:{method}"] = {"lam": best}
            print(f"{task:12s} {method:10s} " + "  ".join(f"lam={k}: {v:.5f}" for k, v in results.items())
                  + f"  -> {best}", flush=True)
    meta = read_meta(args.weights)
    save(args.weights, read_state_dict(args.weights), dataclasses.replace(meta, task_options=chosen))
    print(f"wrote task_options into {args.weights}")


if __name__ == "__main__":
    main()
