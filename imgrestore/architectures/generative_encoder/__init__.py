"""Registers ``generative-encoder``: GAN generator + autoencoder, restoring by latent search
(trained by ``training.objectives.encode`` with the generator loaded by ``--init-part``)."""

import torch

from imgrestore.architectures.generative_encoder.model import METHODS, GEConfig, GenerativeEncoder
from imgrestore.architectures.registry import ArchSpec, SizeRequirements, register
from imgrestore.tasks import Task

SPEC = register(ArchSpec(
    name="generative-encoder",
    config=GEConfig,
    build=GenerativeEncoder,
    task=Task.RESTORE,
    description="Generative encoder: z* = argmin ||E(G(z)) - E(x)||^2 + lambda ||z||^2, x_hat = G(z*) "
                "(also invertGAN and ConvAE via method=)",
    size_req=lambda config: SizeRequirements(fixed=(config.image_size, config.image_size)),
    dtypes=(torch.float32,),  # the latent search runs in fp32
    trainer="encode",
    runtime_options=("method", "steps", "lam", "restarts", "solver_lr", "seed", "inverse_start"),
    parts={"generator": ("dcgan", lambda config: config.generator_config)},
    test_config={"image_size": 16, "z_dim": 4, "gen_width": 4, "enc_width": 4, "code": 8, "steps": 3, "restarts": 2,
                 "inverse_width": 8},
))

__all__ = ["METHODS", "SPEC", "GEConfig", "GenerativeEncoder"]
