"""The streaming engine: reads ahead and writes behind on threads, with the sequential engine's bytes and report."""

from __future__ import annotations

import json

from factories import smooth_image, write_png

from imgrestore.cli.app import main

from helpers import run

TIMINGS = {"seconds"}


def _records(report) -> list[dict]:
    files = json.loads(report.read_text())["files"]
    return [{k: v.replace("/seq/", "/out/").replace("/par/", "/out/") if isinstance(v, str) else v
             for k, v in f.items() if k not in TIMINGS} for f in files]


def test_threads_change_nothing_but_the_time(tmp_path, tiny_model, capsys):
    src = tmp_path / "in"
    for i, (h, w, c) in enumerate([(40, 52, 3), (24, 24, 1), (64, 48, 3), (16, 80, 3), (33, 41, 1), (50, 50, 3)]):
        write_png(src / f"{i}.png", smooth_image(h, w, c, seed=i))
    (src / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    write_png(src / "sub" / "deep.png", smooth_image(20, 28, 3, seed=9))
    outputs = {}
    for name, workers in (("seq", "0"), ("par", "3")):
        report = tmp_path / f"{name}.json"
        code, _, err = run(main, capsys, "denoise", str(src), "-r", "-o", str(tmp_path / name), "-m", str(tiny_model),
                           "--io-workers", workers, "--report", str(report), "-q")
        assert code == 1, err  # the broken file fails alone, in both
        outputs[name] = {p.relative_to(tmp_path / name): p.read_bytes()
                         for p in sorted((tmp_path / name).rglob("*.png"))}
    assert len(outputs["seq"]) == 7 and outputs["seq"] == outputs["par"]  # the same bytes
    assert _records(tmp_path / "seq.json") == _records(tmp_path / "par.json")  # the same records, in order
    records = _records(tmp_path / "par.json")
    assert [f["status"] for f in records].count("failed") == 1
    assert {f["precision"] for f in records if f["status"] == "ok"} == {"fp32"}  # auto, nothing declared


def test_two_replicas_share_one_queue_with_the_bytes_of_one(tmp_path, tiny_model, capsys, monkeypatch):
    """`--device cpu,cpu` (two CPU replicas stand in for two GPUs): each replica loads the model once and
    takes groups from one queue on a thread of its own; the outputs and report are those of one device."""
    import threading

    from imgrestore import pipeline

    loads, threads = [], set()
    real_load, real_restore = pipeline.load_restorer, pipeline.restore_pixels

    def counting_load(*args, **kwargs):
        loads.append(args)
        return real_load(*args, **kwargs)

    def noting_thread(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real_restore(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_restorer", counting_load)
    monkeypatch.setattr("imgrestore.jobs.restore.restore_pixels", noting_thread)
    src = tmp_path / "in"
    for i in range(8):
        write_png(src / f"{i}.png", smooth_image(40 + i, 48, 3, seed=i))
    for name, device in (("one", "cpu"), ("two", "cpu,cpu")):
        report = tmp_path / f"{name}.json"
        code, _, err = run(main, capsys, "denoise", str(src), "-o", str(tmp_path / name), "-m", str(tiny_model),
                           "--device", device, "--batch-size", "1", "--report", str(report), "-q")  # a group a file
        assert code == 0, err
    assert len(loads) == 3  # one for `cpu`, one per replica for `cpu,cpu`
    assert len({name for name in threads if name.startswith("imgrestore-model")}) == 2  # both replicas worked
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.png")}
    assert len(one) == 8 and one == {p.name: p.read_bytes() for p in (tmp_path / "two").glob("*.png")}
    strip = [{k: v for k, v in f.items() if k not in ("seconds", "output")}
             for f in json.loads((tmp_path / "one.json").read_text())["files"]]
    assert strip == [{k: v for k, v in f.items() if k not in ("seconds", "output")}
                     for f in json.loads((tmp_path / "two.json").read_text())["files"]]


def test_small_images_share_a_forward_pass(tmp_path, tiny_gray_model, capsys, monkeypatch):
    """By default tiles count by area (512 px tiles): 40 digit-sized files go through the model in one
    batch, as a benchmark would batch them, instead of one forward pass (or solver run) each."""
    from imgrestore.restorer import Restorer

    batches = []
    real_call = Restorer.__call__

    def recording(self, x, noise_level=None):
        batches.append(x.shape[0])
        return real_call(self, x, noise_level)

    monkeypatch.setattr(Restorer, "__call__", recording)
    for i in range(40):
        write_png(tmp_path / "in" / f"{i:02d}.png", smooth_image(28, 28, 1, seed=i))
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m",
                       str(tiny_gray_model), "-q")
    assert code == 0, err
    assert batches == [40] and len(list((tmp_path / "out").glob("*.png"))) == 40
    batches.clear()
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "one"), "-m",
                       str(tiny_gray_model), "--batch-size", "4", "-q")
    assert code == 0, err
    assert batches == [4] * 10  # --batch-size is a number of tiles
