"""Live parity: the Keras 3 mirrors against the installed keras (TensorFlow backend).

Run with ``KERAS_BACKEND=tensorflow python -m pytest -m parity tests/parity/test_keras.py``.
Inputs are drawn by hypothesis (derandomized, so runs are repeatable); every value is
held to the fidelity bar of docs/design.md, 4·eps(dtype)·(1 + |x|)·sqrt(terms), with the
same dtype, shape, NaN/inf pattern and exception class. Gradients of ``sum(output)``
in float64 are compared with central differences of the mirror.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.parity

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
if keras.backend.backend() != "tensorflow":  # pragma: no cover - environment
    pytest.skip(
        "the Keras mirrors follow the TensorFlow backend", allow_module_level=True
    )

import crossent.frameworks as cf  # noqa: E402
from crossent.frameworks import keras as mk  # noqa: E402

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
REDUCTIONS = st.sampled_from(
    ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
)


# --- helpers ------------------------------------------------------------------------


def _np(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def assert_parity(ours, theirs, terms: int = 1) -> None:
    """The fidelity bar: dtype, shape, NaN/inf pattern, 4·eps·(1+|x|)·√terms."""
    ours, theirs = np.asarray(ours), _np(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    a, e = ours.astype(np.float64), theirs.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e), "NaN pattern")
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(e), "+inf pattern")
    np.testing.assert_array_equal(np.isneginf(a), np.isneginf(e), "-inf pattern")
    eps = float(ml_dtypes.finfo(theirs.dtype).eps)
    tol = 4 * eps * (1 + np.abs(e)) * np.sqrt(max(terms, 1))
    finite = np.isfinite(e)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
    assert np.all(diff[finite] <= tol[finite]), (a, e, (diff - tol).max())


def same_outcome(ours, theirs, terms: int = 1) -> None:
    """Both return numbers that agree, or both raise the same class of exception."""
    raised: Exception | None = None
    try:
        expected = theirs()
    except Exception as err:  # the framework's exception class is what we compare
        raised = err
    if raised is None:
        assert_parity(ours(), expected, terms)
        return
    name = type(raised).__name__
    with pytest.raises(Exception) as info:
        ours()
    got = info.value
    got_names = {c.__name__ for c in type(got).__mro__}
    assert name in got_names or getattr(got, "framework_type", None) == name, (
        f"framework raised {name}: {raised}; mirror raised {type(got).__name__}: {got}"
    )


def probabilities(rng, shape, dtype, edges: bool = True, axis: int = -1):
    """Rows of probabilities (not always normalised), with some exact 0s and 1s."""
    p = rng.dirichlet(np.ones(shape[axis]), size=int(np.prod(shape)) // shape[axis])
    p = np.moveaxis(
        p.reshape(*np.delete(shape, axis % len(shape)), shape[axis]), -1, axis
    )
    if edges:
        kind = rng.integers(0, 4)
        if kind == 1:  # unnormalised rows
            p = p * rng.uniform(0.3, 2.0, size=p.shape)
        elif kind == 2:  # exact zeros and ones
            mask = rng.random(p.shape) < 0.2
            p = np.where(mask, rng.choice([0.0, 1.0, 1e-9], size=p.shape), p)
    return p.astype(dtype)


def logits(rng, shape, dtype, scale: float = 3.0):
    return (rng.normal(size=shape) * scale).astype(dtype)


def one_hot(rng, shape, axis: int = -1, soft: bool = False):
    c = shape[axis]
    if soft:
        y = rng.dirichlet(np.ones(c), size=int(np.prod(shape)) // c)
    else:
        y = np.eye(c)[rng.integers(0, c, size=int(np.prod(shape)) // c)]
    return np.moveaxis(y.reshape(*np.delete(shape, axis % len(shape)), c), -1, axis)


def shapes(draw_rng, rank: int = 2):
    b, c = int(draw_rng.integers(1, 6)), int(draw_rng.integers(2, 6))
    if rank == 3:
        return (b, int(draw_rng.integers(1, 4)), c)
    return (b, c)


def quiet(fn):
    """Call ``fn`` with Keras' warnings silenced (SyntaxWarning for C == 1, etc.)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


