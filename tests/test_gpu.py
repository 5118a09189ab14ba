"""The GPU path on a real GPU (skipped without CUDA; `benchmarks/gpu_check.sh` runs these where one is lent)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from imgrestore.pipeline import RestoreOptions, load_restorer, measured_batch, restore_pixels

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")


def _photo() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.clip(rng.random((8, 8, 3)).repeat(48, 0).repeat(48, 1) + rng.normal(0, 0.1, (384, 384, 3)), 0, 1
                   ).astype(np.float32)


def test_the_gpu_restores_as_the_cpu_does_in_fp32():
    image = _photo()
    cpu = restore_pixels([image], load_restorer("resunet-color", "cpu", "fp32"), RestoreOptions(sigma=25))[0]
    gpu = restore_pixels([image], load_restorer("resunet-color", "cuda", "fp32"), RestoreOptions(sigma=25))[0]
    assert np.abs(cpu - gpu).max() <= 1 / 255


@pytest.mark.parametrize("precision", ["fp16", "bf16"])
def test_half_precisions_stay_close(precision):
    image = _photo()
    full = restore_pixels([image], load_restorer("resunet-color", "cuda", "fp32"), RestoreOptions(sigma=25))[0]
    half = restore_pixels([image], load_restorer("resunet-color", "cuda", precision), RestoreOptions(sigma=25))[0]
    assert np.isfinite(half).all() and np.abs(full - half).mean() < 2 / 255


def test_the_batch_is_sized_from_the_free_memory():
    restorer = load_restorer("resunet-color", "cuda", "fp32")
    assert measured_batch(restorer, torch.rand(3, 256, 256), 25.0) >= 1


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="one GPU: no second replica")
def test_two_gpus_give_the_bytes_of_one(tmp_path):
    import subprocess
    import sys

    from PIL import Image

    for index in range(6):
        Image.fromarray((_photo() * 255).astype(np.uint8)).save(tmp_path / f"{index}.png")
    outputs = {}
    for name, device in (("one", "cuda:0"), ("two", "cuda:0,cuda:1")):
        subprocess.run([sys.executable, "-m", "imgrestore", "denoise", str(tmp_path), "-o", str(tmp_path / name),
                        "--device", device, "--precision", "fp32", "--batch-size", "1", "-q"], check=True)
        outputs[name] = {p.name: p.read_bytes() for p in (tmp_path / name).glob("*.png")}
    assert len(outputs["one"]) == 6 and outputs["one"] == outputs["two"]
