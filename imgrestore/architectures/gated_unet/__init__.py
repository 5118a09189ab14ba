"""Registers ``gated-unet``, imgrestore's mask-aware photo inpainting network."""

from imgrestore.architectures.gated_unet.model import GatedUNet, GatedUNetConfig
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task

SPEC = register(ArchSpec(
    name="gated-unet",
    config=GatedUNetConfig,
    build=GatedUNet,
    task=Task.INPAINT,
    description="U-Net of gated convolutions taking the missing-pixel mask as an input: imgrestore's photo inpainter",
    size_req=lambda config: SizeRequirements.halved(len(config.widths) - 1),
    uses_mask=lambda config: True,
    prefill_iterations=lambda config: config.smooth_iterations if config.prefill else None,
    test_config={"channels": 3, "widths": [4, 8, 16], "blocks": 1, "dilations": [2]},
))

__all__ = ["SPEC", "GatedUNet", "GatedUNetConfig"]
