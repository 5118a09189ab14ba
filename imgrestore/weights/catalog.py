"""Bundled weights: ``imgrestore/weights/bundled/<name>.safetensors``, looked up by name.

Nothing is ever downloaded: a name is either a file shipped inside the package or an error.
"""

from __future__ import annotations

from pathlib import Path

from imgrestore.errors import UnknownModelError, WeightsError

BUNDLED_DIR = Path(__file__).parent / "bundled"
AUTO = "auto"
# `--model auto`: the default denoiser for an image with this many channels.
DEFAULTS = {1: "dae-photo-gray", 3: "dae-photo-color"}


def bundled_names() -> list[str]:
    """Names of the weights shipped with the package, sorted."""
    return sorted(path.stem for path in BUNDLED_DIR.glob("*.safetensors"))


def resolve(name_or_path: str) -> Path:
    """A bundled name or a path to a .safetensors file -> the file's path."""
    bundled = BUNDLED_DIR / f"{name_or_path}.safetensors"
    if "/" not in name_or_path and bundled.is_file():
        return bundled
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    if path.suffix in {".safetensors", ".pth", ".pt", ".ckpt"} or "/" in name_or_path:
        hint = " (convert .pth files with `weights-tools convert`)" if path.suffix != ".safetensors" else ""
        raise WeightsError(f"{name_or_path}: no such weights file{hint}")
    known = ", ".join(bundled_names()) or "none"
    raise UnknownModelError(f"unknown model '{name_or_path}' (bundled: {known}; or give a path to a .safetensors file)")


def default_for(channels: int) -> str:
    """The bundled default model name for images with ``channels`` channels (1 or 3)."""
    return DEFAULTS[1 if channels == 1 else 3]
