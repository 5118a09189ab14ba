"""Weights looked up by name: shipped in ``imgrestore/weights/bundled/<name>.safetensors``, or
installed by the user into the models folder (``weights-tools import-ffdnet`` writes there).

Nothing is ever downloaded: a name is a file in one of those two folders or an error.
The user folder is ``$IMGRESTORE_MODELS`` if set, else ``$XDG_DATA_HOME/imgrestore/models``
(``~/.local/share/imgrestore/models``).
"""

from __future__ import annotations

import os
from pathlib import Path

from imgrestore.errors import UnknownModelError, WeightsError

BUNDLED_DIR = Path(__file__).parent / "bundled"
AUTO = "auto"
# `--model auto`: the default denoiser for an image with this many channels.
DEFAULTS = {1: "resunet-gray", 3: "resunet-color"}


def user_dir() -> Path:
    """The folder of models the user installed (imported weights), which may not exist yet."""
    if os.environ.get("IMGRESTORE_MODELS"):
        return Path(os.environ["IMGRESTORE_MODELS"]).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "imgrestore" / "models"


def bundled_names() -> list[str]:
    """Names of the weights shipped with the package, sorted."""
    return sorted(path.stem for path in BUNDLED_DIR.glob("*.safetensors"))


def installed_names() -> list[str]:
    """Names of the weights in the user's models folder (a bundled name wins over an installed one)."""
    folder = user_dir()
    names = {path.stem for path in folder.glob("*.safetensors")} if folder.is_dir() else set()
    return sorted(names - set(bundled_names()))


def is_named(path: Path) -> bool:
    """True if ``path`` is a bundled or installed model (shown by name rather than by file)."""
    return path.parent in (BUNDLED_DIR, user_dir())


def resolve(name_or_path: str) -> Path:
    """A bundled or installed name, or a path to a .safetensors file -> the file's path."""
    if "/" not in name_or_path:
        for folder in (BUNDLED_DIR, user_dir()):
            named = folder / f"{name_or_path}.safetensors"
            if named.is_file():
                return named
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    if path.suffix in {".safetensors", ".pth", ".pt", ".ckpt"} or "/" in name_or_path:
        hint = " (convert .pth files with `weights-tools convert`)" if path.suffix != ".safetensors" else ""
        raise WeightsError(f"{name_or_path}: no such weights file{hint}")
    known = ", ".join(bundled_names() + installed_names()) or "none"
    hint = " (import FFDNet's official weights with `weights-tools import-ffdnet`)" if "ffdnet" in name_or_path else ""
    raise UnknownModelError(f"unknown model '{name_or_path}'{hint} (known: {known}; or give a path to a "
                            ".safetensors file)")


def default_for(channels: int) -> str:
    """The bundled default model name for images with ``channels`` channels (1 or 3)."""
    return DEFAULTS[1 if channels == 1 else 3]


def split_options(reference: str) -> tuple[str, dict[str, str]]:
    """``NAME[:key=value,...]`` -> (NAME, {key: value}); runtime options such as a solver's settings
    (``ge-mnist:method=invertgan,steps=300``). A colon not followed by key=value stays part of the name."""
    name, sep, rest = reference.rpartition(":")
    if not sep or "=" not in rest or "/" in rest or "\\" in rest:
        return reference, {}
    options = {}
    for item in rest.split(","):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UnknownModelError(f"'{reference}': options go as NAME:key=value,key=value")
        options[key.strip()] = value.strip()
    return name, options
