"""Import foreign ``.pth`` weights into imgrestore's safetensors format.

Pickles are loaded with ``torch.load(weights_only=True)``, which refuses anything but tensors
and plain containers, so a malicious file cannot run code. The tensors are checked against the
architecture before anything is written.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import Any

import torch
from torch import nn

from imgrestore.architectures import get_arch, list_archs
from imgrestore.errors import WeightsError
from imgrestore.weights.fit import check_fits
from imgrestore.weights.format import WeightsMeta, save

_WRAPPER_KEYS = ("state_dict", "params_ema", "params", "model", "net", "generator")
_PREFIXES = ("module.", "model.")


def load_pth(path: Path) -> dict[str, torch.Tensor]:
    """Read a .pth/.pt state dict safely, unwrapping the usual {'state_dict': ...} containers."""
    try:
        data: Any = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WeightsError(f"{path}: cannot load safely as weights ({first})") from None
    for _ in range(3):
        if isinstance(data, dict) and not any(isinstance(v, torch.Tensor) for v in data.values()):
            key = next((k for k in _WRAPPER_KEYS if k in data), None)
            if key is None:
                break
            data = data[key]
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise WeightsError(f"{path}: no state dict of tensors found")
    return data


def strip_prefixes(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Remove 'module.' (DataParallel) and 'model.' wrappers from every key."""
    out = {}
    for key, value in state_dict.items():
        changed = True
        while changed:
            changed = False
            for prefix in _PREFIXES:
                if key.startswith(prefix):
                    key, changed = key[len(prefix):], True
        out[key] = value
    return out


def detect_arch(state: dict[str, torch.Tensor], source: str) -> tuple[str, dict[str, Any]]:
    """The architecture and config that a foreign state dict's tensor names and shapes give away (spandrel's
    way): asked of every architecture with a ``detect`` hook; exactly one must recognise it."""
    found = [(name, config) for name in list_archs()
             if (detect := get_arch(name).detect) is not None and (config := detect(state)) is not None]
    if len(found) != 1:
        known = ", ".join(name for name in list_archs() if get_arch(name).detect is not None)
        what = "no architecture" if not found else f"several architectures ({', '.join(n for n, _ in found)})"
        raise WeightsError(f"{source}: {what} recognised these tensors; give --arch (recognised without it: {known})")
    return found[0]


def load_foreign(source: Path, arch: str | None = None, config: dict[str, Any] | None = None,
                 meta_fields: dict[str, Any] | None = None) -> tuple[nn.Module, Any, WeightsMeta]:
    """A foreign ``.pth`` as a loaded module, its typed config and the metadata imgrestore would write for
    it: ``arch`` (None:
    told from the tensors, ``config`` then overriding what they tell); raises if the tensors do not fit."""
    state = strip_prefixes(load_pth(source))
    config = config or {}
    if arch is None:
        arch, detected = detect_arch(state, str(source))
        config = {**detected, **config}
    spec = get_arch(arch)
    arch_config = spec.make_config(config)
    if spec.remap_keys is not None:
        state = spec.remap_keys(state)
    module = spec.build(arch_config)
    check_fits(spec, module, state, str(source))
    module.load_state_dict(state)
    meta = WeightsMeta(
        arch=arch, config=dataclasses.asdict(arch_config), task=spec.task.value,
        channels=spec.channels(arch_config), training={"imported_from": source.name},
        **{"license": "unknown", **(meta_fields or {})},
    )
    return module, arch_config, meta


def convert(source: Path, target: Path, arch: str | None, config: dict[str, Any],
            meta_fields: dict[str, Any]) -> WeightsMeta:
    """Convert ``source`` (.pth) to ``target`` (.safetensors): :func:`load_foreign`, then written."""
    module, _, meta = load_foreign(source, arch, config, meta_fields)
    save(target, module.state_dict(), meta)
    return meta
