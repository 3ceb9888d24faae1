"""Live parity for issue #14's tf_keras pieces: ``Reduction``, the backend focal
losses, and the single-class-column ``SyntaxWarning`` (tf_keras and Keras 3).

Run with ``python -m pytest -m parity tests/parity/test_tf_keras_round2.py``.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.parity

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    tf = pytest.importorskip("tensorflow")
    tf_keras = pytest.importorskip("tf_keras")
    real_keras = pytest.importorskip("keras")

from crossent.frameworks import keras as ck  # noqa: E402
from crossent.frameworks import tf_keras as tk  # noqa: E402

from .test_tf_keras import assert_parity  # noqa: E402

SETTINGS = settings(
    max_examples=int(os.environ.get("CROSSENT_PARITY_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def _np(x: Any) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def test_reduction_matches() -> None:
    theirs, ours = tf_keras.losses.Reduction, tk.losses.Reduction
    for key in ("AUTO", "NONE", "SUM", "SUM_OVER_BATCH_SIZE"):
        assert getattr(ours, key) == getattr(theirs, key)
    assert ours.all() == theirs.all()
    for bad in ("mean", None, "SUM"):
        with pytest.raises(ValueError) as real:
            theirs.validate(bad)
        with pytest.raises(ValueError) as mirror:
            ours.validate(bad)
        assert str(mirror.value) == str(real.value)


@pytest.mark.parametrize("key", ["NONE", "SUM", "SUM_OVER_BATCH_SIZE", "AUTO"])
def test_reduction_constants_drive_the_classes(key: str) -> None:
    r = np.random.default_rng(1)
    y = np.eye(4, dtype=np.float32)[r.integers(0, 4, 5)]
    p = r.dirichlet(np.ones(4), 5).astype(np.float32)
    theirs = tf_keras.losses.CategoricalCrossentropy(
        reduction=getattr(tf_keras.losses.Reduction, key)
    )(y, p)
    ours = tk.losses.CategoricalCrossentropy(
        reduction=getattr(tk.losses.Reduction, key)
    )(y, p)
    assert_parity(ours, theirs, terms=20)


@SETTINGS
@given(
    seed=st.integers(0, 2**31 - 1),
    dtype=st.sampled_from(["float32", "float64"]),
    logits=st.booleans(),
    balance=st.booleans(),
    alpha=st.sampled_from([0.25, 0.6]),
    gamma=st.sampled_from([0.0, 1.5, 2.0]),
)
def test_backend_binary_focal(
    seed: int, dtype: str, logits: bool, balance: bool, alpha: float, gamma: float
) -> None:
    r = np.random.default_rng(seed)
    y = r.integers(0, 2, (4, 3)).astype(dtype)
    p = (r.normal(0, 3, (4, 3)) if logits else r.uniform(0, 1, (4, 3))).astype(dtype)
    p[0, 0] = 0.0 if not logits else p[0, 0]  # a clipped probability
    kw = {
        "apply_class_balancing": balance,
        "alpha": alpha,
        "gamma": gamma,
        "from_logits": logits,
    }
    theirs = tf_keras.backend.binary_focal_crossentropy(
        tf.constant(y), tf.constant(p), **kw
    )
    assert_parity(tk.backend.binary_focal_crossentropy(y, p, **kw), theirs, terms=4)


@SETTINGS
@given(
    seed=st.integers(0, 2**31 - 1),
    dtype=st.sampled_from(["float32", "float64"]),
    logits=st.booleans(),
    alpha=st.sampled_from([0.25, 1.0]),
    gamma=st.sampled_from([0.0, 2.0]),
    axis=st.sampled_from([-1, 0]),
)
def test_backend_categorical_focal(
    seed: int, dtype: str, logits: bool, alpha: float, gamma: float, axis: int
) -> None:
    r = np.random.default_rng(seed)
    y = np.eye(3, dtype=dtype)[r.integers(0, 3, 4)]
    p = (r.normal(0, 3, (4, 3)) if logits else r.dirichlet(np.ones(3), 4)).astype(dtype)
    kw = {"alpha": alpha, "gamma": gamma, "from_logits": logits, "axis": axis}
    theirs = tf_keras.backend.categorical_focal_crossentropy(
        tf.constant(y), tf.constant(p), **kw
    )
    assert_parity(
        tk.backend.categorical_focal_crossentropy(y, p, **kw), theirs, terms=8
    )


def _syntax_warnings(call: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, SyntaxWarning)]


@pytest.mark.parametrize("family", ["tf_keras", "keras"])
@pytest.mark.parametrize(
    "name",
    [
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "CategoricalCrossentropy",
        "CategoricalFocalCrossentropy",
    ],
)
@pytest.mark.parametrize("shape", [(3, 1), (1,), (2, 4, 1), (3, 2)])
def test_single_class_warning_matches(family: str, name: str, shape: tuple) -> None:
    real = tf_keras if family == "tf_keras" else real_keras
    mirror = tk if family == "tf_keras" else ck
    y = np.ones(shape, np.float32)
    p = np.full(shape, 0.5, np.float32)

    def run(module: Any) -> Any:
        target = getattr(module.losses, name)
        return (target() if name[0].isupper() else target)(y, p)

    theirs = _syntax_warnings(lambda: run(real))
    ours = _syntax_warnings(lambda: run(mirror))
    assert ours == theirs
    assert bool(theirs) == (shape[-1] == 1)


@pytest.mark.parametrize("axis", [0, -2])
@pytest.mark.parametrize("kind", ["class", "function", "ops"])
def test_keras3_sparse_axis_message(axis: int, kind: str) -> None:
    y, p = np.array([0, 1]), np.float32([[0.5, 0.5], [0.2, 0.8]])

    def run(module: Any) -> None:
        if kind == "class":
            module.losses.SparseCategoricalCrossentropy(axis=axis)(y, p)
        elif kind == "function":
            module.losses.sparse_categorical_crossentropy(y, p, axis=axis)
        else:
            module.ops.sparse_categorical_crossentropy(y, p, axis=axis)

    with pytest.raises(ValueError) as real:
        run(real_keras)
    with pytest.raises(ValueError) as mirror:
        run(ck)
    assert str(real.value) in str(mirror.value)
