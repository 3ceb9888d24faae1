"""Run the ``crossent`` console script in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _command() -> list[str]:
    script = Path(sys.executable).with_name("crossent")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "crossent"]  # running from a source tree


@pytest.fixture
def run_cli():
    """``run_cli(*args, stdin=None, env=None)`` → CompletedProcess (text)."""

    def run(*args: str, stdin: str | None = None, env: dict | None = None, cwd=None):
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **(env or {})}
        return subprocess.run(
            [*_command(), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            cwd=cwd,
            timeout=120,
            check=False,
        )

    return run
