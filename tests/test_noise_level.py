"""Blind noise estimation: the mid-tone estimator reads clipped strong noise where Donoho's does not, and a
denoiser's residual on flat blocks reads noise where texture fools both."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from factories import smooth_image

from imgrestore.noise_level import (
    blind_sigma,
    estimate_sigma,
    probe_windows,
    residual_sigma,
)
from imgrestore.pipeline import RestoreOptions, load_restorer, model_sigma, noise_levels
from imgrestore.tasks import Task
from imgrestore.weights import catalog
from imgrestore.weights.format import read_meta


def noisy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (np.clip(np.round(clean * 255 + rng.normal(0, sigma, clean.shape)), 0, 255) / 255).astype(np.float32)


@pytest.mark.parametrize("sigma", [10, 25, 50])
def test_both_read_noise_on_smooth_mid_tones(sigma):
    clean = 0.3 + 0.4 * smooth_image(256, 256, 3)
    assert blind_sigma(noisy(clean, sigma)) == pytest.approx(sigma, rel=0.05)
    assert estimate_sigma(noisy(clean, sigma)) == pytest.approx(sigma, rel=0.05)


def test_mid_tones_survive_clipping_that_fools_the_plain_estimator():
    clean = smooth_image(256, 256, 1)
    clean[:, :128] = 0.02  # half the picture near black: strong noise is clipped there
    image = noisy(clean, 50)
    assert blind_sigma(image) == pytest.approx(50, rel=0.05)
    assert estimate_sigma(image) < 0.9 * 50


def test_a_single_pixel_reads_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert blind_sigma(np.full((1, 1, 3), 0.5, np.float32)) == 0.0


def test_clean_image_reads_near_zero():
    assert blind_sigma(smooth_image(128, 128, 3)) < 1.0


def striped_half(size: int = 320, amplitude: float = 0.08) -> np.ndarray:
    """Left half smooth, right half fine diagonal stripes: texture the wavelet estimator reads as noise."""
    clean = 0.3 + 0.4 * smooth_image(size, size, 3)
    rows, cols = np.mgrid[:size, :size]
    stripes = amplitude * np.where((rows + cols) % 3 == 0, 1.0, -0.5)
    clean[:, size // 2:] += stripes[:, size // 2:, None]
    return clean.astype(np.float32)


def test_residual_of_an_exact_denoiser_reads_the_noise_not_the_texture():
    clean = striped_half()
    image = noisy(clean, 15)
    assert blind_sigma(image) > 1.1 * 15  # the stripes inflate the wavelet reading
    assert residual_sigma([image], [clean], 15) == pytest.approx(15, rel=0.03)


def test_residual_gives_up_where_the_output_is_all_texture():
    textured = striped_half(amplitude=0.2)[:, 160:]  # the model kept detail (and with it part of the noise)
    assert residual_sigma([noisy(textured, 15)], [textured], 15) is None


def test_residual_gives_up_without_mid_tones():
    dark = np.full((160, 160, 3), 0.03, np.float32)
    assert residual_sigma([noisy(dark, 15)], [dark], 15) is None


def test_probe_windows_put_smooth_mid_tones_first():
    image = noisy(striped_half(), 15)
    boxes = probe_windows(image, size=160, count=4, share=1.0)
    assert len(boxes) == 4
    assert all(box[1].start < 160 for box in boxes[:2])  # both smooth windows (left half) before the striped ones
    corners = {(box[0].start, box[1].start) for box in boxes}
    assert len(corners) == 4


def test_probe_costs_a_small_image_a_quarter_of_its_pixels_but_takes_two_windows():
    assert len(probe_windows(np.full((640, 640, 1), 0.5, np.float32))) == 4
    assert len(probe_windows(np.full((400, 400, 1), 0.5, np.float32))) == 2
    assert len(probe_windows(np.full((2000, 3000, 1), 0.5, np.float32))) == 8


def test_tiny_image_has_no_probe_window():
    assert probe_windows(np.zeros((20, 30, 3), np.float32)) == []


def test_small_image_is_one_probe_window():
    boxes = probe_windows(np.zeros((100, 90, 1), np.float32))
    assert boxes == [(slice(0, 100), slice(0, 90))]


def test_sigma_auto_asks_the_model_and_beats_the_wavelet_reading_on_texture():
    restorer = load_restorer("resunet-color")
    image = noisy(striped_half(), 15, seed=1)
    [auto] = noise_levels([image], restorer, RestoreOptions())
    assert abs(auto - 15) < abs(blind_sigma(image) - 15)
    assert auto == pytest.approx(15, rel=0.06)
    assert noise_levels([image], restorer, RestoreOptions(sigma=20)) == [20]


def test_strong_noise_keeps_the_wavelet_reading_without_a_probe():
    class NoProbe:
        uses_noise_level = True
        task = Task.DENOISE

    image = noisy(striped_half(), 60, seed=2)
    assert noise_levels([image], NoProbe(), RestoreOptions()) == [blind_sigma(image)]  # NoProbe cannot restore


def test_a_model_that_keeps_noise_cannot_talk_the_estimate_down():
    class KeepsNoise:
        uses_noise_level = True
        task = Task.DENOISE
        meta = read_meta(catalog.resolve("resunet-color"))  # the bundled denoiser's residual calibration

    clean = np.full((320, 320, 3), 0.5, np.float32)
    image = noisy(clean, 15, seed=3)
    prior = blind_sigma(image)
    boxes = probe_windows(image)

    def keep(share):  # a "restorer" whose output keeps ``share`` of the noise
        return lambda windows, *args: [clean[box] + share * (w - clean[box]) for box, w in zip(boxes, windows)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("imgrestore.pipeline.restore_pixels", keep(0.3))  # flat enough to count, reads 30 % low
        assert model_sigma(image, KeepsNoise(), RestoreOptions(), prior) == pytest.approx(0.75 * prior)
        patch.setattr("imgrestore.pipeline.restore_pixels", keep(1.0))  # nothing flat: the prior stands
        assert model_sigma(image, KeepsNoise(), RestoreOptions(), prior) == prior


def test_a_model_s_residual_calibration_comes_from_its_own_weights():
    """The (raw reading, true sigma) pairs are the weights' ``residual_reads``: none means the raw reading."""
    rng = np.random.default_rng(0)
    clean = np.full((160, 160, 1), 0.5, np.float32)
    image = (clean + rng.normal(0, 15 / 255, clean.shape)).astype(np.float32)
    raw = residual_sigma([image], [clean], 15)
    assert residual_sigma([image], [clean], 15, reads=((0.0, 0.0), (100.0, 200.0))) == pytest.approx(2 * raw)
    for name in ("resunet-color", "resunet-gray"):
        reads = read_meta(catalog.resolve(name)).residual_reads
        assert len(reads) >= 3 and all(true >= measured for measured, true in reads)
    assert read_meta(catalog.resolve("resunet-real")).residual_reads == ()


def test_the_auto_sigma_probe_reads_through_the_model_s_own_calibration():
    """model_sigma maps the residual through ``restorer.meta.residual_reads``: a calibration saying the
    residual reads twice the true sigma halves the check's reading (down to the MAX_LOWERING floor)."""
    from dataclasses import replace

    clean = np.full((320, 320, 3), 0.5, np.float32)
    image = noisy(clean, 15, seed=3)
    prior = blind_sigma(image)
    boxes = probe_windows(image)
    base = read_meta(catalog.resolve("resunet-color"))

    class Perfect:  # restores the flat windows exactly: the residual is all the noise
        uses_noise_level = True

        def __init__(self, reads):
            self.meta = replace(base, residual_reads=reads)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("imgrestore.pipeline.restore_pixels", lambda windows, *args: [clean[box] for box in boxes])
        plain = model_sigma(image, Perfect(()), RestoreOptions(), prior)
        halved = model_sigma(image, Perfect(((0.0, 0.0), (100.0, 50.0))), RestoreOptions(), prior)
    assert plain == pytest.approx(min(prior, 15), rel=0.05)
    assert halved == pytest.approx(0.75 * prior)  # the floor: a reading of half is lowered by at most 25 %
