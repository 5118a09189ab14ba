"""The generative encoder's autoencoder stage: train E and DC on images drawn from a frozen G.

The generator comes from a finished `dcgan` run (``--init-part generator=FILE``) and stays fixed:
each step samples G(z) and teaches DC(E(.)) to reproduce it (the paper's Figure 1, step 2), so E
learns to encode images of G's distribution. A module with a learned inverse (``inverse_width``) also
learns z back from G(z) (mean squared error in z). Validation:
the autoencoder's reconstruction PSNR on the clean validation images.
"""

from __future__ import annotations

import numpy as np
import torch

from imgrestore.errors import UsageError
from imgrestore.metrics import psnr
from imgrestore.training.losses import loss_fn
from imgrestore.training.objectives.base import Batch, Objective, ObjectiveContext


class EncodeGeneratedObjective(Objective):
    """Autoencode samples of the module's frozen generator."""

    def __init__(self, ctx: ObjectiveContext) -> None:
        super().__init__(ctx)
        if "generator" not in ctx.loaded_parts:
            raise UsageError(f"--arch {ctx.config.arch} trains its autoencoder on a finished generator: "
                             "give --init-part generator=DCGAN_FILE")
        self.generator = ctx.module.generator
        self.generator.requires_grad_(False)
        self.loss_fn = loss_fn(ctx.config.loss)

    def batch(self) -> Batch:
        ctx = self.ctx
        z = torch.randn(ctx.config.batch, ctx.arch_config.z_dim, generator=ctx.generator).to(ctx.device)
        self.generator.eval()  # the loop puts the whole module in train mode; G's BatchNorm must not move
        with torch.no_grad():
            images = self.generator(z)
        return Batch(images, images, latents=z)

    def forward(self, trainable: torch.nn.Module, batch: Batch) -> torch.Tensor:
        return self.ctx.module.autoencode(batch.inputs)

    def loss(self, output: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        loss = self.loss_fn(output, batch.targets)
        module = self.ctx.module
        if module.inverse is None:
            return loss, {}
        inverse = (module.latent_start(batch.inputs).float() - batch.latents).pow(2).mean()
        return loss + inverse, {"inverse_mse": inverse.item()}

    def validate(self) -> dict[str, float]:
        module, device = self.ctx.module, self.ctx.device
        scores = []
        with torch.inference_mode():
            for start in range(0, len(self.ctx.val.clean), 256):
                clean = torch.stack(self.ctx.val.clean[start:start + 256]).to(device)
                restored = module.autoencode(clean)
                scores += [psnr(a.cpu().numpy(), b.cpu().numpy()) for a, b in zip(restored, clean)]
        return {"psnr_reconstruct": float(np.mean(scores))}
