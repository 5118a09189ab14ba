"""`imgrestore train`: train a restorer on a folder of clean images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.console import Console
from imgrestore.cli.options import DeviceOpt, PrecisionOpt, QuietOpt, SeedOpt
from imgrestore.errors import UsageError


def parse_parts(items: list[str]) -> tuple[tuple[str, str], ...]:
    """--init-part PART=FILE values -> ((part, file), ...)."""
    parts = []
    for item in items:
        part, sep, path = item.partition("=")
        if not sep or not part.strip() or not path.strip():
            raise UsageError(f"--init-part {item}: expected PART=FILE, e.g. generator=runs/dcgan-mnist.safetensors")
        parts.append((part.strip(), path.strip()))
    return tuple(parts)


def degrade_spec(degrade: str | None, sigma: str | None) -> str:
    """The training degradation: --degrade as given, or --sigma X as shorthand for gaussian:sigma=X."""
    if degrade and sigma:
        raise UsageError("give --degrade or --sigma, not both (--sigma X means --degrade gaussian:sigma=X)")
    if sigma:
        return f"gaussian:sigma={sigma}"
    return degrade or "gaussian:sigma=0..50"


def parse_zoom(text: str | None) -> tuple[float, float] | None:
    """'0.25..1' -> (0.25, 1.0); one number is a fixed scale."""
    if text is None:
        return None
    low, _, high = text.partition("..")
    try:
        zoom = (float(low), float(high or low))
    except ValueError:
        raise UsageError(f"--zoom {text}: expected LO..HI, e.g. 0.25..1") from None
    if not 0 < zoom[0] <= zoom[1] <= 1:
        raise UsageError(f"--zoom {text}: expected 0 < LO <= HI <= 1 (crops are only ever zoomed out)")
    return zoom


def parse_subset(text: str | None, flag: str) -> tuple[int, int] | None:
    """'0:7500' -> (0, 7500)."""
    if text is None:
        return None
    try:
        start, end = (int(part) for part in text.split(":"))
    except ValueError:
        raise UsageError(f"{flag} {text}: expected START:END, e.g. 0:7500") from None
    if not 0 <= start < end:
        raise UsageError(f"{flag} {text}: expected 0 <= START < END")
    return start, end


def checked_task(task: str, arch: str, arch_config: dict) -> str:
    """--task: '' (the architecture's own) or a restoring task; dejpeg only for a model with a level input."""
    from imgrestore.architectures import get_arch
    from imgrestore.tasks import DAMAGE, Task

    if not task:
        return ""
    if task not in {t.value for t in DAMAGE}:
        raise UsageError(f"--task {task}: expected one of {', '.join(t.value for t in DAMAGE)}")
    spec = get_arch(arch)
    if Task(task) is Task.DEJPEG and not spec.uses_noise_level(spec.make_config(arch_config)):
        raise UsageError(f"--task dejpeg: {arch} takes no level input to be told the JPEG quality (use resunet)")
    return "" if Task(task) is spec.task else task


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
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the trained .safetensors.")],
    data: Annotated[str | None, typer.Option("--data", help="Clean training images: a folder (searched recursively), or an .npz / IDX file of digits such as MNIST.")] = None,
    pairs: Annotated[str | None, typer.Option("--pairs", help="Paired folders DEGRADED_DIR:CLEAN_DIR matched by relative path (no on-the-fly degradation).")] = None,
    subset: Annotated[str | None, typer.Option("--subset", help="Use images START:END of --data/--pairs (sorted order), e.g. 0:7500.")] = None,
    arch: Annotated[str, typer.Option("--arch", help="Architecture name (see `imgrestore models --archs`).")] = "dae",
    config: Annotated[list[str] | None, typer.Option("--config", "-c", help="Architecture setting KEY=VALUE, repeatable, e.g. -c channels=3 -c latent_dim=null.")] = None,
    val: Annotated[str | None, typer.Option("--val", help="Validation images: a folder, an .npz/IDX file, or DEGRADED_DIR:CLEAN_DIR. A Gaussian denoiser is scored at sigma 15/25/50, anything else with the --degrade chain.")] = None,
    val_subset: Annotated[str | None, typer.Option("--val-subset", help="Use images START:END of --val, e.g. 7500:10000.")] = None,
    degrade: Annotated[str | None, typer.Option("--degrade", help="Degradation spec applied on the fly (see `imgrestore corrupt --list`); alternatives joined by ' | ' are drawn per image, e.g. 'mask:lower-half+saltpepper:amount=0.1 | mask:lower-half+gaussian:sigma=51'. [default: gaussian:sigma=0..50]")] = None,
    sigma: Annotated[str | None, typer.Option("--sigma", help="Shorthand for --degrade gaussian:sigma=SIGMA (0..255 scale; a range lo..hi is drawn per crop).")] = None,
    crop: Annotated[int, typer.Option("--crop", min=8, help="Training crop size in pixels.")] = 96,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Crops per step.")] = 8,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Optimizer steps; the cosine schedule spans all of them.")] = 2000,
    lr: Annotated[float, typer.Option("--lr", help="Peak learning rate (Adam).")] = 1e-3,
    loss: Annotated[str, typer.Option("--loss", help="l1 | mse | rmse | psnr (minus the mean per-crop PSNR: weighs low- and high-noise crops alike).")] = "l1",
    pixel_weight: Annotated[float, typer.Option("--pixel-weight", min=0.0, help="Adversarial architectures (resgan): weight of the --loss pixel term.")] = 1.0,
    adv_weight: Annotated[float, typer.Option("--adv-weight", min=0.0, help="Adversarial architectures: weight of the discriminator's real/fake term (0 with --cls-weight 0: pixel loss only, no discriminator).")] = 0.0,
    cls_weight: Annotated[float, typer.Option("--cls-weight", min=0.0, help="Adversarial architectures: weight of the embedded classifier's class-attribute term (needs labelled data).")] = 0.0,
    disc_lr: Annotated[float, typer.Option("--disc-lr", min=0.0, help="Architectures trained against a discriminator (resgan, dcgan): the discriminator's peak learning rate, on the same schedule (0: the same as --lr).")] = 0.0,
    gan_loss: Annotated[str, typer.Option("--gan-loss", help="Unconditional GANs (dcgan): bce (non-saturating, real labels smoothed to 0.9: DCGAN's) or hinge (SAGAN/BigGAN's: the discriminator's margin loss, the generator raises its score).")] = "bce",
    weight_decay: Annotated[float, typer.Option("--weight-decay", min=0.0, help="L2 penalty on the weights (Adam weight decay).")] = 0.0,
    domain: Annotated[str, typer.Option("--domain", help="Recorded in the metadata: photo, digits, ...")] = "photo",
    task: Annotated[str, typer.Option("--task", help="What the model is for, recorded in its metadata (default: the architecture's own). A noise-level model trained with --task dejpeg is told the JPEG compression level instead of the noise sigma, and becomes a `dejpeg` model.", show_default=False)] = "",
    augment: Annotated[bool, typer.Option("--augment/--no-augment", help="Random flips and rotations of the crops (turn off for digits and text).")] = True,
    checkpoint_every: Annotated[int, typer.Option("--checkpoint-every", min=1, help="Steps between checkpoints.")] = 250,
    val_every: Annotated[int, typer.Option("--val-every", min=1, help="Steps between validations.")] = 500,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Checkpoints and logs (default: OUTPUT with .run).")] = None,
    shift: Annotated[int, typer.Option("--shift", min=0, help="Random translations of up to N pixels (images zero-padded by N, then cropped): augmentation for digits, which must not flip.")] = 0,
    distort: Annotated[float, typer.Option("--distort", min=0.0, max=3.0, help="Small random affine and elastic distortions of the clean crops, drawn per crop up to this strength (1: 8 degrees, 8 percent scale, 0.08 shear, a 0.8 px smooth warp): more digits from the same digits. Clean --data only.")] = 0.0,
    zoom: Annotated[str | None, typer.Option("--zoom", help="Zoom the crops out by a random scale in LO..HI (e.g. 0.25..1): each crop covers CROP/scale px of the photo, area-reduced to CROP, so it holds the denser texture of a photo seen smaller. Clean --data only.")] = None,
    ema: Annotated[float, typer.Option("--ema", min=0.0, max=0.99999, help="Keep an exponential moving average of the weights with this decay (e.g. 0.999) and validate, keep and export the average instead of the last weights: smoother weights, often a little better. 0: off.")] = 0.0,
    init: Annotated[Path | None, typer.Option("--init", help="Start from this .safetensors of the same --arch/--config (fine-tuning).")] = None,
    init_part: Annotated[list[str] | None, typer.Option("--init-part", help="PART=FILE: load a finished run into a sub-network, e.g. generator=runs/dcgan-mnist.safetensors for --arch generative-encoder; repeatable.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the checkpoint in the work folder.")] = False,
    seed: SeedOpt = 0,
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    quiet: QuietOpt = False,
) -> None:
    """Train a restorer on clean images degraded on the fly, validate, checkpoint, then export it."""
    from imgrestore.training.loop import TrainConfig, fit


    if (data is None) == (pairs is None):
        raise UsageError("give exactly one of --data (clean images) or --pairs DEGRADED_DIR:CLEAN_DIR")
    if pairs is not None and ":" not in pairs:
        raise UsageError(f"--pairs {pairs}: expected DEGRADED_DIR:CLEAN_DIR")
    run = TrainConfig(
        arch=arch, arch_config=parse_config(config or []), data=data or pairs, out=str(output),
        val=val, subset=parse_subset(subset, "--subset"), val_subset=parse_subset(val_subset, "--val-subset"),
        augment=augment, shift=shift, distort=distort, zoom=parse_zoom(zoom), device=device, degrade=degrade_spec(degrade, sigma), crop=crop, batch=batch, steps=steps,
        lr=lr, weight_decay=weight_decay, ema=ema, init=str(init) if init else None, init_parts=parse_parts(init_part or []),
        loss=loss, pixel_weight=pixel_weight, adv_weight=adv_weight, cls_weight=cls_weight, disc_lr=disc_lr, gan_loss=gan_loss, seed=seed, precision=precision, checkpoint_every=checkpoint_every, val_every=val_every,
        workdir=str(workdir) if workdir else "", domain=domain, task=checked_task(task, arch, parse_config(config or [])),
    )
    console = Console(quiet=quiet)
    with console.progress("training", total=steps, unit="steps") as bar:
        def report(record: dict) -> None:
            text = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items())
            bar.advance_to(record["step"], text)
        path = fit(run, resume=resume, progress=report)
    console.line(f"wrote {path}")
