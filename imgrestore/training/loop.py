"""The training loop: one engine for every architecture.

``fit(TrainConfig)`` trains on random crops of clean images degraded on the fly by the shared
operators (``--degrade`` spec),
validates through the same :class:`~imgrestore.restorer.Restorer` path the CLI uses, keeps the
best weights by validation PSNR, checkpoints regularly (and on Ctrl-C) so ``resume`` continues
the same schedule, and exports a safetensors file whose metadata records how it was made.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from imgrestore.architectures import get_arch
from imgrestore.degradations import Chain, parse_chain, quantize, seed_for
from imgrestore.degradations.noise import GaussianNoise
from imgrestore.errors import UsageError
from imgrestore.evaluation.metrics import psnr
from imgrestore.restorer import Restorer
from imgrestore.tiling import restore_images
from imgrestore.training.data import load_folder, random_crops
from imgrestore.weights.format import WeightsMeta, save

VAL_SIGMAS = (15.0, 25.0, 50.0)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run; stored in the checkpoint and the export."""

    arch: str
    arch_config: dict[str, Any]
    data: str
    out: str
    val: str | None = None
    degrade: str = "gaussian:sigma=0..50"  # a spec of the shared degradation operators
    crop: int = 96
    batch: int = 8
    steps: int = 2000
    lr: float = 1e-3
    loss: str = "l1"
    seed: int = 0
    precision: str = "bf16"
    checkpoint_every: int = 250
    val_every: int = 500
    workdir: str = ""
    domain: str = "photo"

    @property
    def run_dir(self) -> Path:
        return Path(self.workdir) if self.workdir else Path(self.out).with_suffix(".run")


@dataclass
class TrainState:
    step: int = 0
    best_psnr: float = -math.inf
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)


