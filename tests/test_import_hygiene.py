"""`import crossent` must stay light: NumPy, never a framework, plotting or rich."""

import numpy as np
import pytest

from tests._python import python_output

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
    out = python_output(code)
    if out == "MISSING":
        pytest.skip(f"{module} does not exist yet")
    assert out == "[]"


def test_explaining_the_seed_does_not_import_ml_dtypes() -> None:
    # ml_dtypes 0.7's extension takes ~0.9 s to initialise on the 2-CPU machines (against
    # 0.35 s for the whole `crossent explain` start otherwise); it is imported only when
    # a bfloat16 is asked for. Every mirror module the seed explanation loads counts.
    code = (
        "import sys, numpy as np, crossent\n"
        "y = np.eye(3); p = np.array([[.9, .05, .05], [.5, .89, .6], [.05, .01, .94]])\n"
        "crossent.explain(y, p, observed=0.0946,\n"
        "                 against='keras.losses.CategoricalCrossentropy')\n"
        "from crossent.frameworks import keras, optax, tf, tf_keras, torch  # noqa\n"
        "print('ml_dtypes' in sys.modules)\n"
    )
    out = python_output(code)
    assert out == "False"


def test_bfloat16_is_still_recognised_without_importing_it_first() -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes")
    from crossent.frameworks.keras._loss import compute_dtype
    from crossent.frameworks.optax._jax import is_floating
    from crossent.frameworks.torch._ops import is_float, is_reduced, opmath

    bf16 = np.dtype(ml_dtypes.bfloat16)
    assert compute_dtype("mixed_bfloat16", "test") == bf16
    assert is_floating(bf16)
    assert is_float(bf16)
    assert is_reduced(bf16)
    assert opmath(bf16) == np.float32
    assert not is_reduced(np.float32)
    assert not is_float(np.int32)
