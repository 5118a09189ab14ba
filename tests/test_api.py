"""The Python API runs the same path as the CLI."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from factories import smooth_image, write_png

import imgrestore
from imgrestore.io.image import read_image


@pytest.mark.parametrize("shape, dtype", [((20, 24), np.uint8), ((20, 24, 3), np.uint16), ((20, 24, 4), np.uint8),
                                          ((20, 24, 3), np.float32)])
def test_restore_array_keeps_shape_and_dtype(tiny_model, shape, dtype):
    rng = np.random.default_rng(0)
    top = {np.uint8: 255, np.uint16: 65535, np.float32: 1}[dtype]
    array = (rng.random(shape) * top).astype(dtype)
    out = imgrestore.restore_array(array, str(tiny_model), device="cpu")
    assert out.shape == array.shape and out.dtype == array.dtype
    if shape[-1] == 4:
        np.testing.assert_array_equal(out[:, :, 3], array[:, :, 3])  # alpha untouched


def test_restore_file_matches_the_cli_output(tmp_path, tiny_model, capsys):
    from imgrestore.cli.app import main

    from helpers import run

    src = write_png(tmp_path / "in" / "a.png", smooth_image(40, 50))
    imgrestore.restore_file(src, tmp_path / "api.png", str(tiny_model), device="cpu")
    run(main, capsys, "denoise", str(src), "-o", str(tmp_path / "cli"), "-m", str(tiny_model), "-q")
    np.testing.assert_array_equal(read_image(tmp_path / "api.png").pixels, read_image(tmp_path / "cli" / "a.png").pixels)


def test_restore_file_refuses_to_overwrite_its_input(tmp_path, tiny_model):
    src = write_png(tmp_path / "a.png", smooth_image(10, 10))
    with pytest.raises(ValueError, match="overwrite"):
        imgrestore.restore_file(src, src, str(tiny_model))


def test_load_restorer_by_path(tiny_model):
    restorer = imgrestore.load_restorer(str(tiny_model), device="cpu")
    assert restorer.channels == 3 and restorer.meta.arch == "dae"


def test_deblur_and_inpaint_arrays_run_the_commands_code():
    from imgrestore import deblur_array, inpaint_array
    from imgrestore.metrics import psnr

    rng = np.random.default_rng(0)
    example = sorted((Path(__file__).resolve().parents[1] / "examples" / "clean").glob("*.png"))[0]
    clean = np.round(read_image(example).pixels[:64, :64] * 255).astype(np.uint8)
    clean = np.repeat(clean, 3, axis=2) if clean.shape[2] == 1 else clean
    line = cv2.getGaussianKernel(13, 1.6)
    kernel = line @ line.T  # an array, as a lens's measured kernel would be
    blurred = cv2.filter2D(clean.astype(np.float64), -1, kernel, borderType=cv2.BORDER_REFLECT)
    blurred = np.clip(np.round(blurred + rng.normal(0, 2, clean.shape)), 0, 255).astype(np.uint8)
    sharp = deblur_array(blurred, kernel, "resunet-color", sigma=2, device="cpu")
    assert sharp.dtype == np.uint8 and sharp.shape == clean.shape
    inner = (slice(8, -8), slice(8, -8))
    assert psnr(sharp[inner] / 255, clean[inner] / 255) > psnr(blurred[inner] / 255, clean[inner] / 255) + 1

    mask = np.zeros((64, 64), bool)
    mask[30:34, :] = True
    holed = clean.copy()
    holed[mask] = 0
    filled = inpaint_array(holed, mask, "resunet-color", device="cpu")
    assert np.array_equal(filled[~mask], clean[~mask])
    telea = cv2.inpaint(holed, mask.astype(np.uint8), 5, cv2.INPAINT_TELEA)  # the solver's start
    error = np.abs(filled[mask].astype(int) - clean[mask]).mean()
    assert error < 0.1 * clean[mask].mean() and error <= 1.25 * np.abs(telea[mask].astype(int) - clean[mask]).mean()
    with pytest.raises(ValueError, match="the mask is"):
        inpaint_array(holed, mask[:10], "resunet-color", device="cpu")


def test_a_folder_restored_from_samples_writes_the_bytes_of_the_float_path(tmp_path, tiny_model):
    """The folder engine reads 8-bit files as their samples and quantizes the output as it goes; the same
    job reading 0..1 floats writes identical files (colour, gray and 16-bit, several tiles)."""
    from dataclasses import replace

    from imgrestore.batch import BatchPlan, run
    from imgrestore.io.discover import InputItem
    from imgrestore.jobs.restore import RestoreJob
    from imgrestore.pipeline import ModelSelector, RestoreOptions

    src = tmp_path / "in"
    src.mkdir()
    write_png(src / "colour.png", smooth_image(150, 170, 3, seed=1))
    write_png(src / "gray.png", smooth_image(140, 120, 1, seed=2))
    write_png(src / "deep.png", smooth_image(90, 130, 3, seed=3), bit_depth=16)
    names = ("colour.png", "gray.png", "deep.png")
    items = [InputItem(src / name, Path(name)) for name in names]
    job = RestoreJob(ModelSelector(str(tiny_model)), RestoreOptions(tile=64, sigma=20))
    outputs = {}
    for reads_samples in (True, False):
        out = tmp_path / f"out-{reads_samples}"
        run(items, BatchPlan(out_dir=out), replace(job, reads_samples=reads_samples), io_workers=0)
        outputs[reads_samples] = [(out / name).read_bytes() for name in names]
    assert outputs[True] == outputs[False]