def lr_at(step: int, config: TrainConfig) -> float:
    """Short linear warm-up, then cosine decay to 1 % of the peak over the whole run."""
    warmup = max(1, config.steps // 50)
    if step < warmup:
        return config.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, config.steps - warmup)
    return config.lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def _loss_fn(name: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if name == "l1":
        return nn.functional.l1_loss
    if name == "mse":
        return nn.functional.mse_loss
    raise UsageError(f"--loss {name}: expected l1 or mse")


def validation_chains(degrade: str) -> dict[str, Chain]:
    """What validation measures: PSNR at sigma 15/25/50 for a Gaussian denoiser, else the training chain."""
    chain = parse_chain(degrade)
    if len(chain.ops) == 1 and isinstance(chain.ops[0], GaussianNoise) and chain.ops[0].coef is None:
        return {f"psnr_sigma{int(s)}": Chain((GaussianNoise(sigma=(s, s)),)) for s in VAL_SIGMAS}
    return {"psnr": chain}


def validate(restorer: Restorer, images: list[torch.Tensor], chains: dict[str, Chain], seed: int = 0) -> dict[str, float]:
    """Mean PSNR per chain on degraded (8-bit quantised) copies of ``images``, through the tiling engine."""
    results: dict[str, float] = {}
    for key, chain in chains.items():
        generator = torch.Generator().manual_seed(seed_for(seed, f"val-{key}"))
        degraded = [quantize(chain(img[None], generator).images)[0] for img in images]
        restored = restore_images(degraded, restorer, tile=256, overlap=16, batch_size=4,
                                  req=restorer.size_req, tiling=restorer.tiling)
        scores = [psnr(out.numpy(), clean.numpy()) for out, clean in zip(restored, images)]
        results[key] = float(np.mean(scores))
    return results


def noise_range(chain: Chain) -> tuple[float, float] | None:
    """The Gaussian sigma range a chain trains on (recorded in the metadata), if it has one."""
    for op in chain.ops:
        if isinstance(op, GaussianNoise):
            return (op.coef * 255, op.coef * 255) if op.coef is not None else tuple(op.sigma)
    return None


def _meta(config: TrainConfig, arch_config: Any, state: TrainState, metrics: dict[str, float]) -> WeightsMeta:
    spec = get_arch(config.arch)
    headline = ", ".join(f"{k.replace('psnr_sigma', 'σ').replace('psnr', 'PSNR')} {v:.2f} dB"
                         for k, v in metrics.items())
    return WeightsMeta(
        arch=config.arch,
        config=dataclasses.asdict(arch_config),
        task=spec.task,
        domain=config.domain,
        channels=spec.channels(arch_config),
        noise_range=noise_range(parse_chain(config.degrade)),
        training={
            "command": command_line(config),
            "data": config.data,
            "val": config.val,
            "seed": config.seed,
            "steps": state.step,
            "minutes": round(state.seconds / 60, 1),
            "hyperparameters": {k: v for k, v in dataclasses.asdict(config).items()
                                if k not in {"out", "workdir", "arch_config"}},
        },
        metrics={"val_psnr": metrics} if metrics else {},
        headline=f"val PSNR {headline}" if headline else "",
    )


def fit(config: TrainConfig, resume: bool = False, progress: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Train per ``config``; returns the exported weights path."""
    spec = get_arch(config.arch)
    arch_config = spec.make_config(config.arch_config)
    torch.manual_seed(config.seed)
    module = spec.build(arch_config)
    optimizer = torch.optim.Adam(module.parameters(), lr=config.lr)
    state = TrainState()
    run_dir = config.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = run_dir / "last.pt"
    generator = torch.Generator().manual_seed(config.seed)
    if resume:
        if not checkpoint.exists():
            raise UsageError(f"--resume: no checkpoint at {checkpoint}")
        saved = torch.load(checkpoint, weights_only=True)  # only tensors and plain containers
        module.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        generator.set_state(saved["generator"])
        state = TrainState(**saved["state"])
    channels = spec.channels(arch_config)
    train_images = load_folder(Path(config.data), channels, min_size=config.crop)
    val_images = load_folder(Path(config.val), channels) if config.val else []
    restorer = Restorer(spec, arch_config, module, _meta(config, arch_config, state, {}), "cpu", config.precision)
    module.train()
    chain = parse_chain(config.degrade)
    val_chains = validation_chains(config.degrade)
    loss_fn = _loss_fn(config.loss)
    autocast = restorer.dtype != torch.float32
    log_path = run_dir / "log.jsonl"
    best_path = run_dir / "best.safetensors"

    def save_checkpoint() -> None:
        payload = {"model": module.state_dict(), "optimizer": optimizer.state_dict(),
                   "generator": generator.get_state(), "state": dataclasses.asdict(state)}
        tmp = checkpoint.with_suffix(".tmp")
        torch.save(payload, tmp)
        tmp.replace(checkpoint)

    started = time.monotonic() - state.seconds
    window: list[float] = []
    try:
        while state.step < config.steps:
            for group in optimizer.param_groups:
                group["lr"] = lr_at(state.step, config)
            clean = random_crops(train_images, config.batch, config.crop, generator)
            noisy = quantize(chain(clean, generator).images)
            if noisy.shape != clean.shape:
                raise UsageError(f"--degrade {config.degrade}: training needs degradations that keep the size "
                                 "(use downsample:back=true)")
            clean = clean.contiguous(memory_format=torch.channels_last)
            noisy = noisy.contiguous(memory_format=torch.channels_last)
            with torch.autocast("cpu", dtype=restorer.dtype, enabled=autocast):
                output = module(noisy)
            loss = loss_fn(output.float(), clean)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            optimizer.step()
            state.step += 1
            state.seconds = time.monotonic() - started
            window.append(loss.item())
            record: dict[str, Any] = {}
            if state.step % 50 == 0 or state.step == config.steps:
                record = {"step": state.step, "loss": float(np.mean(window)), "lr": lr_at(state.step - 1, config),
                          "minutes": round(state.seconds / 60, 2)}
                window = []
            if val_images and (state.step % config.val_every == 0 or state.step == config.steps):
                module.eval()
                metrics = validate(restorer, val_images, val_chains)
                module.train()
                record.setdefault("step", state.step)
                record.update(metrics)
                mean = float(np.mean(list(metrics.values())))
                if mean > state.best_psnr:
                    state.best_psnr = mean
                    save(best_path, module.state_dict(), _meta(config, arch_config, state, metrics))
            if record:
                state.history.append(record)
                with log_path.open("a") as handle:
                    handle.write(json.dumps(record) + "\n")
                if progress:
                    progress(record)
            if state.step % config.checkpoint_every == 0:
                save_checkpoint()
    except KeyboardInterrupt:
        save_checkpoint()
        raise
    save_checkpoint()
    out = Path(config.out)
    if best_path.exists():
        from imgrestore.weights.format import read_meta, read_state_dict
        best_meta = read_meta(best_path)
        save(out, read_state_dict(best_path), dataclasses.replace(best_meta, training={**best_meta.training,
             "minutes_total": round(state.seconds / 60, 1), "steps_total": state.step}))
    else:
        save(out, module.state_dict(), _meta(config, arch_config, state, {}))
    return out


def _config_value(value: Any) -> str:
    """A -c value as typed on the command line: JSON, except plain strings that JSON would not read back."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except json.JSONDecodeError:
            return value
    return json.dumps(value, separators=(",", ":"))


def command_line(config: TrainConfig) -> str:
    """The full `imgrestore train` command, defaults included, that reproduces ``config``."""
    args = ["imgrestore", "train", "--arch", config.arch]
    for key, value in config.arch_config.items():
        args += ["-c", f"{key}={_config_value(value)}"]
    args += ["--data", config.data]
    if config.val:
        args += ["--val", config.val]
    args += ["--degrade", config.degrade, "--crop", str(config.crop), "--batch", str(config.batch),
             "--steps", str(config.steps), "--lr", f"{config.lr:g}", "--loss", config.loss, "--seed", str(config.seed),
             "--precision", config.precision, "--val-every", str(config.val_every), "--domain", config.domain,
             "-o", config.out]
    return " ".join(shlex.quote(a) for a in args)
