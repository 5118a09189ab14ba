"""Corruption operators shared by `corrupt`, training and evaluation.

Each module registers its operators on import; ``parse_chain("gaussian:sigma=25+mask:lower-half")``
turns a spec string into a :class:`Chain`.
"""

from imgrestore.degradations import blur, jpeg, mask, noise, resample  # noqa: F401  (registration)
from imgrestore.degradations.base import Operator, operators, quantize, seed_for
from imgrestore.degradations.spec import (
    Chain,
    Choice,
    Degraded,
    describe_operators,
    drawn_level,
    drawn_noise_level,
    parse_chain,
    parse_degradation,
    parse_operator,
)

__all__ = ["Chain", "Choice", "Degraded", "Operator", "describe_operators", "drawn_level", "drawn_noise_level", "operators", "parse_chain",
           "parse_degradation", "parse_operator", "quantize", "seed_for"]
