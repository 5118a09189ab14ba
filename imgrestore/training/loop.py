"""The training loop: one engine for every architecture.

``fit(TrainConfig)`` runs the schedule (warm-up + cosine), precision, gradient clipping, validation
(keeping the best weights), checkpoints (regularly and on Ctrl-C, so ``resume`` continues the same
schedule), logs and the export, whose metadata records how the file was made. What a step
optimises -- batches, loss, extra networks such as a discriminator -- is the architecture's
objective (:mod:`imgrestore.training.objectives`): restoring degraded crops (``--degrade`` spec of
the shared operators), classifying, or adversarial training.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from imgrestore.architectures import get_arch
from imgrestore.degradations import Chain, Choice, parse_degradation, seed_for
from imgrestore.degradations.noise import GaussianNoise
from imgrestore.devices import resolve_device
from imgrestore.errors import UsageError, WeightsMismatchError
from imgrestore.restorer import Restorer
from imgrestore.signals import exit_on_signals
from imgrestore.training import distributed
from imgrestore.training.data import load_dataset
from imgrestore.training.logs import append_jsonl, write_csv, write_curve
from imgrestore.training.objectives import make_objective
from imgrestore.weights.fit import check_fits
from imgrestore.weights.format import WeightsMeta, read_meta, read_state_dict, save


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
    weight_decay: float = 0.0  # L2 penalty on the weights (Adam's coupled weight decay)
    loss: str = "l1"
    pixel_weight: float = 1.0  # adversarial objectives: weight of the --loss pixel term
    adv_weight: float = 0.0  # adversarial objectives: weight of the real/fake term
    cls_weight: float = 0.0  # adversarial objectives: weight of the class-attribute term
    disc_lr: float = 0.0  # objectives with a discriminator: its peak learning rate (0: the same as lr)
    seed: int = 0
    device: str = "auto"
    precision: str = "bf16"
    checkpoint_every: int = 250
    val_every: int = 500
    workdir: str = ""
    domain: str = "photo"
    augment: bool = True  # random flips/rotations (off for digits: a flipped 2 is no digit)
    shift: int = 0  # random translations of up to this many pixels (zero padding), e.g. for digits
    zoom: tuple[float, float] | None = None  # crops zoomed out by a scale drawn in lo..hi (texture-dense crops)
    init: str | None = None  # start from these weights (fine-tuning) instead of a random initialisation
    init_parts: tuple[tuple[str, str], ...] = ()  # (part, file): load a trained sub-network, e.g. a GE's generator
    subset: tuple[int, int] | None = None  # [start, end) of the training images, e.g. MNIST's first 7500
    val_subset: tuple[int, int] | None = None

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


def noise_range(chain: Chain | Choice) -> tuple[float, float] | None:
    """The Gaussian sigma range a chain trains on (recorded in the metadata), if it has one."""
    for op in chain.ops:
        if isinstance(op, GaussianNoise):
            return (op.coef * 255, op.coef * 255) if op.coef is not None else tuple(op.sigma)
    return None


def _meta(config: TrainConfig, arch_config: Any, state: TrainState, metrics: dict[str, float]) -> WeightsMeta:
    spec = get_arch(config.arch)
    headline = ", ".join(f"accuracy {v:.4f}" if k == "accuracy" else
                         f"{k.replace('psnr_sigma', 'σ').replace('psnr', 'PSNR')} {v:.2f} dB"
                         for k, v in metrics.items())
    return WeightsMeta(
        arch=config.arch,
        config=dataclasses.asdict(arch_config),
        task=spec.task,
        domain=config.domain,
        channels=spec.channels(arch_config),
        noise_range=noise_range(parse_degradation(config.degrade)),
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
        metrics={"val_accuracy" if "accuracy" in metrics else "val_psnr": metrics} if metrics else {},
        headline=f"val {headline}" if headline else "",
    )


class Run:
    """The mutable parts of one training run: module, optimizer, data, state, files."""

    def __init__(self, config: TrainConfig, resume: bool) -> None:
        self.config = config
        self.spec = get_arch(config.arch)
        self.arch_config = self.spec.make_config(config.arch_config)
        self.context = distributed.setup(resolve_device(config.device))
        torch.manual_seed(config.seed)  # identical initial weights on every rank
        self.module = self.spec.build(self.arch_config)
        self.init_training: dict[str, Any] = {}
        self._saved: dict[str, Any] = {}  # the checkpoint read by --resume
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
        if resume:
            self._load_checkpoint()
        elif self.context.is_main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "log.jsonl").unlink(missing_ok=True)
        # each rank draws its own crops; re-derived on resume, so a resumed run is reproducible too
        self.generator = torch.Generator().manual_seed(
            seed_for(config.seed, f"rank{self.context.rank}:step{self.state.step}"))
        channels = self.spec.channels(self.arch_config)
        self.data = load_dataset(config.data, channels, config.subset, min_size=config.crop)
        if self.data.smallest_side() < config.crop:
            raise UsageError(f"--crop {config.crop} is larger than the training images ({self.data.smallest_side()} px)")
        self.val = load_dataset(config.val, channels, config.val_subset) if config.val and self.context.is_main else None
        self.restorer = Restorer(self.spec, self.arch_config, self.module, _meta(config, self.arch_config, self.state, {}),
                                 self.context.device, config.precision)
        self.trainable = distributed.wrap(self.module, self.context)
        self.module.train()
        self.chain = parse_degradation(config.degrade)
        self.objective = make_objective(self)
        if config.zoom and (self.data.paired or not self.objective.zooms):
            raise UsageError("--zoom needs clean --data for a restorer: a degraded twin (--pairs) or another "
                             "kind of model cannot be zoomed out like a clean photo")
        if resume:
            self.objective.load_state_dict(self._saved.get("objective", {}))
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

    def _init_record(self) -> dict[str, Any]:
        init = self.config.init
        return read_meta(init).training if init and Path(init).exists() else {}

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

    def _load_checkpoint(self) -> None:
        if not self.checkpoint.exists():
            raise UsageError(f"--resume: no checkpoint at {self.checkpoint}")
        saved = torch.load(self.checkpoint, map_location="cpu", weights_only=True)  # tensors and plain containers only
        self._saved = saved
        self.module.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.state = TrainState(**saved["state"])
        # the --init model's own record, for the export's provenance; checkpoints written before it was
        # kept fall back to reading the file, which is still the init unless it was replaced since
        self.init_training = saved.get("init_training") or self._init_record()
        if self.context.is_main:  # drop log lines written after the checkpoint: they will be redone
            self.state.history = [r for r in self.state.history if r["step"] <= self.state.step]
            (self.run_dir / "log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in self.state.history))

    def save_checkpoint(self) -> None:
        if not self.context.is_main:
            return
        payload = {"model": self.module.state_dict(), "optimizer": self.optimizer.state_dict(),
                   "state": dataclasses.asdict(self.state), "objective": self.objective.state_dict(),
                   "init_training": self.init_training}
        tmp = self.checkpoint.with_suffix(".tmp")
        torch.save(payload, tmp)
        tmp.replace(self.checkpoint)

    def step(self) -> dict[str, float]:
        """One optimisation step; returns the loss and whatever else the objective logs."""
        lr = lr_at(self.state.step, self.config)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = self.objective.batch()
        dtype = self.restorer.dtype
        with torch.autocast(self.context.device.type, dtype=dtype, enabled=dtype != torch.float32):
            output = self.objective.forward(self.trainable, batch)
        loss, logs = self.objective.loss(output.float(), batch)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        nn.utils.clip_grad_norm_(self.module.parameters(), 1.0)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        logs.update(self.objective.after_step(output.detach(), batch, lr))
        self.state.step += 1
        return {"loss": loss.item(), **logs}

    def validate_and_keep_best(self) -> dict[str, float]:
        self.module.eval()
        metrics = self.objective.validate()
        self.module.train()
        mean = float(np.mean(list(metrics.values()))) if metrics else -math.inf
        if metrics and mean > self.state.best_psnr:
            self.state.best_psnr = mean
            save(self.best_path, self.module.state_dict(), _meta(self.config, self.arch_config, self.state, metrics))
        return metrics

    def log(self, record: dict[str, Any]) -> None:
        self.state.history.append(record)
        append_jsonl(self.run_dir / "log.jsonl", record)
        if any(k.startswith("psnr") for k in record) or self.state.step == self.config.steps:
            write_csv(self.run_dir / "log.csv", self.state.history)
            write_curve(self.run_dir / "curve.png", self.state.history)

    def export(self) -> Path:
        """Write the output file: the best validated weights, else the last ones."""
        out = Path(self.config.out)
        totals = {"minutes_total": round(self.state.seconds / 60, 1), "steps_total": self.state.step,
                  "processes": self.context.world_size}
        if self.config.init:
            totals["init"] = {"file": self.config.init, "training": self.init_training}
        if self.loaded_parts:
            totals["parts"] = self.loaded_parts
        if self.best_path.exists():
            best = read_meta(self.best_path)
            save(out, read_state_dict(self.best_path), dataclasses.replace(best, training={**best.training, **totals}))
        else:
            meta = _meta(self.config, self.arch_config, self.state, {})
            save(out, self.module.state_dict(), dataclasses.replace(meta, training={**meta.training, **totals}))
        return out


def fit(config: TrainConfig, resume: bool = False, progress: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Train per ``config`` (on one process, or several under torchrun); returns the exported weights path."""
    run = Run(config, resume)
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
    is_pairs = ":" in config.data and not Path(config.data).exists()
    args += ["--pairs" if is_pairs else "--data", config.data]
    if config.val:
        args += ["--val", config.val]
    args += ["--degrade", config.degrade, "--crop", str(config.crop), "--batch", str(config.batch),
             "--steps", str(config.steps), "--lr", f"{config.lr:g}", "--weight-decay", f"{config.weight_decay:g}",
             "--loss", config.loss, "--seed", str(config.seed),
             *(["--pixel-weight", f"{config.pixel_weight:g}", "--adv-weight", f"{config.adv_weight:g}",
                "--cls-weight", f"{config.cls_weight:g}"] if get_arch(config.arch).trainer == "adversarial"
               else []),
             *(["--disc-lr", f"{config.disc_lr:g}"] if config.disc_lr else []),
             "--device", config.device, "--precision", config.precision, "--val-every", str(config.val_every), "--domain", config.domain]
    if not config.augment:
        args.append("--no-augment")
    if config.shift:
        args += ["--shift", str(config.shift)]
    if config.zoom:
        args += ["--zoom", f"{config.zoom[0]:g}..{config.zoom[1]:g}"]
    if config.init:
        args += ["--init", config.init]
    for part, path in config.init_parts:
        args += ["--init-part", f"{part}={path}"]
    if config.subset:
        args += ["--subset", f"{config.subset[0]}:{config.subset[1]}"]
    if config.val_subset:
        args += ["--val-subset", f"{config.val_subset[0]}:{config.val_subset[1]}"]
    args += ["-o", config.out]
    return " ".join(shlex.quote(a) for a in args)
