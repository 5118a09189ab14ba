"""The weights file: one ``.safetensors`` whose header metadata carries :class:`WeightsMeta` as JSON.

safetensors metadata is a ``dict[str, str]`` read without loading any tensor, so listing models
stays cheap and there is no sidecar file to drift out of sync.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from imgrestore import typed_json
from imgrestore.errors import ConfigTypeError, WeightsError

SCHEMA_VERSION = 1
METADATA_KEY = "imgrestore"


@dataclass(frozen=True)
class WeightsMeta:
    """What a restorer is: architecture + config, what it restores, how it was trained."""

    arch: str
    config: dict[str, Any]
    task: str = "denoise"
    domain: str = "photo"
    channels: int = 3
    noise_range: tuple[float, float] | None = None  # sigma on the 0..255 scale
    training: dict[str, Any] = field(default_factory=dict)  # command, data, seed, steps, minutes
    metrics: dict[str, Any] = field(default_factory=dict)
    headline: str = ""  # one short metric line for `imgrestore models`
    license: str = "MIT"
    task_options: dict[str, dict[str, str]] = field(default_factory=dict)  # `restore --task T` runtime options
    # `--sigma auto`: (raw residual reading, true sigma) pairs measured for these weights
    # (`benchmarks/noise_estimate.py --write-reads`); empty: the raw reading is used as it is
    residual_reads: tuple[tuple[float, float], ...] = ()
    # PSNR lost on val against fp32, in dB, per reduced precision (benchmarks/precision_loss.py --write):
    # what `--precision auto` may run these weights in (devices.inference_precision)
    precision_loss: dict[str, float] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> WeightsMeta:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ConfigTypeError(f"expected a JSON object, got {data!r}")
        return typed_json.build(cls, data, "metadata")


def headline(meta: WeightsMeta) -> str:
    """One short metric line: validation PSNR per sigma ("32.95/30.67 dB @ σ15/25") when the model
    has it, else the stored headline."""
    if "accuracy" in meta.metrics.get("val_accuracy", {}):
        return f"accuracy {meta.metrics['val_accuracy']['accuracy']:.4f}"
    val = meta.metrics.get("val_psnr", {})
    sigmas = sorted((int(k.removeprefix("psnr_sigma")), v) for k, v in val.items() if k.startswith("psnr_sigma"))
    if sigmas:
        return (f"{'/'.join(f'{v:.2f}' for _, v in sigmas)} dB "
                f"@ σ{'/'.join(str(s) for s, _ in sigmas)}")
    return meta.headline


def save(path: str | Path, state_dict: dict[str, torch.Tensor], meta: WeightsMeta) -> None:
    """Write tensors and metadata atomically (a crash never leaves a half-written file)."""
    from imgrestore.io.atomic import atomic_path

    tensors = {k: v.detach().to("cpu").contiguous() for k, v in state_dict.items()}
    with atomic_path(Path(path)) as tmp:
        save_file(tensors, str(tmp), metadata={METADATA_KEY: meta.to_json()})


def open_weights(path: Path):
    """Open a safetensors file lazily; one clear error if it is missing or not safetensors."""
    if not path.is_file():
        raise WeightsError(f"{path}: no such weights file")
    try:
        return safe_open(str(path), framework="pt")
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(f"{path}: not a readable .safetensors file ({exc})") from None


def read_meta(path: str | Path) -> WeightsMeta:
    """Read only the metadata header of a weights file."""
    path = Path(path)
    with open_weights(path) as handle:
        text = (handle.metadata() or {}).get(METADATA_KEY)
    if text is None:
        raise WeightsError(
            f"{path}: safetensors file without imgrestore metadata "
            "(import foreign weights with `weights-tools convert IN OUT --arch NAME`)"
        )
    try:
        return WeightsMeta.from_json(text)
    except (json.JSONDecodeError, ConfigTypeError) as exc:
        raise WeightsError(f"{path}: unreadable imgrestore metadata ({exc})") from None


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Load every tensor of a weights file onto the CPU."""
    path = Path(path)
    with open_weights(path) as handle:
        return {key: handle.get_tensor(key) for key in handle.keys()}


STORAGE_DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def cast(source: str | Path, target: str | Path, storage: str) -> WeightsMeta:
    """Copy a weights file with its floating-point tensors stored as ``storage`` (fp32 | fp16 | bf16); integer
    buffers are kept. Models load stored tensors into fp32 parameters, so fp16 halves a file's size and, for
    weights of ordinary magnitude, changes outputs by rounding only (measure with benchmarks/precision_loss.py).
    The metadata is kept and records the storage."""
    if storage not in STORAGE_DTYPES:
        raise WeightsError(f"storage {storage!r}: expected one of {', '.join(STORAGE_DTYPES)}")
    if Path(source).resolve() == Path(target).resolve():
        raise WeightsError(f"{target}: the output must be another file than the input")
    meta = read_meta(source)
    dtype = STORAGE_DTYPES[storage]
    state = {key: tensor.to(dtype) if tensor.is_floating_point() else tensor
             for key, tensor in read_state_dict(source).items()}
    if not all(torch.isfinite(t).all() for t in state.values() if t.is_floating_point()):
        raise WeightsError(f"{source}: a weight overflows {storage}; keep fp32 or use bf16")
    meta = dataclasses.replace(meta, training={**meta.training, "stored_as": storage})
    save(target, state, meta)
    return meta
