"""The training loop: one engine for every architecture.

``fit(TrainConfig)`` runs the schedule (warm-up + cosine), precision, gradient clipping, validation
(keeping the best weights), checkpoints (regularly and on Ctrl-C or SIGTERM, so ``--resume``
continues the same schedule), logs and the export, whose metadata records the command that made it
(:mod:`imgrestore.training.config`; files: :mod:`imgrestore.training.checkpoint`). What a step
optimises -- batches, loss, extra networks such as a discriminator -- is the architecture's objective
(:mod:`imgrestore.training.objectives`), which sees only an :class:`ObjectiveContext`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.optim import swa_utils

from imgrestore.architectures import get_arch
from imgrestore.degradations import parse_degradation, seed_for
from imgrestore.devices import precision_name, resolve_device
from imgrestore.errors import UsageError, WeightsMismatchError
from imgrestore.restorer import Restorer
from imgrestore.signals import exit_on_signals
from imgrestore.training import distributed
from imgrestore.training.checkpoint import (
    TrainState,
    export,
    load_checkpoint,
    rewrite_log,
    save_checkpoint,
    weights_meta,
)
from imgrestore.training.config import TrainConfig, command_line
from imgrestore.training.data import load_dataset
from imgrestore.training.logs import append_jsonl, write_csv, write_curve
from imgrestore.training.objectives import ObjectiveContext, make_objective
from imgrestore.weights.fit import check_fits
from imgrestore.weights.format import read_meta, read_state_dict, save

__all__ = ["TrainConfig", "command_line", "fit", "lr_at"]


def lr_at(step: int, config: TrainConfig) -> float:
    """Short linear warm-up, then cosine decay to 1 % of the peak over the whole run."""
    warmup = max(1, config.steps // 50)
    if step < warmup:
        return config.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, config.steps - warmup)
    return config.lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


class Run:
    """The mutable parts of one training run: module, optimizer, data, state, files."""

    def __init__(self, config: TrainConfig, resume: bool) -> None:
        self.context = distributed.setup(resolve_device(config.device))
        # the metadata records the precision that ran: 'auto' would read differently on another machine
        config = dataclasses.replace(config, precision=precision_name(config.precision, self.context.device))
        self.config = config
        self.spec = get_arch(config.arch)
        self.arch_config = self.spec.make_config(config.arch_config)
        torch.manual_seed(config.seed)  # identical initial weights on every rank
        self.module = self.spec.build(self.arch_config)
        self.init_training: dict[str, Any] = {}
        if config.init and not resume:
            self._load_init(config.init)
        self.loaded_parts: dict[str, dict[str, Any]] = {}
        for part, path in config.init_parts:
            self._load_part(part, path)
        self.state = TrainState()
        self.run_dir = config.run_dir
        self.checkpoint = self.run_dir / "last.pt"
        self.best_path = self.run_dir / "best.safetensors"
        # adversarial training keeps DCGAN's beta1 = 0.5: a long momentum makes the generator chase stale critics
        betas = (0.5, 0.999) if self.spec.trainer in ("gan", "adversarial") else (0.9, 0.999)
        self.optimizer = torch.optim.Adam(self.module.parameters(), lr=config.lr, betas=betas,
                                          weight_decay=config.weight_decay)
        # --ema: torch's own exponential moving average of the weights, what validation sees and the export keeps
        self.ema = (swa_utils.AveragedModel(self.module, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(config.ema),
                                            use_buffers=True) if config.ema else None)
        saved_objective: dict[str, Any] = {}
        if resume:
            saved_objective = self._resume()
        elif self.context.is_main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "log.jsonl").unlink(missing_ok=True)
        # each rank draws its own crops; re-derived on resume, so a resumed run is reproducible too
        generator = torch.Generator().manual_seed(seed_for(config.seed, f"rank{self.context.rank}:step{self.state.step}"))
        channels = self.spec.channels(self.arch_config)
        data = load_dataset(config.data, channels, config.subset, min_size=config.crop)
        if data.smallest_side() < config.crop:
            raise UsageError(f"--crop {config.crop} is larger than the training images ({data.smallest_side()} px)")
        self.val = load_dataset(config.val, channels, config.val_subset) if config.val and self.context.is_main else None
        self.restorer = Restorer(self.spec, self.arch_config, self.module,
                                 weights_meta(config, self.arch_config, self.state, {}),
                                 self.context.device, config.precision)
        self.trainable = distributed.wrap(self.module, self.context)
        self.module.train()
        self.objective = make_objective(ObjectiveContext(
            config=config, spec=self.spec, arch_config=self.arch_config, module=self.module, restorer=self.restorer,
            data=data, val=self.val, generator=generator, chain=parse_degradation(config.degrade),
            device=self.context.device, loaded_parts=self.loaded_parts))
        if config.distort and (data.paired or not self.objective.zoomable):
            raise UsageError("--distort needs clean --data for a restorer: a degraded twin (--pairs) would no longer "
                             "match its distorted clean crop")
        if config.zoom and (data.paired or not self.objective.zoomable):
            raise UsageError("--zoom needs clean --data for a restorer: a degraded twin (--pairs) or another "
                             "kind of model cannot be zoomed out like a clean photo")
        if resume:
            self.objective.load_state_dict(saved_objective)
        self.scaler = torch.amp.GradScaler(enabled=self.restorer.dtype == torch.float16)

    def _load_init(self, path: str) -> None:
        """Start from an exported weights file of the same architecture and config, or of a config the
        architecture can adapt from (``spec.adapt``, e.g. a colour model to a gray one)."""
        meta = read_meta(path)
        source_config = self.spec.make_config(meta.config) if meta.arch == self.config.arch else None
        state = read_state_dict(path)
        if source_config is not None and source_config != self.arch_config and self.spec.adapt is not None:
            state = self.spec.adapt(state, source_config, self.arch_config)
        elif source_config != self.arch_config:
            raise UsageError(f"--init {path}: weights of {meta.arch} {meta.config}, not of this --arch/--config")
        check_fits(self.spec, self.module, state, path)
        self.module.load_state_dict(state)
        self.init_training = meta.training

    def _load_part(self, part: str, path: str) -> None:
        """Load a finished run of another architecture into the sub-network ``part`` (``--init-part``)."""
        parts = self.spec.parts
        if part not in parts:
            raise UsageError(f"--init-part {part}=...: --arch {self.config.arch} has no such part "
                             f"(parts: {', '.join(parts) or 'none'})")
        arch, part_config = parts[part]
        meta = read_meta(path)
        if meta.arch != arch:
            raise UsageError(f"--init-part {part}={path}: weights of {meta.arch}, but part '{part}' is a {arch}")
        module = getattr(self.module, part)
        state = read_state_dict(path)
        try:
            check_fits(get_arch(arch), module, state, path)
        except WeightsMismatchError as exc:
            raise UsageError(f"--init-part {part}={path}: {exc} (this --config builds {arch} "
                             f"{dataclasses.asdict(part_config(self.arch_config))})") from None
        module.load_state_dict(state)
        self.loaded_parts[part] = {"file": path, "training": meta.training}

    def _resume(self) -> dict[str, Any]:
        """Restore the checkpoint; returns the objective's saved state (loaded once the objective exists)."""
        saved = load_checkpoint(self.checkpoint)
        self.module.load_state_dict(saved.model)
        self.optimizer.load_state_dict(saved.optimizer)
        if self.ema is not None:
            if saved.ema is None:
                raise UsageError("--resume --ema: the checkpoint was written without --ema (resume it without)")
            self.ema.load_state_dict(saved.ema)
        self.state = saved.state
        # the --init model's own record, for the export's provenance; checkpoints written before it was
        # kept fall back to reading the file, which is still the init unless it was replaced since
        init = self.config.init
        self.init_training = saved.init_training or (read_meta(init).training if init and Path(init).exists() else {})
        if self.context.is_main:
            self.state.history = [r for r in self.state.history if r["step"] <= self.state.step]
            rewrite_log(self.run_dir / "log.jsonl", self.state.history)
        return saved.objective

    def save_checkpoint(self) -> None:
        if self.context.is_main:
            save_checkpoint(self.checkpoint, self.module, self.optimizer, self.state, self.objective.state_dict(),
                            self.init_training, self.ema)

    def step(self) -> dict[str, float]:
        """One optimisation step; returns the loss and whatever else the objective logs."""
        lr = lr_at(self.state.step, self.config)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = self.objective.batch()
        dtype = self.restorer.dtype
        with torch.autocast(self.context.device.type, dtype=dtype, enabled=dtype != torch.float32):
            output = self.objective.forward(self.trainable, batch)
        output = output.float()  # the loss and the objective's own networks (a discriminator) run in fp32
        loss, logs = self.objective.loss(output, batch)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        nn.utils.clip_grad_norm_(self.module.parameters(), 1.0)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        if self.ema is not None:
            self.ema.update_parameters(self.module)
        logs.update(self.objective.after_step(output.detach(), batch, lr))
        self.state.step += 1
        return {"loss": loss.item(), **logs}

    @contextlib.contextmanager
    def averaged_weights(self) -> Iterator[None]:
        """With --ema, the module holds the averaged weights inside the block (the trained ones after)."""
        if self.ema is None:
            yield
            return
        trained = {key: value.detach().clone() for key, value in self.module.state_dict().items()}
        self.module.load_state_dict(self.ema.module.state_dict())
        try:
            yield
        finally:
            self.module.load_state_dict(trained)

    def validate_and_keep_best(self) -> dict[str, float]:
        self.module.eval()
        with self.averaged_weights():
            metrics = self.objective.validate()
            mean = float(np.mean(list(metrics.values()))) if metrics else -math.inf
            if metrics and mean > self.state.best_score:
                self.state.best_score = mean
                save(self.best_path, self.module.state_dict(),
                     weights_meta(self.config, self.arch_config, self.state, metrics))
        self.module.train()
        return metrics

    def log(self, record: dict[str, Any]) -> None:
        self.state.history.append(record)
        append_jsonl(self.run_dir / "log.jsonl", record)
        if any(k.startswith("psnr") for k in record) or self.state.step == self.config.steps:
            write_csv(self.run_dir / "log.csv", self.state.history)
            write_curve(self.run_dir / "curve.png", self.state.history)

    def export(self) -> Path:
        """Write the output file: the best validated weights, else the last ones."""
        totals: dict[str, Any] = {"minutes_total": round(self.state.seconds / 60, 1), "steps_total": self.state.step,
                                  "processes": self.context.world_size}
        if self.config.init:
            totals["init"] = {"file": self.config.init, "training": self.init_training}
        if self.loaded_parts:
            totals["parts"] = self.loaded_parts
        weights = (self.ema.module if self.ema is not None else self.module).state_dict()
        last = (weights, weights_meta(self.config, self.arch_config, self.state, {}))
        return export(Path(self.config.out), self.best_path, last, totals)


