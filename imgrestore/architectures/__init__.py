"""Architectures: one package each, registered by name on import.

Adding an architecture means writing its own package and one import line here.
"""

from imgrestore.architectures import (  # noqa: F401  (registration)
    cnn_lstm,
    dae,
    dcgan,
    digit_classifier,
    ffdnet,
    gated_unet,
    generative_encoder,
    resgan,
    resunet,
    rlfn,
    rrdbnet,
    srvgg,
)
from imgrestore.architectures.registry import (
    ArchSpec,
    SizeRequirements,
    Tiling,
    get_arch,
    list_archs,
    register,
)

__all__ = ["ArchSpec", "SizeRequirements", "Tiling", "get_arch", "list_archs", "register"]
