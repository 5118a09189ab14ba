"""Registers ``resunet``, the noise-level-conditional residual U-Net photo denoiser."""

from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.architectures.resunet.model import ResUNet, ResUNetConfig


def _size_req(config: ResUNetConfig) -> SizeRequirements:
    factor = 2 ** (len(config.widths) - 1)
    return SizeRequirements(multiple_of=factor, minimum=factor)


SPEC = register(ArchSpec(
    name="resunet",
    config=ResUNetConfig,
    build=ResUNet,
    task="denoise",
    description="Noise-level-conditional U-Net with residual blocks (DRUNet family): imgrestore's photo denoiser",
    size_req=_size_req,
    uses_noise_level=lambda config: config.noise_map,
))

__all__ = ["ResUNet", "ResUNetConfig", "SPEC"]
