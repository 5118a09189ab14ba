"""Turn ``--device`` and ``--precision`` into a torch device and dtype, with safe fallbacks.

A precision the device cannot run falls back to fp32 with a warning instead of crashing
(fp16 on CPU is the classic failure of rival tools).
"""

from __future__ import annotations

import re
import warnings

import torch

from imgrestore.errors import UsageError

PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA, then MPS, then CPU; an unavailable explicit device is a usage error."""
    name = name.strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if re.fullmatch(r"cuda(:\d+)?", name):
        if not torch.cuda.is_available():
            raise UsageError(f"--device {name}: no CUDA device on this machine (use --device cpu or auto)")
        index = int(name.split(":")[1]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise UsageError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s)")
        return torch.device(name)
    if name == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise UsageError("--device mps: Apple MPS is not available here (use --device cpu or auto)")
        return torch.device("mps")
    raise UsageError(f"--device {name}: expected auto, cpu, cuda, cuda:N or mps")


def replica_devices(text: str) -> list[str]:
    """The devices a folder job runs model replicas on: ``cuda:0,cuda:1`` (or ``cpu,cpu``) as listed, ``cuda``
    every GPU of the machine; each is checked as :func:`resolve_device` checks it. One name, one replica."""
    names = [name.strip().lower() for name in text.split(",")]
    if any(not name for name in names):
        raise UsageError(f"--device {text}: an empty name in the list")
    if names == ["cuda"] and torch.cuda.is_available() and torch.cuda.device_count() > 1:
        names = [f"cuda:{index}" for index in range(torch.cuda.device_count())]
    for name in names:
        resolve_device(name)
    return names


def native_bf16(device: torch.device) -> bool:
    """Whether ``device`` computes in bf16 at full speed: a GPU with bf16, or a CPU whose oneDNN has bf16
    kernels (AVX-512 BF16 / AMX). Elsewhere bf16 convolutions take a slow path: measured 10x slower than
    fp32 on a 2-core AVX2 EPYC."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    return False


def precision_name(precision: str, device: torch.device) -> str:
    """``auto`` -> bf16 where the device runs it natively, else fp32; any other name as given."""
    if precision.strip().lower() == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    return precision


SAFE_LOSS_DB = 0.02  # a reduced precision a model may run in by default: at most this PSNR lost on val


def inference_precision(device: torch.device, losses: dict[str, float]) -> str:
    """What ``--precision auto`` runs a model in: the fastest precision the device computes natively among
    those the model's weights declare safe (``losses``: PSNR lost against fp32 on val, in dB, measured by
    ``benchmarks/precision_loss.py``), else fp32. A GPU prefers fp16 (full-rate on every CUDA GPU), then bf16."""
    def safe(name: str) -> bool:
        return losses.get(name, float("inf")) <= SAFE_LOSS_DB

    if device.type == "cuda" and safe("fp16"):
        return "fp16"
    if device.type in ("cuda", "cpu") and safe("bf16") and native_bf16(device):
        return "bf16"
    return "fp32"


def resolve_precision(
    precision: str, device: torch.device, supported: tuple[torch.dtype, ...] = tuple(PRECISIONS.values()),
    losses: dict[str, float] | None = None,
) -> torch.dtype:
    """Map auto|fp32|fp16|bf16 to a dtype the device and the model can run, warning on fallback. With
    ``losses`` (a model's declared precision losses), ``auto`` is :func:`inference_precision`."""
    if precision.strip().lower() == "auto" and losses is not None:
        precision = inference_precision(device, losses)
    try:
        dtype = PRECISIONS[precision_name(precision, device).lower()]
    except KeyError:
        raise UsageError(f"--precision {precision}: expected auto, fp32, fp16 or bf16") from None
    if dtype == torch.float16 and device.type == "cpu":
        warnings.warn("fp16 is not supported on the CPU; running in fp32", stacklevel=2)
        return torch.float32
    if dtype == torch.bfloat16 and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        warnings.warn("this GPU has no bf16; running in fp32", stacklevel=2)
        return torch.float32
    if dtype == torch.bfloat16 and device.type == "cpu" and not native_bf16(device):
        warnings.warn("this CPU has no native bf16 (AVX-512 BF16 or AMX): bf16 runs several times slower than "
                      "fp32 here; --precision auto picks the fast one", stacklevel=2)
    if dtype not in supported:
        warnings.warn(f"this model does not support {precision}; running in fp32", stacklevel=2)
        return torch.float32
    return dtype
