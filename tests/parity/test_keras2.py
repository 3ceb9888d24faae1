"""Live parity for the Keras 2.0–2.3 mirrors: Keras 2's code run with real TF ops.

Standalone Keras 2 cannot be installed next to TensorFlow 2.21, so this file copies
the cross-entropies of keras-team/keras 2.2.5 ``keras/backend/tensorflow_backend.py``,
``keras/losses.py`` and ``keras/engine/training_utils.py`` (TF 1 names such as
``tf.log`` replaced by their TF 2 equivalents, nothing else changed) and runs them
with the installed TensorFlow ("[RUN-ops]" in docs/semantics.md). The mirrors must agree
with them to the fidelity bar, including on seed question 002's four curves.
"""

from __future__ import annotations

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

from crossent.frameworks import keras2  # noqa: E402
from crossent.frameworks import tf as tf_mirror  # noqa: E402
from crossent.frameworks.tf_keras import _tf  # noqa: E402

SETTINGS = settings(
    max_examples=int(os.environ.get("CROSSENT_PARITY_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = st.integers(0, 2**31 - 1)
DTYPES = st.sampled_from(["float32", "float64"])
EPSILON = 1e-7


# --- Keras 2.2.5, TensorFlow backend, with TF 2 op names ----------------------------


def _to_tensor(x: Any, dtype: Any) -> Any:
    return tf.convert_to_tensor(x, dtype=dtype)


def k2_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Any:
    output = tf.convert_to_tensor(output)
    target = tf.convert_to_tensor(target)
    output_dimensions = list(range(len(output.get_shape())))
    if axis != -1 and axis not in output_dimensions:
        raise ValueError(f"Unexpected channels axis {axis}.")
    if not from_logits:
        output /= tf.reduce_sum(output, axis, True)
        _epsilon = _to_tensor(EPSILON, output.dtype.base_dtype)
        output = tf.clip_by_value(output, _epsilon, 1.0 - _epsilon)
        return -tf.reduce_sum(target * tf.math.log(output), axis)
    return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output)


def k2_sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Any:
    output = tf.convert_to_tensor(output)
    target = tf.convert_to_tensor(target)
    output_dimensions = list(range(len(output.get_shape())))
    if axis != -1 and axis not in output_dimensions:
        raise ValueError(f"Unexpected channels axis {axis}.")
    if axis != -1 and axis != output_dimensions[-1]:
        permutation = output_dimensions[:axis] + output_dimensions[axis + 1 :]
        permutation += [axis]
        output = tf.transpose(output, perm=permutation)
    if not from_logits:
        _epsilon = _to_tensor(EPSILON, output.dtype.base_dtype)
        output = tf.clip_by_value(output, _epsilon, 1 - _epsilon)
        output = tf.math.log(output)
    output_shape = output.get_shape()
    targets = tf.cast(tf.reshape(target, [-1]), "int64")
    logits = tf.reshape(output, [-1, int(output_shape[-1])])
    res = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
    if len(output_shape) >= 3:
        return tf.reshape(res, tf.shape(output)[:-1])
    return res


def k2_binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Any:
    output = tf.convert_to_tensor(output)
    target = tf.convert_to_tensor(target)
    if not from_logits:
        _epsilon = _to_tensor(EPSILON, output.dtype.base_dtype)
        output = tf.clip_by_value(output, _epsilon, 1 - _epsilon)
        output = tf.math.log(output / (1 - output))
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)


def k2_losses_binary_crossentropy(y_true: Any, y_pred: Any) -> Any:
    return tf.reduce_mean(k2_binary_crossentropy(y_true, y_pred), axis=-1)


def seed_custom_loss(target: Any, output: Any) -> Any:
    output = tf.convert_to_tensor(output)
    output = tf.math.log(output / (1 - output))  # seed 002's customLoss
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)


