"""`imgrestore train`: train a restorer on a folder of clean images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.options import PrecisionOpt, SeedOpt
from imgrestore.errors import UsageError


def degrade_spec(degrade: str | None, sigma: str | None) -> str:
    """The training degradation: --degrade as given, or --sigma X as shorthand for gaussian:sigma=X."""
    if degrade and sigma:
        raise UsageError("give --degrade or --sigma, not both (--sigma X means --degrade gaussian:sigma=X)")
    if sigma:
        return f"gaussian:sigma={sigma}"
    return degrade or "gaussian:sigma=0..50"


def parse_config(items: list[str]) -> dict:
    """KEY=VALUE pairs, VALUE parsed as JSON when it can be ('[64,128]', 'null', '2'), else a string."""
    config: dict = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--config {item}: expected KEY=VALUE")
        try:
            config[key.replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            config[key.replace("-", "_")] = value
    return config


def train(
    data: Annotated[Path, typer.Option("--data", help="Folder of clean training images (searched recursively).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the trained .safetensors.")],
    arch: Annotated[str, typer.Option("--arch", help="Architecture name (see `imgrestore models --archs`).")] = "dae",
    config: Annotated[Optional[list[str]], typer.Option("--config", "-c", help="Architecture setting KEY=VALUE, repeatable, e.g. -c channels=3 -c latent_dim=null.")] = None,
    val: Annotated[Optional[Path], typer.Option("--val", help="Folder of clean validation images (PSNR at sigma 15/25/50).")] = None,
    degrade: Annotated[Optional[str], typer.Option("--degrade", help="Degradation spec applied on the fly (see `imgrestore corrupt --list`). [default: gaussian:sigma=0..50]")] = None,
    sigma: Annotated[Optional[str], typer.Option("--sigma", help="Shorthand for --degrade gaussian:sigma=SIGMA (0..255 scale; a range lo..hi is drawn per crop).")] = None,
    crop: Annotated[int, typer.Option("--crop", min=8, help="Training crop size in pixels.")] = 96,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Crops per step.")] = 8,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Optimizer steps; the cosine schedule spans all of them.")] = 2000,
    lr: Annotated[float, typer.Option("--lr", help="Peak learning rate (Adam).")] = 1e-3,
    loss: Annotated[str, typer.Option("--loss", help="l1 | mse.")] = "l1",
    domain: Annotated[str, typer.Option("--domain", help="Recorded in the metadata: photo, digits, ...")] = "photo",
    checkpoint_every: Annotated[int, typer.Option("--checkpoint-every", min=1, help="Steps between checkpoints.")] = 250,
    val_every: Annotated[int, typer.Option("--val-every", min=1, help="Steps between validations.")] = 500,
    workdir: Annotated[Optional[Path], typer.Option("--workdir", help="Checkpoints and logs (default: OUTPUT with .run).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the checkpoint in the work folder.")] = False,
    seed: SeedOpt = 0,
    precision: PrecisionOpt = "bf16",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Plain log lines instead of a live display.")] = False,
) -> None:
    """Train a restorer on clean images degraded on the fly, validate, checkpoint, then export it."""
    from imgrestore.training.loop import TrainConfig, fit

    run = TrainConfig(
        arch=arch, arch_config=parse_config(config or []), data=str(data), out=str(output),
        val=str(val) if val else None, degrade=degrade_spec(degrade, sigma), crop=crop, batch=batch, steps=steps, lr=lr,
        loss=loss, seed=seed, precision=precision, checkpoint_every=checkpoint_every, val_every=val_every,
        workdir=str(workdir) if workdir else "", domain=domain,
    )
    console = Console(quiet=quiet)
    with console.progress("training", total=steps, unit="steps") as bar:
        def report(record: dict) -> None:
            text = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items())
            bar.advance_to(record["step"], text)
        path = fit(run, resume=resume, progress=report)
    console.line(f"wrote {path}")
