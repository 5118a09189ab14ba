"""The photo-denoiser table of the README: `imgrestore eval` on ../shared/data/photos/val, colour
(the 6 colour images) and gray (all 8 as luma), sigma 15 / 25 / 50, the protocol of ../shared/README.md.

Each cell is one `imgrestore eval` run (seed 0); blind rows use `--sigma auto`, "true sigma" rows
`--sigma true`. Writes every run's JSON under lab/results/photo/ and prints a Markdown table
of PSNR (and SSIM with --ssim) plus colour megapixels per second.

    python benchmarks/photo_denoise.py --row "ours=auto:auto" --row "FFDNet=ffdnet:true" --row "BM3D=bm3d:true"
    python benchmarks/photo_denoise.py --images runs/photos-test --row "ours=auto:auto" --row "FFDNet=ffdnet:true"

`--images DIR` scores another folder instead of val, by the same protocol (colour: its colour images; gray: all
of them as luma), e.g. the test split that `lab/data/fetch_test_photos.py` makes; its JSON goes to a
subfolder of --out named after DIR.

A row is LABEL=METHOD:SIGMA, METHOD a model name ('ffdnet', 'resunet' and 'dae-photo' pick their -color /
-gray model per set, 'auto' the default per set, anything else is used for both sets), a baseline ('bm3d',
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--row", action="append", required=True, help="LABEL=METHOD:SIGMA (see above); repeatable")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "lab" / "results" / "photo")
    parser.add_argument("--ssim", action="store_true", help="print PSNR / SSIM")
    parser.add_argument("--fresh", action="store_true", help="re-run cells whose JSON already exists")
    parser.add_argument("--sets", default="colour,gray", help="comma-separated subset of: colour, gray")
    parser.add_argument("--images", type=Path, help="score this folder instead of ../shared/data/photos/val")
    args = parser.parse_args()
    val = args.images or args.shared / "data/photos/val"
    if args.images:
        args.out = args.out / args.images.name
    args.out.mkdir(parents=True, exist_ok=True)
    sets = [name for name in SETS if name in args.sets.split(",")]
    header = [f"{s} {sigma}" for s in sets for sigma in SIGMAS]
    print("| method | " + " | ".join(header) + " | colour MP/s |")
    print("|---|" + "---|" * (len(header) + 1))
    for row in args.row:
        label, _, rest = row.partition("=")
        method, _, sigma_mode = rest.rpartition(":")
        cells, speeds = [], []
        for channels in sets:
            for sigma in SIGMAS:
                slug = f"{method.replace(':', '_').replace('=', '-')}.{sigma_mode}.{channels}.{sigma}.json"
                if args.fresh:
                    (args.out / slug).unlink(missing_ok=True)
                result = run_eval(val, method, sigma_mode, channels, sigma, args.out / slug)
                cells.append(f"{result['psnr']:.2f}" + (f" / {result['ssim']:.4f}" if args.ssim else ""))
                if channels == "colour":
                    speeds.append(result["megapixels_per_second"])
        print(f"| {label} | " + " | ".join(cells) + f" | {sum(speeds) / max(len(speeds), 1):.3f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
