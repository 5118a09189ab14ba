"""Registers the ``dae`` architecture (convolutional denoising autoencoder)."""

from imgrestore.architectures.dae.model import DAEConfig, DenoisingAutoencoder
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task


def _size_req(config: DAEConfig) -> SizeRequirements:
    if config.latent_dim is not None:
        return SizeRequirements(fixed=(config.image_size, config.image_size))
    factor = config.stride ** len(config.filters)
    return SizeRequirements(multiple_of=factor, minimum=factor)


SPEC = register(
    ArchSpec(
        name="dae",
        config=DAEConfig,
        build=DenoisingAutoencoder,
        task=Task.DENOISE,
        description="Convolutional denoising autoencoder (Conv3x3 32/64, LeakyReLU, BatchNorm, ConvTranspose decoder)",
        size_req=_size_req,
        test_config={"channels": 3, "filters": [4, 8], "latent_dim": None},
    )
)

__all__ = ["SPEC", "DAEConfig", "DenoisingAutoencoder"]
