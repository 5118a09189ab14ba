"""Function-preserving growth of trained weights (Net2Net-style), shared by the architectures' ``adapt``."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import torch


def widen(state: dict[str, torch.Tensor], shapes: Mapping[str, torch.Size], transposed: Collection[str] = ()) -> None:
    """Grow every tensor of ``state`` to the wider model's ``shapes`` so that the trained channels compute
    exactly what they did: a new channel's incoming weights are He-initialised, the weights from a new channel
    into a trained one start at zero (the first step moves them), new biases and other vectors at zero.
    ``transposed`` names the keys stored as [in, out, k, k] (``ConvTranspose2d``) instead of [out, in, k, k]."""
    generator = torch.Generator().manual_seed(1)
    for key, old in state.items():
        shape = shapes[key]
        if old.shape == shape:
            continue
        flip = key in transposed and old.ndim == 4
        old_view = old.transpose(0, 1) if flip else old
        new_shape = (shape[1], shape[0], *shape[2:]) if flip else tuple(shape)
        new = torch.zeros(new_shape, dtype=old.dtype)
        if old.ndim == 4:
            fan_in = new_shape[1] * new_shape[2] * new_shape[3]
            fresh = torch.randn(new_shape[0] - old_view.shape[0], *new_shape[1:], generator=generator)
            new[old_view.shape[0]:] = fresh * (2 / fan_in) ** 0.5
        new[tuple(slice(0, n) for n in old_view.shape)] = old_view
        state[key] = new.transpose(0, 1).contiguous() if flip else new
