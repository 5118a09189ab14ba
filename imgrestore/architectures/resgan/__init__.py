"""Registers ``resgan``: the ResGAN generator (a restorer), trained adversarially against its
discriminator with an embedded classifier (``training.objectives.adversarial``)."""

from imgrestore.architectures.registry import ArchSpec, SizeRequirements, Tiling, register
from imgrestore.architectures.resgan.model import ResGANConfig, ResGANDiscriminator, ResGANGenerator

SPEC = register(ArchSpec(
    name="resgan",
    config=ResGANConfig,
    build=ResGANGenerator,
    task="restore-coarse",
    description="ResGAN generator: residual pass-through of the coarse image (add or concat), trained against a "
                "discriminator with an embedded classifier",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    tiling=lambda config: Tiling.FIXED_SIZE,
    extra={"trainer": "adversarial", "discriminator": ResGANDiscriminator},
))

__all__ = ["SPEC", "ResGANConfig", "ResGANDiscriminator", "ResGANGenerator"]
