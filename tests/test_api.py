"""The Python API runs the same path as the CLI."""

from __future__ import annotations

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