def fit(config: TrainConfig, resume: bool = False, progress: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Train per ``config`` (on one process, or several under torchrun); returns the exported weights path."""
    run = Run(config, resume)
    config = run.config  # with the precision resolved
    main = run.context.is_main
    started = time.monotonic() - run.state.seconds
    try:
        with exit_on_signals():  # SIGTERM (a scheduler, `kill`) ends training like Ctrl-C: checkpoint, then stop
            _train_steps(run, config, main, started, progress)
    except KeyboardInterrupt:
        run.save_checkpoint()
        raise
    run.save_checkpoint()
    out = run.export() if main else Path(config.out)
    distributed.barrier(run.context)
    distributed.teardown(run.context)
    return out


def _train_steps(run: Run, config: TrainConfig, main: bool, started: float,
                 progress: Callable[[dict[str, Any]], None] | None) -> None:
    window: list[dict[str, float]] = []
    while run.state.step < config.steps:
        window.append(run.step())
        run.state.seconds = time.monotonic() - started
        step, last = run.state.step, run.state.step == config.steps
        if not main:
            continue
        record: dict[str, Any] = {}
        if step % 50 == 0 or last:
            means = {key: float(np.mean([w[key] for w in window if key in w])) for key in window[-1]}
            record = {"step": step, **means, "lr": lr_at(step - 1, config), "minutes": round(run.state.seconds / 60, 2)}
            window = []
        if run.val is not None and (step % config.val_every == 0 or last):
            record = {"step": step, **record, **run.validate_and_keep_best()}
        if record:
            run.log(record)
            if progress:
                progress(record)
        if step % config.checkpoint_every == 0:
            run.save_checkpoint()
