"""Registers ``digit-cnn``, the digit classifier used by `eval --classifier` (task: classify)."""

from imgrestore.architectures.digit_classifier.model import DigitClassifier, DigitClassifierConfig
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task

SPEC = register(ArchSpec(
    name="digit-cnn", config=DigitClassifierConfig, build=DigitClassifier, task=Task.CLASSIFY,
    description="Digit classifier (conv 32/64, max-pool, dense 128) for scoring restored digits",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    test_config={"conv": [4, 8], "hidden": 16, "classes": 2},
))

__all__ = ["SPEC", "DigitClassifier", "DigitClassifierConfig"]
