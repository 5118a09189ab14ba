"""`imgrestore eval`: score models and baselines on clean images degraded by a spec."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from imgrestore.cli.console import Console
from imgrestore.cli.options import (
    BatchSizeOpt,
    DeviceOpt,
    InputsArg,
    OverlapOpt,
    PrecisionOpt,
    QuietOpt,
    RecursiveOpt,
    SeedOpt,
    TileOpt,
)
from imgrestore.errors import UsageError

if TYPE_CHECKING:
    from imgrestore.evaluation.harness import Score


def split_tta(reference: str, default: bool) -> tuple[str, bool]:
    """Take ``tta=true|false`` out of a model reference's options (it is the pipeline's, not the model's)."""
    from imgrestore.weights import catalog

    ref = catalog.ModelRef.parse(reference)
    settings = ref.settings
    if "tta" not in settings:
        return reference, default
    flag = settings.pop("tta").lower() in ("1", "true", "yes", "on")
    return str(ref.with_settings(settings)), flag


def noise_levels_for(sigma: str, samples: list) -> list[float] | None:
    """--sigma auto|true|N -> the level per sample (None: every method estimates its own)."""
    from imgrestore.cli.restore_command import parse_sigma

    if sigma.strip().lower() == "true":
        return [s.noise_level for s in samples]
    value = parse_sigma(sigma)
    return None if value is None else [value] * len(samples)


def scores_table(scores: list[Score], title: str) -> Table:
    """The printed table of `eval` (and of `report` merging eval shards): one row per method."""
    from imgrestore.evaluation.harness import cell, columns

    cols = columns(scores)
    table = Table("method", *(h for h, _ in cols), title=title)
    for score in scores:
        table.add_row(score.method, *(cell(score, a) for _, a in cols))
    return table


