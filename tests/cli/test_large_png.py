"""Large PNGs restored a band of rows at a time: the same pixels as read whole, a damaged one fails alone."""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from factories import smooth_image
from PIL import Image as PILImage

from imgrestore.batch import BatchPlan, run
from imgrestore.io.discover import InputItem
from imgrestore.io.png_rows import PngRowWriter, metadata_chunks
from imgrestore.io.rows import can_stream
from imgrestore.jobs.restore import RestoreJob
from imgrestore.jobs.streamed import STREAMED_NOTE
from imgrestore.noise_level import BlindSigma, ProbeWindows, blind_sigma, probe_windows
from imgrestore.pipeline import ModelSelector, RestoreOptions

needs_vips = pytest.mark.skipif(not can_stream(), reason="pyvips is not installed (the 'large' extra)")


def _noisy(height: int, width: int, channels: int, seed: int, sigma: float = 20.0, top: int = 255) -> np.ndarray:
    clean = smooth_image(height, width, channels, seed=seed)
    noisy = clean * top + np.random.default_rng(seed).normal(0, sigma * top / 255, clean.shape)
    return np.clip(np.round(noisy), 0, top).astype(np.uint8 if top == 255 else np.uint16)


def _write(path: Path, samples: np.ndarray) -> None:
    cv2.imwrite(str(path), samples[:, :, ::-1] if samples.shape[2] == 3 else samples[:, :, 0])


@pytest.mark.parametrize(("channels", "depth"), [(3, 8), (1, 8), (3, 16), (1, 16)])
def test_the_row_writer_writes_a_png_that_decodes_to_its_rows(channels, depth):
    samples = _noisy(45, 37, channels, seed=channels, top=255 if depth == 8 else 65535)
    icc = b"a made-up ICC profile"
    file = io.BytesIO()
    writer = PngRowWriter(file, 45, 37, channels, depth, 1, metadata_chunks(None, icc))
    for top in range(0, 45, 11):
        writer.write(samples[top:top + 11])
    writer.close()
    decoded = cv2.imdecode(np.frombuffer(file.getvalue(), np.uint8), cv2.IMREAD_UNCHANGED)
    decoded = decoded[:, :, ::-1] if decoded.ndim == 3 else decoded[:, :, None]
    assert decoded.dtype == samples.dtype and np.array_equal(decoded, samples)
    assert PILImage.open(io.BytesIO(file.getvalue())).info["icc_profile"] == icc


def test_the_row_writer_refuses_too_many_or_too_few_rows():
    writer = PngRowWriter(io.BytesIO(), 4, 3, 1, 8, 1)
    with pytest.raises(ValueError, match="more rows"):
        writer.write(np.zeros((5, 3, 1), np.uint8))
    writer.write(np.zeros((2, 3, 1), np.uint8))
    with pytest.raises(ValueError, match="2 of the PNG's 4 rows"):
        writer.close()


def test_the_blind_estimate_read_in_bands_is_the_whole_image_one():
    samples = _noisy(301, 203, 3, seed=1)
    reading = BlindSigma(3, samples.dtype)
    for top in range(0, 301, 64):
        reading.add(samples[top:top + 64])
    assert reading.sigma() == blind_sigma(samples)
    assert blind_sigma(samples) == pytest.approx(blind_sigma(samples.astype(np.float32) / 255), abs=1e-4)
    assert blind_sigma(samples) == pytest.approx(20, rel=0.1)


def test_the_probe_windows_ranked_in_bands_are_the_whole_image_ones():
    samples = _noisy(700, 500, 3, seed=2)
    ranking = ProbeWindows(700, 500, keep_pixels=True)
    for top in range(0, 700, 320):
        ranking.add(samples[top:top + 320], top)
    assert ranking.boxes() == probe_windows(samples) and len(ranking.boxes()) >= 2
    assert all(np.array_equal(window, samples[box]) for window, box in zip(ranking.windows(), ranking.boxes()))


