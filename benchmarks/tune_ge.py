"""Tune the generative encoder's lambda per task and method on validation digits, and store the
choices in the weights' metadata (``task_options``), where `restore --task` and ge_mnist.sh find them.

Validation digits only (mnist10k.npz 7000:7500 by default, never the 2,500 test digits). Each
candidate is one `imgrestore eval` run; the lowest MSE wins.

    python benchmarks/tune_ge.py runs/ge-mnist.safetensors --subset 7000:7250
    python benchmarks/tune_ge.py runs/ge-v2.safetensors --tasks reconstruct --methods ge --lams 0.01,0.1 --dry-run

Choices already in the file for tasks and methods not tuned in this run are kept.
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
    parser.add_argument("--tasks", help="comma-separated subset of ge_tasks.sh's tasks (default: all)")
    parser.add_argument("--methods", default="ge,invertgan", help="comma-separated subset of: ge, invertgan")
    parser.add_argument("--options", default="", help="more runtime options for every run, e.g. steps=1000")
    parser.add_argument("--dry-run", action="store_true", help="print the scores, write nothing")
    args = parser.parse_args()
    meta = read_meta(args.weights)
    chosen: dict[str, dict[str, str]] = dict(meta.task_options or {})
    wanted = tasks() if not args.tasks else {name: tasks()[name] for name in args.tasks.split(",")}
    for task, spec in wanted.items():
        for method in args.methods.split(","):
            more = f",{args.options}" if args.options else ""
            results = {lam: score(args.weights, method, lam + more, spec, args.data, args.subset)
                       for lam in args.lams.split(",")}
            best = min(results, key=results.get)
            extra = dict(option.split("=", 1) for option in args.options.split(",") if option)
            chosen[task if method == "ge" else f"{task}:{method}"] = {"lam": best, **extra}
            print(f"{task:12s} {method:10s} " + "  ".join(f"lam={k}: {v:.5f}" for k, v in results.items())
                  + f"  -> {best}", flush=True)
    if args.dry_run:
        return
    save(args.weights, read_state_dict(args.weights), dataclasses.replace(meta, task_options=chosen))
    print(f"wrote task_options into {args.weights}")


if __name__ == "__main__":
    main()