# --- keras.ops ------------------------------------------------------------------------


@SETTINGS
@given(
    seed=SEEDS, dtype=DTYPES16, from_logits=st.booleans(), rank=st.sampled_from([2, 3])
)
def test_ops_categorical(seed, dtype, from_logits, rank) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, rank)
    axis = int(rng.choice([-1, 0, 1]))
    y = one_hot(rng, shape, axis, soft=bool(rng.integers(0, 2))).astype(dtype)
    p = (
        logits(rng, shape, dtype)
        if from_logits
        else probabilities(rng, shape, dtype, axis=axis)
    )
    same_outcome(
        lambda: mk.ops.categorical_crossentropy(
            y, p, from_logits=from_logits, axis=axis
        ),
        lambda: keras.ops.categorical_crossentropy(
            y, p, from_logits=from_logits, axis=axis
        ),
        terms=shape[axis],
    )


@SETTINGS
@given(seed=SEEDS, dtype=DTYPES16, from_logits=st.booleans(), column=st.booleans())
def test_ops_sparse(seed, dtype, from_logits, column) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, int(rng.choice([2, 3])))
    y = rng.integers(0, shape[-1], size=shape[:-1])
    if rng.random() < 0.3:  # float labels are truncated
        y = (y + rng.uniform(0, 0.99, size=y.shape)).astype(dtype)
    if column:
        y = y[..., None]
    p = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    same_outcome(
        lambda: mk.ops.sparse_categorical_crossentropy(y, p, from_logits=from_logits),
        lambda: keras.ops.sparse_categorical_crossentropy(
            y, p, from_logits=from_logits
        ),
        terms=shape[-1],
    )


@SETTINGS
@given(seed=SEEDS, dtype=DTYPES16, from_logits=st.booleans())
def test_ops_binary(seed, dtype, from_logits) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, int(rng.choice([2, 3])))
    y = rng.integers(0, 2, size=shape).astype(dtype)
    if rng.random() < 0.3:
        y = rng.uniform(0, 1, size=shape).astype(dtype)  # soft targets
    if from_logits:
        p = logits(rng, shape, dtype, scale=float(rng.choice([1.0, 10.0, 60.0])))
    else:
        p = probabilities(rng, shape, dtype)
    same_outcome(
        lambda: mk.ops.binary_crossentropy(y, p, from_logits=from_logits),
        lambda: keras.ops.binary_crossentropy(y, p, from_logits=from_logits),
    )


# --- keras.losses functions -------------------------------------------------------------


@SETTINGS
@given(seed=SEEDS, dtype=DTYPES16, from_logits=st.booleans(), ls=SMOOTHING)
def test_fn_categorical(seed, dtype, from_logits, ls) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, int(rng.choice([2, 3])))
    axis = int(rng.choice([-1, 0]))
    y = one_hot(rng, shape, axis).astype(dtype)
    p = (
        logits(rng, shape, dtype)
        if from_logits
        else probabilities(rng, shape, dtype, axis=axis)
    )
    kw = {"from_logits": from_logits, "label_smoothing": ls, "axis": axis}
    same_outcome(
        lambda: mk.losses.categorical_crossentropy(y, p, **kw),
        lambda: quiet(lambda: keras.losses.categorical_crossentropy(y, p, **kw)),
        terms=shape[axis],
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    from_logits=st.booleans(),
    ignore=st.sampled_from([None, -1, 0]),
)
def test_fn_sparse(seed, dtype, from_logits, ignore) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, int(rng.choice([2, 3])))
    y = rng.integers(-1 if ignore == -1 else 0, shape[-1], size=shape[:-1])
    p = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    kw = {"from_logits": from_logits, "ignore_class": ignore}
    same_outcome(
        lambda: mk.losses.sparse_categorical_crossentropy(y, p, **kw),
        lambda: keras.losses.sparse_categorical_crossentropy(y, p, **kw),
        terms=shape[-1],
    )


