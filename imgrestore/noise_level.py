"""Blind estimates of the Gaussian noise level of an image (sigma on the 0..255 scale)."""

from __future__ import annotations

import numpy as np

from imgrestore.io.samples import unit_float

MID_TONES = (0.2, 0.8)  # 2x2 blocks whose mean lies here are rarely clipped at 0 or 255
MIN_BLOCKS = 1000


def _diagonal_detail(plane: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finest diagonal Haar detail (HH) and mean of every 2x2 block of a 2-D plane (0..1 floats or 8/16-bit
    samples, read as 0..1)."""
    x = unit_float(plane[: plane.shape[0] // 2 * 2, : plane.shape[1] // 2 * 2]).astype(np.float32, copy=False)
    a, b, c, d = x[0::2, 0::2], x[0::2, 1::2], x[1::2, 0::2], x[1::2, 1::2]
    return (a - b - c + d) / 2, (a + b + c + d) / 4


def estimate_sigma(pixels: np.ndarray) -> float:
    """Noise sigma from the finest diagonal Haar wavelet band (Donoho's robust estimator).

    The diagonal detail of natural images is mostly noise, and the median absolute value of
    Gaussian noise is 0.6745 sigma. Averaged over channels.
    """
    sigmas = [np.median(np.abs(_diagonal_detail(pixels[:, :, c])[0])) / 0.6745 for c in range(pixels.shape[2])]
    return float(np.mean(sigmas) * 255)


def blind_sigma(pixels: np.ndarray) -> float:
    """The noise level a noise-level model is given when the user names none (``--sigma auto``).

    Donoho's estimator, restricted to mid-tone 2x2 blocks: noise on a file is clipped at 0 and 255,
    so near-black and near-white regions show less of it and the plain estimator under-reads
    strong noise (about -11 % at sigma 50, -17 % at 75 on the training photos). Mid-tones keep it
    within about 1 % at sigma 15 to 50 (``benchmarks/noise_estimate.py``). Images with too few
    mid-tone blocks fall back to all blocks; an image under 2x2 pixels reads 0.
    """
    reading = BlindSigma(pixels.shape[2], pixels.dtype)
    for top in range(0, pixels.shape[0], 2 * _BAND_ROWS):
        reading.add(pixels[top:top + 2 * _BAND_ROWS])
    return reading.sigma()


_BAND_ROWS = 256  # rows of 2x2 blocks read at a time: a large photo is never copied whole


class BlindSigma:
    """:func:`blind_sigma` read a band of rows at a time (each band an even number of rows, but the last):
    what a streamed image, never held whole, is estimated with.

    8/16-bit samples are counted exactly: |HH| of a 2x2 block of integer samples is |a - b - c + d| / 2 in
    sample units, so a histogram of that numerator holds every value the median needs in a few kilobytes,
    whatever the image's size; float pixels keep their |HH| values."""

    def __init__(self, channels: int, dtype: np.dtype) -> None:
        self.levels = {np.dtype(np.uint8): 255, np.dtype(np.uint16): 65535}.get(np.dtype(dtype))
        self.mid_tone: list[list[np.ndarray]] = [[] for _ in range(channels)]  # per channel: counts or values
        self.every: list[list[np.ndarray]] = [[] for _ in range(channels)]
        self.blocks = 0

    def add(self, band: np.ndarray) -> None:
        """The next rows [N, W, C] of the image."""
        band = band[: band.shape[0] // 2 * 2, : band.shape[1] // 2 * 2]
        if band.size == 0:
            return
        self.blocks += (band.shape[0] // 2) * (band.shape[1] // 2)
        for c in range(band.shape[2]):
            if self.levels is None:
                detail, mean = _diagonal_detail(band[:, :, c])
                detail = np.abs(detail)
                mid = (mean > MID_TONES[0]) & (mean < MID_TONES[1])
            else:
                x = band[:, :, c].astype(np.int32)
                a, b, cc, d = x[0::2, 0::2], x[0::2, 1::2], x[1::2, 0::2], x[1::2, 1::2]
                detail, total = np.abs(a - b - cc + d), a + b + cc + d  # 2 |HH| and 4 x mean, in sample units
                mid = (total > MID_TONES[0] * 4 * self.levels) & (total < MID_TONES[1] * 4 * self.levels)
            for kept, values in ((self.mid_tone[c], detail[mid]), (self.every[c], detail.ravel())):
                kept.append(values if self.levels is None else np.bincount(values, minlength=2 * self.levels + 1))
                if self.levels is not None and len(kept) > 1:
                    kept[:] = [kept[0] + kept[1]]

    def sigma(self) -> float:
        if self.blocks == 0:
            return 0.0
        sigmas = []
        for mid_tone, every in zip(self.mid_tone, self.every):
            kept = mid_tone if self._count(mid_tone) >= MIN_BLOCKS else every
            sigmas.append(self._median(kept) / 0.6745)
        return float(np.mean(sigmas) * 255)

    def _count(self, kept: list[np.ndarray]) -> int:
        return int(sum(int(k.sum()) if self.levels is not None else k.size for k in kept))

    def _median(self, kept: list[np.ndarray]) -> float:
        """The median |HH| (0..1 units) of what was kept, as np.median takes it (the mean of the two middle
        values of an even count)."""
        if self.levels is None:
            values = np.concatenate(kept) if kept else np.empty(0, np.float32)
            return float(np.median(values, overwrite_input=True)) if values.size else 0.0
        counts = np.cumsum(kept[0]) if kept else np.zeros(1, np.int64)
        total = int(counts[-1])
        if total == 0:
            return 0.0
        lower = int(np.searchsorted(counts, (total - 1) // 2, side="right"))
        upper = int(np.searchsorted(counts, total // 2, side="right"))
        return (lower + upper) / 2 / (2 * self.levels)


# The model's own second opinion (used by `--sigma auto` for noise-level models, see pipeline.noise_levels):
# the wavelet estimate reads fine texture as noise (about +10 % at sigma 15 on textured photos), and a
# denoiser's residual on the flattest parts of its own output does not.
RESIDUAL_TRUSTED_BELOW = 30.0  # wavelet readings under this are checked by the model's residual ...
WAVELET_TRUSTED_ABOVE = 40.0  # ... readings over this are not (fading in between): under strong noise texture
# hardly moves the wavelet reading (within -2 % / +1 % at sigma 50 on the training photos), while the residual
# spreads wider there
MAX_LOWERING = 0.25  # the check lowers the wavelet reading by at most this share: a model that keeps noise
# (barely trained, or blind to its noise-level input) must not talk the estimate down to nothing
PROBE_WINDOW = 160  # side of each window the model restores to look at its residual
PROBE_COUNT = 8  # windows at most: 0.2 MP, a few percent of a camera photo
PROBE_SHARE = 0.25  # and at most this share of a small image's pixels (but at least 2 windows)
PROBE_MARGIN = 16  # residual ignored this close to a window edge, where the model sees padding
FLAT_BLOCK = 8
FLAT_FRACTION = 0.1  # share of the mid-tone blocks, flattest first, whose residual is measured
MIN_FLAT_BLOCKS = 16  # per window (a 160 px window has 256 inner blocks)
# A block counts as flat if its restored pixels vary by at most this share of the noise level: in texture the
# model keeps part of the noise with the detail, and the residual there reads low (-15 % at sigma 15 on
# texture-filled training photos without it).
FLAT_LIMIT = 0.33


def probe_windows(pixels: np.ndarray, size: int = PROBE_WINDOW, count: int = PROBE_COUNT,
                  share: float = PROBE_SHARE) -> list[tuple[slice, slice]]:
    """Non-overlapping windows of an [H, W, C] image, smoothest mid-tone ones first: ``count`` at most, and
    at most ``share`` of the image's pixels but at least two (so the probe costs a small image little).

    Smoothness is the wavelet noise reading of the window (texture raises it); windows where fewer than half
    the 2x2 blocks are mid-tones in every channel come last, most mid-tones first, because clipped noise says
    little about sigma. A small image is one window; a tiny one (under MIN_FLAT_BLOCKS blocks) none.
    """
    ranking = ProbeWindows(pixels.shape[0], pixels.shape[1], size, count, share)
    ranking.add(pixels, 0)
    return ranking.boxes()


class ProbeWindows:
    """:func:`probe_windows` ranked a band of rows at a time, keeping the chosen windows' pixels
    (``keep_pixels``): how a streamed image, never held whole, finds the windows the model probes."""

    def __init__(self, height: int, width: int, size: int = PROBE_WINDOW, count: int = PROBE_COUNT,
                 share: float = PROBE_SHARE, keep_pixels: bool = False) -> None:
        self.wh, self.ww = min(size, height), min(size, width)
        self.height, self.width, self.keep_pixels = height, width, keep_pixels
        too_small = self.wh * self.ww < MIN_FLAT_BLOCKS * FLAT_BLOCK * FLAT_BLOCK  # never MIN_FLAT_BLOCKS blocks
        self.count = 0 if too_small else min(count, max(2, int(share * height * width / (self.wh * self.ww))))
        self.best: list[tuple[tuple[bool, float, int], tuple[slice, slice], np.ndarray | None]] = []
        self.scored = 0

    def add(self, band: np.ndarray, top: int) -> None:
        """Rows ``top``.. of the image: every window of the grid that lies inside them is scored."""
        if self.count == 0:
            return
        first = -(-top // self.wh) * self.wh
        for y in range(first, min(top + band.shape[0], self.height) - self.wh + 1, self.wh):
            for x in range(0, self.width - self.ww + 1, self.ww):
                window = band[y - top:y - top + self.wh, x:x + self.ww]
                key = (*_smoothness(unit_float(window)), self.scored)  # ties: in the order the grid reads
                self.scored += 1
                if len(self.best) < self.count or key < self.best[-1][0]:
                    pixels = window.copy() if self.keep_pixels else None
                    self.best = sorted([*self.best, (key, (slice(y, y + self.wh), slice(x, x + self.ww)), pixels)],
                                       key=lambda entry: entry[0])[:self.count]

    def boxes(self) -> list[tuple[slice, slice]]:
        return [box for _, box, _ in self.best]

    def windows(self) -> list[np.ndarray]:
        """The chosen windows' pixels (with ``keep_pixels``), smoothest first."""
        return [pixels for _, _, pixels in self.best]


def _smoothness(window: np.ndarray) -> tuple[bool, float]:
    """A window's rank key (:func:`probe_windows`): (too few mid-tones, wavelet reading or -mid-tone share)."""
    detail, _ = _diagonal_detail(window.mean(axis=2))
    means = [_diagonal_detail(window[:, :, c])[1] for c in range(window.shape[2])]
    mid = np.all([(m > MID_TONES[0]) & (m < MID_TONES[1]) for m in means], axis=0)
    enough = mid.mean() >= 0.5
    score = np.median(np.abs(detail[mid])) if enough else -mid.mean()  # else: most mid-tones first
    return not enough, float(score)


def _blocks(plane: np.ndarray, margin: int) -> np.ndarray:
    """[H, W, C] -> [N, FLAT_BLOCK * FLAT_BLOCK, C] blocks of the inner region (``margin`` dropped)."""
    inner = plane[margin:plane.shape[0] - margin, margin:plane.shape[1] - margin] if margin else plane
    rows, cols = inner.shape[0] // FLAT_BLOCK, inner.shape[1] // FLAT_BLOCK
    cut = inner[: rows * FLAT_BLOCK, : cols * FLAT_BLOCK]
    return (cut.reshape(rows, FLAT_BLOCK, cols, FLAT_BLOCK, -1).transpose(0, 2, 1, 3, 4)
            .reshape(rows * cols, FLAT_BLOCK * FLAT_BLOCK, -1))


def _window_reading(before: np.ndarray, after: np.ndarray, level: float, margin: int) -> float | None:
    """Raw residual sigma (0..255) of one window restored at ``level``: RMS of ``before - after`` on its
    flattest mid-tone blocks, or None if fewer than MIN_FLAT_BLOCKS are flat (see FLAT_LIMIT)."""
    margin = margin if min(before.shape[:2]) > 4 * margin else 0
    restored, removed = _blocks(after, margin), _blocks(before - after, margin)
    means = restored.mean(axis=1)
    mid = np.all((means > MID_TONES[0]) & (means < MID_TONES[1]), axis=1)
    spread = np.sqrt(restored.var(axis=1).mean(axis=1)) * 255
    flat = mid & (spread <= FLAT_LIMIT * level)
    if flat.sum() < MIN_FLAT_BLOCKS:
        return None
    keep = max(MIN_FLAT_BLOCKS, int(FLAT_FRACTION * mid.sum()))
    flattest = np.argsort(spread[flat])[:keep]
    return float(np.sqrt(np.mean(removed[flat][flattest] ** 2)) * 255)


def residual_reading(noisy: list[np.ndarray], denoised: list[np.ndarray], level: float,
                     margin: int = PROBE_MARGIN) -> float | None:
    """Raw noise reading (0..255) from what a denoiser, told ``level``, removed on the flattest mid-tone
    blocks of its output.

    Where the restored image is flat, the residual ``noisy - denoised`` is the noise alone, whatever texture
    the rest of the image has. Each window gives a reading; the lower quartile is kept, because a window
    of fine texture the model took for noise reads high. None when no window has MIN_FLAT_BLOCKS flat
    mid-tone blocks (a dark, blown-out or texture-filled image).
    """
    readings = [r for r in (_window_reading(b, a, level, margin) for b, a in zip(noisy, denoised)) if r is not None]
    return float(np.percentile(readings, 25)) if readings else None


def residual_sigma(noisy: list[np.ndarray], denoised: list[np.ndarray], level: float,
                   reads: tuple[tuple[float, float], ...] = (), margin: int = PROBE_MARGIN) -> float | None:
    """Noise sigma (0..255) from :func:`residual_reading`, mapped through the model's ``reads`` calibration
    ((raw reading, true sigma) pairs, the weights' ``residual_reads``): the residual of a good denoiser reads
    a little low, because the restored value of a flat block still carries part of its noise, and more so
    under strong noise, where mid-tones also start to clip. Without ``reads`` the raw reading is returned.
    None where the reading is None."""
    raw = residual_reading(noisy, denoised, level, margin)
    if raw is None or not reads:
        return raw
    measured, true = zip(*sorted(reads))
    return float(np.interp(raw, measured, true)) if raw <= measured[-1] else raw * true[-1] / measured[-1]


def residual_weight(prior: float) -> float:
    """How much the model's residual may move a wavelet reading ``prior``: 1 below RESIDUAL_TRUSTED_BELOW,
    0 above WAVELET_TRUSTED_ABOVE (no check needed), linear in between."""
    return float(np.clip((WAVELET_TRUSTED_ABOVE - prior) / (WAVELET_TRUSTED_ABOVE - RESIDUAL_TRUSTED_BELOW), 0, 1))


def checked_sigma(prior: float, refined: float | None) -> float:
    """The wavelet reading ``prior`` after the model's check ``refined`` (:func:`residual_sigma`; None: no
    reading): the smaller of the two, at most MAX_LOWERING below ``prior``, faded by :func:`residual_weight`."""
    if refined is None:
        return prior
    lowered = max(min(prior, refined), (1 - MAX_LOWERING) * prior)
    return prior + residual_weight(prior) * (lowered - prior)
