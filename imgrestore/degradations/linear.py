"""Known linear degradations as forward operators: what a plug-and-play solver needs of each.

The random operators beside this module draw a degradation; these hold one that is known (a lens's
blur kernel, a scan's scratch mask) and give the solver its three pieces, as deepinv's physics do:
``apply`` (A x), ``adjoint`` (A^T y) and ``data_step``, the exact minimiser of
``||y - A x||^2 + alpha ||x - z||^2`` over x. Images are [B, C, H, W] floats.

Blur's data step is solved in the Fourier domain, which assumes the image wraps around at its
borders. The estimate carries a margin of the kernel's size beyond every border (``extend``, mirrored
at the start; ``extended_step`` works on the image and its margin; ``crop`` at the end), and beyond
the observed border the target is what the current estimate looks like blurred: the wrap-around falls
in a margin that is consistent with the data. Mirroring the target itself instead is a wrong guess
that a kernel with spectral zeros (a motion streak) spreads over the whole image: measured 16.3 dB
against 29.8 on a val photo with a 15 px motion blur. Keeping the margin from one iteration to the
next, rather than mirroring the estimate afresh each time, lets the solver estimate what lies beyond
the border; it matters on photos whose blur reached in from outside the frame (a crop of a larger
blurred picture): +2.4 dB on 256 px val crops with motion blur, measured (lab/TRAINING.md). Super-resolution's
decimating operator and the mask follow the same contract, so one solver serves all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from imgrestore.degradations.blur import convolve


def _centred(kernel: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """``kernel`` on a height x width grid with its centre at the origin: its transfer function's input."""
    k = kernel.shape[0]
    grid = torch.zeros(height, width, dtype=torch.float64)
    grid[:k, :k] = kernel.to(torch.float64)
    return torch.roll(grid, shifts=(-(k // 2), -(k // 2)), dims=(0, 1))


def _complex_of(x: torch.Tensor) -> torch.dtype:
    return torch.complex128 if x.dtype == torch.float64 else torch.complex64


class _WithMargin:
    """The solver's contract for an operator whose data step works on the image and a ``margin`` beyond it."""

    margin: int

    def extend(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` mirrored by the margin on every side (replicated where it is too small to mirror)."""
        m = self.margin
        mode = "reflect" if m < min(x.shape[-2:]) else "replicate"
        return F.pad(x, (m, m, m, m), mode=mode)  # in x's precision: float32 halves the memory

    def crop(self, x: torch.Tensor) -> torch.Tensor:
        m = self.margin
        return x[..., m:x.shape[-2] - m, m:x.shape[-1] - m]

    def extended_step(self, zp: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        raise NotImplementedError

    def data_step(self, z: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||y - A x||^2 + alpha ||x - z||^2 (borders: see the module)."""
        return self.crop(self.extended_step(self.extend(z), y, alpha)).to(y.dtype)


@dataclass(frozen=True)
class KnownBlur(_WithMargin):
    """Convolution with one known kernel [k, k] (odd k, sum 1; the picture of a point of light), mirrored
    borders. A true convolution, as the Fourier data step models it: for a kernel that is not symmetric
    under a half turn (a user's kernel image) OpenCV's ``filter2D``, a correlation, is its mirror image."""

    kernel: torch.Tensor

    def __post_init__(self) -> None:
        k = self.kernel
        if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] % 2 == 0:
            raise ValueError(f"a blur kernel is square with an odd side, not {tuple(k.shape)}")
        if not torch.isfinite(k).all() or float(k.sum()) <= 0:  # negative lobes are fine: bicubic has them
            raise ValueError("a blur kernel has finite weights with a positive sum")

    @property
    def scale(self) -> int:
        """Input size over output size: a blur keeps it."""
        return 1

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        return convolve(x, self.kernel.flip(0, 1).expand(x.shape[0], -1, -1))  # `convolve` correlates

    def adjoint(self, y: torch.Tensor) -> torch.Tensor:
        """Correlation with the kernel (convolution with it flipped); exact away from the mirrored borders."""
        return convolve(y, self.kernel.expand(y.shape[0], -1, -1))

    @property
    def margin(self) -> int:
        """Pixels beyond each border the solver estimates too: what the blur brings into the image."""
        return self.kernel.shape[0]

    def extended_step(self, zp: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||y - k * x||^2 + alpha ||x - z||^2 in closed form per frequency, on the image and its
        margin (``zp`` and the result are ``margin`` larger on each side)."""
        pad = self.margin
        height, width = y.shape[-2:]
        size = zp.shape[-2:]
        spectrum = torch.fft.rfft2(_centred(self.kernel, *size)).to(_complex_of(zp))
        target = torch.fft.irfft2(torch.fft.rfft2(zp) * spectrum, s=size)  # the estimate, blurred
        target[..., pad:pad + height, pad:pad + width] = y.to(zp.dtype)  # and the observation where there is one
        numerator = spectrum.conj() * torch.fft.rfft2(target) + alpha * torch.fft.rfft2(zp)
        return torch.fft.irfft2(numerator / (spectrum.abs() ** 2 + alpha), s=size)


@dataclass(frozen=True)
class KnownMask:
    """Pixels known where ``keep`` is 1 and missing where it is 0 ([H, W] or broadcastable to the image)."""

    keep: torch.Tensor

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.keep

    def adjoint(self, y: torch.Tensor) -> torch.Tensor:
        return y * self.keep

    scale = 1
    margin = 0

    def extend(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def crop(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def data_step(self, z: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||m (y - x)||^2 + alpha ||x - z||^2: known pixels pulled towards y, missing ones kept at z."""
        return (self.keep * y + alpha * z) / (self.keep + alpha)

    extended_step = data_step


def bicubic_reduction(scale: int) -> tuple[torch.Tensor, int]:
    """PIL's (and MATLAB's) antialiased bicubic reduction by ``scale`` as a blur kernel and a sampling
    offset: output pixel i is the Keys cubic (a = -0.5) stretched ``scale`` times, centred on input
    position i * scale + (scale - 1) / 2. The even-length filter sits in an odd kernel whose centre is
    the sample ``offset`` (a half-pixel to its left when ``scale`` is even)."""
    def cubic(t: torch.Tensor) -> torch.Tensor:
        t = t.abs()
        return torch.where(t <= 1, 1.5 * t ** 3 - 2.5 * t ** 2 + 1,
                           torch.where(t < 2, -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2, torch.zeros_like(t)))

    offset = (scale - 1) // 2
    centre = (scale - 1) / 2
    radius = int(2 * scale + abs(centre - offset)) + 1
    taps = torch.arange(offset - radius, offset + radius + 1, dtype=torch.float64)
    line = cubic((taps - centre) / scale)
    line = line / line.sum()
    return torch.outer(line, line).flip(0, 1), offset  # weights of x[i * scale + tap], as a convolution kernel


def _block_mean(spectrum: torch.Tensor, scale: int) -> torch.Tensor:
    """The mean over the ``scale`` x ``scale`` frequencies that decimation folds onto one: [..., H, W] -> [..., H/s, W/s]."""
    *lead, height, width = spectrum.shape
    blocks = spectrum.reshape(*lead, scale, height // scale, scale, width // scale)
    return blocks.mean(dim=(-4, -2))


@dataclass(frozen=True)
class KnownDownsample(_WithMargin):
    """Blur by a known kernel, then keep every ``scale``-th pixel from ``offset``: y = (k * x)[o::s, o::s]
    (DPIR's super-resolution degradation; :func:`bicubic_reduction` gives PIL's bicubic one)."""

    kernel: torch.Tensor
    scale: int
    offset: int = 0

    def __post_init__(self) -> None:
        KnownBlur(self.kernel)  # the same checks
        if self.scale < 2 or not 0 <= self.offset < self.scale:
            raise ValueError(f"scale must be 2 or more and offset within 0..scale-1, not {self.scale}, {self.offset}")

    @classmethod
    def bicubic(cls, scale: int) -> KnownDownsample:
        kernel, offset = bicubic_reduction(scale)
        return cls(kernel.float(), scale, offset)

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        o, s = self.offset, self.scale
        return KnownBlur(self.kernel).apply(x)[..., o::s, o::s]

    def adjoint(self, y: torch.Tensor) -> torch.Tensor:
        o, s = self.offset, self.scale
        up = y.new_zeros(*y.shape[:-2], y.shape[-2] * s, y.shape[-1] * s)
        up[..., o::s, o::s] = y
        return KnownBlur(self.kernel).adjoint(up)

    @property
    def margin(self) -> int:
        """High-resolution pixels beyond each border the solver estimates: the kernel's reach, in whole
        low-resolution pixels."""
        return -(-self.kernel.shape[0] // self.scale) * self.scale

    def extended_step(self, zp: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
        """argmin_x ||y - (k * x)[o::s, o::s]||^2 + alpha ||x - z||^2 for the high-resolution z and the
        low-resolution y, in closed form (Zhao et al. 2016, as DPIR solves it), on the image and its margin
        (``zp`` and the result are ``margin`` larger on each side; borders as :class:`KnownBlur`)."""
        s, o = self.scale, self.offset
        height, width = y.shape[-2:]
        pad = self.margin
        zp = torch.roll(zp, shifts=(-o, -o), dims=(-2, -1))
        size = zp.shape[-2:]
        blur = torch.fft.fft2(_centred(self.kernel, *size)).to(_complex_of(zp))
        predicted = torch.fft.ifft2(torch.fft.fft2(zp) * blur).real[..., ::s, ::s]  # the estimate, observed
        lp = pad // s
        predicted[..., lp:lp + height, lp:lp + width] = y.to(zp.dtype)
        spread = zp.new_zeros(zp.shape)
        spread[..., ::s, ::s] = predicted
        rhs = blur.conj() * torch.fft.fft2(spread) + alpha * torch.fft.fft2(zp)
        folded = _block_mean(blur * rhs, s) / (_block_mean(blur.abs() ** 2, s) + alpha)
        unfolded = folded.repeat(*[1] * (folded.ndim - 2), s, s)
        x = torch.fft.ifft2((rhs - blur.conj() * unfolded) / alpha).real
        return torch.roll(x, shifts=(o, o), dims=(-2, -1))
