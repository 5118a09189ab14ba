"""Every command in the README runs as shown (install lines aside), in a folder holding a copy of examples/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def commands() -> list[str]:
    """Shell commands of the README's bash blocks, continuation lines joined; installs and the test run left out."""
    found = []
    for block in blocks("bash"):
        for command in block.replace("\\\n", " ").splitlines():
            command = command.strip()
            if command and not command.startswith(("pip ", "#")):
                found.append(command)
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    (folder / "imgrestore").symlink_to(ROOT / "imgrestore")  # `weights-tools inspect imgrestore/weights/...`
    return folder


def test_the_readme_has_commands():
    assert len(commands()) >= 20 and blocks("python")


def test_every_readme_command_runs(workdir):
    bin_dir = Path(sys.executable).parent  # the console scripts of the environment running the tests
    env_path = f"{bin_dir}:{__import__('os').environ.get('PATH', '')}"
    for command in commands():  # in order: later commands use what earlier ones wrote
        done = subprocess.run(["bash", "-c", command], cwd=workdir, capture_output=True, text=True, timeout=600,
                              env={**__import__("os").environ, "PATH": env_path})
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, command
    for block in blocks("python"):
        done = subprocess.run([sys.executable, "-c", block], cwd=workdir, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{block}\n{done.stderr[-2000:]}"