def k2_weighted(fn: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def weighted(y_true: Any, y_pred: Any, weights: Any, mask: Any = None) -> Any:
        score_array = fn(y_true, y_pred)
        if mask is not None:
            mask = tf.cast(mask, "float32")
            score_array *= mask
            score_array /= tf.reduce_mean(mask)
        if weights is not None:
            ndim = len(score_array.shape)
            weight_ndim = len(weights.shape)
            score_array = tf.reduce_mean(
                score_array, axis=list(range(weight_ndim, ndim))
            )
            score_array *= weights
            score_array /= tf.reduce_mean(tf.cast(tf.not_equal(weights, 0), "float32"))
        return tf.reduce_mean(score_array)

    return weighted


# --- helpers ------------------------------------------------------------------------


def assert_parity(ours: Any, theirs: Any, terms: int = 1) -> None:
    """The fidelity bar: dtype, shape, NaN/inf pattern, 4·eps·(1+|x|)·√terms."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
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


def probabilities(
    r: np.random.Generator, shape: tuple[int, ...], edge: bool
) -> np.ndarray:
    p = np.exp(r.normal(size=shape) * 1.5)
    p /= p.sum(-1, keepdims=True)
    if edge:
        p = np.where(r.random(shape) < 0.25, r.choice([0.0, 1.0, 1e-9], size=shape), p)
    return p


# --- the backend and losses ---------------------------------------------------------


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    batch=st.integers(1, 5),
    classes=st.integers(2, 5),
)
def test_categorical(
    seed: int, dtype: str, kind: str, batch: int, classes: int
) -> None:
    r = np.random.default_rng(seed)
    y = np.eye(classes)[r.integers(0, classes, batch)].astype(dtype)
    logits = kind == "logits"
    p = (
        r.normal(size=(batch, classes)) * 3
        if logits
        else probabilities(r, (batch, classes), kind == "edge")
    ).astype(dtype)
    assert_parity(
        keras2.backend.categorical_crossentropy(y, p, from_logits=logits),
        k2_categorical_crossentropy(y, p, from_logits=logits),
        classes,
    )
    if not logits:
        assert_parity(
            keras2.losses.categorical_crossentropy(y, p),
            k2_categorical_crossentropy(y, p),
            classes,
        )


@SETTINGS
@given(
    seed=SEEDS, dtype=DTYPES, axis=st.sampled_from([0, 1, 2, -1]), logits=st.booleans()
)
def test_categorical_and_sparse_axis(
    seed: int, dtype: str, axis: int, logits: bool
) -> None:
    r = np.random.default_rng(seed)
    p = np.moveaxis(probabilities(r, (2, 3, 4), False), -1, axis)
    if logits:
        p = r.normal(size=p.shape) * 2
    p = np.ascontiguousarray(p).astype(dtype)
    c = p.shape[axis]
    labels = r.integers(0, c, size=tuple(np.delete(p.shape, axis % 3)))
    y = np.moveaxis(np.eye(c)[labels], -1, axis).astype(dtype)
    if not logits:
        assert_parity(
            keras2.backend.categorical_crossentropy(y, p, axis=axis),
            k2_categorical_crossentropy(y, p, axis=axis),
            c,
        )
    assert_parity(
        keras2.backend.sparse_categorical_crossentropy(
            labels, p, from_logits=logits, axis=axis
        ),
        k2_sparse_categorical_crossentropy(labels, p, from_logits=logits, axis=axis),
        c,
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    batch=st.integers(1, 6),
    classes=st.integers(2, 5),
)
def test_sparse(seed: int, dtype: str, kind: str, batch: int, classes: int) -> None:
    r = np.random.default_rng(seed)
    y = r.integers(0, classes, (batch, 1)).astype(
        dtype
    )  # a Keras 2 model feeds (B,1) floats
    logits = kind == "logits"
    p = (
        r.normal(size=(batch, classes)) * 3
        if logits
        else probabilities(r, (batch, classes), kind == "edge")
    ).astype(dtype)
    assert_parity(
        keras2.backend.sparse_categorical_crossentropy(y, p, from_logits=logits),
        k2_sparse_categorical_crossentropy(y, p, from_logits=logits),
        classes,
    )


@SETTINGS
@given(
    seed=SEEDS,
    dtype=DTYPES,
    kind=st.sampled_from(["probs", "edge", "logits"]),
    shape=st.sampled_from([(4,), (3, 1), (2, 5), (2, 3, 2)]),
)
def test_binary(seed: int, dtype: str, kind: str, shape: tuple[int, ...]) -> None:
    r = np.random.default_rng(seed)
    y = r.integers(0, 2, shape).astype(dtype)
    logits = kind == "logits"
    if logits:
        p = r.normal(size=shape) * 4
    else:
        p = r.random(shape)
        if kind == "edge":
            p = np.where(
                r.random(shape) < 0.3, r.choice([0.0, 1.0, 1e-9, 1 - 1e-9], shape), p
            )
    p = p.astype(dtype)
    assert_parity(
        keras2.backend.binary_crossentropy(y, p, from_logits=logits),
        k2_binary_crossentropy(y, p, from_logits=logits),
    )
    if not logits:
        assert_parity(
            keras2.losses.binary_crossentropy(y, p),
            k2_losses_binary_crossentropy(y, p),
            shape[-1],
        )
        assert_parity(keras2.custom.logit_round_trip(y, p), seed_custom_loss(y, p))


def test_semantics_caps() -> None:
    # docs/semantics.md §3.3 [RUN-ops] numbers, recomputed with TF ops here.
    y, p = np.float32([1, 0, 1, 0]), np.float32([0, 1, 1, 0])
    theirs = k2_binary_crossentropy(y, p).numpy()
    np.testing.assert_allclose(
        theirs, [16.118095, 15.942385, 1.1920933e-07, 1.0000002e-07], rtol=2e-7
    )
    assert_parity(keras2.backend.binary_crossentropy(y, p), theirs)


@SETTINGS
@given(
    seed=SEEDS,
    weights=st.sampled_from(["ones", "random", "zeros"]),
    masked=st.booleans(),
    time=st.booleans(),
)
def test_weighted_masked_objective(
    seed: int, weights: str, masked: bool, time: bool
) -> None:
    r = np.random.default_rng(seed)
    shape = (4, 3, 2) if time else (4, 2)
    y = r.integers(0, 2, shape).astype(np.float32)
    p = r.random(shape).astype(np.float32)
    w = {
        "ones": np.ones(4),
        "random": r.uniform(0, 2, 4),
        "zeros": np.r_[0.0, r.uniform(0, 2, 3)],
    }[weights]
    w = w.astype(np.float32)
    mask = (r.random(shape[:-1]) < 0.7).astype(np.float32) if masked else None
    mask_t = None if mask is None else tf.constant(mask)
    assert_parity(
        keras2.engine.weighted_masked_objective(keras2.losses.binary_crossentropy)(
            y, p, w, mask
        ),
        k2_weighted(k2_losses_binary_crossentropy)(y, p, tf.constant(w), mask_t),
        int(np.prod(shape)),
    )


def test_gradients_of_the_logit_round_trip() -> None:
    # d sum(loss) / dp with TF's autograd on Keras 2's code vs central differences.
    r = np.random.default_rng(5)
    y = r.integers(0, 2, (2, 3)).astype(np.float64)
    p = r.uniform(0.1, 0.9, (2, 3))
    y_c = np.eye(3)[[0, 2]]
    for mirror, real, target in (
        (keras2.losses.binary_crossentropy, k2_losses_binary_crossentropy, y),
        (keras2.custom.logit_round_trip, seed_custom_loss, y),
        (keras2.backend.categorical_crossentropy, k2_categorical_crossentropy, y_c),
    ):
        t = tf.constant(p)
        with tf.GradientTape() as tape:
            tape.watch(t)
            out = tf.reduce_sum(real(target, t))
        theirs = tape.gradient(out, t).numpy()
        ours = np.zeros_like(p)
        h = 1e-6
        for i in np.ndindex(p.shape):
            up, down = p.copy(), p.copy()
            up[i] += h
            down[i] -= h
            ours[i] = (np.sum(mirror(target, up)) - np.sum(mirror(target, down))) / (
                2 * h
            )
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


# --- seed question 002 --------------------------------------------------------------

A = np.linspace(10, 20, 100)
Y = np.array([0, 1])


def test_tf_sigmoid_rounds_to_one_where_the_mirror_does() -> None:
    z = np.float32(16.635532)
    below = np.nextafter(z, np.float32(0))
    assert tf.sigmoid(z).numpy() == 1 == _tf.sigmoid(z)
    assert tf.sigmoid(below).numpy() < 1
    assert _tf.sigmoid(below) < 1


def test_seed_002_curves_against_tf() -> None:
    y2 = np.float32(Y)[:, None]
    ones = tf.ones((2,), tf.float32)
    for a in A:
        x = np.float32([[-a], [a]])
        p_tf = tf.sigmoid(tf.constant(x))  # Dense(1, sigmoid), weight 1, bias 0
        p_ours = _tf.sigmoid(x)
        # (1) model.evaluate, loss='binary_crossentropy'
        theirs = k2_weighted(k2_losses_binary_crossentropy)(y2, p_tf, ones).numpy()
        assert_parity(
            keras2.engine.evaluate_loss("binary_crossentropy", Y, p_ours), theirs, 2
        )
        assert_parity(
            keras2.engine.evaluate_loss("binary_crossentropy", Y, p_tf.numpy()),
            theirs,
            2,
        )
        # (3) tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=x, labels=y))
        logits = np.float32([-a, a])
        theirs = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=np.float32(Y))
        ).numpy()
        ours = np.mean(
            tf_mirror.nn.sigmoid_cross_entropy_with_logits(
                labels=np.float32(Y), logits=logits
            )
        )
        assert_parity(ours, theirs, 2)
        # (4) model.evaluate with the unclipped custom loss
        theirs = k2_weighted(seed_custom_loss)(y2, p_tf, ones).numpy()
        assert_parity(
            keras2.engine.evaluate_loss(keras2.custom.logit_round_trip, Y, p_ours),
            theirs,
            2,
        )
