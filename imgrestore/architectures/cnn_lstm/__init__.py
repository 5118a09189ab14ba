"""Registers ``cnn-lstm`` (CNN encoder + row-by-row LSTM decoder) and its ``cnn-cnn`` baseline."""

from imgrestore.architectures.cnn_lstm.model import CnnCnnConfig, CnnCnnRestorer, CnnLstmConfig, CnnLstmRestorer
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task


def _fixed(config) -> SizeRequirements:
    return SizeRequirements(fixed=(config.image_size, config.image_size))


CNN_LSTM = register(ArchSpec(
    name="cnn-lstm", config=CnnLstmConfig, build=CnnLstmRestorer, task=Task.INPAINT,
    description="CNN encoder + 5-layer LSTM decoder writing rows, with direct attention to the corrupted row",
    size_req=_fixed,
    test_config={"channels": 1, "image_size": 12, "conv": [4, 8], "thought": 10, "hidden": 16, "layers": 2},
))
CNN_CNN = register(ArchSpec(
    name="cnn-cnn", config=CnnCnnConfig, build=CnnCnnRestorer, task=Task.INPAINT,
    description="Convolutional encoder (32, 64) + symmetric deconvolutional decoder (CNN-LSTM paper's baseline)",
    size_req=_fixed,
    test_config={"channels": 1, "image_size": 12, "conv": [4, 8]},
))

__all__ = ["CNN_CNN", "CNN_LSTM", "CnnCnnConfig", "CnnCnnRestorer", "CnnLstmConfig", "CnnLstmRestorer"]
