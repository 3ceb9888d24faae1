"""``import crossent.evaluate`` stays light: Dask, Zarr and pyarrow load only when used."""

import subprocess
import sys

import pytest

HEAVY = ("dask", "distributed", "zarr", "pyarrow", "torch", "jax", "rich", "tensorflow")


@pytest.mark.parametrize("module", ["crossent.evaluate", "crossent.cli._evaluate"])
def test_import_does_not_pull_heavy_modules(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_streaming_numpy_files_imports_no_optional_dependency() -> None:
    code = (
        "import sys, numpy as np\n"
        "from crossent.evaluate import evaluate\n"
        "evaluate(np.zeros((4, 3)), np.zeros(4, dtype=np.int64), batch_bytes=32)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
