"""The classical hole fills every photo inpainter starts from: push-pull and the smoothing towards biharmonic."""

from __future__ import annotations

import pytest
import torch

from imgrestore.architectures import get_arch
from imgrestore.errors import ImgrestoreError
from imgrestore.fills import graph_laplacian, push_pull, smooth_fill


def _holed(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    ys, xs = torch.meshgrid(torch.linspace(0, 1, 24), torch.linspace(0, 1, 20), indexing="ij")
    image = torch.stack([torch.sin(3 * ys + 2 * xs), ys * xs, torch.cos(4 * xs)])[None] * 0.4 + 0.5
    image = image + 0.02 * torch.rand(image.shape, generator=generator)
    known = torch.ones(1, 1, 24, 20)
    known[..., 6:14, 5:12] = 0
    known[..., 18:20, :] = 0
    return image, known


def test_graph_laplacian_is_symmetric():
    a, b = torch.rand(2, 1, 9, 7, dtype=torch.float64)
    assert torch.allclose((graph_laplacian(a) * b).sum(), (a * graph_laplacian(b)).sum())


def test_fills_keep_known_pixels_and_fill_every_missing_one():
    image, known = _holed()
    for filled in (push_pull(image * known, known), smooth_fill(image * known, known)):
        assert torch.equal(filled * known, image * known)
        missing = (known == 0).expand_as(image)
        assert torch.isfinite(filled).all() and (filled[missing] > 0.05).all()


def test_smooth_fill_converges_to_the_biharmonic_solution():
    """Run long, the conjugate gradients reach the exact minimiser of ||L x||^2 over the missing pixels,
    solved here directly as a linear system."""
    image, known = _holed()
    image, known = image.double(), known.double()
    filled = smooth_fill(image * known, known, iterations=400)
    flat_known = known.flatten().bool()
    basis = torch.eye(known.numel(), dtype=torch.float64).reshape(-1, 1, *known.shape[-2:])
    laplacian = graph_laplacian(basis).reshape(known.numel(), -1).T  # L as a matrix: column j = L e_j
    energy = laplacian.T @ laplacian
    unknown = ~flat_known
    for channel in range(3):
        values = image[0, channel].flatten()
        rhs = -energy[unknown][:, flat_known] @ values[flat_known]
        exact = torch.linalg.solve(energy[unknown][:, unknown], rhs)
        assert torch.allclose(filled[0, channel].flatten()[unknown], exact, atol=1e-5)


def test_smooth_fill_stopped_early_beats_push_pull_on_a_smooth_image():
    image, known = _holed()
    missing = (1 - known).bool().expand_as(image)
    errors = [float((fill - image)[missing].abs().mean())
              for fill in (push_pull(image * known, known), smooth_fill(image * known, known, 50))]
    assert errors[1] < 0.7 * errors[0]


def test_nothing_missing_or_everything_missing_stays_finite():
    image, known = _holed()
    assert torch.equal(smooth_fill(image, torch.ones_like(known)), image)
    empty = smooth_fill(image, torch.zeros_like(known))
    assert torch.isfinite(empty).all()


def test_resunet_inpainter_starts_from_a_denoiser_and_keeps_known_pixels():
    spec = get_arch("resunet")
    denoiser_config = spec.make_config({"channels": 3, "widths": [4, 8, 16]})
    inpainter_config = spec.make_config({"channels": 3, "widths": [4, 8, 16], "mask_input": True})
    assert spec.uses_mask(inpainter_config) and not spec.uses_noise_level(inpainter_config)
    denoiser = spec.build(denoiser_config)
    model = spec.build(inpainter_config)
    model.load_state_dict(spec.adapt(denoiser.state_dict(), denoiser_config, inpainter_config))
    image, known = _holed()
    with torch.no_grad():
        out = model(torch.cat([image * known, 1 - known], dim=1))
    assert torch.equal(out * known, image * known)
    assert torch.allclose(out, smooth_fill(image * known, known), atol=1e-6)  # a denoiser's zero-started tail
    with pytest.raises(ImgrestoreError, match="noise_map"):
        spec.make_config({"mask_input": True, "noise_map": False})
