"""Merge the score files of sharded `imgrestore eval` runs (``--shard I/N --save part.json``) into one table.

A shard's means cannot be averaged into the whole set's (shards hold different numbers of images), so the
merge starts again from the per-image scores every part keeps: each image is counted once, the means are
taken over all of them, the seconds are summed and the rate is all megapixels over all seconds. Parts of
different experiments (another --degrade, seed, sigma or set of methods) are refused rather than mixed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from imgrestore.errors import UsageError
from imgrestore.evaluation.harness import Score, summarise

# setup entries that differ between the shards of one experiment
_PER_SHARD = ("inputs", "shard", "images", "clean_accuracy")


@dataclass(frozen=True)
class EvalPart:
    """One `eval --save FILE.json`: its setup and a score per method."""

    path: Path
    setup: dict
    scores: list[Score]


def read_part(path: Path) -> EvalPart:
    """The setup and scores of one `eval --save` JSON file."""
    try:
        data = json.loads(path.read_text())
        known = {f.name for f in fields(Score)}
        scores = [Score(**{k: v for k, v in row.items() if k in known}) for row in data["results"]]
        return EvalPart(path, data["setup"], scores)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not the JSON of `imgrestore eval --save` ({type(exc).__name__}: {exc})") from None


def _experiment(setup: dict) -> dict:
    return {key: value for key, value in setup.items() if key not in _PER_SHARD}


def _merge_method(name: str, scores: list[tuple[EvalPart, Score]]) -> Score:
    per_image: dict[str, dict[str, float | None]] = {}
    for _part, score in scores:
        for image, values in score.per_image.items():
            per_image.setdefault(image, values)  # a shard run twice scores its images twice, identically
    if not per_image:
        raise UsageError(f"{name}: the parts hold no per-image scores to merge")
    seconds = sum(score.seconds for _, score in scores)
    megapixels = sum(score.seconds * score.megapixels_per_second for _, score in scores)
    accuracies = [(score.accuracy, score.images) for _, score in scores]
    accuracy = None
    if all(a is not None for a, _ in accuracies):
        accuracy = float(sum(a * n for a, n in accuracies) / sum(n for _, n in accuracies))
    return summarise(name, per_image, accuracy, seconds, megapixels)


def merge_parts(parts: list[EvalPart]) -> tuple[dict, list[Score]]:
    """(the shared setup with the merged image count, one merged score per method in the parts' order)."""
    if not parts:
        raise UsageError("no eval score files to merge")
    first = parts[0]
    for part in parts[1:]:
        ours, theirs = _experiment(first.setup), _experiment(part.setup)
        differing = sorted(key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key))
        if differing:
            raise UsageError(f"{part.path} and {first.path} are different experiments (they differ in "
                             f"{', '.join(differing)}): merge the shards of one `eval` command only")
        if [s.method for s in part.scores] != [s.method for s in first.scores]:
            raise UsageError(f"{part.path} scores other methods than {first.path}")
    merged = [_merge_method(score.method, [(part, part.scores[i]) for part in parts])
              for i, score in enumerate(first.scores)]
    setup = {**_experiment(first.setup), "images": merged[0].images, "merged_from": [str(p.path) for p in parts]}
    return setup, merged
