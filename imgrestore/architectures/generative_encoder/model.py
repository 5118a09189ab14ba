"""The generative encoder (GE): restoring an image by searching a GAN's latent space for the image
whose encoding matches the degraded image's encoding.

Pre-training (two separate `imgrestore train` runs): a GAN generator G (``dcgan``), then an
autoencoder E/DC trained on images drawn from G (the paper's Figure 1 order) with G frozen inside
this module. Solving, for a degraded x: m = E(x), then

    z* = argmin_z ||E(G(z)) - m||^2 + lambda ||z||^2     (gradient descent, random restarts)

and x_hat = G(z*). The same module also runs the paper's two baselines: ``invertgan``
(argmin_z ||G(z) - x||^2 + lambda ||z||^2) and ``convae`` (DC(E(x)), the autoencoder alone).
The method and the solver's settings are runtime options (``-m ge-mnist:method=invertgan,steps=300``).
The encoder follows the paper's Table 1 (3x3 conv + ReLU + max-pool, filters doubling, a fully
connected code), shortened to three stages for 28x28 images; the decoder mirrors it.

With ``inverse_width`` > 0 the module also holds a learned inverse of G (image -> z, the encoder's design
with ``inverse_width`` filters and z as its code, trained beside the autoencoder on G's samples, whose z is
known): GE's first start is then inverse(x) instead of a random z. It is a start only; the search above
still decides z*.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from imgrestore.architectures.dcgan.model import DCGANConfig, DCGANGenerator

METHODS = ("ge", "invertgan", "convae")


@dataclass(frozen=True)
class GEConfig:
    """Networks (G's part must match the dcgan run it is loaded from) and the solver's defaults."""

    channels: int = 1
    image_size: int = 28
    z_dim: int = 32
    gen_width: int = 64
    enc_width: int = 32
    code: int = 64
    method: str = "ge"
    steps: int = 500
    lam: float = 0.1
    restarts: int = 1  # at equal cost one start of 500 steps beat two of 250 (lab/TRAINING.md)
    solver_lr: float = 0.05
    seed: int = 0
    inverse_width: int = 0  # first filters of the learned inverse image -> z (0: none, random starts only)
    inverse_start: bool = True  # GE's first start from the learned inverse (when the module has one)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")

    @property
    def generator_config(self) -> DCGANConfig:
        return DCGANConfig(channels=self.channels, image_size=self.image_size, z_dim=self.z_dim, width=self.gen_width)


class Encoder(nn.Module):
    """Image -> code: (3x3 conv + ReLU + 2x2 max-pool) x 3 with f, 2f, 4f filters, then a linear layer."""

    def __init__(self, config: GEConfig) -> None:
        super().__init__()
        f, layers, cin = config.enc_width, [], config.channels
        for width in (f, 2 * f, 4 * f):
            layers += [nn.Conv2d(cin, width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            cin = width
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.fc = nn.Linear(4 * f * (config.image_size // 8) ** 2, config.code)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


class Decoder(nn.Module):
    """Code -> image, the encoder's mirror (linear, then transposed convolutions up to full size)."""

    def __init__(self, config: GEConfig) -> None:
        super().__init__()
        f, self.side = config.enc_width, config.image_size // 4
        self.fc = nn.Sequential(nn.Linear(config.code, 4 * f * self.side * self.side), nn.ReLU(inplace=True))
        self.body = nn.Sequential(
            nn.ConvTranspose2d(4 * f, 2 * f, 4, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(2 * f, f, 4, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(f, config.channels, 3, padding=1),
        )

    def forward(self, code: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.body(self.fc(code).reshape(code.shape[0], -1, self.side, self.side)))


class GenerativeEncoder(nn.Module):
    """``forward(x)`` restores a batch [B, C, S, S] with the configured method."""

    def __init__(self, config: GEConfig) -> None:
        super().__init__()
        self.config = config
        self.generator = DCGANGenerator(config.generator_config)
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)
        inverse = replace(config, enc_width=config.inverse_width, code=config.z_dim)
        self.inverse = Encoder(inverse) if config.inverse_width > 0 else None

    def latent_start(self, x: torch.Tensor) -> torch.Tensor:
        """The learned inverse's z for images ``x`` (a network of its own: the paper's encoder stays
        the autoencoder's)."""
        assert self.inverse is not None
        return self.inverse(x)

    def autoencode(self, x: torch.Tensor) -> torch.Tensor:
        """The ConvAE path DC(E(x)); what the autoencoder stage trains."""
        return self.decoder(self.encoder(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.method == "convae":
            return self.autoencode(x)
        return self.solve(x)

    def solve(self, x: torch.Tensor) -> torch.Tensor:
        """Latent search (GE or invertGAN) with ``restarts`` random starts per image; keeps the best."""
        config = self.config
        batch = x.shape[0]
        # the Restorer runs in inference mode; the search needs gradients with respect to z
        with torch.inference_mode(False), torch.enable_grad():
            x = x.detach().clone().float()
            generator = torch.Generator(device="cpu").manual_seed(config.seed)
            z = torch.randn(config.restarts * batch, config.z_dim, generator=generator).to(x.device)
            if config.method == "ge" and config.inverse_start and self.inverse is not None:
                z[:batch] = self.latent_start(x).detach()  # the first start; further restarts stay random
            z.requires_grad_()
            target = self.encoder(x).detach() if config.method == "ge" else x
            target = target.repeat(config.restarts, *([1] * (target.ndim - 1)))
            optimizer = torch.optim.Adam([z], lr=config.solver_lr)
            for _ in range(config.steps):
                loss = self._objective(z, target)
                optimizer.zero_grad(set_to_none=True)
                loss.sum().backward()
                optimizer.step()
            with torch.no_grad():
                final = self._objective(z, target).reshape(config.restarts, batch)
                best = final.argmin(dim=0)
                chosen = z.detach().reshape(config.restarts, batch, -1)[best, torch.arange(batch)]
                return self.generator(chosen)

    def _objective(self, z: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Per-sample search objective: data term + lambda ||z||^2."""
        image = self.generator(z)
        produced = self.encoder(image) if self.config.method == "ge" else image
        data = (produced - target).pow(2).flatten(1).sum(dim=1)
        return data + self.config.lam * z.pow(2).sum(dim=1)