def evaluate(
    inputs: InputsArg,
    degrade: Annotated[str, typer.Option("--degrade", help="Degradation spec applied to every clean image (see `imgrestore corrupt --list`).")] = "gaussian:sigma=25",
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Model to evaluate (bundled name, 'auto' or .safetensors path); repeatable.")] = None,
    baseline: Annotated[list[str] | None, typer.Option("--baseline", help="identity | nlm | bm3d (needs imgrestore[bm3d]); repeatable.")] = None,
    sigma: Annotated[str, typer.Option("--sigma", help="Noise level each method is told: 'auto' (each estimates it, as a user would), 'true' (the sigma the --degrade chain drew for each image) or a number on the 0..255 scale.")] = "auto",
    channels: Annotated[str, typer.Option("--channels", help="any: images as they are; gray: every image converted to luma first; colour: colour images only.")] = "any",
    seed: SeedOpt = 0,
    save: Annotated[list[Path] | None, typer.Option("--save", help="Write the table to FILE.json, FILE.csv or FILE.md; repeatable.")] = None,
    grid: Annotated[Path | None, typer.Option("--grid", help="Save a comparison picture: degraded | each method | clean.")] = None,
    grid_count: Annotated[int, typer.Option("--grid-count", min=1, help="Images (rows) in the --grid picture.")] = 4,
    grid_size: Annotated[int, typer.Option("--grid-size", min=0, help="Width of each --grid tile in pixels (0 = native).")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Evaluate only the first N images (0 = all).")] = 0,
    classifier: Annotated[str | None, typer.Option("--classifier", help="A classifier model (bundled name or path) scoring each method's restored images; needs labelled data (an .npz with 'labels').")] = None,
    subset: Annotated[str | None, typer.Option("--subset", help="With an .npz/IDX input: use images START:END, e.g. 7500:10000.")] = None,
    shard: Annotated[str | None, typer.Option("--shard", show_default=False, help="Score only the I-th of N slices of the images (I/N, 0-based, every N-th by name; auto/N takes I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX). Save each shard's table as JSON and merge them with `imgrestore report PART.json...`.")] = None,
    tta: Annotated[bool, typer.Option("--tta", help="Self-ensemble (8 flips/rotations averaged) for every model; per model: -m NAME:tta=true.")] = False,
    tile: TileOpt = 512,
    overlap: OverlapOpt = None,
    batch_size: BatchSizeOpt = None,
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    recursive: RecursiveOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Score models and baselines on clean images degraded by a spec.

    Degrades every image deterministically, restores it with each model and baseline, and prints
    PSNR, SSIM, MSE, seconds and megapixels per second. The degraded images equal what `imgrestore
    corrupt` writes with the same --degrade and --seed. With --shard, one slice of the images is scored;
    `imgrestore report` merges the slices' --save JSON files into the table of the whole set.
    """
    from imgrestore.cli.train import parse_subset
    from imgrestore.degradations import parse_chain
    from imgrestore.evaluation.baselines import make_baseline
    from imgrestore.evaluation.harness import (
        ModelMethod,
        load_classifier,
        make_grid,
        make_samples,
        predict,
        samples_from_arrays,
        save_table,
        score,
    )
    from imgrestore.io.discover import find_images
    from imgrestore.io.image import Image, write_image
    from imgrestore.pipeline import ModelSelector, RestoreOptions
    from imgrestore.shards import parse_shard

    if not model and not baseline:
        raise UsageError("name at least one --model or --baseline")
    if channels not in ("any", "gray", "colour", "color"):
        raise UsageError(f"--channels {channels}: expected any, gray or colour")
    channels = "colour" if channels == "color" else channels
    chain = parse_chain(degrade)
    for path in save or []:
        if path.suffix.lower() not in (".json", ".csv", ".md", ".markdown"):
            raise UsageError(f"--save {path}: use a .json, .csv or .md file name")
    arrays = len(inputs) == 1 and Path(inputs[0]).is_file() and (inputs[0].endswith(".npz") or "ubyte" in inputs[0])
    items = [] if arrays else find_images(inputs, recursive=recursive)[: limit or None]
    if not arrays and not items:
        raise UsageError("no image files found in the inputs")
    slice_ = parse_shard(shard) if shard is not None else None
    if slice_ is not None and not arrays:
        count = len(items)
        items = slice_.select(items, key=lambda item: item.relative.as_posix())
        if not items:
            raise UsageError(f"--shard {shard}: this slice holds none of the {count} images (use fewer shards)")
    options = RestoreOptions(tile=tile, overlap=overlap, batch_size=batch_size)
    methods = [make_baseline(name) for name in baseline or []]
    for name in model or []:
        name, with_tta = split_tta(name, tta)
        models = ModelSelector(name, device, precision)
        label = name
        if name != "auto":
            label = models.load(name).name  # a bad model fails now, before any work
        methods.append(ModelMethod(label + (" +tta" if with_tta else ""), models, replace(options, tta=with_tta)))
    console = Console(quiet=quiet)
    if arrays:
        samples = samples_from_arrays(Path(inputs[0]), parse_subset(subset, "--subset"), chain, seed)[: limit or None]
        if slice_ is not None:
            samples = slice_.select(samples, key=lambda sample: int(sample.name))
    else:
        samples = make_samples(items, chain, seed, channels)
        if not samples:
            raise UsageError(f"no {channels} images among the inputs")
    digit_classifier = None
    if classifier is not None:
        digit_classifier = load_classifier(classifier)
        if any(s.label is None for s in samples):
            raise UsageError("--classifier needs labelled inputs (an .npz with a 'labels' array)")
        clean_accuracy = float((predict(*digit_classifier, [s.clean for s in samples]) == [s.label for s in samples]).mean())
        console.line(f"classifier {classifier}: accuracy on the clean images {clean_accuracy:.4f}")
    levels = noise_levels_for(sigma, samples)
    scores, outputs = [], []
    with console.progress("eval", total=len(methods), unit="methods") as bar:
        for method in methods:
            result, restored = score(method, samples, digit_classifier, levels)
            scores.append(result)
            outputs.append((method.name, restored))
            bar.advance(1, f"{method.name}: {result.psnr:.2f} dB")
    console.table(scores_table(scores, f"{degrade} · sigma {sigma} · seed {seed} · {len(samples)} images"))
    setup = {"inputs": inputs, "subset": subset, "degrade": chain.spec(full=True), "sigma": sigma, "channels": channels, "seed": seed,
             "images": len(samples),
             "classifier": classifier, "clean_accuracy": clean_accuracy if digit_classifier else None,
             "models": model or [], "baselines": baseline or [], "tta": tta, "tile": tile, "overlap": overlap, "device": device,
             "precision": precision, "shard": f"{slice_.index}/{slice_.count}" if slice_ else None, "limit": limit}
    for path in save or []:
        save_table(path, scores, setup)
    if grid is not None:
        picture = make_grid(samples, [(name, restored) for name, restored in outputs if name != "identity"],
                            grid_count, grid_size)
        write_image(grid, Image(pixels=picture.astype("float32") / 255, fmt="PNG"), "PNG")
        console.line(f"wrote {grid}")
