"""Known linear degradations as forward operators: what a plug-and-play solver needs of each.

The random operators beside this module draw a degradation; these hold one that is known (a lens's
blur kernel, a scan's scratch mask) and give the solver its three pieces, as deepinv's physics do:
``apply`` (A x), ``adjoint`` (A^T y) and ``data_step``, the exact minimiser of
``||y - A x||^2 + alpha ||x - z||^2`` over x. Images are [B, C, H, W] floats.

Blur's data step is solved in the Fourier domain, which assumes the image wraps around at its
borders. The estimate is padded by mirroring by the kernel's size, and beyond the observed border the
target is what the padded estimate looks like blurred: the wrap-around then falls in a margin that is
consistent with the data, and is cropped. Mirroring the target itself instead is a wrong guess that a
kernel with spectral zeros (a motion streak) spreads over the whole image: measured 16.3 dB against
29.8 on a val photo with a 15 px motion blur (lab/TRAINING.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from imgrestore.degradations.blur import convolve


@dataclass(frozen=True)
class KnownBlur:
    """Convolution with one known kernel [k, k] (odd k, sum 1), mirrored borders."""

    kernel: torch.Tensor

    def __post_init__(self) -> None:
        k = self.kernel
        if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] % 2 == 0:
            raise ValueError(f"a blur kernel is square with an odd side, not {tuple(k.shape)}")
        if not torch.isfinite(k).all() or (k < 0).any() or float(k.sum()) <= 0:
            raise ValueError("a blur kernel has finite, non-negative weights that do not all vanish")

    @property
    def pad(self) -> int:
        return self.kernel.shape[0]

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        return convolve(x, self.kernel.expand(x.shape[0], -1, -1))

    def adjoint(self, y: torch.Tensor) -> torch.Tensor:
        """Correlation with the kernel (convolution with it flipped); exact away from the mirrored borders."""
        return convolve(y, self.kernel.flip(0, 1).expand(y.shape[0], -1, -1))

    def _spectrum(self, height: int, width: int) -> torch.Tensor:
        """The kernel's transfer function on a height x width grid, its centre moved to the origin."""
        k = self.kernel.shape[0]
        grid = torch.zeros(height, width, dtype=torch.float64)
        grid[:k, :k] = self.kernel.to(torch.float64)
        return torch.fft.rfft2(torch.roll(grid, shifts=(-(k // 2), -(k // 2)), dims=(0, 1)))

    def data_step(self, z: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||y - k * x||^2 + alpha ||x - z||^2, in closed form per frequency (borders: see the module)."""
        pad = self.pad
        height, width = y.shape[-2:]
        mode = "reflect" if pad < min(height, width) else "replicate"
        zp = F.pad(z, (pad, pad, pad, pad), mode=mode)  # in z's precision: float32 halves a large photo's memory
        size = zp.shape[-2:]
        spectrum = self._spectrum(*size).to(torch.complex128 if zp.dtype == torch.float64 else torch.complex64)
        target = torch.fft.irfft2(torch.fft.rfft2(zp) * spectrum, s=size)  # the estimate, blurred
        target[..., pad:pad + height, pad:pad + width] = y.to(zp.dtype)  # and the observation where there is one
        numerator = spectrum.conj() * torch.fft.rfft2(target) + alpha * torch.fft.rfft2(zp)
        x = torch.fft.irfft2(numerator / (spectrum.abs() ** 2 + alpha), s=size)
        return x[..., pad:pad + height, pad:pad + width].to(y.dtype)


@dataclass(frozen=True)
class KnownMask:
    """Pixels known where ``keep`` is 1 and missing where it is 0 ([H, W] or broadcastable to the image)."""

    keep: torch.Tensor

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.keep

    def adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return y * self.keep

    def data_step(self, z: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||m (y - x)||^2 + alpha ||x - z||^2: known pixels pulled towards y, missing ones kept at z."""
        return (self.keep * y + alpha * z) / (self.keep + alpha)
