"""Known linear degradations: adjoints and the exact data steps a plug-and-play solver relies on."""

from __future__ import annotations

import torch

from imgrestore.degradations.blur import gaussian_kernel, motion_kernel
from imgrestore.degradations.linear import KnownBlur, KnownMask


def _away_from_borders(shape, margin: int, seed: int) -> torch.Tensor:
    x = torch.zeros(shape, dtype=torch.float64)
    g = torch.Generator().manual_seed(seed)
    x[..., margin:-margin, margin:-margin] = torch.rand(*shape[:-2], shape[-2] - 2 * margin, shape[-1] - 2 * margin,
                                                         generator=g, dtype=torch.float64)
    return x


def test_the_blur_adjoint_is_the_transpose():
    blur = KnownBlur(motion_kernel(7, 30, 9).double())
    x, y = _away_from_borders((1, 3, 40, 48), 10, 1), _away_from_borders((1, 3, 40, 48), 10, 2)
    assert torch.allclose((blur.apply(x) * y).sum(), (x * blur.adjoint(y)).sum(), rtol=1e-10)


def test_the_blur_data_step_minimises_its_objective():
    """Small alpha: the step inverts the blur (A x = y inside); large alpha: it stays at z; in between its
    objective is below that of nearby points."""
    blur = KnownBlur(gaussian_kernel(0.8, 7))
    clean = torch.rand(1, 1, 48, 56, generator=torch.Generator().manual_seed(3))
    y, z = blur.apply(clean), torch.rand(1, 1, 48, 56, generator=torch.Generator().manual_seed(4))
    inverted = blur.data_step(z, y, 1e-6)
    assert (blur.apply(inverted) - y)[..., 8:-8, 8:-8].abs().max() < 1e-3
    assert (blur.data_step(z, y, 1e6) - z).abs().max() < 1e-4
    alpha = 0.05
    best = blur.data_step(z, y, alpha)

    def objective(x: torch.Tensor) -> float:
        inner = (slice(None), slice(None), slice(10, -10), slice(10, -10))
        return float(((y - blur.apply(x))[inner] ** 2).sum() + alpha * ((x - z)[inner] ** 2).sum())

    nudged = best + 1e-2 * torch.randn(best.shape, generator=torch.Generator().manual_seed(5))
    assert objective(best) < objective(nudged)


def test_the_mask_data_step_keeps_known_pixels_and_fills_holes_from_z():
    keep = torch.zeros(1, 1, 8, 8)
    keep[..., :4] = 1
    mask = KnownMask(keep)
    y, z = torch.full((1, 1, 8, 8), 0.8), torch.full((1, 1, 8, 8), 0.2)
    x = mask.data_step(z, y, 0.25)
    assert torch.allclose(x[..., :4], torch.tensor((0.8 + 0.25 * 0.2) / 1.25)) and torch.allclose(x[..., 4:], z[..., 4:])
    assert torch.equal(mask.adjoint(mask.apply(y)), mask.apply(y))


def test_a_bad_kernel_is_refused():
    import pytest

    for kernel in (torch.ones(4, 4), torch.ones(3, 5), -torch.ones(3, 3), torch.zeros(3, 3),
                   torch.full((3, 3), float("nan"))):
        with pytest.raises(ValueError):
            KnownBlur(kernel)


def test_plug_and_play_with_our_denoiser_undoes_a_known_blur():
    """HQS with the bundled resunet-color as the prior, on a crop of an example photo: well above the blur."""
    from pathlib import Path

    import numpy as np

    from imgrestore.io.image import read_image
    from imgrestore.metrics import psnr
    from imgrestore.pipeline import RestoreOptions, load_restorer, restore_pixels
    from imgrestore.pnp import PnPSettings, schedule, solve

    example = sorted((Path(__file__).resolve().parents[1] / "examples" / "clean").glob("*.png"))[0]
    clean = read_image(example).pixels[:96, :96]
    clean = np.repeat(clean, 3, axis=2) if clean.shape[2] == 1 else clean
    blur = KnownBlur(gaussian_kernel(1.6, 25))
    rng = np.random.default_rng(0)
    x = torch.from_numpy(np.ascontiguousarray(clean.transpose(2, 0, 1)))[None]
    blurred = blur.apply(x)[0].permute(1, 2, 0).numpy()
    damaged = np.clip(np.round((blurred + rng.normal(0, 2 / 255, blurred.shape)) * 255), 0, 255).astype(np.float32) / 255
    restorer = load_restorer("resunet-color", device="cpu")
    restored = solve(damaged, blur, lambda p, s: restore_pixels([p], restorer, RestoreOptions(), [s])[0], 2.0)
    inner = (slice(16, -16), slice(16, -16))
    assert psnr(restored[inner], clean[inner]) > psnr(damaged[inner], clean[inner]) + 2
    sigmas = [s for s, _ in schedule(2.0, PnPSettings())]
    assert sigmas[0] == 49 and abs(sigmas[-1] - 2) < 1e-9 and sigmas == sorted(sigmas, reverse=True)


def test_kernels_by_name_and_from_an_image(tmp_path):
    import numpy as np
    import pytest
    from factories import write_png

    from imgrestore.degradations.kernels import parse_kernel
    from imgrestore.errors import SpecError

    for text, side in (("gaussian:sigma=1.6,size=25", 25), ("motion:length=15,angle=45", 19), ("box:size=5", 5)):
        kernel = parse_kernel(text)
        assert kernel.shape == (side, side) and abs(float(kernel.sum()) - 1) < 1e-5 and (kernel >= 0).all()
    line = np.zeros((9, 9, 1), np.float32)
    line[4, 1:8] = 1.0
    kernel = parse_kernel(str(write_png(tmp_path / "k.png", line)))
    assert kernel.shape == (9, 9) and abs(float(kernel[4, 1]) - 1 / 7) < 1e-6
    write_png(tmp_path / "even.png", np.ones((8, 8, 1), np.float32))
    write_png(tmp_path / "black.png", np.zeros((5, 5, 1), np.float32))
    for bad in ("blur:sigma=2", "gaussian", "gaussian:sigma=x", "gaussian:width=3", "box:size=4",
                str(tmp_path / "even.png"), str(tmp_path / "black.png")):
        with pytest.raises(SpecError):
            parse_kernel(bad)
