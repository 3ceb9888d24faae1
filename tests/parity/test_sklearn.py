"""Live parity: the ``log_loss`` mirror against the installed scikit-learn.

Same float (scikit-learn's arithmetic is NumPy's, so the numbers agree to the
tolerance 4·eps(float64)·(1 + |value|)·sqrt(terms) and in practice exactly), the
same warnings (category and text) and the same exception class.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

sklearn_metrics = pytest.importorskip("sklearn.metrics")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crossent.frameworks.sklearn import metrics as mirror  # noqa: E402

pytestmark = pytest.mark.parity

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None)


def run(fn: Any, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, list[str]]:
    """The result (or the exception) and the warnings, as ``category: text``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: Any = fn(*args, **kwargs)
        except Exception as err:  # the framework's exception is the expectation
            out = err
    shown = sorted(
        {
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if issubclass(w.category, (UserWarning, FutureWarning))
            and not issubclass(w.category, DeprecationWarning)
        }
    )
    return out, shown


def check(args: list[Any], kwargs: dict[str, Any]) -> None:
    theirs, their_warnings = run(sklearn_metrics.log_loss, args, kwargs)
    ours, our_warnings = run(mirror.log_loss, args, kwargs)
    if isinstance(theirs, Exception):
        # the same class, or (InvalidParameterError) a class of the same name and
        # the same built-in bases
        names = {c.__name__ for c in type(ours).__mro__}
        assert {c.__name__ for c in type(theirs).__mro__} <= names, (ours, theirs)
        return
    assert not isinstance(ours, Exception), ours
    assert isinstance(ours, float)
    assert our_warnings == their_warnings
    if math.isnan(theirs):
        assert math.isnan(ours)
        return
    terms = np.size(args[1])
    tol = 4 * np.finfo(np.float64).eps * (1 + abs(theirs)) * math.sqrt(terms)
    assert abs(ours - theirs) <= tol, (ours, theirs)


@st.composite
def problems(draw: Any) -> tuple[list[Any], dict[str, Any]]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 12))
    c = draw(st.integers(2, 5))
    kind = draw(st.sampled_from(["int", "str", "float", "bool"]))
    names: Any = {
        "int": np.arange(c) * 3 - 2,
        "str": np.array(["spam", "ham", "eggs", "Zed", "apple"][:c]),
        "float": np.arange(c).astype(float),
        "bool": np.array([False, True]),
    }[kind]
    c = len(names)
    y = names[rng.integers(0, c, size=n)]
    p = rng.dirichlet(np.ones(c), size=n)
    edits = draw(st.sampled_from(["none", "zeros", "unnormalised", "one-d"]))
    if edits == "zeros":
        p[rng.random(p.shape) < 0.3] = 0.0
    elif edits == "unnormalised":
        p = p * rng.uniform(0.5, 1.0, size=(n, 1))
    elif edits == "one-d" and c == 2:
        p = p[:, 1]
    p = p.astype(draw(st.sampled_from([np.float64, np.float32, np.float16])))
    kwargs: dict[str, Any] = {"normalize": draw(st.booleans())}
    if draw(st.booleans()):
        kwargs["sample_weight"] = rng.uniform(0, 2, size=n)
    if draw(st.booleans()):
        kwargs["labels"] = (
            names.tolist() if draw(st.booleans()) else names[::-1].tolist()
        )
    y_true: Any = y.tolist() if draw(st.booleans()) else y
    return [y_true, p], kwargs


@SETTINGS
@given(problems())
def test_log_loss(problem: Any) -> None:
    args, kwargs = problem
    check(args, kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ([[0, 1], [[1.5, 0.0], [0.2, 0.8]]], {}),
        ([[0, 1], [[-0.1, 0.9], [0.2, 0.8]]], {}),
        ([[0, 1], [[np.nan, 0.5], [0.2, 0.8]]], {}),
        ([[0, 1], [[np.inf, 0.5], [0.2, 0.8]]], {}),
        ([np.zeros(0, int), np.zeros((0, 2))], {}),
        ([[0.3, 0.7], [0.4, 0.6]], {}),
        ([[1, 1, 1], [0.9, 0.8, 0.7]], {}),
        ([[1, 1, 1], [0.9, 0.8, 0.7]], {"labels": [1]}),
        ([[0, 1], [[0.5, 0.5]] * 2], {"sample_weight": [0, 0]}),
        ([[0, 1], [[0.5, 0.5]] * 2], {"sample_weight": [1, 2, 3]}),
        ([[0, 1, 2], [[0.5, 0.5]] * 3], {}),
        ([[0, 1], [[0.5, 0.5]] * 2], {"labels": [0, 1, 2]}),
        ([[0, 3], [[0.5, 0.5]] * 2], {"labels": [0, 1]}),
        ([[0, 1], [[0.5, 0.5]]], {}),
        ([[0, 1], [[0.5, 0.5]] * 2], {"normalize": "yes"}),
        ([[0, 1], np.ones((2, 2, 1)) / 2], {}),
        ([[[0, 1], [1, 0]], [[0.5, 0.5]] * 2], {}),
        ([[[0, 1, 2], [1, 0, 2]], [[0.2, 0.3, 0.5]] * 2], {}),
        ([[0, 1], None], {"y_pred": [[0.5, 0.5]] * 2}),
        ([[0, 1], [[0.5, 0.5]] * 2], {"y_pred": [[0.5, 0.5]] * 2}),
        ([[0, 1], [[0.2, 0.2], [0.2, 0.2]]], {}),
        ([[[0, 1]], [[0.2, 0.3]]], {}),
        ([[1, 1, 1], [0.0, 0.0, 0.0]], {"labels": [0, 1]}),
    ],
)
def test_edge_cases_errors_and_warnings(
    args: list[Any], kwargs: dict[str, Any]
) -> None:
    check(args, kwargs)


def test_polars_inputs() -> None:
    # issue #14: scikit-learn accepts polars Series and DataFrames (through
    # __array__); the mirror reads them the same way, without importing polars
    pl = pytest.importorskip("polars")
    y = pl.Series([0, 1, 1, 0, 2])
    p = pl.DataFrame(
        {
            "a": [0.7, 0.2, 0.1, 0.6, 0.1],
            "b": [0.2, 0.7, 0.8, 0.3, 0.1],
            "c": [0.1, 0.1, 0.1, 0.1, 0.8],
        }
    )
    w = pl.Series([1.0, 2.0, 0.5, 1.0, 1.0])
    cases: list[tuple[list[Any], dict[str, Any]]] = [
        ([y, p], {}),
        ([y, p], {"sample_weight": w, "normalize": False}),
        ([pl.Series([0, 1, 1, 0]), pl.Series([0.2, 0.7, 0.9, 0.4])], {}),
        ([pl.Series(["a", "b", "b", "a"]), pl.Series([0.2, 0.7, 0.9, 0.4])], {}),
        ([pl.Series([0, 1, 1]), pl.Series([0.2, 0.7, 0.9, 0.4])], {}),
    ]
    for args, kwargs in cases:
        theirs, their_warnings = run(sklearn_metrics.log_loss, args, kwargs)
        ours, our_warnings = run(mirror.log_loss, args, kwargs)
        assert our_warnings == their_warnings
        if isinstance(theirs, Exception):
            assert isinstance(ours, type(theirs)), (ours, theirs)
        else:
            assert ours == pytest.approx(theirs, rel=1e-15)
