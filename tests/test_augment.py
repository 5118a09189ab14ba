"""Training distortions that keep a digit a digit: drawn from the generator, mild, zero outside."""

from __future__ import annotations

import torch

from imgrestore.training.augment import distort


def _digit_like() -> torch.Tensor:
    image = torch.zeros(4, 1, 28, 28)
    image[:, :, 6:22, 12:16] = 1.0  # a thick vertical stroke, a "1"
    return image


def test_distortions_are_reproducible_mild_and_off_at_zero():
    images = _digit_like()
    assert distort(images, 0.0, torch.Generator().manual_seed(0)) is images
    first = distort(images, 1.0, torch.Generator().manual_seed(3))
    again = distort(images, 1.0, torch.Generator().manual_seed(3))
    other = distort(images, 1.0, torch.Generator().manual_seed(4))
    torch.testing.assert_close(first, again)
    assert not torch.equal(first, other) and not torch.equal(first[0], first[1])  # a fresh draw per image
    assert first.min() >= 0 and first.max() <= 1
    ink = images.sum(dim=(1, 2, 3))
    assert ((first.sum(dim=(1, 2, 3)) - ink).abs() / ink).max() < 0.25  # the stroke is moved, not erased
    assert (first - images).abs().mean() > 0.01
    assert first[:, :, :3].abs().max() < 0.05  # the empty border stays background
