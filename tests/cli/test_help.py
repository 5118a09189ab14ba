"""Every command explains itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from imgrestore.cli.app import main
from weights_tools.cli import main as wt_main

from helpers import run


@pytest.mark.parametrize("command", [[], ["denoise"], ["corrupt"], ["train"], ["eval"], ["models"]])
def test_imgrestore_help(capsys, command):
    code, out, _ = run(main, capsys, *command, "--help")
    assert code == 0
    assert "Usage" in out


def test_denoise_help_names_the_important_flags(capsys):
    _, out, _ = run(main, capsys, "denoise", "--help")
    for flag in ("--model", "--tile", "--overlap", "--batch-size", "--device", "--precision", "--sharpen",
                 "--sharpen-amount", "--recursive", "--suffix", "--skip-existing", "--report", "--dry-run", "--format"):
        assert flag in out, flag


@pytest.mark.parametrize("command", [[], ["inspect"], ["convert"], ["verify"]])
def test_weights_tools_help(capsys, command):
    code, out, _ = run(wt_main, capsys, *command, "--help")
    assert code == 0 and "Usage" in out


def test_python_dash_m_works():
    done = subprocess.run([sys.executable, "-m", "imgrestore", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "denoise" in done.stdout
