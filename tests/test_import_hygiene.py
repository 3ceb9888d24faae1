"""`import crossent` must stay light: NumPy, never a framework, plotting or rich."""

import subprocess
import sys

import pytest

FORBIDDEN = (
    "torch",
    "tensorflow",
    "jax",
    "keras",
    "sklearn",
    "matplotlib",
    "rich",
    "numba",
)


@pytest.mark.parametrize(
    "module", ["crossent", "crossent.frameworks", "crossent.explain"]
)
def test_import_does_not_pull_heavy_modules(module: str) -> None:
    code = (
        "import importlib, sys\n"
        "try:\n"
        f"    importlib.import_module({module!r})\n"
        "except ModuleNotFoundError as err:\n"
        f"    if err.name != {module!r}: raise\n"
        "    print('MISSING'); raise SystemExit(0)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    if out == "MISSING":
        pytest.skip(f"{module} does not exist yet")
    assert out == "[]"
