"""Every command explains itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from imgrestore.cli.app import app, main
from weights_tools.cli import app as wt_app
from weights_tools.cli import main as wt_main

from helpers import run


def command_names(typer_app) -> list[list[str]]:
    """The top level and every registered command, so a new command cannot go untested."""
    return [[]] + [[info.name or info.callback.__name__] for info in typer_app.registered_commands]


def test_every_command_is_registered():
    assert {c[0] for c in command_names(app)[1:]} >= {"denoise", "inpaint", "upscale", "restore", "corrupt", "train",
                                                      "eval", "models"}


@pytest.mark.parametrize("command", command_names(app), ids=lambda c: " ".join(c) or "imgrestore")
def test_imgrestore_help(capsys, command):
    code, out, _ = run(main, capsys, *command, "--help")
    assert code == 0
    assert "Usage" in out


def test_denoise_help_names_the_important_flags(capsys):
    _, out, _ = run(main, capsys, "denoise", "--help")
    for flag in ("--model", "--tile", "--overlap", "--batch-size", "--device", "--precision", "--sharpen",
                 "--sharpen-amount", "--recursive", "--suffix", "--skip-existing", "--report", "--dry-run", "--format"):
        assert flag in out, flag


@pytest.mark.parametrize("command", command_names(wt_app), ids=lambda c: " ".join(c) or "weights-tools")
def test_weights_tools_help(capsys, command):
    code, out, _ = run(wt_main, capsys, *command, "--help")
    assert code == 0 and "Usage" in out


def test_python_dash_m_works():
    done = subprocess.run([sys.executable, "-m", "imgrestore", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "denoise" in done.stdout


def test_version_prints_the_package_version(capsys):
    from imgrestore import __version__

    code, out, _ = run(main, capsys, "--version")
    assert code == 0 and out.strip() == f"imgrestore {__version__}"
