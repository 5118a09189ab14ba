"""The `imgrestore` command: a Typer app with one module per command.

``main()`` is the only place that turns an :class:`ImgrestoreError` into one line on stderr and
its exit code, so every command fails the same way.
"""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from imgrestore.cli import corrupt, deblur, dejpeg, denoise, evaluate, inpaint, models, report, restore, train, upscale
from imgrestore.errors import ImgrestoreError
from imgrestore.signals import Interrupted, Received, exit_on_signals

app = typer.Typer(
    name="imgrestore",
    help="Restore damaged images in bulk with pretrained neural restorers: denoise, deblur, dejpeg, inpaint, upscale, restore (any model), corrupt (make degraded copies), train, eval, models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # reflow docstring paragraphs instead of keeping their line breaks
)


def _show_version(value: bool) -> None:
    if value:
        from imgrestore import __version__  # the package is lazy: this loads no torch

        typer.echo(f"imgrestore {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Restore damaged images in bulk with pretrained neural restorers."""


app.command("denoise")(denoise.denoise)
app.command("deblur")(deblur.deblur)
app.command("dejpeg")(dejpeg.dejpeg)
app.command("inpaint")(inpaint.inpaint)
app.command("upscale")(upscale.upscale)
app.command("restore")(restore.restore)
app.command("corrupt")(corrupt.corrupt)
app.command("train")(train.train)
app.command("eval")(evaluate.evaluate)
app.command("models")(models.models)
app.command("report")(report.report)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exits with 0 success, 1 some files failed, 2 usage error."""
    return run_app(app, argv)


def run_app(typer_app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run a Typer app: every ImgrestoreError and every command-line parsing error becomes one line on
    stderr and its exit code (2 for usage mistakes); SIGINT/SIGTERM exit 130/143."""
    received = Received()
    try:
        with exit_on_signals() as received:
            code = typer_app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(code) is returned, not raised, here
            if code == 130 and received.signum is not None:  # Typer turned our Interrupted into Exit(130)
                _exit_interrupted(Interrupted(received.signum))
            sys.exit(code)
    except ImgrestoreError as exc:
        typer.echo(f"{exc.prefix}{exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:
        _exit_interrupted(exc if isinstance(exc, Interrupted) else Interrupted(received.signum or signal.SIGINT))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # parsing errors: unknown option, missing or invalid value
        if _is_no_args_help(exc):
            exc.show()  # a bare command name prints its help
            sys.exit(2)
        typer.echo(f"error: {_one_line(exc.format_message())}{_help_hint(exc)}", err=True)
        sys.exit(exc.exit_code)
    return 0


def _exit_interrupted(exc: Interrupted) -> None:
    typer.echo(f"interrupted by {exc.signal_name}", err=True)
    sys.exit(exc.exit_code)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _is_no_args_help(exc: Exception) -> bool:
    return any(kind.__name__ == "NoArgsIsHelpError" for kind in type(exc).__mro__)


def _help_hint(exc: Exception) -> str:
    context = getattr(exc, "ctx", None)
    path = getattr(context, "command_path", "") if context is not None else ""
    return f" (see `{path} --help`)" if path else ""
