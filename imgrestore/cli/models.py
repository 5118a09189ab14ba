"""`imgrestore models`: list the bundled restorers, or show one."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from imgrestore.cli.console import Console


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.0f} kB"


def models(
    name: Annotated[str | None, typer.Argument(help="A model name or a .safetensors path to show in full.")] = None,
    archs: Annotated[bool, typer.Option("--archs", help="List the registered architectures instead.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the bundled and installed models (name, task, domain, parameters, size, headline metric).

    Installed models live in the user's models folder ($IMGRESTORE_MODELS, else
    ~/.local/share/imgrestore/models), e.g. FFDNet's official weights after `weights-tools import-ffdnet`.
    """
    from imgrestore.architectures import get_arch, list_archs
    from imgrestore.restorer import Restorer
    from imgrestore.weights import catalog
    from imgrestore.weights.format import headline, read_meta

    console = Console()
    if archs:
        rows = [{"name": n, "task": get_arch(n).task.value, "description": get_arch(n).description} for n in list_archs()]
        if as_json:
            console.line(json.dumps(rows, indent=2))
            return
        table = Table("architecture", "task", "description")
        for row in rows:
            table.add_row(row["name"], row["task"], row["description"])
        console.table(table)
        return

    if name is not None:
        path = catalog.resolve(name)
        meta = read_meta(path)
        restorer = Restorer.from_file(path)
        info = {"name": name, "file": str(path), "size_bytes": path.stat().st_size, **restorer.describe(),
                **json.loads(meta.to_json())}
        console.line(json.dumps(info, indent=2, ensure_ascii=False))
        return

    rows = []
    installed = set(catalog.installed_names())
    for model in catalog.bundled_names() + sorted(installed):
        path = catalog.resolve(model)
        meta = read_meta(path)
        params = Restorer.from_file(path).parameter_count
        rows.append({"name": model, "default": model in catalog.DEFAULTS.values(), "installed": model in installed,
                     "task": meta.task, "domain": meta.domain, "arch": meta.arch,
                     "channels": meta.channels, "params": params, "size": _size(path.stat().st_size),
                     "headline": headline(meta)})
    if as_json:
        console.line(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(caption="* default of `--model auto` for its channel count; + installed in "
                          f"{catalog.user_dir()}; headline = validation metric")
    table.add_column("name", no_wrap=True)
    for column in ("task", "domain", "ch", "params", "size"):
        table.add_column(column)
    table.add_column("headline metric")
    for row in rows:
        table.add_row(row["name"] + (" *" if row["default"] else " +" if row["installed"] else ""), row["task"], row["domain"], str(row["channels"]),
                      f"{row['params'] / 1e3:.0f} k", row["size"], row["headline"])
    console.table(table)
