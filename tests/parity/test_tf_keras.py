"""Live parity: the tf_keras mirrors against the installed tf_keras (Keras 2.x).

Run with ``python -m pytest -m parity tests/parity/test_tf_keras.py`` in an environment
with tensorflow and tf-keras. Inputs are drawn by hypothesis (derandomized, so runs
repeat); every value is held to the fidelity bar of docs/design.md,
4·eps(dtype)·(1 + |x|)·sqrt(terms), with the same dtype, shape, NaN/inf pattern and
exception class. Gradients of ``sum(output)`` in float64 are compared with central
differences of the mirror.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable
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

from crossent.errors import FrameworkError  # noqa: E402
from crossent.frameworks import tf_keras as tk  # noqa: E402

SETTINGS = settings(
    max_examples=int(os.environ.get("CROSSENT_PARITY_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DTYPES = st.sampled_from(["float32", "float64"])
DTYPES16 = st.sampled_from(["float32", "float64", "float16"])
SEEDS = st.integers(0, 2**31 - 1)
SMOOTHING = st.sampled_from([0.0, 0.1, 0.35])
REDUCTIONS = st.sampled_from(["auto", "sum_over_batch_size", "sum", "none"])
WEIGHTS = st.sampled_from(["none", "B", "B1", "scalar", "zeros"])


# --- helpers ------------------------------------------------------------------------


def _np(x: Any) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def assert_parity(ours: Any, theirs: Any, terms: int = 1) -> None:
    """The fidelity bar: dtype, shape, NaN/inf pattern, 4·eps·(1+|x|)·√terms."""
    ours, theirs = np.asarray(ours), _np(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    a, e = ours.astype(np.float64), theirs.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e), "NaN pattern")
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(e), "+inf pattern")
    np.testing.assert_array_equal(np.isneginf(a), np.isneginf(e), "-inf pattern")
    tol = (
        4 * float(np.finfo(theirs.dtype).eps) * (1 + np.abs(e)) * np.sqrt(max(terms, 1))
    )
    finite = np.isfinite(e)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
    assert np.all(diff[finite] <= tol[finite]), (a, e, (diff - tol).max())


def call_quietly(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def same_outcome(
    ours: Callable[[], Any], theirs: Callable[[], Any], terms: int = 1
) -> None:
    """Both return numbers that agree, or both raise the same class of exception."""
    try:
        expected, failure = call_quietly(theirs), None
    except Exception as err:  # the framework's exception class is what we compare
        expected, failure = None, err
    if failure is None:
        assert_parity(ours(), expected, terms)
        return
    name = type(failure).__name__
    with pytest.raises(Exception) as info:
        ours()
    got = info.value
    mro = {c.__name__ for c in type(got).__mro__}
    assert name in mro or getattr(got, "framework_type", None) == name, (
        f"framework raised {name}({failure}); mirror raised {type(got).__name__}({got})"
    )


def rows(r: np.random.Generator, shape: tuple[int, ...], kind: str) -> np.ndarray:
    """Probability rows (``probs``), unnormalised rows with exact 0/1, or logits."""
    if kind == "logits":
        return r.normal(size=shape) * 3
    p = np.exp(r.normal(size=shape) * 1.5)
    p /= p.sum(-1, keepdims=True)
    if kind == "edge":
        mask = r.random(shape) < 0.25
        p = np.where(mask, r.choice([0.0, 1.0, 1e-9], size=shape), p)
    return p


def one_hot(r: np.random.Generator, batch: int, classes: int, soft: bool) -> np.ndarray:
    if soft:
        y = r.random((batch, classes))
        return y / y.sum(-1, keepdims=True)
    return np.eye(classes)[r.integers(0, classes, batch)]


def sample_weight(r: np.random.Generator, kind: str, batch: int, dtype: str) -> Any:
    if kind == "none":
        return None
    if kind == "scalar":
        return 2.0
    w = r.uniform(0, 2, batch).astype(dtype)
    if kind == "zeros":
        w[: max(1, batch // 2)] = 0
    return w[:, None] if kind == "B1" else w


# --- categorical ------------------------------------------------------------------


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    soft=st.booleans(),
    ls=SMOOTHING,
    batch=st.integers(1, 5),
    classes=st.integers(2, 6),
)
def test_categorical_functions(
    seed: int, dtype: str, kind: str, soft: bool, ls: float, batch: int, classes: int
) -> None:
    r = np.random.default_rng(seed)
    y = one_hot(r, batch, classes, soft).astype(dtype)
    p = rows(r, (batch, classes), kind).astype(dtype)
    logits = kind == "logits"
    same_outcome(
        lambda: tk.losses.categorical_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls
        ),
        lambda: tf_keras.losses.categorical_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls
        ),
        classes,
    )
    same_outcome(
        lambda: tk.backend.categorical_crossentropy(y, p, from_logits=logits),
        lambda: tf_keras.backend.categorical_crossentropy(y, p, from_logits=logits),
        classes,
    )
    same_outcome(
        lambda: tk.losses.categorical_focal_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls, gamma=1.5
        ),
        lambda: tf_keras.losses.categorical_focal_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls, gamma=1.5
        ),
        classes,
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    axis=st.sampled_from([0, 1, 2, -1]),
    logits=st.booleans(),
)
def test_categorical_axis(seed: int, dtype: str, axis: int, logits: bool) -> None:
    r = np.random.default_rng(seed)
    shape = (2, 3, 4)
    labels = r.integers(0, shape[axis], size=tuple(np.delete(shape, axis)))
    y = np.moveaxis(np.eye(shape[axis])[labels], -1, axis).astype(dtype)
    p = np.moveaxis(
        rows(r, tuple(np.roll(shape, -axis - 1 if axis >= 0 else 0)), "probs"), -1, axis
    )
    p = (r.normal(size=shape) * 2 if logits else p.reshape(shape)).astype(dtype)
    for mirror, real in (
        (tk.losses.categorical_crossentropy, tf_keras.losses.categorical_crossentropy),
        (
            tk.losses.categorical_focal_crossentropy,
            tf_keras.losses.categorical_focal_crossentropy,
        ),
    ):
        same_outcome(
            lambda m=mirror: m(
                y, p, from_logits=logits, axis=axis, label_smoothing=0.2
            ),
            lambda f=real: f(y, p, from_logits=logits, axis=axis, label_smoothing=0.2),
            shape[axis],
        )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    reduction=REDUCTIONS,
    weights=WEIGHTS,
    logits=st.booleans(),
    batch=st.integers(1, 5),
)
def test_categorical_classes(
    seed: int, dtype: str, reduction: str, weights: str, logits: bool, batch: int
) -> None:
    r = np.random.default_rng(seed)
    y = one_hot(r, batch, 3, False).astype(dtype)
    p = rows(r, (batch, 3), "logits" if logits else "probs").astype(dtype)
    sw = sample_weight(r, weights, batch, dtype)
    for mirror, real in (
        (tk.losses.CategoricalCrossentropy, tf_keras.losses.CategoricalCrossentropy),
        (
            tk.losses.CategoricalFocalCrossentropy,
            tf_keras.losses.CategoricalFocalCrossentropy,
        ),
    ):
        ours = mirror(from_logits=logits, reduction=reduction)
        theirs = real(from_logits=logits, reduction=reduction)
        same_outcome(
            lambda o=ours: o(y, p, sw), lambda t=theirs: t(y, p, sw), 3 * batch
        )


# --- sparse -----------------------------------------------------------------------


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    ignore=st.sampled_from([None, -1, 0]),
    batch=st.integers(1, 6),
    classes=st.integers(2, 5),
    column=st.booleans(),
)
def test_sparse_functions(
    seed: int,
    dtype: str,
    kind: str,
    ignore: int | None,
    batch: int,
    classes: int,
    column: bool,
) -> None:
    r = np.random.default_rng(seed)
    y = r.integers(-1 if ignore == -1 else 0, classes, batch)
    if column:
        y = y[:, None]
    p = rows(r, (batch, classes), kind).astype(dtype)
    logits = kind == "logits"
    same_outcome(
        lambda: tk.losses.sparse_categorical_crossentropy(
            y, p, from_logits=logits, ignore_class=ignore
        ),
        lambda: tf_keras.losses.sparse_categorical_crossentropy(
            y, p, from_logits=logits, ignore_class=ignore
        ),
        classes,
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    axis=st.sampled_from([0, 1, 2, -1]),
    logits=st.booleans(),
    ignore=st.sampled_from([None, 1]),
)
def test_sparse_axis(
    seed: int, dtype: str, axis: int, logits: bool, ignore: int | None
) -> None:
    r = np.random.default_rng(seed)
    shape = (2, 3, 4)
    labels = r.integers(0, shape[axis], size=tuple(np.delete(shape, axis % 3)))
    p = np.moveaxis(rows(r, (2, 3, 4), "logits" if logits else "probs"), -1, axis)
    p = np.ascontiguousarray(p).astype(dtype)
    c = p.shape[axis]
    labels = r.integers(0, c, size=tuple(np.delete(p.shape, axis % 3)))
    same_outcome(
        lambda: tk.backend.sparse_categorical_crossentropy(
            labels, p, from_logits=logits, axis=axis, ignore_class=ignore
        ),
        lambda: tf_keras.backend.sparse_categorical_crossentropy(
            labels, p, from_logits=logits, axis=axis, ignore_class=ignore
        ),
        c,
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    reduction=REDUCTIONS,
    weights=WEIGHTS,
    ignore=st.sampled_from([None, -1]),
    sequence=st.booleans(),
)
def test_sparse_class(
    seed: int,
    dtype: str,
    reduction: str,
    weights: str,
    ignore: int | None,
    sequence: bool,
) -> None:
    r = np.random.default_rng(seed)
    batch = 4
    shape = (batch, 3) if sequence else (batch,)
    y = r.integers(-1 if ignore is not None else 0, 3, shape)
    z = rows(r, (*shape, 3), "logits").astype(dtype)
    sw = sample_weight(r, weights, batch, dtype)
    ours = tk.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=ignore, reduction=reduction
    )
    theirs = tf_keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=ignore, reduction=reduction
    )
    same_outcome(lambda: ours(y, z, sw), lambda: theirs(y, z, sw), 3 * y.size)


# --- binary -----------------------------------------------------------------------


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    ls=SMOOTHING,
    shape=st.sampled_from([(4,), (3, 1), (2, 5), (2, 3, 2)]),
    axis=st.sampled_from([-1, 0]),
    soft=st.booleans(),
)
def test_binary_functions(
    seed: int,
    dtype: str,
    kind: str,
    ls: float,
    shape: tuple[int, ...],
    axis: int,
    soft: bool,
) -> None:
    r = np.random.default_rng(seed)
    y = (r.random(shape) if soft else r.integers(0, 2, shape)).astype(dtype)
    if kind == "logits":
        p = r.normal(size=shape) * 4
    else:
        p = r.random(shape)
        if kind == "edge":
            p = np.where(
                r.random(shape) < 0.3, r.choice([0.0, 1.0, 1e-9, 1 - 1e-9], shape), p
            )
    p = p.astype(dtype)
    logits = kind == "logits"
    n = shape[axis]
    same_outcome(
        lambda: tk.losses.binary_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls, axis=axis
        ),
        lambda: tf_keras.losses.binary_crossentropy(
            y, p, from_logits=logits, label_smoothing=ls, axis=axis
        ),
        n,
    )
    same_outcome(
        lambda: tk.backend.binary_crossentropy(y, p, from_logits=logits),
        lambda: tf_keras.backend.binary_crossentropy(y, p, from_logits=logits),
    )
    for balance in (False, True):
        same_outcome(
            lambda b=balance: tk.losses.binary_focal_crossentropy(
                y,
                p,
                apply_class_balancing=b,
                alpha=0.4,
                gamma=2.5,
                from_logits=logits,
                label_smoothing=ls,
                axis=axis,
            ),
            lambda b=balance: tf_keras.losses.binary_focal_crossentropy(
                y,
                p,
                apply_class_balancing=b,
                alpha=0.4,
                gamma=2.5,
                from_logits=logits,
                label_smoothing=ls,
                axis=axis,
            ),
            n,
        )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    reduction=REDUCTIONS,
    weights=WEIGHTS,
    logits=st.booleans(),
    batch=st.integers(1, 5),
)
def test_binary_classes(
    seed: int, dtype: str, reduction: str, weights: str, logits: bool, batch: int
) -> None:
    r = np.random.default_rng(seed)
    y = r.integers(0, 2, (batch, 3)).astype(dtype)
    p = (r.normal(size=(batch, 3)) * 3 if logits else r.random((batch, 3))).astype(
        dtype
    )
    sw = sample_weight(r, weights, batch, dtype)
    for mirror, real in (
        (tk.losses.BinaryCrossentropy, tf_keras.losses.BinaryCrossentropy),
        (tk.losses.BinaryFocalCrossentropy, tf_keras.losses.BinaryFocalCrossentropy),
    ):
        ours = mirror(from_logits=logits, reduction=reduction, label_smoothing=0.1)
        theirs = real(from_logits=logits, reduction=reduction, label_smoothing=0.1)
        same_outcome(
            lambda o=ours: o(y, p, sw), lambda t=theirs: t(y, p, sw), 3 * batch
        )


def test_infinite_and_nan_inputs() -> None:
    z = np.float32([[np.inf], [-np.inf], [np.inf], [-np.inf], [np.nan]])
    y = np.float32([[0], [1], [1], [0], [1]])
    same_outcome(
        lambda: tk.losses.binary_crossentropy(y, z, from_logits=True),
        lambda: tf_keras.losses.binary_crossentropy(y, z, from_logits=True),
    )
    same_outcome(
        lambda: tk.losses.binary_focal_crossentropy(y, z, from_logits=True),
        lambda: tf_keras.losses.binary_focal_crossentropy(y, z, from_logits=True),
    )
    p = np.float32([[np.nan, 0.5, 0.5], [0, 0, 0], [np.inf, 0, 0]])
    yc = np.float32([[1, 0, 0], [1, 0, 0], [0, 1, 0]])
    for fn, real in (
        (tk.losses.categorical_crossentropy, tf_keras.losses.categorical_crossentropy),
        (
            tk.losses.categorical_focal_crossentropy,
            tf_keras.losses.categorical_focal_crossentropy,
        ),
    ):
        for logits in (False, True):
            same_outcome(
                lambda f=fn, lg=logits: f(yc, p, from_logits=lg),
                lambda f=real, lg=logits: f(yc, p, from_logits=lg),
                3,
            )
    same_outcome(
        lambda: tk.losses.sparse_categorical_crossentropy(np.array([0, 0, 1]), p),
        lambda: tf_keras.losses.sparse_categorical_crossentropy(np.array([0, 0, 1]), p),
        3,
    )


# --- exceptions -------------------------------------------------------------------

BAD_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    (
        "cce shape",
        lambda m: m.losses.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4))),
    ),
    (
        "cce axis bool",
        lambda m: m.losses.categorical_crossentropy(np.eye(2), np.eye(2), axis=True),
    ),
    (
        "backend dtype",
        lambda m: m.backend.categorical_crossentropy(
            np.eye(2), np.eye(2, dtype=np.float32)
        ),
    ),
    (
        "bce broadcast",
        lambda m: m.losses.binary_crossentropy(np.ones((4, 3)), np.full((4, 2), 0.5)),
    ),
    (
        "bce logits shape",
        lambda m: m.backend.binary_crossentropy(
            np.ones((4, 1), np.float32), np.zeros((4, 3), np.float32), from_logits=True
        ),
    ),
    (
        "scce label 3",
        lambda m: m.losses.sparse_categorical_crossentropy(
            np.array([0, 3]), np.float32([[0.2, 0.3, 0.5]] * 2)
        ),
    ),
    (
        "scce label -1",
        lambda m: m.backend.sparse_categorical_crossentropy(
            np.array([-1]), np.float32([[0.2, 0.3, 0.5]]), from_logits=True
        ),
    ),
    (
        "scce label count",
        lambda m: m.losses.sparse_categorical_crossentropy(
            np.array([0, 1, 2]), np.float32([[0.2, 0.3, 0.5]] * 2)
        ),
    ),
    ("reduction", lambda m: m.losses.BinaryCrossentropy(reduction="mean")),
    (
        "1-D BCE with weights",
        lambda m: m.losses.BinaryCrossentropy()(
            np.float32([0, 1]), np.float32([0.9, 0.9]), sample_weight=np.float32([1, 0])
        ),
    ),
    (
        "weights (B,2) on (B,)",
        lambda m: m.losses.CategoricalCrossentropy()(
            np.eye(3, dtype=np.float32)[:2],
            np.float32([[0.3, 0.3, 0.4], [0.5, 0.2, 0.3]]),
            sample_weight=np.float32([[1, 2], [3, 4]]),
        ),
    ),
    (
        "weights (3,) on (2,)",
        lambda m: m.losses.CategoricalCrossentropy()(
            np.eye(3, dtype=np.float32)[:2],
            np.float32([[0.3, 0.3, 0.4], [0.5, 0.2, 0.3]]),
            sample_weight=np.float32([1, 2, 3]),
        ),
    ),
]


@pytest.mark.parametrize(("what", "call"), BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_invalid_inputs_raise_the_same_class(
    what: str, call: Callable[[Any], Any]
) -> None:
    with pytest.raises(Exception) as real:
        call_quietly(lambda: call(tf_keras))
    name = type(real.value).__name__
    with pytest.raises(Exception) as ours:
        call(tk)
    got = ours.value
    assert name in {c.__name__ for c in type(got).__mro__} or (
        isinstance(got, FrameworkError) and got.framework_type == name
    ), (what, name, got)


# --- gradients --------------------------------------------------------------------


def central_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


def tf_gradient(f: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        out = tf.reduce_sum(call_quietly(lambda: f(t)))
    return tape.gradient(out, t).numpy()


GRADIENT_CASES: list[tuple[str, str, Callable[..., Any], Callable[..., Any]]] = [
    (
        "cce",
        "probs",
        tk.losses.categorical_crossentropy,
        lambda y, p: tf_keras.losses.categorical_crossentropy(y, p),
    ),
    (
        "cce logits",
        "logits",
        lambda y, p: tk.losses.categorical_crossentropy(y, p, from_logits=True),
        lambda y, p: tf_keras.losses.categorical_crossentropy(y, p, from_logits=True),
    ),
    (
        "cfc",
        "probs",
        tk.losses.categorical_focal_crossentropy,
        lambda y, p: tf_keras.losses.categorical_focal_crossentropy(y, p),
    ),
    (
        "cfc logits",
        "logits",
        lambda y, p: tk.losses.categorical_focal_crossentropy(y, p, from_logits=True),
        lambda y, p: tf_keras.losses.categorical_focal_crossentropy(
            y, p, from_logits=True
        ),
    ),
    (
        "bce",
        "binary",
        tk.losses.binary_crossentropy,
        lambda y, p: tf_keras.losses.binary_crossentropy(y, p),
    ),
    (
        "bce logits",
        "logits",
        lambda y, p: tk.losses.binary_crossentropy(y, p, from_logits=True),
        lambda y, p: tf_keras.losses.binary_crossentropy(y, p, from_logits=True),
    ),
    (
        "bfc",
        "binary",
        tk.losses.binary_focal_crossentropy,
        lambda y, p: tf_keras.losses.binary_focal_crossentropy(y, p),
    ),
    (
        "bfc logits",
        "logits",
        lambda y, p: tk.losses.binary_focal_crossentropy(
            y, p, from_logits=True, apply_class_balancing=True
        ),
        lambda y, p: tf_keras.losses.binary_focal_crossentropy(
            y, p, from_logits=True, apply_class_balancing=True
        ),
    ),
    (
        "CCE class",
        "probs",
        lambda y, p: tk.losses.CategoricalCrossentropy(label_smoothing=0.1)(
            y, p, np.array([1.0, 0.5])
        ),
        lambda y, p: tf_keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(
            y, p, np.array([1.0, 0.5])
        ),
    ),
]


@pytest.mark.parametrize(
    ("what", "kind", "mirror", "real"),
    GRADIENT_CASES,
    ids=[c[0] for c in GRADIENT_CASES],
)
def test_gradients_match_central_differences(
    what: str, kind: str, mirror: Callable[..., Any], real: Callable[..., Any]
) -> None:
    r = np.random.default_rng(7)
    if kind == "binary":
        y = r.integers(0, 2, (2, 3)).astype(np.float64)
        p = r.uniform(0.1, 0.9, (2, 3))
    else:
        y = np.eye(3)[[0, 2]]
        p = rows(r, (2, 3), "logits" if kind == "logits" else "probs")
        if kind == "probs":
            p = 0.8 * p + 0.2 / 3  # away from the clip
    theirs = tf_gradient(lambda t: real(y, t), p)
    ours = central_difference(lambda x: mirror(y, x), p)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("logits", [False, True])
def test_sparse_gradient(logits: bool) -> None:
    r = np.random.default_rng(3)
    y = np.array([0, 2, 1])
    p = rows(r, (3, 3), "logits" if logits else "probs")
    theirs = tf_gradient(
        lambda t: tf_keras.losses.sparse_categorical_crossentropy(
            y, t, from_logits=logits
        ),
        p,
    )
    ours = central_difference(
        lambda x: tk.losses.sparse_categorical_crossentropy(y, x, from_logits=logits), p
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


# --- signatures -------------------------------------------------------------------

SIGNATURES = [
    *(f"losses.{n}" for n in tk.losses.__all__ if n not in ("Loss", "Reduction")),
    *(f"backend.{n}" for n in tk.backend.__all__),
]


@pytest.mark.parametrize("name", SIGNATURES)
def test_signature_matches(name: str) -> None:
    module, attr = name.split(".")
    ours = getattr(getattr(tk, module), attr)
    theirs = getattr(getattr(tf_keras, module), attr)
    params = [
        (p.name, p.default, p.kind) for p in inspect.signature(ours).parameters.values()
    ]
    expected = [
        (p.name, p.default, p.kind)
        for p in inspect.signature(theirs).parameters.values()
    ]
    assert params == expected
