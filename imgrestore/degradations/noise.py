"""Noise operators: Gaussian, salt-and-pepper, uniform, Poisson, speckle."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from imgrestore.degradations.base import Operator, Params, check, operator, per_image, setting, uniform


@operator
@dataclass(frozen=True)
class GaussianNoise(Operator):
    """Additive white Gaussian noise: sigma on the 0..255 scale (a range is drawn per image), or
    ``coef`` in the denoising-autoencoder paper's form x + coef * N(0, 1) on 0..1. ``mean`` shifts
    the noise (the tutorial code the paper's autoencoder follows draws N(0.5, 0.5): coef=0.5,mean=0.5).
    ``skew`` above 1 draws a range's low levels more often (training a blind denoiser to spend its effort
    where fine texture is at stake). Clipped to 0..1."""

    name = "gaussian"
    sigma: tuple[float, float] = setting((25.0, 25.0), "standard deviation on the 0..255 scale, or a range lo..hi drawn per image")
    coef: float | None = setting(None, "if set, the paper's noise coefficient on 0..1 (replaces sigma)")
    mean: float = setting(0.0, "mean of the noise, on the scale of sigma (0..255) or of coef (0..1)")
    skew: float = setting(1.0, "a range is drawn as lo + (hi - lo) * u**skew, u uniform: 1 is uniform, 2 puts half the draws in its lowest quarter")

    def __post_init__(self) -> None:
        check(0 <= self.sigma[0] <= self.sigma[1], self.name, "sigma must satisfy 0 <= lo <= hi")
        check(self.coef is None or self.coef >= 0, self.name, "coef must be >= 0")
        check(self.skew > 0, self.name, "skew must be > 0")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        if self.coef is not None:
            return {"sigma": torch.full((x.shape[0],), self.coef * 255, dtype=torch.float64)}
        low, high = self.sigma  # u ** 1 is u exactly, so skew=1 is the plain uniform draw
        return {"sigma": low + (high - low) * uniform(0.0, 1.0, x.shape[0], generator) ** self.skew}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        noise = torch.randn(x.shape, generator=generator, dtype=torch.float32).to(x)
        shift = self.mean if self.coef is not None else self.mean / 255
        return (x + shift + per_image(params["sigma"] / 255, x) * noise).clamp(0, 1)


@operator
@dataclass(frozen=True)
class SaltPepperNoise(Operator):
    """Impulse noise: a fraction ``amount`` of pixels (all channels) set to white (salt) or black (pepper)."""

    name = "saltpepper"
    amount: tuple[float, float] = setting((0.05, 0.05), "fraction of pixels hit, or a range drawn per image")
    salt_ratio: float = setting(0.5, "share of the hit pixels that turn white")

    def __post_init__(self) -> None:
        check(0 <= self.amount[0] <= self.amount[1] <= 1, self.name, "amount must be within 0..1")
        check(0 <= self.salt_ratio <= 1, self.name, "salt_ratio must be within 0..1")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"amount": uniform(*self.amount, x.shape[0], generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        b, _, h, w = x.shape
        u = torch.rand((b, 1, h, w), generator=generator, dtype=torch.float64)
        amount = params["amount"].view(-1, 1, 1, 1)
        hit = u < amount
        salt = u < amount * self.salt_ratio
        out = x.clone()
        out = torch.where(hit.to(x.device), torch.zeros((), dtype=x.dtype, device=x.device), out)
        return torch.where(salt.to(x.device), torch.ones((), dtype=x.dtype, device=x.device), out)


@operator
@dataclass(frozen=True)
class UniformNoise(Operator):
    """Additive uniform white noise in [-amplitude, +amplitude] (0..255 scale), clipped to 0..1."""

    name = "uniform"
    amplitude: tuple[float, float] = setting((25.0, 25.0), "half-width on the 0..255 scale, or a range drawn per image")

    def __post_init__(self) -> None:
        check(0 <= self.amplitude[0] <= self.amplitude[1], self.name, "amplitude must satisfy 0 <= lo <= hi")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"amplitude": uniform(*self.amplitude, x.shape[0], generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        noise = torch.rand(x.shape, generator=generator, dtype=torch.float32).to(x) * 2 - 1
        return (x + per_image(params["amplitude"] / 255, x) * noise).clamp(0, 1)


@operator
@dataclass(frozen=True)
class PoissonNoise(Operator):
    """Shot noise: pixel value x becomes Poisson(x * peak) / peak; fewer photons (smaller peak), more noise."""

    name = "poisson"
    peak: tuple[float, float] = setting((30.0, 30.0), "photon count of a white pixel, or a range drawn per image")

    def __post_init__(self) -> None:
        check(0 < self.peak[0] <= self.peak[1], self.name, "peak must satisfy 0 < lo <= hi")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"peak": uniform(*self.peak, x.shape[0], generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        peak = per_image(params["peak"], x).to(torch.float64).cpu()
        counts = torch.poisson(x.detach().cpu().to(torch.float64).clamp(0, 1) * peak, generator=generator)
        return (counts / peak).clamp(0, 1).to(x)


@operator
@dataclass(frozen=True)
class SpeckleNoise(Operator):
    """Multiplicative noise: x + x * N(0, sigma^2) with sigma on 0..1, clipped to 0..1."""

    name = "speckle"
    sigma: tuple[float, float] = setting((0.1, 0.1), "relative standard deviation, or a range drawn per image")

    def __post_init__(self) -> None:
        check(0 <= self.sigma[0] <= self.sigma[1], self.name, "sigma must satisfy 0 <= lo <= hi")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"sigma": uniform(*self.sigma, x.shape[0], generator)}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        noise = torch.randn(x.shape, generator=generator, dtype=torch.float32).to(x)
        return (x + x * per_image(params["sigma"], x) * noise).clamp(0, 1)