@needs_vips
@pytest.mark.parametrize("sigma", [None, 20.0])
def test_a_streamed_png_has_the_pixels_of_one_read_whole(tmp_path, sigma):
    src = tmp_path / "src"
    src.mkdir()
    photos = {"colour.png": _noisy(330, 250, 3, seed=3), "gray.png": _noisy(260, 300, 1, seed=4),
              "gray-rgb.png": np.repeat(_noisy(250, 270, 1, seed=5), 3, axis=2),
              "deep.png": _noisy(240, 260, 3, seed=6, top=65535)}
    for name, samples in photos.items():
        _write(src / name, samples)
    items = [InputItem(src / name, Path(name)) for name in photos]
    # one tile a pass, as on a CPU at the default tile: a streamed pass never batches tiles of two rows of
    # tiles, and a different batch may round a float differently (one 16-bit level, seen here)
    job = RestoreJob(ModelSelector("auto", device="cpu"), RestoreOptions(tile=128, sigma=sigma, batch_size=1))
    runs = {}
    for label, megapixels in (("streamed", 0.01), ("whole", 0)):
        outcome = run(items, BatchPlan(out_dir=tmp_path / label, stream_megapixels=megapixels), job, io_workers=0)
        assert [r.status for r in outcome.results] == ["ok"] * 4
        runs[label] = outcome.results
    for name, streamed, whole in zip(photos, runs["streamed"], runs["whole"]):
        assert STREAMED_NOTE in streamed.notes and STREAMED_NOTE not in whole.notes
        assert (streamed.model, streamed.noise_estimate, streamed.noise_level, streamed.bit_depth) == \
            (whole.model, whole.noise_estimate, whole.noise_level, whole.bit_depth)
        a, b = (cv2.imread(str(tmp_path / label / name), cv2.IMREAD_UNCHANGED) for label in ("streamed", "whole"))
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert [r.model for r in runs["streamed"]] == ["resunet-color", "resunet-gray", "resunet-gray", "resunet-color"]


@needs_vips
def test_a_truncated_streamed_png_fails_alone_and_leaves_nothing(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    _write(src / "a.png", _noisy(300, 200, 3, seed=7))
    _write(src / "b.png", _noisy(300, 200, 3, seed=8))
    data = (src / "a.png").read_bytes()
    (src / "a.png").write_bytes(data[:len(data) * 2 // 3])
    items = [InputItem(src / name, Path(name)) for name in ("a.png", "b.png")]
    job = RestoreJob(ModelSelector("auto", device="cpu"), RestoreOptions(tile=128, sigma=20))
    outcome = run(items, BatchPlan(out_dir=out, stream_megapixels=0.01), job)
    assert [r.status for r in outcome.results] == ["failed", "ok"]
    assert "a.png" in outcome.results[0].error and "damaged" in outcome.results[0].error
    assert sorted(p.name for p in out.iterdir()) == ["b.png"]


@needs_vips
def test_streamed_files_among_small_ones_give_the_same_bytes_pipelined_or_in_turn(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    names = ["a.png", "big.png", "c.png"]
    for index, (name, size) in enumerate(zip(names, [(60, 80), (300, 260), (70, 50)])):
        _write(src / name, _noisy(*size, 3, seed=10 + index))
    items = [InputItem(src / name, Path(name)) for name in names]
    job = RestoreJob(ModelSelector("auto", device="cpu"), RestoreOptions(tile=128))
    plan = BatchPlan(out_dir=tmp_path / "x", stream_megapixels=0.05)
    outputs = {}
    for workers in (0, 2):
        outcome = run(items, replace(plan, out_dir=tmp_path / f"w{workers}"), job, io_workers=workers)
        assert [STREAMED_NOTE in r.notes for r in outcome.results] == [False, True, False]
        outputs[workers] = [(tmp_path / f"w{workers}" / name).read_bytes() for name in names]
    assert outputs[0] == outputs[2]


def test_metadata_chunks_are_what_png_readers_take():
    chunks = metadata_chunks(b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00", b"profile")
    assert chunks[4:8] == b"iCCP" and zlib.decompress(chunks[8 + 5:-4]) == b"profile"
    assert b"eXIf" in chunks and b"Exif\x00\x00" not in chunks


@needs_vips
def test_stream_above_streams_from_the_command_line_and_the_report_says_so(tmp_path, capsys):
    from imgrestore.cli.app import main

    from helpers import run as run_cli

    src = tmp_path / "src"
    src.mkdir()
    _write(src / "big.png", _noisy(300, 260, 3, seed=20))
    _write(src / "small.png", _noisy(60, 50, 3, seed=21))
    report = tmp_path / "report.json"
    code, _, err = run_cli(main, capsys, "denoise", str(src), "-o", str(tmp_path / "out"), "--stream-above", "0.05",
                           "--sigma", "20", "--device", "cpu", "--report", str(report), "-q")
    assert code == 0, err
    files = {Path(f["source"]).name: f for f in json.loads(report.read_text())["files"]}
    assert STREAMED_NOTE in files["big.png"]["notes"] and STREAMED_NOTE not in files["small.png"]["notes"]
    assert cv2.imread(str(tmp_path / "out" / "big.png")).shape == (300, 260, 3)
