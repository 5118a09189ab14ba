"""Every data-loss and bad-input case through the real CLI, as a user runs it: a table of exit code, what the report says,
whether the output is right, and the files lost, partial files left and tracebacks printed (all 0).

Each case runs in a fresh folder in a child process (`python -m imgrestore`), with the bundled models.
"Lost" counts files that existed before the run (inputs and anything else in the tree) and were changed
or removed; "partial" counts temp files left behind and final-named images that do not decode.

    python benchmarks/data_loss_cases.py            # prints a Markdown table; exit 1 if any case is wrong
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage

from imgrestore.io.atomic import is_temp_name
from imgrestore.io.image import read_image

CLI = [sys.executable, "-m", "imgrestore"]
DROP_ROOT_READ = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                  "--inh-caps=-dac_override,-dac_read_search", "--"]  # util-linux; root then obeys folder modes


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    root: Path


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path], list[str]]  # builds the tree under root, returns the CLI arguments
    expect_code: int
    check: Callable[[Outcome], bool]  # is the output right?
    signal_after_first: int | None = None  # send this signal once the first output exists
    unprivileged: bool = False  # as root, drop the capabilities that let root list any folder, whatever its mode


def picture(height=32, width=40, channels=3, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.random((4, 4, channels)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    noisy = np.clip(base.reshape(height, width, channels) * 200 + 28 + rng.normal(0, 10, (height, width, channels)),
                    0, 255)
    return noisy.astype(np.uint8)


def png(path: Path, pixels: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), pixels[:, :, ::-1] if pixels.ndim == 3 and pixels.shape[2] == 3 else pixels)
    return path


def two_photos(root: Path) -> Path:
    for name, seed in (("blue", 1), ("red", 2)):
        png(root / "in" / f"{name}.png", picture(seed=seed))
    return root / "in"


def report(outcome: Outcome) -> dict:
    path = outcome.root / "report.json"
    return json.loads(path.read_text()) if path.exists() else {}


def statuses(outcome: Outcome) -> dict[str, str]:
    return {Path(f["source"]).name: f["status"] for f in report(outcome).get("files", [])}


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) if folder.exists() else []


def nothing_written(outcome: Outcome) -> bool:
    return not files_under(outcome.root / "out")


def outputs_named(*names: str) -> Callable[[Outcome], bool]:
    return lambda o: sorted(p.name for p in files_under(o.root / "out")) == sorted(names)


def cases() -> list[Case]:
    def same_stem(root):
        png(root / "in" / "a.png", picture())
        cv2.imwrite(str(root / "in" / "a.jpg"), picture(seed=3))
        return [str(root / "in"), "-o", str(root / "out"), "--format", "png"]

    def two_folders(root):
        png(root / "d1" / "x.png", picture(seed=1))
        png(root / "d2" / "x.png", picture(seed=2))
        return [str(root / "d1"), str(root / "d2"), "-o", str(root / "out")]

    def suffix_escape(root):
        png(root / "other" / "keep.png", picture(seed=9))
        return [str(two_photos(root)), "-o", str(root / "out" / "x"), "--suffix", "/../../other/keep"]

    def locked_folder(root):
        src = two_photos(root)
        png(src / "locked" / "inner.png", picture())
        (src / "locked").chmod(0)
        return [str(src), "-r", "-o", str(root / "out"), "--report", str(root / "report.json")]

    def own_subfolder(root):
        src = two_photos(root)
        subprocess.run([*CLI, "denoise", str(src), "-r", "-o", str(src / "out"), "-q"], check=True, capture_output=True)
        return [str(src), "-r", "-o", str(src / "out"), "--skip-existing", "--report", str(root / "report.json")]

    def own_suffix(root):
        src = two_photos(root)
        subprocess.run([*CLI, "denoise", str(src), "-o", str(src), "--suffix", "_clean", "-q"], check=True,
                       capture_output=True)
        return [str(src), "-o", str(src), "--suffix", "_clean", "--skip-existing", "--report", str(root / "report.json")]

    def bad_meta(root):
        from safetensors import safe_open
        from safetensors.torch import load_file, save_file

        from imgrestore.weights import catalog

        source = catalog.resolve("dae-photo-color")
        with safe_open(str(source), "pt") as handle:
            meta = json.loads(handle.metadata()["imgrestore"])
        meta["config"]["filters"] = "many"
        save_file(load_file(str(source)), str(root / "bad.safetensors"), metadata={"imgrestore": json.dumps(meta)})
        return [str(two_photos(root)), "-o", str(root / "out"), "-m", str(root / "bad.safetensors")]

    def tiff_orientation(orientation):
        def setup(root):
            upright = picture(24, 40)
            upright[:4, :6] = (255, 0, 0)
            stored = np.ascontiguousarray({3: np.rot90(upright, 2), 6: np.rot90(upright, 1)}[orientation])
            (root / "in").mkdir()
            PILImage.fromarray(stored).save(root / "in" / "o.tif", tiffinfo={274: orientation})
            np.save(root / "upright.npy", upright)
            return [str(root / "in"), "-o", str(root / "out")]
        return setup

    def upright_output(outcome):
        out = read_image(outcome.root / "out" / "o.tif")
        upright = np.load(outcome.root / "upright.npy")
        return out.pixels.shape[:2] == upright.shape[:2] and out.pixels[0, 0, 0] > 0.8 and out.pixels[-1, -1, 0] < 0.9

    def float_tiff(root):
        (root / "in").mkdir()
        values = picture().astype(np.float32) / 255 * 4 - 1
        cv2.imwrite(str(root / "in" / "f.tif"), np.ascontiguousarray(values[:, :, ::-1]))
        return [str(root / "in"), "-o", str(root / "out"), "--report", str(root / "report.json")]

    def float_kept(outcome):
        out = cv2.imread(str(outcome.root / "out" / "f.tif"), cv2.IMREAD_UNCHANGED)
        return out is not None and out.dtype == np.float32 and out.min() < -0.5 and out.max() > 2

    def frames(root):
        (root / "in").mkdir()
        pictures = [PILImage.fromarray(picture(seed=i)) for i in range(3)]
        pictures[0].save(root / "in" / "pages.tif", save_all=True, append_images=pictures[1:])
        pictures[0].save(root / "in" / "anim.gif", save_all=True, append_images=pictures[1:])
        pictures[0].save(root / "in" / "anim.webp", save_all=True, append_images=pictures[1:], lossless=True)
        pictures[0].save(root / "in" / "still.webp", lossless=True)
        return [str(root / "in"), "-o", str(root / "out"), "--report", str(root / "report.json")]

    def frames_noted(outcome):
        notes = {Path(f["source"]).name: " ".join(f["notes"]) for f in report(outcome)["files"]}
        return (all("3 frames" in notes[n] for n in ("pages.tif", "anim.gif", "anim.webp"))
                and (outcome.root / "out" / "anim.png").exists()
                and (outcome.root / "out" / "still.webp").read_bytes()[12:16] == b"VP8L")

    def photo_for(command, *flags):
        def setup(root):
            png(root / "in" / "photo.png", picture(240, 320))
            return [str(root / "in"), "-o", str(root / "out"), *flags, "--report", str(root / "report.json")]
        setup.command = command
        return setup

    def many(root):
        for i in range(40):
            png(root / "in" / f"{i:02d}.png", picture(128, 128, seed=i))
        return [str(root / "in"), "-o", str(root / "out"), "--report", str(root / "report.json")]

    def interrupted_marked(outcome):
        states = set(statuses(outcome).values())
        written = {p.name for p in files_under(outcome.root / "out")}
        ok = {Path(f["output"]).name for f in report(outcome)["files"] if f["status"] == "ok"}
        return states <= {"ok", "interrupted"} and "interrupted" in states and written == ok

    def stale_temp(root):
        src = two_photos(root)
        (root / "out").mkdir()
        stale = root / "out" / ".blue.abcd1234.part.png"
        stale.write_bytes(b"half")
        os.utime(stale, (time.time() - 3600, time.time() - 3600))
        return [str(src), "-o", str(root / "out")]

    def bomb(width, height, *flags):
        def setup(root):
            (root / "in").mkdir()
            cv2.imwrite(str(root / "in" / "bomb.png"), np.zeros((height, width), np.uint8))
            png(root / "in" / "small.png", picture())
            return [str(root / "in"), "-o", str(root / "out"), *flags, "--report", str(root / "report.json")]
        return setup

    def special_entries(root):
        src = two_photos(root)
        os.mkfifo(src / "pipe.png")
        (src / "dangling.png").symlink_to(src / "gone.png")
        (src / "loop.png").symlink_to(src / "loop.png")
        return [str(src), "-o", str(root / "out"), "--report", str(root / "report.json")]

    def special_reasons(outcome):
        errors = {Path(f["source"]).name: f["error"] for f in report(outcome)["files"] if f["status"] == "failed"}
        return ("FIFO" in errors.get("pipe.png", "") and "dangling" in errors.get("dangling.png", "")
                and "loop" in errors.get("loop.png", "") and outputs_named("blue.png", "red.png")(outcome))

    def explicit_fifo(root):
        (root / "in").mkdir()
        os.mkfifo(root / "in" / "pipe.png")
        return [str(root / "in" / "pipe.png"), "-o", str(root / "out")]

    def seconds(outcome):
        summary = report(outcome)["summary"]
        return 0 < summary["wall_seconds"] and "file_seconds" in summary

    def messy(root):
        src = two_photos(root)
        png(src / "deep" / "sixteen.png", (picture().astype(np.uint16) * 257))
        rgba = np.dstack([picture(), np.linspace(0, 255, 32 * 40).reshape(32, 40).astype(np.uint8)])
        cv2.imwrite(str(src / "alpha.png"), rgba[:, :, [2, 1, 0, 3]])
        PILImage.fromarray(picture(channels=1)[:, :, 0], "L").save(src / "gray.jpg")
        rotated = PILImage.fromarray(picture(20, 36))
        exif = rotated.getexif()
        exif[0x0112] = 6
        rotated.save(src / "rotated.jpg", exif=exif.tobytes())
        (src / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n not a png")
        (src / "empty.jpg").write_bytes(b"")
        return [str(src), "-r", "-o", str(root / "out"), "--report", str(root / "report.json")]

    def messy_right(outcome):
        out = outcome.root / "out"
        return (read_image(out / "deep" / "sixteen.png").bit_depth == 16 and read_image(out / "alpha.png").alpha
                is not None and read_image(out / "gray.jpg").channels == 1
                and read_image(out / "rotated.jpg").pixels.shape[:2] == (36, 20)
                and statuses(outcome)["corrupt.png"] == "failed" and statuses(outcome)["empty.jpg"] == "failed")

    def overwrite_input(root):
        return [str(two_photos(root)), "-o", str(root / "in")]

    def skip_existing(root):
        src = two_photos(root)
        (root / "out").mkdir()
        (root / "out" / "blue.png").write_bytes(b"done before")
        return [str(src), "-o", str(root / "out"), "--skip-existing"]

    def dry_run(root):
        return [str(two_photos(root)), "-o", str(root / "out"), "--dry-run"]

    photo = two_photos
    return [
        Case("1 --report is an input", lambda r: [str(photo(r)), "-o", str(r / "out"), "--report", str(r / "in" / "blue.png")], 2, nothing_written),
        Case("2 a.png + a.jpg, --format png", same_stem, 2, nothing_written),
        Case("2 d1/x.png + d2/x.png", two_folders, 2, nothing_written),
        Case("3 --suffix /../../other/keep", suffix_escape, 2, nothing_written),
        Case("4 unreadable subfolder, -r", locked_folder, 1, lambda o: statuses(o).get("locked") == "failed" and outputs_named("blue.png", "red.png")(o), unprivileged=True),
        Case("5 -r -o in/out, run again", own_subfolder, 0, lambda o: set(statuses(o).values()) == {"skipped"} and len(statuses(o)) == 2),
        Case("5 -o in --suffix _clean, run again", own_suffix, 0, lambda o: set(statuses(o).values()) == {"skipped"} and len(statuses(o)) == 2),
        Case("6 unknown option", lambda r: ["in", "-o", "out", "--bogus"], 2, nothing_written),
        Case("6 missing -o", lambda r: [str(photo(r))], 2, nothing_written),
        Case("6 --batch-size 0", lambda r: [str(photo(r)), "-o", str(r / "out"), "--batch-size", "0"], 2, nothing_written),
        Case("7 --report is a folder", lambda r: [str(photo(r)), "-o", str(r / "out"), "--report", str(r)], 2, nothing_written),
        Case("7 --report read-only (/proc)", lambda r: [str(photo(r)), "-o", str(r / "out"), "--report", "/proc/r.json"], 2, nothing_written),
        Case("7 weights config of the wrong type", bad_meta, 2, nothing_written),
        Case("8 --tile -5", lambda r: [str(photo(r)), "-o", str(r / "out"), "--tile", "-5"], 2, nothing_written),
        Case("8 -o is an existing file", lambda r: [str(photo(r)), "-o", str(r / "in" / "blue.png")], 2, lambda o: True),
        Case("8 -o read-only (/proc)", lambda r: [str(photo(r)), "-o", "/proc/imgrestore-out"], 2, lambda o: True),
        Case("9 TIFF orientation 3", tiff_orientation(3), 0, upright_output),
        Case("9 TIFF orientation 6", tiff_orientation(6), 0, upright_output),
        Case("10 float RGB TIFF, values -1..3", float_tiff, 0, float_kept),
        Case("11 multi-page TIFF, animated GIF/WebP, lossless WebP", frames, 0, frames_noted),
        Case("12 upscale a photo (resgan-mnist)", photo_for("upscale"), 1, lambda o: statuses(o) == {"photo.png": "failed"} and nothing_written(o)),
        Case("12 inpaint a photo (cnn-lstm-mnist)", photo_for("inpaint"), 1, lambda o: statuses(o) == {"photo.png": "failed"} and nothing_written(o)),
        Case("12 denoise -m dae-mnist a photo", photo_for("denoise", "-m", "dae-mnist"), 1, lambda o: statuses(o) == {"photo.png": "failed"} and nothing_written(o)),
        Case("12 ... --allow-domain-mismatch", photo_for("denoise", "-m", "dae-mnist", "--allow-domain-mismatch"), 0, outputs_named("photo.png")),
        Case("13 SIGTERM mid-batch", many, 143, interrupted_marked, signal.SIGTERM),
        Case("13 SIGINT mid-batch", many, 130, interrupted_marked, signal.SIGINT),
        Case("13 stale temp file of a killed run", stale_temp, 0, outputs_named("blue.png", "red.png")),
        Case("14 10000x10001 PNG (120 KB), default limit", bomb(10000, 10001), 1, lambda o: statuses(o) == {"bomb.png": "failed", "small.png": "ok"}),
        Case("15 FIFO, dangling link, link loop in a folder", special_entries, 1, special_reasons),
        Case("15 FIFO named explicitly", explicit_fifo, 1, nothing_written),
        Case("16 report summary seconds", lambda r: [str(photo(r)), "-o", str(r / "out"), "--report", str(r / "report.json")], 0, seconds),
        Case("existing: corrupt, empty, 16-bit, alpha, gray, EXIF-rotated", messy, 1, messy_right),
        Case("existing: -o = the input folder", overwrite_input, 2, lambda o: True),
        Case("existing: --skip-existing", skip_existing, 0, lambda o: (o.root / "out" / "blue.png").read_bytes() == b"done before"),
        Case("existing: --dry-run", dry_run, 0, nothing_written),
    ]


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in files_under(root) if p.suffix != ".json"}


def partial_files(root: Path, before: dict[Path, bytes]) -> int:
    """Temp files left anywhere, and images this run wrote under their final name that do not decode."""
    count = 0
    for path in files_under(root):
        if is_temp_name(path.name) or path.name.startswith(".imgrestore-probe"):
            count += 1
        elif path not in before and path.suffix.lower() in {".png", ".jpg", ".tif", ".webp"}:
            try:
                read_image(path)
            except Exception:
                count += 1
    return count


def run_case(case: Case, root: Path) -> tuple[Outcome, int, int]:
    args = case.setup(root)
    command = getattr(case.setup, "command", "denoise")
    before = snapshot(root)
    prefix = DROP_ROOT_READ if case.unprivileged and os.geteuid() == 0 else []
    child = subprocess.Popen([*prefix, *CLI, command, *args, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=root)
    if case.signal_after_first is not None:
        out = root / "out"
        while child.poll() is None and not (out.exists() and any(not p.name.startswith(".") for p in out.iterdir())):
            time.sleep(0.05)
        child.send_signal(case.signal_after_first)
    stdout, stderr = child.communicate(timeout=600)
    for folder in root.rglob("*"):
        if folder.is_dir():
            folder.chmod(0o755)
    after = {p: p.read_bytes() for p in before if p.exists()}
    lost = sum(1 for p, data in before.items() if after.get(p) != data)
    lost -= sum(1 for p in before if is_temp_name(p.name) and p not in after)  # a stale temp file is meant to go
    return Outcome(child.returncode, stdout, stderr, root), lost, partial_files(root, before)


def main() -> int:
    print("| case | exit | stderr / report says | output right | data lost | partial files | tracebacks |")
    print("|---|---|---|---|---|---|---|")
    wrong = 0
    for case in cases():
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            outcome, lost, partial = run_case(case, root)
            said = (outcome.stderr.strip().splitlines() or [""])[0][:110].replace("|", "/").replace(tmp, "…")
            right = outcome.code == case.expect_code and case.check(outcome)
            tracebacks = ("Traceback" in outcome.stderr) + ("Traceback" in outcome.stdout)
            wrong += not right or lost or partial or tracebacks
            print(f"| {case.name} | {outcome.code} | {said} | {'yes' if right else 'NO'} | {lost} | {partial} | {tracebacks} |")
            sys.stdout.flush()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
