"""The core refuses nonsense with ValueError/TypeError naming the function and argument (#13)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import crossent

Z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
IDS = np.array([1, 2])


def _raises(
    kind: type[Exception], fn: str, arg: str
) -> pytest.RaisesContext[Exception]:
    return pytest.raises(kind, match=re.escape(f"{fn}: `{arg}`"))


@pytest.mark.parametrize("value", [math.nan, 1.5, "1", True, math.inf])
def test_ignore_index_must_be_an_int(value: object) -> None:
    fn = "softmax_cross_entropy_with_integer_labels"
    with _raises(TypeError, fn, "ignore_index"):
        crossent.softmax_cross_entropy_with_integer_labels(Z, IDS, ignore_index=value)  # type: ignore[arg-type]


def test_ignore_index_int_still_works() -> None:
    got = crossent.softmax_cross_entropy_with_integer_labels(Z, IDS, ignore_index=2)
    assert got[1] == 0.0
    assert got[0] == crossent.softmax_cross_entropy_with_integer_labels(Z, IDS)[0]


@pytest.mark.parametrize(
    "labels",
    [
        Y.astype(complex),
        Y.astype("datetime64[s]"),
        Y.astype(object),
        np.array([["a", "b", "c"], ["d", "e", "f"]]),
    ],
    ids=["complex", "datetime", "object", "str"],
)
def test_labels_must_be_real_numbers(labels: np.ndarray) -> None:
    # before #13 these gave numbers (complex parts dropped, dates read as seconds)
    with _raises(TypeError, "softmax_cross_entropy", "labels"):
        crossent.softmax_cross_entropy(Z, labels)
    with _raises(TypeError, "softmax_focal_cross_entropy", "labels"):
        crossent.softmax_focal_cross_entropy(Z, labels)


@pytest.mark.parametrize("value", [None, "abc", {"a": 1}, object()])
def test_not_an_array(value: object) -> None:
    with _raises(TypeError, "log_softmax", "x"):
        crossent.log_softmax(value)
    with _raises(TypeError, "cross_entropy", "probs"):
        crossent.cross_entropy(value, Y)


@pytest.mark.parametrize(
    ("fn", "kwargs", "arg", "kind"),
    [
        ("sigmoid_focal_cross_entropy", {"gamma": -1.0}, "gamma", ValueError),
        ("sigmoid_focal_cross_entropy", {"gamma": math.nan}, "gamma", ValueError),
        ("sigmoid_focal_cross_entropy", {"alpha": 2.0}, "alpha", ValueError),
        ("sigmoid_focal_cross_entropy", {"alpha": math.nan}, "alpha", ValueError),
        ("sigmoid_focal_cross_entropy", {"alpha": "x"}, "alpha", TypeError),
        (
            "sigmoid_binary_cross_entropy",
            {"pos_weight": math.nan},
            "pos_weight",
            ValueError,
        ),
        (
            "sigmoid_binary_cross_entropy",
            {"pos_weight": -2.0},
            "pos_weight",
            ValueError,
        ),
    ],
)
def test_binary_options(
    fn: str, kwargs: dict[str, object], arg: str, kind: type[Exception]
) -> None:
    z = np.array([[-1.0, 2.0], [0.5, 3.0]])
    y = np.array([[0.0, 1.0], [1.0, 1.0]])
    with _raises(kind, fn, arg):
        getattr(crossent, fn)(z, y, **kwargs)


def test_categorical_focal_alpha_may_weigh_classes_above_one() -> None:
    # per-class weights are not probabilities: [1, 2, 3] is a valid alpha
    got = crossent.softmax_focal_cross_entropy(Z, Y, alpha=np.array([1.0, 2.0, 3.0]))
    base = crossent.softmax_focal_cross_entropy(Z, Y)
    np.testing.assert_allclose(got, base * np.array([2.0, 3.0]), rtol=1e-15)
    with _raises(ValueError, "softmax_focal_cross_entropy", "alpha"):
        crossent.softmax_focal_cross_entropy(Z, Y, alpha=np.array([1.0, -2.0, 3.0]))


@pytest.mark.parametrize("alpha", [1.5, -0.1, math.nan])
def test_smooth_labels_alpha(alpha: float) -> None:
    with _raises(ValueError, "smooth_labels", "alpha"):
        crossent.smooth_labels(Y, alpha)


def test_reduce_loss_and_logsumexp_options() -> None:
    loss = np.array([1.0, 2.0, 3.0])
    with _raises(ValueError, "reduce_loss", "weights"):
        crossent.reduce_loss(loss, "weighted_mean", weights=np.array([1.0, -1.0, 1.0]))
    with _raises(ValueError, "reduce_loss", "weights"):
        crossent.reduce_loss(
            loss, "weighted_mean", weights=np.array([1.0, np.nan, 1.0])
        )
    with _raises(TypeError, "reduce_loss", "where"):
        crossent.reduce_loss(loss, "mean", where="x")
    with _raises(TypeError, "logsumexp", "keepdims"):
        crossent.logsumexp(Z, keepdims="x")  # type: ignore[arg-type]
