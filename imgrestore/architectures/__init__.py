"""Architectures: one package each, registered by name on import.

Adding an architecture means writing its own package and one import line here.
"""

from imgrestore.architectures import cnn_lstm, dae, digit_classifier, ffdnet, resgan, resunet  # noqa: F401
from imgrestore.architectures.registry import (
    ArchSpec,
    SizeRequirements,
    Tiling,
    get_arch,
    list_archs,
    register,
)

__all__ = ["ArchSpec", "SizeRequirements", "Tiling", "get_arch", "list_archs", "register"]