@SETTINGS
@given(seed=SEEDS, dtype=DTYPES16, from_logits=st.booleans(), ls=SMOOTHING)
def test_fn_binary(seed, dtype, from_logits, ls) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.choice([1, 2, 3]))
    shape = shapes(rng, max(rank, 2))[: rank if rank > 1 else 1]
    axis = int(rng.choice([-1, 0])) if rank > 1 else -1
    y = rng.integers(0, 2, size=shape).astype(dtype)
    p = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    kw = {"from_logits": from_logits, "label_smoothing": ls, "axis": axis}
    same_outcome(
        lambda: mk.losses.binary_crossentropy(y, p, **kw),
        lambda: keras.losses.binary_crossentropy(y, p, **kw),
        terms=shape[axis],
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    from_logits=st.booleans(),
    balancing=st.booleans(),
    gamma=st.sampled_from([0.0, 1.5, 2.0, 4.0]),
    ls=SMOOTHING,
)
def test_fn_binary_focal(seed, dtype, from_logits, balancing, gamma, ls) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, int(rng.choice([2, 3])))
    y = rng.integers(0, 2, size=shape).astype(dtype)
    p = (
        logits(rng, shape, dtype, 8.0)
        if from_logits
        else probabilities(rng, shape, dtype)
    )
    kw = {
        "apply_class_balancing": balancing,
        "alpha": float(rng.choice([0.25, 0.6])),
        "gamma": gamma,
        "from_logits": from_logits,
        "label_smoothing": ls,
    }
    same_outcome(
        lambda: mk.losses.binary_focal_crossentropy(y, p, **kw),
        lambda: keras.losses.binary_focal_crossentropy(y, p, **kw),
        terms=shape[-1],
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES16,
    from_logits=st.booleans(),
    gamma=st.sampled_from([0.0, 2.0, 3.5]),
    per_class=st.booleans(),
    ls=SMOOTHING,
)
def test_fn_categorical_focal(seed, dtype, from_logits, gamma, per_class, ls) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng)
    y = one_hot(rng, shape).astype(dtype)
    p = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    alpha = [float(a) for a in rng.uniform(0.1, 1, shape[-1])] if per_class else 0.25
    kw = {
        "alpha": alpha,
        "gamma": gamma,
        "from_logits": from_logits,
        "label_smoothing": ls,
    }
    same_outcome(
        lambda: mk.losses.categorical_focal_crossentropy(y, p, **kw),
        lambda: keras.losses.categorical_focal_crossentropy(y, p, **kw),
        terms=shape[-1],
    )


# --- loss classes -----------------------------------------------------------------------

CLASS_NAMES = [
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
]


def _class_inputs(name, rng, shape, dtype, from_logits):
    if name == "SparseCategoricalCrossentropy":
        y = rng.integers(0, shape[-1], size=shape[:-1])
    elif name.startswith("Binary"):
        y = rng.integers(0, 2, size=shape).astype(dtype)
    else:
        y = one_hot(rng, shape).astype(dtype)
    p = logits(rng, shape, dtype) if from_logits else probabilities(rng, shape, dtype)
    return y, p


def _weights(rng, kind, shape):
    if kind == "none":
        return None
    if kind == "batch":
        return rng.uniform(0, 2, size=shape[:1])
    if kind == "column":
        return rng.uniform(0, 2, size=(shape[0], 1))
    if kind == "zeros":
        return np.zeros(shape[:1])
    return float(rng.uniform(0, 2))


