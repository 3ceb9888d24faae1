"""ExactSum: the exact sum of float64 values, whatever the split and order."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossent.evaluate._exact import ExactSum

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
arrays = hnp.arrays(np.float64, st.integers(0, 300), elements=finite)


def _exact(values: np.ndarray) -> Fraction:
    return sum((Fraction(float(x)) for x in values), Fraction(0))


def _rounded(x: Fraction) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


@settings(max_examples=200, deadline=None)
@given(arrays)
def test_value_is_the_correctly_rounded_exact_sum(values: np.ndarray) -> None:
    assert ExactSum.of(values).value() == _rounded(_exact(values))


@settings(max_examples=200, deadline=None)
@given(arrays, st.data())
def test_any_split_and_order_gives_the_same_sum(
    values: np.ndarray, data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(values)), max_size=5)))
    bounds = [0, *cuts, len(values)]
    parts = [ExactSum.of(values[a:b]) for a, b in itertools.pairwise(bounds)]
    parts = data.draw(st.permutations(parts))
    assert sum(parts, ExactSum()) == ExactSum.of(values)


@settings(max_examples=100, deadline=None)
@given(arrays.filter(len), st.integers(1, 10**6))
def test_ratio_to_a_count_is_rounded_once(values: np.ndarray, count: int) -> None:
    assert ExactSum.of(values).ratio(count) == _rounded(_exact(values) / count)


def test_cancellation_that_float_sums_lose() -> None:
    values = np.array([1e16, 1.0, -1e16] * 1000)
    assert np.sum(values) != 1000.0  # the pairwise float sum loses the ones
    assert ExactSum.of(values).value() == 1000.0


def test_subnormals_and_the_largest_floats() -> None:
    values = np.array([5e-324, 5e-324, -1e-310, 1.7e308, 1.7e308, -1.7e308])
    assert ExactSum.of(values).value() == _rounded(_exact(values))
    assert ExactSum.of(values[3:5]).value() == math.inf  # past float64: overflow


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, math.inf], math.inf),
        ([-math.inf, 2.0], -math.inf),
        ([math.inf, -math.inf], math.nan),
        ([math.nan, 1.0], math.nan),
        ([], 0.0),
    ],
)
def test_non_finite_values(values: list[float], expected: float) -> None:
    got = ExactSum.of(np.array(values)).value()
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_ratio_of_zero_by_zero_is_nan_without_warning() -> None:
    assert math.isnan(ExactSum().ratio(0))
    assert ExactSum.of(np.array([2.0])).ratio(0) == math.inf
    assert ExactSum.of(np.array([math.inf])).ratio(ExactSum()) == math.inf
