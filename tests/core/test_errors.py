"""Every input error of the core, one test per message, pinned by its prefix.

Messages follow ``{function}: `{argument}` {requirement}; got {received}. {hint}``
(docs/design.md, "Error messages"). Also pinned: what is *not* an error (NaN propagates, an empty
batch gives an empty result, labels equal to ``ignore_index``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import crossent

Z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
P = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])


def starts(message: str) -> str:
    """A ``match`` pattern pinning the start of the message."""
    return "^" + re.escape(message)


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: crossent.softmax_cross_entropy(Z, Y[:, :2]),
            (
                "softmax_cross_entropy: `labels` must have the same shape as `logits` "
                "(2, 3); got shape (2, 2)."
            ),
        ),
        (
            lambda: crossent.cross_entropy(P, Y.T),
            (
                "cross_entropy: `labels` must have the same shape as `probs` (2, 3); "
                "got shape (3, 2)."
            ),
        ),
        (
            lambda: crossent.sigmoid_binary_cross_entropy(Z, Y[0]),
            (
                "sigmoid_binary_cross_entropy: `labels` must have the same shape as "
                "`logits` (2, 3); got shape (3,)."
            ),
        ),
        (
            lambda: crossent.binary_cross_entropy(P, Y[:1]),
            (
                "binary_cross_entropy: `labels` must have the same shape as `probs` "
                "(2, 3); got shape (1, 3)."
            ),
        ),
        (
            lambda: crossent.softmax_focal_cross_entropy(Z, Y[:, :1]),
            (
                "softmax_focal_cross_entropy: `labels` must have the same shape as "
                "`logits` (2, 3); got shape (2, 1)."
            ),
        ),
        (
            lambda: crossent.sigmoid_focal_cross_entropy(Z, Y.ravel()),
            (
                "sigmoid_focal_cross_entropy: `labels` must have the same shape as "
                "`logits` (2, 3); got shape (6,)."
            ),
        ),
    ],
    ids=[
        "softmax",
        "cross_entropy",
        "sigmoid_bce",
        "bce",
        "softmax_focal",
        "sigmoid_focal",
    ],
)
def test_shape_mismatch(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=starts(message)):
        call()


def test_integer_labels_shape_mismatch() -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            "softmax_cross_entropy_with_integer_labels: `labels` must have the shape "
            "of `logits` without axis 1, (2,); got shape (2, 3). For one-hot or soft "
            "targets of the same shape as `logits` use `softmax_cross_entropy`."
        ),
    ):
        crossent.softmax_cross_entropy_with_integer_labels(Z, Y)


def test_reduce_loss_weights_that_do_not_broadcast() -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            "reduce_loss: `weights` must broadcast against `loss` (2, 3); got shape (2,)."
        ),
    ):
        crossent.reduce_loss(Z, "sum", weights=np.ones(2))


# ----------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    ("call", "fn", "arg", "received"),
    [
        (
            lambda: crossent.softmax_cross_entropy(Z.astype(np.int64), Y),
            "softmax_cross_entropy",
            "logits",
            "array of shape (2, 3) and dtype int64",
        ),
        (
            lambda: crossent.log_softmax(np.array([1, 2, 3], dtype=np.int32)),
            "log_softmax",
            "x",
            "array of shape (3,) and dtype int32",
        ),
        (
            lambda: crossent.softmax_cross_entropy_with_integer_labels(
                np.array([[1, 2]]), np.array([0])
            ),
            "softmax_cross_entropy_with_integer_labels",
            "logits",
            "array of shape (1, 2) and dtype int64",
        ),
        (
            lambda: crossent.sigmoid_binary_cross_entropy(np.array([True]), np.ones(1)),
            "sigmoid_binary_cross_entropy",
            "logits",
            "array of shape (1,) and dtype bool",
        ),
        (
            lambda: crossent.cross_entropy(
                np.array([[0, 1]], dtype=np.uint8), Y[:1, :2]
            ),
            "cross_entropy",
            "probs",
            "array of shape (1, 2) and dtype uint8",
        ),
    ],
    ids=["softmax", "log_softmax", "integer_labels", "bool", "cross_entropy"],
)
def test_integer_logits_are_a_type_error(
    call: Callable[[], Any], fn: str, arg: str, received: str
) -> None:
    message = (
        f"{fn}: `{arg}` must have a floating dtype (float16, bfloat16, float32 or "
        f"float64); got {received}. Convert it first, e.g. `{arg}.astype(np.float32)`."
    )
    with pytest.raises(TypeError, match=starts(message)):
        call()


def test_float_labels_for_integer_labels_function() -> None:
    with pytest.raises(
        TypeError,
        match=starts(
            "softmax_cross_entropy_with_integer_labels: `labels` must be integer "
            "class indices; got array of shape (2,) and dtype float64. For one-hot "
            "or soft targets use `softmax_cross_entropy`."
        ),
    ):
        crossent.softmax_cross_entropy_with_integer_labels(Z, np.array([1.0, 2.0]))


# ----------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("labels", "ignore_index", "message"),
    [
        (
            np.array([3, 7]),
            None,
            (
                "softmax_cross_entropy_with_integer_labels: `labels` must be in [0, 3); "
                "got [3, 7] (first out-of-range values). Labels that look 1-based need "
                "`labels - 1`."
            ),
        ),
        (
            np.array([-1, 0]),
            None,
            (
                "softmax_cross_entropy_with_integer_labels: `labels` must be in [0, 3); "
                "got [-1] (first out-of-range values)."
            ),
        ),
        (
            np.array([-100, 3]),
            -100,
            (
                "softmax_cross_entropy_with_integer_labels: `labels` must be in [0, 3) "
                "other than ignore_index=-100; got [3] (first out-of-range values)."
            ),
        ),
    ],
)
def test_labels_out_of_range(labels: Any, ignore_index: Any, message: str) -> None:
    with pytest.raises(ValueError, match=starts(message)):
        crossent.softmax_cross_entropy_with_integer_labels(
            Z, labels, ignore_index=ignore_index
        )


@pytest.mark.parametrize("ignore_index", [-100, 3, 255])
def test_labels_equal_to_ignore_index_are_accepted(ignore_index: int) -> None:
    labels = np.array([ignore_index, 1])
    out = crossent.softmax_cross_entropy_with_integer_labels(
        Z, labels, ignore_index=ignore_index
    )
    assert out[0] == 0.0
    assert out[1] == crossent.softmax_cross_entropy_with_integer_labels(
        Z[1:], labels[1:]
    )


@pytest.mark.parametrize(
    ("call", "fn", "received"),
    [
        (
            lambda: crossent.cross_entropy(np.array([[-0.1, 0.6, 0.5]]), Y[:1]),
            "cross_entropy",
            "[-0.1, 0.6]",
        ),
        (
            lambda: crossent.cross_entropy(np.array([[0.5, 1.25, np.nan]]), Y[:1]),
            "cross_entropy",
            "[0, 1.25]",
        ),
        (
            lambda: crossent.binary_cross_entropy(np.array([1.5, 0.5]), np.ones(2)),
            "binary_cross_entropy",
            "[0.5, 1.5]",
        ),
        (
            lambda: crossent.binary_cross_entropy(
                np.array([-1e-30], dtype=np.float32), np.ones(1, dtype=np.float32)
            ),
            "binary_cross_entropy",
            "[-1e-30, -1e-30]",
        ),
    ],
    ids=["negative", "above-one-with-nan", "bce-above-one", "bce-float32-negative"],
)
def test_probabilities_outside_unit_interval(
    call: Callable[[], Any], fn: str, received: str
) -> None:
    message = (
        f"{fn}: `probs` must be probabilities in [0, 1]; got values in {received}. "
        "If these are logits, use the logits form (`softmax_cross_entropy` / "
        "`sigmoid_binary_cross_entropy`)."
    )
    with pytest.raises(ValueError, match=starts(message)):
        call()


@pytest.mark.parametrize("reduction", ["avg", "Mean", "sum_over_batch_size", None])
def test_unknown_reduction(reduction: Any) -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            "reduce_loss: `reduction` must be one of 'none', 'sum', 'mean', "
            f"'weighted_mean'; got {reduction!r}."
        ),
    ):
        crossent.reduce_loss(np.ones(3), reduction)


@pytest.mark.parametrize(
    ("call", "fn", "arg"),
    [
        (lambda x: crossent.logsumexp(x), "logsumexp", "x"),
        (lambda x: crossent.log_softmax(x), "log_softmax", "x"),
        (
            lambda x: crossent.softmax_cross_entropy(x, x),
            "softmax_cross_entropy",
            "logits",
        ),
        (
            lambda x: crossent.softmax_cross_entropy_with_integer_labels(
                x, np.zeros(2, dtype=np.int64)
            ),
            "softmax_cross_entropy_with_integer_labels",
            "logits",
        ),
        (lambda x: crossent.cross_entropy(x, x), "cross_entropy", "probs"),
        (lambda x: crossent.smooth_labels(x, 0.1), "smooth_labels", "labels"),
        (
            lambda x: crossent.softmax_focal_cross_entropy(x, x),
            "softmax_focal_cross_entropy",
            "logits",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_empty_class_axis(call: Callable[[np.ndarray], Any], fn: str, arg: str) -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            f"{fn}: `{arg}` has an empty class axis (axis 1, shape (2, 0)); "
            "cross-entropy needs at least one class."
        ),
    ):
        call(np.zeros((2, 0)))


def test_scalar_has_no_class_axis() -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            "softmax_cross_entropy: `logits` must have at least one dimension (the "
            "class axis); got a scalar."
        ),
    ):
        crossent.softmax_cross_entropy(np.float64(1.0), np.float64(1.0))


@pytest.mark.parametrize("axis", [2, -3, 10])
def test_axis_out_of_range(axis: int) -> None:
    with pytest.raises(
        ValueError,
        match=starts(
            "softmax_cross_entropy: `axis` must be in [-2, 2) for an input of 2 "
            f"dimension(s); got {axis}."
        ),
    ):
        crossent.softmax_cross_entropy(Z, Y, axis=axis)


@pytest.mark.parametrize("axis", [1.0, "1", None, True, (0, 1)])
def test_axis_not_an_int(axis: Any) -> None:
    with pytest.raises(
        TypeError, match=starts(f"log_softmax: `axis` must be an int; got {axis!r}.")
    ):
        crossent.log_softmax(Z, axis=axis)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan"), float("inf")])
def test_smoothing_alpha_outside_unit_interval(alpha: float) -> None:
    with pytest.raises(
        ValueError,
        match=starts(f"smooth_labels: `alpha` must be in [0, 1]; got {alpha!r}."),
    ):
        crossent.smooth_labels(Y, alpha)


@pytest.mark.parametrize(
    ("call", "fn"),
    [
        (
            lambda g: crossent.softmax_focal_cross_entropy(Z, Y, gamma=g),
            "softmax_focal_cross_entropy",
        ),
        (
            lambda g: crossent.sigmoid_focal_cross_entropy(Z, Y, gamma=g),
            "sigmoid_focal_cross_entropy",
        ),
    ],
    ids=["softmax", "sigmoid"],
)
@pytest.mark.parametrize("gamma", [-1.0, -1e-300, float("nan")])
def test_negative_gamma(call: Callable[[float], Any], fn: str, gamma: float) -> None:
    with pytest.raises(
        ValueError, match=starts(f"{fn}: `gamma` must be >= 0; got {gamma!r}.")
    ):
        call(gamma)


# ------------------------------------------------------- not errors, pinned too

NAN = float("nan")


@pytest.mark.parametrize(
    "call",
    [
        lambda: crossent.logsumexp(np.array([[NAN, 1.0], [0.0, 1.0]])),
        lambda: crossent.log_softmax(np.array([[NAN, 1.0], [0.0, 1.0]]))[:, 1],
        lambda: crossent.softmax_cross_entropy(
            np.array([[NAN, 1.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])
        ),
        lambda: crossent.softmax_cross_entropy(
            np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([[NAN, 1.0], [0.0, 1.0]])
        ),
        lambda: crossent.softmax_cross_entropy(
            np.array([[NAN, 1.0], [0.0, 1.0]]), np.array([[0.0, 0.0], [0.0, 1.0]])
        ),
        lambda: crossent.softmax_cross_entropy_with_integer_labels(
            np.array([[NAN, 1.0], [0.0, 1.0]]), np.array([1, 1])
        ),
        lambda: crossent.cross_entropy(
            np.array([[NAN, 1.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])
        ),
        lambda: crossent.sigmoid_binary_cross_entropy(
            np.array([NAN, 1.0]), np.array([1.0, 1.0]), pos_weight=np.array([0.0, 1.0])
        ),
        lambda: crossent.sigmoid_binary_cross_entropy(
            np.array([1.0, 1.0]), np.array([NAN, 1.0])
        ),
        lambda: crossent.binary_cross_entropy(
            np.array([NAN, 0.5]), np.array([0.0, 1.0])
        ),
        lambda: crossent.softmax_focal_cross_entropy(
            np.array([[NAN, 1.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])
        ),
        lambda: crossent.sigmoid_focal_cross_entropy(
            np.array([NAN, 1.0]), np.array([1.0, 1.0]), alpha=0.25
        ),
        lambda: crossent.smooth_labels(np.array([[NAN, 1.0], [0.0, 1.0]]), 0.1)[:, 0],
        lambda: crossent.reduce_loss(np.array([[NAN], [1.0]]), "none")[:, 0],
    ],
)
def test_nan_propagates_without_error(call: Callable[[], Any]) -> None:
    # documented: NaN in an input gives NaN in the results it takes part in,
    # silently (no exception, no warning); the other row stays finite
    out = call()
    assert np.isnan(out[0])
    assert np.isfinite(out[1])


@pytest.mark.parametrize("reduction", ["sum", "mean", "weighted_mean"])
def test_nan_loss_propagates_through_reduction(reduction: Any) -> None:
    assert np.isnan(crossent.reduce_loss(np.array([NAN, 1.0]), reduction))


@pytest.mark.parametrize("num_classes", [1, 3])
def test_empty_batch_gives_empty_result(num_classes: int) -> None:
    z = np.zeros((0, num_classes), dtype=np.float32)
    empty_int = np.zeros(0, dtype=np.int64)
    outs = [
        crossent.logsumexp(z),
        crossent.softmax_cross_entropy(z, z),
        crossent.softmax_cross_entropy_with_integer_labels(z, empty_int),
        crossent.cross_entropy(z, z),
        crossent.softmax_focal_cross_entropy(z, z),
    ]
    for out in outs:
        assert out.shape == (0,)
        assert out.dtype == np.float32
    same_shape = [
        crossent.log_softmax(z),
        crossent.sigmoid_binary_cross_entropy(z, z),
        crossent.binary_cross_entropy(z, z),
        crossent.sigmoid_focal_cross_entropy(z, z),
        crossent.smooth_labels(z, 0.1),
    ]
    for out in same_shape:
        assert out.shape == (0, num_classes)
        assert out.dtype == np.float32
