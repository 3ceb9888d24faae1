"""Live parity: the mlx.nn.losses mirrors against the installed MLX (0.32.4 with
mlx-cpu, Linux x86-64; the CPU path).

Inputs are handed to MLX as ``mx.array`` of the NumPy arrays (float64 becomes
float32 there, as in the mirror). Tolerance 16·eps(float32) relative plus 4·eps
absolute; same dtype and shape; where MLX raises, the mirror raises a ValueError
or TypeError.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

mx = pytest.importorskip("mlx.core")
mlx_losses = pytest.importorskip("mlx.nn.losses")

from crossent.frameworks.mlx.nn import losses as mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(4745)
EPS = float(np.finfo(np.float32).eps)


def check(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    conv = lambda v: mx.array(v) if isinstance(v, np.ndarray) else v  # noqa: E731
    try:
        theirs = np.array(
            getattr(mlx_losses, name)(
                *map(conv, args), **{k: conv(v) for k, v in kwargs.items()}
            )
        )
    except Exception:  # MLX's refusal is the expectation
        with pytest.raises((ValueError, TypeError)):
            getattr(mirror, name)(*args, **kwargs)
        return
    ours = getattr(mirror, name)(*args, **kwargs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(
        ours, theirs, rtol=16 * EPS, atol=4 * EPS, equal_nan=True
    )


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy(reduction: str, dtype: Any) -> None:
    z = (RNG.standard_normal((5, 4)) * 3).astype(dtype)
    z[0] = [2e4, 0, 0, 1]
    ids = RNG.integers(0, 4, 5)
    probs = RNG.dirichlet(np.ones(4), 5).astype(dtype)
    w = RNG.uniform(0, 2, 5).astype(np.float32)
    for ls in (0.0, 0.1):
        check(
            "cross_entropy", [z, ids], {"reduction": reduction, "label_smoothing": ls}
        )
        check(
            "cross_entropy", [z, probs], {"reduction": reduction, "label_smoothing": ls}
        )
        check(
            "cross_entropy",
            [z, ids],
            {"reduction": reduction, "weights": w, "label_smoothing": ls},
        )
    z3 = (RNG.standard_normal((2, 4, 3)) * 3).astype(dtype)
    check(
        "cross_entropy",
        [z3, RNG.integers(0, 4, (2, 3))],
        {"axis": 1, "reduction": reduction},
    )
    check("cross_entropy", [z, ids], {"label_smoothing": 1.0})
    check("cross_entropy", [z, ids], {"weights": w[:3]})
    check("cross_entropy", [z, ids], {"reduction": "avg"})


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_binary_cross_entropy(reduction: str) -> None:
    x = (RNG.standard_normal((4, 3)) * 5).astype(np.float32)
    y = RNG.integers(0, 2, (4, 3)).astype(np.float32)
    p = RNG.uniform(0, 1, (4, 3)).astype(np.float32)
    p[0, 0], p[1, 1], p[2, 2] = 0.0, 1.0, 1.5
    w = RNG.uniform(0, 2, (4, 3)).astype(np.float32)
    check("binary_cross_entropy", [x, y], {"reduction": reduction})
    check("binary_cross_entropy", [x, y], {"reduction": reduction, "weights": w})
    with np.errstate(invalid="ignore"):
        check(
            "binary_cross_entropy",
            [p, y],
            {"reduction": reduction, "with_logits": False},
        )
    check("binary_cross_entropy", [x, y[:2]], {})
