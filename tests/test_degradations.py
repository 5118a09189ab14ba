"""Degradation operators: statistics match their settings, seeds reproduce, specs parse."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
import torch

from imgrestore.degradations import operators, parse_chain, parse_degradation, parse_operator
from imgrestore.degradations.base import seed_for
from imgrestore.degradations.jpeg import compress
from imgrestore.errors import SpecError

# One tiny example of every registered operator; a new operator must add itself here.
EXAMPLES = {
    "gaussian": "gaussian:sigma=0..50", "saltpepper": "saltpepper:amount=0.1", "uniform": "uniform:amplitude=20",
    "poisson": "poisson:peak=10", "speckle": "speckle:sigma=0.2", "gaussian-blur": "gaussian-blur:sigma=1..2",
    "box-blur": "box-blur:size=3", "motion-blur": "motion-blur:length=5", "downsample": "downsample:factor=2",
    "mask:lower-half": "mask:lower-half", "mask:rect": "mask:rect", "mask:boxes": "mask:boxes",
    "mask:strokes": "mask:strokes", "mask:scratches": "mask:scratches,thickness=2..4,length=5..15",
    "mask:holes": "mask:holes,side=4..12", "jpeg": "jpeg:quality=20..60",
}


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_every_operator_has_an_example():
    assert set(operators()) - {"mask:folder"} == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_same_seed_same_result_other_seed_differs(name):
    chain = parse_chain(EXAMPLES[name])
    x = torch.rand(2, 3, 40, 48, generator=gen(9))
    a, b, c = chain(x, gen(1)).images, chain(x, gen(1)).images, chain(x, gen(2)).images
    assert torch.equal(a, b)
    if name not in {"box-blur", "downsample", "mask:lower-half", "mask:rect"}:  # deterministic operators
        assert not torch.equal(a, c)
    assert a.min() >= 0 and a.max() <= 1


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_spec_round_trip(name):
    op = parse_operator(EXAMPLES[name])
    assert parse_operator(op.spec()) == op
    assert parse_operator(op.spec(full=True)) == op


@pytest.mark.parametrize("sigma", [5, 25, 50])
def test_gaussian_std_matches_sigma(sigma):
    x = torch.full((1, 1, 512, 512), 0.5)
    y = parse_operator(f"gaussian:sigma={sigma}")
    out = y.apply(x, y.sample(x, gen()), gen())
    measured = float((out - x).std()) * 255
    assert abs(measured - sigma) / sigma < 0.03


def test_gaussian_coef_is_the_papers_form():
    x = torch.full((1, 1, 512, 512), 0.5)
    op = parse_operator("gaussian:coef=0.1")
    out = op.apply(x, op.sample(x, gen()), gen())
    assert abs(float((out - x).std()) - 0.1) < 0.003


def test_gaussian_range_is_drawn_per_image_within_bounds():
    op = parse_operator("gaussian:sigma=10..30")
    sigmas = op.sample(torch.zeros(200, 1, 2, 2), gen())["sigma"]
    assert sigmas.min() >= 10 and sigmas.max() <= 30 and sigmas.std() > 3


def test_gaussian_skew_favours_low_levels_and_one_is_uniform():
    batch = torch.zeros(4000, 1, 2, 2)
    uniform_draws = parse_operator("gaussian:sigma=0..80").sample(batch, gen())["sigma"]
    assert torch.equal(parse_operator("gaussian:sigma=0..80,skew=1").sample(batch, gen())["sigma"], uniform_draws)
    skewed = parse_operator("gaussian:sigma=0..80,skew=2").sample(batch, gen())["sigma"]
    assert skewed.min() >= 0 and skewed.max() <= 80
    assert abs(float((skewed < 20).double().mean()) - 0.5) < 0.03  # P(80 u^2 < 20) = P(u < 1/2)
    assert abs(float((uniform_draws < 20).double().mean()) - 0.25) < 0.03


def test_salt_and_pepper_fraction_and_ratio():
    x = torch.full((1, 3, 400, 400), 0.5)
    op = parse_operator("saltpepper:amount=0.1,salt_ratio=0.3")
    out = op.apply(x, op.sample(x, gen()), gen())
    hit = (out[0] != 0.5).any(dim=0)
    assert abs(float(hit.float().mean()) - 0.1) < 0.005
    salt = (out[0, 0] == 1).float().mean() / hit.float().mean()
    assert abs(float(salt) - 0.3) < 0.02
    assert torch.equal(out[0, 0], out[0, 1])  # the whole pixel, all channels


def test_lower_half_blanks_exactly_the_lower_rows():
    x = torch.rand(3, 1, 28, 28) + 0.1
    op = parse_operator("mask:lower-half")
    drawn = op.sample(x, gen())
    out = op.apply(x, drawn, gen())
    assert torch.all(out[:, :, 14:] == 0)
    assert torch.equal(out[:, :, :14], x[:, :, :14])
    assert torch.equal(drawn["mask"][0, 0].sum(dim=1) > 0, torch.arange(28) >= 14)


def test_lower_half_generalises_to_odd_heights():
    out = parse_chain("mask:lower-half")(torch.ones(1, 1, 11, 5), gen()).images
    assert (out[0, 0].sum(dim=1) == 0).sum() == round(11 * 0.5)


@pytest.mark.parametrize("spec", ["gaussian-blur:sigma=2", "box-blur:size=5", "motion-blur:length=7,angle=30"])
def test_blur_preserves_the_mean(spec):
    x = torch.rand(2, 3, 64, 64, generator=gen(3))
    out = parse_chain(spec)(x, gen()).images
    assert torch.allclose(out.mean(dim=(2, 3)), x.mean(dim=(2, 3)), atol=0.01)
    assert out.std() < x.std()  # and it does blur


def test_downsample_sizes():
    x = torch.rand(1, 3, 28, 28)
    assert parse_chain("downsample:factor=4")(x, gen()).images.shape[-2:] == (7, 7)
    back = parse_chain("downsample:factor=4,back=true")(x, gen()).images
    assert back.shape[-2:] == (28, 28)


def test_jpeg_quality_changes_size_monotonically():
    image = np.random.default_rng(0).random((3, 64, 64)).astype(np.float32)
    sizes = []
    for quality in (10, 30, 50, 70, 90):
        restored = compress(image, quality)
        array = np.round(restored.transpose(1, 2, 0) * 255).astype(np.uint8)
        sizes.append(len(cv2.imencode(".jpg", array, [cv2.IMWRITE_JPEG_QUALITY, quality])[1]))
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    errors = [float(np.abs(compress(image, q) - image).mean()) for q in (10, 50, 90)]
    assert errors[0] > errors[1] > errors[2]


def test_masks_union_in_the_chain():
    degraded = parse_chain("mask:lower-half+mask:rect,x=0,y=0,w=0.5,h=0.25")(torch.ones(1, 1, 8, 8), gen())
    assert degraded.mask is not None and float(degraded.mask.sum()) == 32 + 8


def test_seed_for_is_stable_and_path_dependent():
    assert seed_for(7, "a/b.png") == seed_for(7, "a/b.png")
    assert seed_for(7, "a/b.png") != seed_for(7, "a/c.png") != seed_for(8, "a/b.png")
    assert seed_for(7, "a/b.png") == 6695227930668185561  # pinned: a manifest's seeds must mean the same forever


@pytest.mark.parametrize("spec, message", [
    ("blurr", "unknown degradation"),
    ("gaussian:sigma", "key=value"),
    ("gaussian:sigma=x", "not a number"),
    ("gaussian:sgma=3", "no setting"),
    ("gaussian:sigma=30..10", "lo <= hi"),
    ("gaussian:sigma=0..75,skew=0", "skew must be > 0"),
    ("mask", "which mask"),
    ("mask:oval", "unknown degradation"),
    ("saltpepper:amount=2", "within 0..1"),
    ("box-blur:size=4", "odd"),
    ("", "empty"),
])
def test_spec_errors_are_clear(spec, message):
    with pytest.raises(SpecError, match=message):
        parse_chain(spec)


def test_operators_are_frozen_dataclasses():
    for cls in operators().values():
        assert dataclasses.is_dataclass(cls)
        assert cls.__dataclass_params__.frozen


def test_alternatives_send_each_image_through_one_chain():
    choice = parse_degradation("mask:lower-half | gaussian:sigma=50")
    x = torch.full((64, 1, 8, 8), 0.5)
    out = choice(x, gen(3))
    masked = (out.images[:, :, 4:] == 0).flatten(1).all(dim=1)
    noisy = (out.images[:, :, :4] != 0.5).flatten(1).any(dim=1)
    assert torch.equal(masked, ~noisy)  # exactly one of the two per image
    assert 10 < int(masked.sum()) < 54  # both drawn, roughly evenly
    assert torch.equal(out.mask[masked], torch.ones_like(out.mask[masked]) * (torch.arange(8) >= 4).float()[:, None])
    assert torch.equal(choice(x, gen(3)).images, out.images)


def test_alternatives_are_refused_outside_training():
    with pytest.raises(SpecError, match="train --degrade"):
        parse_chain("mask:lower-half | gaussian:sigma=50")
    with pytest.raises(SpecError, match="empty alternative"):
        parse_degradation("gaussian:sigma=5 |")


def test_gaussian_mean_shifts_the_noise_on_its_own_scale():
    x = torch.full((1, 1, 64, 64), 0.25)
    assert torch.allclose(parse_chain("gaussian:sigma=0,mean=51")(x, gen()).images, torch.full_like(x, 0.45))
    shifted = parse_chain("gaussian:coef=0.1,mean=0.5")(x, gen()).images
    assert abs(float(shifted.mean()) - 0.75) < 0.01


def test_shift_augmentation_moves_whole_digits_within_bounds():
    from imgrestore.training.data import random_crops

    digit = torch.zeros(1, 28, 28)
    digit[:, 10:18, 9:19] = 1
    crops = random_crops([digit], 64, 28, gen(5), augment=False, shift=3)
    assert torch.all(crops.flatten(1).sum(dim=1) == 80)  # never cut: the digit sits 9+ px from the border
    tops = {int(c[0].nonzero()[:, 0].min()) for c in crops}
    assert tops <= set(range(7, 14)) and len(tops) > 3


def test_zoom_reduces_a_larger_window_to_the_crop():
    from imgrestore.training.data import random_crops, zoomed_window

    columns = torch.zeros(1, 64, 64)
    columns[:, :, ::2] = 1  # 1-px stripes: any 2:1 (or 4:1) area reduction averages them to 0.5
    plain = random_crops([columns], 8, 16, gen(1), augment=False)
    assert plain.shape == (8, 1, 16, 16) and set(plain.unique().tolist()) == {0.0, 1.0}
    zoomed = random_crops([columns], 8, 16, gen(1), zoom=(0.5, 0.5))
    assert zoomed.shape == (8, 1, 16, 16) and torch.allclose(zoomed, torch.full_like(zoomed, 0.5))
    clamped = random_crops([columns], 2, 16, gen(1), augment=False, zoom=(0.1, 0.1))  # 160 px window > image
    assert torch.allclose(clamped, torch.full_like(clamped, 0.5))
    windows = [zoomed_window(16, (0.25, 1.0), 512, 512, gen(seed)) for seed in range(200)]
    assert 16 <= min(windows) < 20 and 60 < max(windows) <= 64
    assert 0.35 < sum(w <= 32 for w in windows) / len(windows) < 0.65  # log-uniform: half the draws below x0.5
    with pytest.raises(ValueError, match="clean images only"):
        random_crops([columns], 1, 16, gen(1), partners=[columns], zoom=(0.5, 1.0))


def test_drawn_noise_level_adds_sigmas_in_quadrature():
    """The sigma a noise-level model is trained with (and `eval --sigma true` hands each method)."""
    import torch

    from imgrestore.degradations import drawn_noise_level, parse_chain

    image = torch.full((3, 1, 8, 8), 0.5)
    single = parse_chain("gaussian:sigma=25")
    assert torch.allclose(drawn_noise_level(single, single(image, torch.Generator().manual_seed(0))),
                          torch.full((3,), 25.0))
    double = parse_chain("gaussian:sigma=15+gaussian:sigma=20")
    assert torch.allclose(drawn_noise_level(double, double(image, torch.Generator().manual_seed(0))),
                          torch.full((3,), 25.0))  # sqrt(15^2 + 20^2), not 15 + 20 nor sqrt(15 + 20)
    drawn = parse_chain("gaussian:sigma=0..50")
    outcome = drawn(image, torch.Generator().manual_seed(1))
    levels = drawn_noise_level(drawn, outcome)
    assert torch.allclose(levels, outcome.params[0]["sigma"].float()) and len(set(levels.tolist())) == 3
    assert torch.equal(drawn_noise_level(parse_chain("none"), parse_chain("none")(image, torch.Generator())),
                       torch.zeros(3))


def test_drawn_level_from_alternatives_follows_each_rows_chain():
    """A conditioned model can train on alternatives: each image is told the level of the chain it took."""
    import torch

    from imgrestore.degradations import drawn_level, parse_degradation
    from imgrestore.jpeg_quality import compression_level
    from imgrestore.tasks import Task

    image = torch.full((16, 1, 16, 16), 0.5)
    noise = parse_degradation("gaussian:sigma=10 | gaussian:sigma=40")
    levels = drawn_level(noise, noise(image, torch.Generator().manual_seed(0)), Task.DENOISE)
    assert set(levels.tolist()) == {10.0, 40.0}
    jpeg = parse_degradation("jpeg:quality=90 | jpeg:quality=30")
    outcome = jpeg(image, torch.Generator().manual_seed(0))
    expected = torch.zeros(16)
    for index, rows, _ in outcome.branches:
        expected[rows] = compression_level([90, 30][index])
    assert torch.allclose(drawn_level(jpeg, outcome, Task.DEJPEG), expected)
    assert len(set(expected.tolist())) == 2
