"""Classical hole fills in torch: the starting point every photo inpainter here refines.

``push_pull`` gives each missing pixel the mean of the known pixels of the finest coarser level that has
any: fast, always defined, but blocky and flat. ``smooth_fill`` starts there and runs conjugate gradients
on the biharmonic smoothness energy ``||L x||^2`` (L the image graph's Laplacian, Neumann at the image
borders) over the missing pixels only, the known ones held fixed: run to convergence it is scikit-image's
``inpaint_biharmonic`` (22.07 / 17.86 dB inside the scratches / boxes of ``benchmarks/inpaint.py`` at 800
iterations, skimage 22.07 / 17.85). Stopped early it sits between the two fills: continuous across thin
scratches like biharmonic, but without biharmonic's overshoot in the middle of large holes, which push-pull's
flat start keeps in check. 200 iterations measured best on val (22.09 / 18.38; 50: 22.00 / 18.14), so that
is the default (lab/TRAINING.md, session 9).

All of it runs on the images' device in their dtype, with no gradient needed: [B, C, H, W] images, a
[B, 1, H, W] ``known`` mask (1 = known pixel).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

SMOOTH_ITERATIONS = 200


def push_pull(image: torch.Tensor, known: torch.Tensor, levels: int = 8) -> torch.Tensor:
    """``image`` with the pixels where ``known`` is 0 filled from coarser levels: each level averages the
    known pixels of 2x2 blocks (the mean of the known ones only); a pixel still unknown after ``levels``
    halvings takes the image's known mean."""
    if levels == 0 or min(image.shape[-2:]) < 2:
        total = known.sum((-2, -1), keepdim=True).clamp(min=1e-6)
        return image * known + (1 - known) * (image * known).sum((-2, -1), keepdim=True) / total
    weight = F.avg_pool2d(known, 2, ceil_mode=True)  # the pooling's divisor cancels in the ratio below
    coarse_known = (weight > 0).to(image)
    coarse = F.avg_pool2d(image * known, 2, ceil_mode=True) / weight.clamp(min=1e-6) * coarse_known
    filled = F.interpolate(push_pull(coarse, coarse_known, levels - 1), size=image.shape[-2:], mode="bilinear",
                           align_corners=False)
    return image * known + (1 - known) * filled


def graph_laplacian(x: torch.Tensor) -> torch.Tensor:
    """The 4-neighbour graph Laplacian of [..., H, W] (symmetric: each border pixel has fewer neighbours)."""
    across = x[..., :, 1:] - x[..., :, :-1]
    down = x[..., 1:, :] - x[..., :-1, :]
    return (F.pad(across, (1, 0)) - F.pad(across, (0, 1))
            + F.pad(down, (0, 0, 1, 0)) - F.pad(down, (0, 0, 0, 1)))


def smooth_fill(image: torch.Tensor, known: torch.Tensor, iterations: int = SMOOTH_ITERATIONS) -> torch.Tensor:
    """Push-pull, then ``iterations`` conjugate-gradient steps towards the biharmonic fill (each channel
    of each image its own system); known pixels are returned unchanged."""
    missing = 1 - known
    estimate = push_pull(image * known, known)
    if iterations == 0:
        return estimate

    def system(p: torch.Tensor) -> torch.Tensor:  # M L L M: symmetric, positive on the missing pixels
        return missing * graph_laplacian(graph_laplacian(p * missing))

    def dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return (a * b).sum((-2, -1), keepdim=True)

    residual = -missing * graph_laplacian(graph_laplacian(estimate))
    direction = residual
    squared = dot(residual, residual)
    for _ in range(iterations):
        step = system(direction)
        # a converged or empty system has a zero direction: the clamps keep its update at zero, not NaN
        alpha = squared / dot(direction, step).clamp(min=1e-20)
        estimate = estimate + alpha * direction
        residual = residual - alpha * step
        new_squared = dot(residual, residual)
        direction = residual + new_squared / squared.clamp(min=1e-30) * direction
        squared = new_squared
    return image * known + missing * estimate


def prefill(image: torch.Tensor, missing: torch.Tensor, iterations: int = SMOOTH_ITERATIONS) -> torch.Tensor:
    """A mask-aware network's fixed start: ``image`` with its ``missing`` (1) pixels smooth-filled, computed
    in fp32 outside autograd (nothing in it to learn) and returned in ``image``'s dtype."""
    with torch.no_grad():
        return smooth_fill(image.float(), 1 - missing.float(), iterations).to(image)


def fill_pixels(pixels: np.ndarray, missing: np.ndarray, iterations: int = SMOOTH_ITERATIONS) -> np.ndarray:
    """[H, W, C] 0..1 float pixels with the ``missing`` [H, W] ones (1) smooth-filled, on the whole image:
    the plug-and-play solver's start, and what a mask-aware network refines tile by tile."""
    image = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1), dtype=np.float32))[None]
    holes = torch.from_numpy((np.asarray(missing) > 0).astype(np.float32))[None, None]
    return np.ascontiguousarray(prefill(image, holes, iterations)[0].permute(1, 2, 0).numpy(), dtype=np.float32)
