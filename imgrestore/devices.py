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


def resolve_precision(
    precision: str, device: torch.device, supported: tuple[torch.dtype, ...] = tuple(PRECISIONS.values())
) -> torch.dtype:
    """Map fp32|fp16|bf16 to a dtype the device and the model can run, warning on fallback."""
    try:
        dtype = PRECISIONS[precision.lower()]
    except KeyError:
        raise UsageError(f"--precision {precision}: expected fp32, fp16 or bf16") from None
    if dtype == torch.float16 and device.type == "cpu":
        warnings.warn("fp16 is not supported on the CPU; running in fp32", stacklevel=2)
        return torch.float32
    if dtype == torch.bfloat16 and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        warnings.warn("this GPU has no bf16; running in fp32", stacklevel=2)
        return torch.float32
    if dtype not in supported:
        warnings.warn(f"this model does not support {precision}; running in fp32", stacklevel=2)
        return torch.float32
    return dtype
