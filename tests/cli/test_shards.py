"""`--engine shard`: job-array slices that together write every file exactly once, and `imgrestore report`."""

from __future__ import annotations

import json

import pytest
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.errors import UsageError
from imgrestore.shards import parse_shard

from helpers import run


def _inputs(folder, count=7):
    for i in range(count):
        write_png(folder / ("sub" if i % 2 else "") / f"{i}.png", smooth_image(20 + i, 24, 3, seed=i))


def _bytes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.png"))}


def test_three_shards_write_what_one_run_writes_each_file_once(tmp_path, tiny_model, capsys):
    src, out, local = tmp_path / "in", tmp_path / "out", tmp_path / "local"
    _inputs(src)
    args = ["-r", "-m", str(tiny_model), "-q"]
    assert run(main, capsys, "denoise", str(src), "-o", str(local), *args)[0] == 0
    for index in range(3):
        code, _, err = run(main, capsys, "denoise", str(src), "-o", str(out), *args, "--engine", "shard",
                           "--shard", f"{index}/3")
        assert code == 0, err
    assert _bytes(out) == _bytes(local) and len(_bytes(out)) == 7
    parts = sorted((out / ".imgrestore-report").glob("*.jsonl"))
    rows = [json.loads(line) for part in parts for line in part.read_text().splitlines()]
    assert len(parts) == 3 and sorted(r["relative"] for r in rows) == sorted(_bytes(local))  # each file once
    assert {r["status"] for r in rows} == {"ok"}

    code, _, err = run(main, capsys, "denoise", str(src), "-o", str(out), *args, "--engine", "shard", "--shard", "1/3")
    assert code == 0, err  # a rerun of a shard: every output exists, nothing is done twice
    code, stdout, _ = run(main, capsys, "report", str(out), "--save", str(tmp_path / "merged.json"))
    assert code == 0 and "7 files: 7 written, 0 failed" in stdout
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["summary"]["ok"] == 7 and len(merged["files"]) == 7


def test_a_failed_file_fails_the_merged_report_and_corrupt_shards_match_a_local_run(tmp_path, capsys):
    src = tmp_path / "in"
    _inputs(src, 5)
    (src / "bad.png").write_bytes(b"not a png")
    for index in range(2):
        code, _, _ = run(main, capsys, "corrupt", str(src), "-r", "-o", str(tmp_path / "out"), "--op",
                         "gaussian:sigma=10", "--seed", "3", "--engine", "shard", "--shard", f"{index}/2", "-q")
    assert run(main, capsys, "corrupt", str(src), "-r", "-o", str(tmp_path / "local"), "--op", "gaussian:sigma=10",
               "--seed", "3", "-q")[0] == 1
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "local")  # seeds come from relative paths
    code, _, err = run(main, capsys, "report", str(tmp_path / "out"))
    assert code == 1 and "bad.png" in err


def test_the_shard_comes_from_the_scheduler_when_not_given():
    assert parse_shard("2/5") == parse_shard(None, {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                                    "SLURM_ARRAY_TASK_COUNT": "5"})
    assert parse_shard("auto/4", {"JOB_COMPLETION_INDEX": "3"}).index == 3
    for text, environ, message in (("4/4", {}, "must be in 0..3"), (None, {}, "needs --shard"),
                                   ("auto/4", {}, "no SLURM_ARRAY_TASK_ID"), ("1-4", {}, "expected I/N")):
        with pytest.raises(UsageError, match=message):
            parse_shard(text, environ)
