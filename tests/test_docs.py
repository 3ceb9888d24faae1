"""The docs cannot drift: the frameworks table is generated, README examples run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from crossent.cli._frameworks_table import frameworks_table

ROOT = Path(__file__).resolve().parents[1]


def test_frameworks_table_is_current() -> None:
    # Regenerate with: crossent frameworks --markdown > docs/frameworks.md
    assert (
        ROOT / "docs" / "frameworks.md"
    ).read_text() == frameworks_table().to_markdown()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [
        line[2:].strip()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def _crossent() -> list[str]:
    script = Path(sys.executable).with_name("crossent")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crossent"]


@pytest.mark.parametrize("command", _readme_commands())
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    args = shlex.split(command)
    assert args[0] == "crossent", "README console examples must start with `crossent`"
    env = {**os.environ, "NO_COLOR": "1"}
    res = subprocess.run(
        [*_crossent(), *args[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert res.returncode in (0, 1), res.stderr  # identify exits 1 when nothing matches
    assert "Traceback" not in res.stderr
