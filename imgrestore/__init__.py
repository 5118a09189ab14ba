"""imgrestore: batch image restoration with pretrained neural restorers.

The public API; everything the CLI does goes through these same functions.
"""

from imgrestore.api import list_models, load_restorer, restore_array, restore_file
from imgrestore.pipeline import RestoreOptions
from imgrestore.restorer import Restorer

__version__ = "0.1.0"
__all__ = ["RestoreOptions", "Restorer", "__version__", "list_models", "load_restorer", "restore_array", "restore_file"]
