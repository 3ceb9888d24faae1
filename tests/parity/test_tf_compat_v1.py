"""Live parity: the tf.compat.v1.losses mirrors against the installed TensorFlow
(2.21, eager).

Every case runs the real loss on tensors (``tf.constant``; Python floats stay
Python floats) and the mirror on the same NumPy arrays. Tolerance 8·eps(float32)
relative (the reduction is float32 in both; TensorFlow's tree sum and NumPy's
pairwise sum differ in the last bits) plus 1e-6 absolute; same dtype, shape and
NaN pattern; where TensorFlow raises, the mirror raises a ValueError or
TypeError.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from crossent.frameworks.tf.compat.v1 import losses as mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(690)
REDUCTIONS = list(dict.fromkeys(tf.compat.v1.losses.Reduction.all()))


def _case(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    conv = lambda v: tf.constant(v) if isinstance(v, np.ndarray) else v  # noqa: E731
    try:
        theirs = getattr(tf.compat.v1.losses, name)(
            *map(conv, args), **{k: conv(v) for k, v in kwargs.items()}
        ).numpy()
    except Exception:  # TensorFlow's refusal is the expectation
        with pytest.raises((ValueError, TypeError)):
            getattr(mirror, name)(*args, **kwargs)
        return
    ours = getattr(mirror, name)(*args, **kwargs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(
        ours.astype(np.float64),
        theirs.astype(np.float64),
        rtol=8 * float(np.finfo(np.float32).eps),
        atol=1e-6,
        equal_nan=True,
    )


WEIGHTS = {
    "scalar": 1.0,
    "half": 0.5,
    "zero": 0.0,
    "per-sample": np.float32([1, 0, 2, 0.5, 0, 3]),
    "all-zero": np.zeros(6, np.float32),
}


@pytest.mark.parametrize("weights", list(WEIGHTS), ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_sparse(weights: str, reduction: str, dtype: Any) -> None:
    z = (RNG.standard_normal((6, 4)) * 3).astype(dtype)
    ids = RNG.integers(0, 4, 6)
    y = np.eye(4, dtype=dtype)[ids]
    w = WEIGHTS[weights]
    _case("softmax_cross_entropy", [y, z], {"weights": w, "reduction": reduction})
    _case(
        "softmax_cross_entropy",
        [y, z],
        {"weights": w, "reduction": reduction, "label_smoothing": 0.2},
    )
    _case(
        "sparse_softmax_cross_entropy", [ids, z], {"weights": w, "reduction": reduction}
    )
    _case(
        "sparse_softmax_cross_entropy",
        [ids[:, None], z],
        {"weights": w, "reduction": reduction},
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_log_loss(reduction: str, dtype: Any) -> None:
    z = (RNG.standard_normal((3, 5)) * 4).astype(dtype)
    y = RNG.integers(0, 2, (3, 5)).astype(dtype)
    p = RNG.uniform(0, 1, (3, 5)).astype(dtype)
    p[0, 0], p[1, 1] = 0.0, 1.0
    for w in (1.0, np.float32([[1.0], [0.0], [2.0]]), np.float32([[0.5, 0, 1, 2, 0]])):
        _case("sigmoid_cross_entropy", [y, z], {"weights": w, "reduction": reduction})
        _case(
            "sigmoid_cross_entropy",
            [y, z],
            {"weights": w, "reduction": reduction, "label_smoothing": 0.1},
        )
        _case("log_loss", [y, p], {"weights": w, "reduction": reduction})


def test_edge_cases() -> None:
    z = np.float32([[3e38, 0, -3e38, 1]])
    _case("softmax_cross_entropy", [np.float32([[0, 1, 0, 0]]), z], {})  # NaN
    _case(
        "softmax_cross_entropy",
        [np.eye(4, dtype=np.float32)[:2], np.zeros((2, 4), np.float32)],
        {"weights": np.float32([[1], [2]])},
    )  # rank: ValueError
    _case(
        "softmax_cross_entropy",
        [np.eye(4, dtype=np.float32)[:2], np.zeros((2, 4), np.float32)],
        {"reduction": "mean"},
    )  # invalid key
    _case("log_loss", [np.float32([1, 0]), np.float32([1.5, -0.5])], {})  # NaN