@SETTINGS
@given(
    seed=SEEDS,
    name=st.sampled_from(CLASS_NAMES),
    in_dtype=DTYPES16,
    loss_dtype=st.sampled_from([None, "float64", "float16", "bfloat16"]),
    from_logits=st.booleans(),
    reduction=REDUCTIONS,
    weights=st.sampled_from(["none", "batch", "column", "scalar", "zeros"]),
)
def test_loss_classes(
    seed, name, in_dtype, loss_dtype, from_logits, reduction, weights
) -> None:
    rng = np.random.default_rng(seed)
    shape = shapes(rng, 2 if rng.random() < 0.7 else 3)
    if rng.random() < 0.1:
        shape = (0, *shape[1:])  # empty batch
    y, p = _class_inputs(name, rng, shape, in_dtype, from_logits)
    sw = _weights(rng, weights, shape)
    kw = {"from_logits": from_logits, "reduction": reduction, "dtype": loss_dtype}
    if name != "SparseCategoricalCrossentropy" and rng.random() < 0.4:
        kw["label_smoothing"] = float(rng.choice([0.1, 0.3]))
    if name == "CategoricalFocalCrossentropy" and rng.random() < 0.4:
        kw["alpha"] = [float(a) for a in rng.uniform(0.1, 1, shape[-1])]
    ours = getattr(mk.losses, name)(**kw)
    theirs = getattr(keras.losses, name)(**kw)
    same_outcome(
        lambda: ours(y, p, sample_weight=sw),
        lambda: quiet(lambda: theirs(y, p, sample_weight=sw)),
        terms=int(np.prod(shape)),
    )


@SETTINGS
@given(
    seed=SEEDS,
    from_logits=st.booleans(),
    reduction=REDUCTIONS,
    weights=st.sampled_from(["none", "batch", "column"]),
    square=st.booleans(),
)
def test_sparse_class_ignore_class_and_sequence_weights(
    seed, from_logits, reduction, weights, square
) -> None:
    rng = np.random.default_rng(seed)
    b = int(rng.integers(1, 4))
    t = b if square else b + 1  # (B,) weights on (B,T) losses: last-axis broadcasting
    c = int(rng.integers(2, 5))
    y = rng.integers(-1, c, size=(b, t))
    p = (
        logits(rng, (b, t, c), "float32")
        if from_logits
        else probabilities(rng, (b, t, c), "float32")
    )
    sw = _weights(rng, weights, (b, t))
    kw = {"from_logits": from_logits, "reduction": reduction, "ignore_class": -1}
    same_outcome(
        lambda: mk.losses.SparseCategoricalCrossentropy(**kw)(y, p, sample_weight=sw),
        lambda: keras.losses.SparseCategoricalCrossentropy(**kw)(
            y, p, sample_weight=sw
        ),
        terms=b * t * c,
    )


@SETTINGS
@given(seed=SEEDS, reduction=REDUCTIONS, weights=st.sampled_from(["none", "batch"]))
def test_binary_class_one_dimensional_inputs(seed, reduction, weights) -> None:
    # docs/semantics.md §2.7.4: (B,) inputs are averaged over the batch before weighting
    rng = np.random.default_rng(seed)
    b = int(rng.integers(1, 6))
    y = rng.integers(0, 2, size=b).astype("float32")
    p = probabilities(rng, (b, 2), "float32")[:, 0]
    sw = _weights(rng, weights, (b,))
    same_outcome(
        lambda: mk.losses.BinaryCrossentropy(reduction=reduction)(
            y, p, sample_weight=sw
        ),
        lambda: keras.losses.BinaryCrossentropy(reduction=reduction)(
            y, p, sample_weight=sw
        ),
        terms=b,
    )


# --- errors ----------------------------------------------------------------------------

