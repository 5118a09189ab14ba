"""`imgrestore eval`: score models and baselines on clean images degraded by a spec."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from imgrestore.cli.console import Console
from imgrestore.cli.options import (
    BatchSizeOpt, DeviceOpt, InputsArg, OverlapOpt, PrecisionOpt, QuietOpt, RecursiveOpt, SeedOpt, TileOpt,
)
from imgrestore.errors import UsageError


def evaluate(
    inputs: InputsArg,
    degrade: Annotated[str, typer.Option("--degrade", help="Degradation spec applied to every clean image (see `imgrestore corrupt --list`).")] = "gaussian:sigma=25",
    model: Annotated[Optional[list[str]], typer.Option("--model", "-m", help="Model to evaluate (bundled name, 'auto' or .safetensors path); repeatable.")] = None,
    baseline: Annotated[Optional[list[str]], typer.Option("--baseline", help="identity | nlm | bm3d (needs imgrestore[bm3d]); repeatable.")] = None,
    seed: SeedOpt = 0,
    save: Annotated[Optional[list[Path]], typer.Option("--save", help="Write the table to FILE.json, FILE.csv or FILE.md; repeatable.")] = None,
    grid: Annotated[Optional[Path], typer.Option("--grid", help="Save a comparison picture: degraded | each method | clean.")] = None,
    grid_count: Annotated[int, typer.Option("--grid-count", min=1, help="Images (rows) in the --grid picture.")] = 4,
    grid_size: Annotated[int, typer.Option("--grid-size", min=0, help="Width of each --grid tile in pixels (0 = native).")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Evaluate only the first N images (0 = all).")] = 0,
    tile: TileOpt = 512,
    overlap: OverlapOpt = 32,
    batch_size: BatchSizeOpt = 4,
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "fp32",
    recursive: RecursiveOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Score models and baselines on clean images degraded by a spec.

    Degrades every image deterministically, restores it with each model and baseline, and prints
    PSNR, SSIM, MSE, seconds and megapixels per second. The degraded images equal what `imgrestore
    corrupt` writes with the same --degrade and --seed.
    """
    from imgrestore.degradations import parse_chain
    from imgrestore.evaluation.baselines import make_baseline
    from imgrestore.evaluation.harness import ModelMethod, make_grid, make_samples, save_table, score
    from imgrestore.io.discover import find_images
    from imgrestore.io.image import Image, write_image
    from imgrestore.pipeline import ModelChoice, RestoreOptions

    if not model and not baseline:
        raise UsageError("name at least one --model or --baseline")
    chain = parse_chain(degrade)
    for path in save or []:
        if path.suffix.lower() not in (".json", ".csv", ".md", ".markdown"):
            raise UsageError(f"--save {path}: use a .json, .csv or .md file name")
    items = find_images(inputs, recursive=recursive)
    if limit:
        items = items[:limit]
    if not items:
        raise UsageError("no image files found in the inputs")
    options = RestoreOptions(tile=tile, overlap=overlap, batch_size=batch_size)
    methods = [make_baseline(name) for name in baseline or []]
    for name in model or []:
        choice = ModelChoice(name, device, precision)
        if name != "auto":
            choice.for_channels(3)  # a bad model fails now, before any work
        label = Path(name).stem if name.endswith(".safetensors") else name
        methods.append(ModelMethod(label, choice, options))
    console = Console(quiet=quiet)
    samples = make_samples(items, chain, seed)
    scores, outputs = [], []
    with console.progress("eval", total=len(methods), unit="methods") as bar:
        for method in methods:
            result, restored = score(method, samples)
            scores.append(result)
            outputs.append((method.name, restored))
            bar.advance(1, f"{method.name}: {result.psnr:.2f} dB")
    table = Table("method", "PSNR dB", "SSIM", "MSE", "seconds", "MP/s", title=f"{degrade} · seed {seed} · {len(samples)} images")
    for s in scores:
        table.add_row(s.method, f"{s.psnr:.2f}", "-" if s.ssim is None else f"{s.ssim:.4f}", f"{s.mse:.6f}",
                      f"{s.seconds:.2f}", f"{s.megapixels_per_second:.3f}")
    console.table(table)
    setup = {"inputs": inputs, "degrade": chain.spec(full=True), "seed": seed, "images": len(samples),
             "models": model or [], "baselines": baseline or [], "tile": tile, "overlap": overlap, "device": device,
             "precision": precision}
    for path in save or []:
        save_table(path, scores, setup)
    if grid is not None:
        picture = make_grid(samples, [(name, restored) for name, restored in outputs if name != "identity"],
                            grid_count, grid_size)
        write_image(grid, Image(pixels=picture.astype("float32") / 255, fmt="PNG"), "PNG")
        console.line(f"wrote {grid}")
