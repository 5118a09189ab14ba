"""A run's files: the resume checkpoint, the best validated weights and the export with its provenance."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from imgrestore.architectures import get_arch
from imgrestore.degradations import Chain, Choice, parse_degradation
from imgrestore.degradations.noise import GaussianNoise
from imgrestore.errors import UsageError
from imgrestore.training.config import TrainConfig, command_line
from imgrestore.weights.format import WeightsMeta, read_meta, read_state_dict, save


@dataclass
class TrainState:
    """Progress of a run, saved in its checkpoint."""

    step: int = 0
    best_score: float = -math.inf  # mean of the validation metrics (PSNR in dB, or a classifier's accuracy)
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_saved(cls, saved: dict[str, Any]) -> TrainState:
        if "best_psnr" in saved:  # checkpoints written before the rename
            saved = {**{k: v for k, v in saved.items() if k != "best_psnr"}, "best_score": saved["best_psnr"]}
        return cls(**saved)


@dataclass
class Checkpoint:
    """What ``--resume`` restores."""

    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    state: TrainState
    objective: dict[str, Any]
    init_training: dict[str, Any]  # the --init model's own training record, for the export's provenance
    ema: dict[str, Any] | None = None  # the weight average's state (--ema), if the run keeps one


def noise_range(chain: Chain | Choice) -> tuple[float, float] | None:
    """The Gaussian sigma range a chain trains on (recorded in the metadata), if it has one."""
    for op in chain.ops:
        if isinstance(op, GaussianNoise):
            return (op.coef * 255, op.coef * 255) if op.coef is not None else tuple(op.sigma)
    return None


def weights_meta(config: TrainConfig, arch_config: Any, state: TrainState, metrics: dict[str, float]) -> WeightsMeta:
    """The metadata of an export: what the model is, the command that made it, its validation metrics."""
    spec = get_arch(config.arch)
    headline = ", ".join(f"accuracy {v:.4f}" if k == "accuracy" else
                         f"{k.replace('psnr_sigma', 'σ').replace('psnr_q', 'q').replace('psnr', 'PSNR')} {v:.2f} dB"
                         for k, v in metrics.items())
    return WeightsMeta(
        arch=config.arch,
        config=dataclasses.asdict(arch_config),
        task=config.task or spec.task.value,
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


def load_checkpoint(path: Path) -> Checkpoint:
    if not path.exists():
        raise UsageError(f"--resume: no checkpoint at {path}")
    saved = torch.load(path, map_location="cpu", weights_only=True)  # tensors and plain containers only
    return Checkpoint(saved["model"], saved["optimizer"], TrainState.from_saved(saved["state"]),
                      saved.get("objective", {}), saved.get("init_training") or {}, saved.get("ema"))


def save_checkpoint(path: Path, module: nn.Module, optimizer: torch.optim.Optimizer, state: TrainState,
                    objective: dict[str, Any], init_training: dict[str, Any], ema: nn.Module | None = None) -> None:
    """Write the checkpoint atomically (a crash mid-write keeps the previous one)."""
    payload = {"model": module.state_dict(), "optimizer": optimizer.state_dict(),
               "state": dataclasses.asdict(state), "objective": objective, "init_training": init_training,
               "ema": None if ema is None else ema.state_dict()}
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def rewrite_log(path: Path, history: list[dict[str, Any]]) -> None:
    """The log as of the checkpoint: lines written after it will be redone by the resumed run."""
    path.write_text("".join(json.dumps(record) + "\n" for record in history))


def export(out: Path, best: Path, fallback: tuple[dict[str, torch.Tensor], WeightsMeta], totals: dict[str, Any]) -> Path:
    """Write ``out``: the best validated weights if there are any, else ``fallback``; ``totals`` (whole-run
    time, steps, the --init and --init-part records) join the training record."""
    if best.exists():
        state, meta = read_state_dict(best), read_meta(best)
    else:
        state, meta = fallback
    save(out, state, dataclasses.replace(meta, training={**meta.training, **totals}))
    return out