f32 = np.float32
ERROR_CASES = [
    (
        "cce shape",
        lambda m: m.ops.categorical_crossentropy(f32([[0, 1]]), f32([[0.2, 0.3, 0.5]])),
    ),
    (
        "cce rank",
        lambda m: m.ops.categorical_crossentropy(
            f32([0, 1, 0]), f32([[0.2, 0.3, 0.5]])
        ),
    ),
    ("cce scalar", lambda m: m.ops.categorical_crossentropy(f32(1), f32(1))),
    (
        "cce dtypes",
        lambda m: m.ops.categorical_crossentropy(
            np.float64([[0, 1]]), f32([[0.2, 0.8]])
        ),
    ),
    (
        "cce int lists",
        lambda m: m.losses.categorical_crossentropy([[0, 1, 0]], [[1, 8, 1]]),
    ),
    ("bce shape", lambda m: m.ops.binary_crossentropy(f32([1, 0]), f32([0.3]))),
    (
        "bce dtypes logits",
        lambda m: m.ops.binary_crossentropy(np.float64([1]), f32([0.3]), True),
    ),
    ("bce int target", lambda m: m.ops.binary_crossentropy([1], [0.3])),
    (
        "scce oob",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([3]), f32([[0.2, 0.3, 0.5]])
        ),
    ),
    (
        "scce neg",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([-1]), f32([[0.2, 0.3, 0.5]])
        ),
    ),
    (
        "scce oob logits",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([5]), f32([[0.2, 0.3, 0.5]]), True
        ),
    ),
    (
        "scce nan label",
        lambda m: m.ops.sparse_categorical_crossentropy(
            f32([np.nan]), f32([[0.5, 0.5]])
        ),
    ),
    (
        "scce axis",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([1]), f32([[0.2, 0.8]]), axis=0
        ),
    ),
    (
        "scce shape",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([1, 0]), f32([[0.2, 0.8]])
        ),
    ),
    (
        "scce rank",
        lambda m: m.ops.sparse_categorical_crossentropy(
            np.array([[1, 0]]), f32([[0.2, 0.8]])
        ),
    ),
    (
        "scce rank 0",
        lambda m: m.ops.sparse_categorical_crossentropy(np.int32(1), f32(0.5)),
    ),
    (
        "fn scce lists",
        lambda m: m.losses.sparse_categorical_crossentropy([1], [[0.2, 0.8]]),
    ),
    (
        "fn cce bool axis",
        lambda m: m.losses.categorical_crossentropy(
            f32([[0, 1]]), f32([[0.2, 0.8]]), axis=True
        ),
    ),
    ("fn bce scalar", lambda m: m.losses.binary_crossentropy(f32(1), f32(0.3))),
    (
        "cls bad reduction",
        lambda m: m.losses.CategoricalCrossentropy(reduction="bogus"),
    ),
    (
        "cls sw B != T",
        lambda m: m.losses.SparseCategoricalCrossentropy()(
            np.zeros((2, 3), int),
            np.full((2, 3, 3), 1 / 3, f32),
            sample_weight=[1.0, 0.0],
        ),
    ),
    (
        "cls scce oob",
        lambda m: m.losses.SparseCategoricalCrossentropy()(
            np.array([0, 4]), f32([[0.5, 0.5]] * 2)
        ),
    ),
    (
        "cls scce ignore 255",
        lambda m: m.losses.SparseCategoricalCrossentropy(ignore_class=255)(
            np.array([0, 255]), f32([[0.5, 0.5]] * 2)
        ),
    ),
    (
        "cls bce bfloat16 arrays",
        lambda m: m.losses.BinaryCrossentropy(dtype="bfloat16")(
            f32([[0]]), f32([[0.3]])
        ),
    ),
]


