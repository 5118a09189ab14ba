"""Weights looked up by name: shipped in ``imgrestore/weights/bundled/<name>.safetensors``, or
installed by the user into the models folder (``weights-tools import-ffdnet`` writes there).

Nothing is ever downloaded: a name is a file in one of those two folders or an error.
The user folder is ``$IMGRESTORE_MODELS`` if set, else ``$XDG_DATA_HOME/imgrestore/models``
(``~/.local/share/imgrestore/models``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from imgrestore.errors import UnknownModelError, WeightsError
from imgrestore.sizes import passes_for

BUNDLED_DIR = Path(__file__).parent / "bundled"
AUTO = "auto"
# `--model auto`: the default denoiser for an image with this many channels.
DEFAULTS = {1: "resunet-gray", 3: "resunet-color"}
# with a known degradation, 'auto' is the plug-and-play prior, which runs once per iteration (8 to 24 times an
# image): the fast denoisers, the weights every plug-and-play number in the docs was measured with
PRIORS = {1: "resunet-gray-fast", 3: "resunet-color-fast"}
# `upscale --model auto`: the upscalers per domain and scale (a scale without its own model is reached
# by running a smaller one repeatedly: x4 = x2 twice)
UPSCALERS = {"photo": {2: "sr-photo-x2", 4: "sr-photo-x4"}, "digits": {4: "resgan-mnist"}}
# `inpaint --mask` with 'auto': digits keep the CNN-LSTM (which knows where a digit's missing half is)
INPAINTERS = {"photo": "inpaint-photo", "digits": "cnn-lstm-mnist"}
# `dejpeg --model auto`: the quality-conditioned JPEG restorers by channels, as the denoisers
DEJPEGGERS = {1: "dejpeg-gray", 3: "dejpeg-color"}


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


FOREIGN_SUFFIXES = (".pth", ".pt")  # community weights, converted on the fly (no imgrestore metadata)


def is_foreign(name_or_path: str) -> bool:
    """True for an existing ``.pth``/``.pt`` file: loaded through `weights-tools convert`'s detection."""
    path = Path(name_or_path).expanduser()
    return path.suffix.lower() in FOREIGN_SUFFIXES and path.is_file()


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


def _bundled_upscalers(domain: str) -> dict[int, str]:
    bundled = set(bundled_names())
    return {s: name for s, name in UPSCALERS[domain].items() if name in bundled}


def _reaching(available: dict[int, str], scale: int) -> str | None:
    """The largest of ``available`` (scale -> name) that reaches ``scale`` in whole passes, if any."""
    return next((available[own] for own in sorted(available, reverse=True) if passes_for(scale, own)), None)


def _none_reaches(domain: str, available: dict[int, str], scale: int) -> str:
    offer = ", ".join(f"x{s} ({name})" for s, name in sorted(available.items())) or "none"
    return f"no bundled upscaler for {domain} images at x{scale} (bundled: {offer})"


def default_upscaler(domain: str, scale: int) -> str:
    """The bundled upscaler for ``domain`` images at ``scale``: its own model, else the largest bundled one
    whose scale reaches it in whole passes."""
    available = _bundled_upscalers(domain)
    name = _reaching(available, scale)
    if name is None:
        raise UnknownModelError(_none_reaches(domain, available, scale))
    return name


def check_upscalers(scale: int) -> None:
    """Raise unless some domain's bundled upscalers reach ``scale`` (each image still gets its own)."""
    available = {domain: _bundled_upscalers(domain) for domain in UPSCALERS}
    if not any(_reaching(models, scale) for models in available.values()):
        raise UnknownModelError("; ".join(_none_reaches(d, models, scale) for d, models in available.items()))


def default_inpainter(domain: str) -> str:
    """The bundled inpainter for ``domain`` images."""
    name = INPAINTERS[domain]
    if name not in bundled_names():
        raise UnknownModelError(f"no bundled inpainter for {domain} images yet: name one with -m "
                                "(a mask-aware model trained by `imgrestore train`, or resunet-color for the plug-and-play solver)")
    return name


def default_dejpegger(channels: int) -> str:
    """The bundled JPEG artifact remover for images with ``channels`` channels (1 or 3)."""
    name = DEJPEGGERS[1 if channels == 1 else 3]
    if name not in bundled_names():
        raise UnknownModelError(f"{name} is not bundled yet: name a quality-conditioned model with -m (a resunet "
                                "trained by `imgrestore train --task dejpeg`)")
    return name


def default_for(channels: int, prior: bool = False) -> str:
    """The bundled default denoiser for images with ``channels`` channels (1 or 3); ``prior``: the one the
    plug-and-play solver uses (:data:`PRIORS`)."""
    return (PRIORS if prior else DEFAULTS)[1 if channels == 1 else 3]


@dataclass(frozen=True)
class ModelRef:
    """What ``-m`` names: a model (bundled or installed name, 'auto', or a file) and its runtime options,
    such as a solver's settings: ``ge-mnist:method=invertgan,steps=300``. The one parser and formatter."""

    name: str
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        """``NAME[:key=value,...]``; a colon not followed by key=value stays part of the name (``C:\\x``)."""
        name, sep, rest = text.rpartition(":")
        if not sep or "=" not in rest or "/" in rest or "\\" in rest:
            return cls(text)
        options = {}
        for item in rest.split(","):
            key, eq, value = item.partition("=")
            if not eq or not key.strip():
                raise UnknownModelError(f"'{text}': options go as NAME:key=value,key=value")
            options[key.strip()] = value.strip()
        return cls(name, tuple(options.items()))

    @property
    def settings(self) -> dict[str, str]:
        return dict(self.options)

    def with_settings(self, settings: dict[str, str]) -> ModelRef:
        return ModelRef(self.name, tuple(settings.items()))

    def __str__(self) -> str:
        return f"{self.name}:{','.join(f'{k}={v}' for k, v in self.options)}" if self.options else self.name
