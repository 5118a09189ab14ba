"""The `imgrestore` command: a Typer app with one module per command.

``main()`` is the only place that turns an :class:`ImgrestoreError` into one line on stderr and
its exit code, so every command fails the same way.
"""

from __future__ import annotations

import sys

import typer

from imgrestore.cli import corrupt, denoise, eval, inpaint, models, restore, train, upscale
from imgrestore.errors import ImgrestoreError

app = typer.Typer(
    name="imgrestore",
    help="Restore damaged images in bulk with pretrained neural restorers: denoise, inpaint, upscale, restore (any model), corrupt (make degraded copies), train, eval, models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # reflow docstring paragraphs instead of keeping their line breaks
)
app.command("denoise")(denoise.denoise)
app.command("inpaint")(inpaint.inpaint)
app.command("upscale")(upscale.upscale)
app.command("restore")(restore.restore)
app.command("corrupt")(corrupt.corrupt)
app.command("train")(train.train)
app.command("eval")(eval.evaluate)
app.command("models")(models.models)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exits with 0 success, 1 some files failed, 2 usage error."""
    return run_app(app, argv)


def run_app(typer_app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run a Typer app, mapping every ImgrestoreError to one line on stderr and its exit code."""
    try:
        code = typer_app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(code) is returned, not raised, here
            sys.exit(code)
    except ImgrestoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # click's own usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2 if isinstance(exc, click.UsageError) else 1)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        raise
    return 0
