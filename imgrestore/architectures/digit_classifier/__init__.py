"""Registers ``digit-cnn``, the digit classifier used by `eval --classifier` (objective: classify)."""

from imgrestore.architectures.digit_classifier.model import DigitClassifier, DigitClassifierConfig
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register

SPEC = register(ArchSpec(
    name="digit-cnn", config=DigitClassifierConfig, build=DigitClassifier, task="classify",
    description="Digit classifier (conv 32/64, max-pool, dense 128) for scoring restored digits",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    objective="classify",
    test_config={"conv": [4, 8], "hidden": 16, "classes": 2},
))

__all__ = ["SPEC", "DigitClassifier", "DigitClassifierConfig"]
