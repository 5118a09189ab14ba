"""imgrestore: batch image restoration with pretrained neural restorers.

The public API; everything the CLI does goes through these same functions. Names are loaded on first
use (PEP 562), so `import imgrestore` (and `imgrestore --help`) does not pay for torch and OpenCV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
_PUBLIC = {
    "RestoreOptions": "imgrestore.pipeline",
    "Restorer": "imgrestore.restorer",
    "deblur_array": "imgrestore.api",
    "inpaint_array": "imgrestore.api",
    "list_models": "imgrestore.api",
    "load_restorer": "imgrestore.api",
    "restore_array": "imgrestore.api",
    "restore_file": "imgrestore.api",
}
__all__ = ["RestoreOptions", "Restorer", "__version__", "deblur_array", "inpaint_array", "list_models", "load_restorer",
           "restore_array", "restore_file"]

if TYPE_CHECKING:
    from imgrestore.api import deblur_array, inpaint_array, list_models, load_restorer, restore_array, restore_file
    from imgrestore.pipeline import RestoreOptions
    from imgrestore.restorer import Restorer


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'imgrestore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
