"""Registers ``dcgan``: an image generator (objective ``generate``), trained adversarially by
``training.objectives.gan``; the generative encoder restores images through it."""

from imgrestore.architectures.dcgan.model import DCGANConfig, DCGANDiscriminator, DCGANGenerator
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, Tiling, register

SPEC = register(ArchSpec(
    name="dcgan",
    config=DCGANConfig,
    build=DCGANGenerator,
    task="generate",
    description="DCGAN generator (latent code -> image) with its discriminator; the generative encoder's G",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    tiling=lambda config: Tiling.FIXED_SIZE,
    objective="generate",
    extra={"trainer": "gan", "discriminator": DCGANDiscriminator},
))

__all__ = ["SPEC", "DCGANConfig", "DCGANDiscriminator", "DCGANGenerator"]
