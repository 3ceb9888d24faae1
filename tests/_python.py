"""Running a snippet in a fresh interpreter, for what only a new process shows
(which modules an import or a call loads)."""

from __future__ import annotations

import subprocess
import sys


def python_output(code: str) -> str:
    """The stripped standard output of ``python -c code`` (raises if it fails)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
