"""Registers ``resgan``: the ResGAN generator (a restorer), trained adversarially against its
discriminator with an embedded classifier (``training.objectives.adversarial``)."""

from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.architectures.resgan.model import ResGANConfig, ResGANDiscriminator, ResGANGenerator
from imgrestore.tasks import Task

SPEC = register(ArchSpec(
    name="resgan",
    config=ResGANConfig,
    build=ResGANGenerator,
    task=Task.UPSCALE,
    description="ResGAN generator: residual pass-through of the coarse image (add or concat), trained against a "
                "discriminator with an embedded classifier",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    trainer="adversarial",
    discriminator=ResGANDiscriminator,
    test_config={"channels": 1, "image_size": 12, "width": 4, "blocks": 1, "classes": 2, "disc_width": 4},
))

__all__ = ["SPEC", "ResGANConfig", "ResGANDiscriminator", "ResGANGenerator"]
