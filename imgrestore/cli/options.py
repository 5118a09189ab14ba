"""Options shared by several commands, each declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from imgrestore.errors import UsageError

ModelOpt = Annotated[
    str,
    typer.Option("--model", "-m", help="Bundled model name (see `imgrestore models`), 'auto' for the default "
                 "gray or colour denoiser by image, or a path to a .safetensors file."),
]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto | cpu | cuda | cuda:N | mps. auto picks a GPU when there is one. Folder commands also take a list, cuda:0,cuda:1, and cuda means every GPU: one model replica per device, fed from one queue.")]
PrecisionOpt = Annotated[
    str, typer.Option("--precision", help="auto | fp32 | fp16 | bf16. auto: for a model, the fastest precision the device computes natively (fp16 or bf16 on a GPU, bf16 on a CPU with AVX-512 BF16 or AMX) among those its weights declare safe (at most 0.02 dB lost on val, measured), else fp32; the report records it per file. For training: bf16 where native, else fp32. A precision the device or model cannot run falls back to fp32 with a warning.")
]
TileOpt = Annotated[int, typer.Option("--tile", min=0, help="Tile size in pixels; 0 runs whole images. Peak memory follows tile x batch size.")]
OverlapOpt = Annotated[int | None, typer.Option("--overlap", min=0, show_default=False, help="Overlap between tiles in input pixels, blended with a feathered ramp. Default: the model's own, enough context that tiles match the whole image within 1/255 (64 for the resunet photo restorers, 32 for the others).")]
BatchSizeOpt = Annotated[
    int | None,
    typer.Option("--batch-size", min=1, show_default=False, help="Tiles per forward pass (tiles of several images share a batch). "
                 "Default: the pixels of one 512 px tile on a CPU (fastest there, and the least memory; smaller tiles and "
                 "small images share it by area, e.g. 334 digits of 28x28 a pass), of four on a GPU."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
OutDirOpt = Annotated[Path, typer.Option("--output", "-o", help="Output folder; the input folder tree is mirrored under it.")]
OptionalOutDirOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Output folder; the input folder tree is mirrored under it.")]
RecursiveOpt = Annotated[bool, typer.Option("--recursive", "-r", help="Descend into subfolders of input folders.")]
SuffixOpt = Annotated[str, typer.Option("--suffix", help="Text appended to each output file name, e.g. _clean (no '/'). With -o the input folder itself, the files of earlier runs are recognised and never read as inputs.")]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="Output format png | jpg | tif | bmp | webp (default: same as the input).")
]
IoWorkersOpt = Annotated[
    int | None, typer.Option("--io-workers", min=0, max=64, show_default=False, help="Threads that decode the next files and, as many again, encode and write the finished ones while the model works (default 1 each; 0: one thing at a time). Outputs are the same bytes either way.")
]
EngineOpt = Annotated[str, typer.Option("--engine", help="local: this process does every file. shard: this process does the I-th of N slices of the file list (--shard; from a SLURM job array or a Kubernetes Indexed Job by default). ray: Ray Data workers do them (pip install 'imgrestore[ray]'; --address, --workers). shard and ray skip outputs that exist and keep report rows in part files under -o; `imgrestore report OUT` merges them.")]
WorkersOpt = Annotated[str | None, typer.Option("--workers", show_default=False, help="With --engine ray: the actor pool, N or MIN:MAX (default 1); each worker loads the model once.")]
GpusPerWorkerOpt = Annotated[float, typer.Option("--gpus-per-worker", min=0.0, help="With --engine ray: GPUs each worker reserves (fractions share a GPU, e.g. 0.5).")]
CpusPerWorkerOpt = Annotated[float, typer.Option("--cpus-per-worker", min=0.0, help="With --engine ray: CPUs each worker reserves.")]
AddressOpt = Annotated[str | None, typer.Option("--address", show_default=False, help="With --engine ray: the cluster, auto or HOST:PORT (default: $RAY_ADDRESS, else a local Ray started for the job).")]
ShardOpt = Annotated[str | None, typer.Option("--shard", show_default=False, help="With --engine shard: I/N (0-based), or auto/N to take I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. Default: both from the SLURM job array.")]
JpegQualityOpt = Annotated[int, typer.Option("--jpeg-quality", min=1, max=100, help="Quality of JPEG (and lossy WebP) outputs.")]
BitDepthOpt = Annotated[
    int | None, typer.Option("--bit-depth", min=8, max=16, show_default=False, help="Bits per sample of every output, 8 or 16 (16 needs --format png or tif; default: the input's own).")
]
StreamAboveOpt = Annotated[
    float, typer.Option("--stream-above", min=0, help="Denoise PNG photos of at least this many megapixels a band of "
                        "rows at a time: read and written top to bottom, so memory does not grow with the photo "
                        "(needs pip install 'imgrestore[large]'; other files are read whole). 0 = never.")
]
SkipExistingOpt = Annotated[bool, typer.Option("--skip-existing", help="Skip inputs whose output already exists (resume an interrupted job).")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="List what would be written, write nothing.")]
ReportOpt = Annotated[Path | None, typer.Option("--report", help="Write a JSON report: per file status, error, seconds, size, noise level, notes. Checked before any work: it may not be an input or an output.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Plain log lines instead of a live progress bar (automatic when stdout is not a terminal).")]
InputsArg = Annotated[list[str], typer.Argument(help="Image files, folders or glob patterns (quote globs).", show_default=False)]
MaxMegapixelsOpt = Annotated[
    float, typer.Option("--max-megapixels", min=0, help="Refuse (per file, from its header, before decoding) images larger "
                        "than this many megapixels; 0 = no limit. The default fits a 2-core 8 GB laptop.")
]


def check_overlap(overlap: int | None, tile: int) -> None:
    """``--overlap`` as given (None: the model's own) must leave tiles that advance."""
    if overlap is not None and (overlap < 0 or (tile > 0 and overlap * 2 >= tile)):
        raise UsageError(f"--overlap {overlap} must be at least 0 and less than half of --tile {tile}")