@pytest.mark.parametrize(
    "call", [c[1] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_errors_match(call) -> None:
    same_outcome(lambda: call(mk), lambda: quiet(lambda: call(keras)))


# --- gradients (float64) ------------------------------------------------------------------


def _framework_grad(fn, y, p):
    x = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = tf.reduce_sum(fn(y, x))
    return tape.gradient(s, x).numpy()


def _mirror_grad(fn, y, p):
    g = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        h = 1e-6 * max(1.0, abs(p[i]))
        up, down = p.copy(), p.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(fn(y, up)) - np.sum(fn(y, down))) / (2 * h)
    return g


GRAD_CASES = [
    ("ops.cce", lambda k: k.ops.categorical_crossentropy, "onehot", False),
    (
        "ops.cce logits",
        lambda k: lambda y, p: k.ops.categorical_crossentropy(y, p, True),
        "onehot",
        True,
    ),
    ("ops.scce", lambda k: k.ops.sparse_categorical_crossentropy, "int", False),
    (
        "ops.scce logits",
        lambda k: lambda y, p: k.ops.sparse_categorical_crossentropy(y, p, True),
        "int",
        True,
    ),
    ("ops.bce", lambda k: k.ops.binary_crossentropy, "binary", False),
    (
        "ops.bce logits",
        lambda k: lambda y, p: k.ops.binary_crossentropy(y, p, True),
        "binary",
        True,
    ),
    (
        "losses.cce smoothed",
        lambda k: (
            lambda y, p: k.losses.categorical_crossentropy(y, p, label_smoothing=0.1)
        ),
        "onehot",
        False,
    ),
    ("losses.bfc", lambda k: k.losses.binary_focal_crossentropy, "binary", False),
    (
        "losses.bfc logits",
        lambda k: (
            lambda y, p: k.losses.binary_focal_crossentropy(y, p, from_logits=True)
        ),
        "binary",
        True,
    ),
    ("losses.cfc", lambda k: k.losses.categorical_focal_crossentropy, "onehot", False),
    (
        "CategoricalCrossentropy(dtype=float64)",
        lambda k: k.losses.CategoricalCrossentropy(dtype="float64"),
        "onehot",
        False,
    ),
    (
        "SparseCategoricalCrossentropy(ignore_class=0, float64)",
        lambda k: k.losses.SparseCategoricalCrossentropy(
            ignore_class=0, from_logits=True, dtype="float64"
        ),
        "int",
        True,
    ),
]


@pytest.mark.parametrize(
    ("make", "labels", "from_logits"),
    [c[1:] for c in GRAD_CASES],
    ids=[c[0] for c in GRAD_CASES],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_finite_differences(make, labels, from_logits, seed) -> None:
    rng = np.random.default_rng(seed)
    shape = (3, 4)
    if from_logits:
        p = rng.normal(size=shape)
    else:  # away from the clip bounds
        p = rng.uniform(0.05, 0.95, size=shape)
        if labels != "binary":
            p /= p.sum(-1, keepdims=True) * rng.uniform(0.8, 1.2, size=(3, 1))
    y = {
        "onehot": np.eye(4)[rng.integers(0, 4, 3)],
        "int": rng.integers(0, 4, 3),
        "binary": rng.integers(0, 2, shape).astype(np.float64),
    }[labels]
    theirs = _framework_grad(make(keras), y, p)
    ours = _mirror_grad(make(mk), y, p)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


# --- implementations registered for identify (bind only) ---------------------------------


@SETTINGS
@given(seed=SEEDS, dtype=DTYPES, ls=SMOOTHING)
def test_softmax_and_sigmoid_logits_shortcuts(seed, dtype, ls) -> None:
    # On the TensorFlow backend a softmax/sigmoid output carries its logits, and the
    # loss is computed from them (docs/semantics.md §2.5)
    rng = np.random.default_rng(seed)
    shape = shapes(rng)
    z = logits(rng, shape, dtype, scale=float(rng.choice([1.0, 20.0])))
    y = one_hot(rng, shape).astype(dtype)
    theirs = keras.losses.categorical_crossentropy(
        y, keras.ops.softmax(z), label_smoothing=ls
    )
    plan, state = cf.get("keras.losses.categorical_crossentropy[softmax_logits]").bind(
        y, z, label_smoothing=ls
    )
    assert_parity(plan.run(state)["value"], theirs, terms=shape[-1])
    yb = rng.integers(0, 2, size=shape).astype(dtype)
    theirs = keras.losses.binary_crossentropy(
        yb, keras.ops.sigmoid(z), label_smoothing=ls
    )
    plan, state = cf.get("keras.losses.binary_crossentropy[sigmoid_logits]").bind(
        yb, z, label_smoothing=ls
    )
    assert_parity(plan.run(state)["value"], theirs, terms=shape[-1])


_JAX_SCRIPT = """
import json, os, sys
os.environ["KERAS_BACKEND"] = "jax"
import numpy as np, keras
out = []
for case in json.load(sys.stdin):
    y = np.asarray(case["y"])
    p = np.asarray(case["p"], dtype=case["dtype"])
    r = keras.ops.sparse_categorical_crossentropy(y, p, from_logits=case["from_logits"])
    r = np.asarray(r)
    out.append({"dtype": str(r.dtype), "value": r.tolist()})
print(json.dumps(out))
"""


def test_jax_backend_sparse_implementation() -> None:
    pytest.importorskip("jax")
    rng = np.random.default_rng(7)
    cases = []
    for i in range(12):
        shape = shapes(rng)
        dtype = ["float32", "float64"][i % 2]
        from_logits = i % 3 == 0
        p = (
            logits(rng, shape, dtype)
            if from_logits
            else probabilities(rng, shape, dtype)
        )
        y = rng.integers(-1, shape[-1] + 1, size=shape[:-1])  # some out of range
        cases.append(
            {
                "y": y.tolist(),
                "p": p.tolist(),
                "dtype": dtype,
                "from_logits": from_logits,
            }
        )
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    done = subprocess.run(
        [sys.executable, "-c", _JAX_SCRIPT],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    results = json.loads(done.stdout.strip().splitlines()[-1])
    impl = cf.get("keras.ops.sparse_categorical_crossentropy[jax]")
    for case, res in zip(cases, results, strict=True):
        plan, state = impl.bind(
            np.asarray(case["y"]),
            np.asarray(case["p"], case["dtype"]),
            from_logits=case["from_logits"],
        )
        expected = np.asarray(res["value"], dtype=res["dtype"])
        assert_parity(plan.run(state)["value"], expected, terms=len(case["p"][0]))


LIST_CASES = [
    (
        "CategoricalCrossentropy",
        [[0, 1, 0], [1, 0, 0]],
        [[0.2, 0.5, 0.3], [0.9, 0.1, 0.0]],
    ),
    ("BinaryCrossentropy", [[0, 1], [1, 1]], [[0.2, 0.5], [1.0, 0.0]]),
    ("BinaryCrossentropy", [0, 1, 1], [0.2, 0.99999999, 1e-9]),
    ("BinaryFocalCrossentropy", [[0, 1], [1, 1]], [[0.2, 0.5], [1.0, 0.0]]),
    ("CategoricalFocalCrossentropy", [[0, 1, 0]], [[0.2, 0.5, 0.3]]),
    ("SparseCategoricalCrossentropy", [1, 0], [[0.2, 0.5, 0.3], [0.9, 0.1, 0.0]]),
    ("SparseCategoricalCrossentropy", [[1], [0]], [[0.2, 0.5, 0.3], [0.9, 0.1, 0.0]]),
]


@pytest.mark.parametrize(("name", "y", "p"), LIST_CASES)
def test_python_lists(name, y, p) -> None:
    # classes convert lists straight to float32; functions go through
    # tf.convert_to_tensor (floats → float32, ints → int32), then cast y_true
    same_outcome(
        lambda: getattr(mk.losses, name)()(y, p, sample_weight=[0.5] * len(y)),
        lambda: getattr(keras.losses, name)()(y, p, sample_weight=[0.5] * len(y)),
        terms=6,
    )
    fn = {
        "CategoricalCrossentropy": "categorical_crossentropy",
        "BinaryCrossentropy": "binary_crossentropy",
        "BinaryFocalCrossentropy": "binary_focal_crossentropy",
        "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    }.get(name)
    if fn is not None:
        yf = [[float(v) for v in row] for row in y] if isinstance(y[0], list) else y
        same_outcome(
            lambda: getattr(mk.losses, fn)(yf, p),
            lambda: quiet(lambda: getattr(keras.losses, fn)(yf, p)),
            terms=3,
        )
