"""Registers ``dcgan``: an image generator (task ``generate``), trained adversarially by
``training.objectives.gan``; the generative encoder restores images through it."""

from imgrestore.architectures.dcgan.model import DCGANConfig, DCGANDiscriminator, DCGANGenerator
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task

SPEC = register(ArchSpec(
    name="dcgan",
    config=DCGANConfig,
    build=DCGANGenerator,
    task=Task.GENERATE,
    description="DCGAN generator (latent code -> image) with its discriminator; the generative encoder's G",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    trainer="gan",
    discriminator=DCGANDiscriminator,
    test_config={"image_size": 16, "z_dim": 4, "width": 4, "disc_width": 4},
))

__all__ = ["SPEC", "DCGANConfig", "DCGANDiscriminator", "DCGANGenerator"]
