"""Rebuild a bundled model from the training command recorded in its own metadata.

The metadata of every file `imgrestore train` writes holds the full command that made it and, for a
fine-tuned model, the record of its `--init` file (and of any `--init-part` sub-network), which
holds that file's command in turn. This entry walks that chain back to a model trained from scratch
and reruns every command in order, each run's output taking the place of the file the next one
started from, in a work folder of its own. Missing training data that a recipe can build
(`runs/data-msN`, lab/data/build.py) is built first; anything else missing stops with its name.

    python lab/reproduce.py cnn-cnn-mnist --dry-run         # print the commands
    python lab/reproduce.py cnn-cnn-mnist --compare         # run them, compare with the bundled tensors
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lab" / "data"))

from build import build, can_build  # noqa: E402  (lab/data/build.py)

from imgrestore.weights import catalog  # noqa: E402
from imgrestore.weights.format import read_meta, read_state_dict  # noqa: E402


@dataclass(frozen=True)
class Step:
    """One training run of the chain: its recorded command and what it starts from."""

    key: str  # file name in the work folder
    command: list[str]
    init: Step | None = None
    parts: tuple[tuple[str, Step], ...] = ()


def chain(training: dict[str, Any], key: str) -> Step:
    """The run recorded in ``training`` (a weights file's ``training`` metadata) and, recursively, its inputs."""
    command = shlex.split(training["command"])
    if command[:2] != ["imgrestore", "train"]:
        raise SystemExit(f"{key}: recorded command is not an `imgrestore train` command: {training['command']}")
    init = training.get("init")
    parts = training.get("parts") or {}
    return Step(
        key=key,
        command=command,
        init=chain(init["training"], f"{key}.init") if init else None,
        parts=tuple((part, chain(record["training"], f"{key}.{part}")) for part, record in sorted(parts.items())),
    )


def ordered(step: Step) -> list[Step]:
    """Every run of the chain, inputs before the runs that use them."""
    before = [s for _, part in step.parts for s in ordered(part)] + (ordered(step.init) if step.init else [])
    return [*before, step]


def _replace(command: list[str], flag: str, value: str | None, match: str | None = None) -> list[str]:
    """``command`` with the value after ``flag`` (the one starting with ``match``, if given) set to ``value``."""
    out = list(command)
    for index, item in enumerate(out[:-1]):
        if item == flag and (match is None or out[index + 1].startswith(match)):
            out[index + 1] = value
            return out
    raise SystemExit(f"recorded command has no {flag} {match or ''}: {shlex.join(command)}")


def runnable(step: Step, workdir: Path) -> list[str]:
    """The recorded command, writing into ``workdir`` and starting from the rebuilt inputs."""
    command = _replace(step.command, "-o", str(workdir / f"{step.key}.safetensors"))
    if step.init:
        command = _replace(command, "--init", str(workdir / f"{step.init.key}.safetensors"))
    for part, source in step.parts:
        command = _replace(command, "--init-part", f"{part}={workdir / source.key}.safetensors", f"{part}=")
    return command


def data_folders(command: list[str]) -> list[str]:
    return [command[i + 1] for i, item in enumerate(command[:-1]) if item in ("--data", "--val", "--pairs")]


def prepare_data(steps: list[Step], dry_run: bool) -> None:
    for folder in sorted({f for step in steps for f in data_folders(step.command)}):
        if (ROOT / folder).exists():
            continue
        if not can_build(folder):
            raise SystemExit(f"training data {folder} is missing and has no recipe in lab/data/build.py")
        print(f"# build {folder}: python lab/data/build.py {folder}")
        if not dry_run:
            build(folder, ROOT)


def max_difference(a: Path, b: Path) -> float:
    first, second = read_state_dict(a), read_state_dict(b)
    if first.keys() != second.keys():
        raise SystemExit(f"{a} and {b} hold different tensors")
    return max(float((first[k].double() - second[k].double()).abs().max()) if first[k].numel() else 0.0 for k in first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a bundled model name or a .safetensors file written by imgrestore train")
    parser.add_argument("--workdir", type=Path, default=ROOT / "runs" / "reproduce")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--compare", action="store_true", help="print the largest tensor difference to the model")
    args = parser.parse_args()
    source = catalog.resolve(args.model)
    name = Path(source).stem
    steps = ordered(chain(read_meta(source).training, name))
    workdir = args.workdir / name
    prepare_data(steps, args.dry_run)
    for step in steps:
        command = runnable(step, workdir)
        print(shlex.join(command), flush=True)
        if not args.dry_run:
            workdir.mkdir(parents=True, exist_ok=True)
            subprocess.run(command, cwd=ROOT, check=True)
    if args.compare and not args.dry_run:
        rebuilt = workdir / f"{name}.safetensors"
        print(f"largest difference to {source}: {max_difference(rebuilt, Path(source)):.3g}")


if __name__ == "__main__":
    main()
