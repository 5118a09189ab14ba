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


def test_tiles_refine_one_whole_image_fill():
    """A hole cut by tile borders is filled from all of its surroundings: the engine computes the classical
    fill on the whole image and the tiles only refine it. The network's correction is zeroed here so what is
    left is the fill itself; filled tile by tile (the old way), the same hole comes out different."""
    import numpy as np

    from imgrestore.pipeline import RestoreOptions, restore_pixels, restore_tiles
    from imgrestore.restorer import Restorer
    from imgrestore.weights.format import WeightsMeta

    spec = get_arch("resunet")
    config = spec.make_config({"channels": 3, "widths": [4, 8, 16], "mask_input": True})
    module = spec.build(config)
    with torch.no_grad():
        module.tail.weight.zero_()
    restorer = Restorer(spec, config, module, WeightsMeta(arch="resunet", config={}), name="tiny-inpainter")
    assert restorer.prefill_iterations == config.smooth_iterations
    assert restorer.on_prefilled_input().prefill_iterations is None and restorer.prefill_iterations is not None
    ys, xs = np.meshgrid(np.linspace(0, 1, 96), np.linspace(0, 1, 96), indexing="ij")
    image = (np.stack([np.sin(5 * ys + 3 * xs), ys * xs, np.cos(6 * xs)], -1) * 0.4 + 0.5).astype(np.float32)
    missing = np.zeros((96, 96), np.float32)
    missing[30:66, 34:62] = 1  # across the borders of 48 px tiles
    tiles = RestoreOptions(tile=48, overlap=16)
    whole = restore_pixels([image], restorer, RestoreOptions(tile=0), masks=[missing])[0]
    tiled = restore_pixels([image], restorer, tiles, masks=[missing])[0]
    assert np.abs(tiled - whole).max() < 1e-5
    stacked = torch.cat([torch.from_numpy(image).permute(2, 0, 1), torch.from_numpy(missing)[None]])
    per_tile = restore_tiles([stacked], restorer, tiles, None)[0].permute(1, 2, 0).numpy()
    assert np.abs(per_tile - whole).max() > 0.01
