"""Identities the core must satisfy, dtype preservation, the array API, reductions.

Where two core results are compared and each is only known to be within 4 ulp of
the exact value (accuracy bar, test_accuracy.py), they are compared at 8 ulp;
where the two computations are the same operations, they must be bit-identical.
Reference values (mpmath, mp.dps = 50) come from tests/_reference.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import _reference as ref
import array_api_strict as xps
import ml_dtypes
import numpy as np
import pytest
from _reference import assert_ulp_close
from array_api_compat import array_namespace
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossent

INF = float("inf")
DTYPES = [np.float64, np.float32]
BOTH_BARS = 8  # two results each within 4 ulp of the exact value

finite_logits = st.floats(-1e3, 1e3)
any_logits = st.one_of(
    finite_logits, finite_logits, finite_logits, st.sampled_from([INF, -INF])
)
label_values = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.0, 1.0]))
shapes = st.tuples(st.integers(1, 3), st.integers(1, 9))


@st.composite
def distributions(draw: st.DrawFn, shape: tuple[int, int]) -> np.ndarray:
    """Rows of non-negative dyadic weights k / 2^20 summing to exactly 1."""
    batch, num_classes = shape
    out = np.empty(shape)
    for i in range(batch):
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, 2**20),
                    min_size=num_classes - 1,
                    max_size=num_classes - 1,
                )
            )
        )
        out[i] = np.diff([0, *cuts, 2**20]) / 2.0**20
    return out


# ------------------------------------------------------------------- identities


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    z=hnp.arrays(np.int64, shapes, elements=st.integers(-(2**10), 2**10)),
    shift=st.integers(-(2**12), 2**12),
    data=st.data(),
)
def test_translation_invariance(
    dtype: type, z: np.ndarray, shift: int, data: st.DataObject
) -> None:
    # Logits k / 8 and shifts that keep z + c exact in both dtypes: then
    # (z + c) - max(z + c) == z - max(z) exactly, and so must the losses be.
    logits = (z / 8.0).astype(dtype)
    shifted = (z / 8.0 + shift).astype(dtype)
    y = data.draw(hnp.arrays(dtype, z.shape, elements=label_values), label="y")
    np.testing.assert_array_equal(
        crossent.softmax_cross_entropy(shifted, y),
        crossent.softmax_cross_entropy(logits, y),
    )
    np.testing.assert_array_equal(
        crossent.log_softmax(shifted), crossent.log_softmax(logits)
    )


def _three_d(draw: st.DrawFn, elements: st.SearchStrategy[float]) -> np.ndarray:
    shape = draw(st.tuples(*[st.integers(1, 4)] * 3))
    return draw(hnp.arrays(np.float64, shape, elements=elements))


@given(data=st.data(), axis=st.sampled_from([0, 1, 2, -3, -2, -1]))
def test_axis_equals_moveaxis(data: st.DataObject, axis: int) -> None:
    z = _three_d(data.draw, any_logits)
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=label_values))
    p = data.draw(hnp.arrays(np.float64, z.shape, elements=st.floats(0, 1)))
    zm, ym, pm = (np.moveaxis(a, axis, -1) for a in (z, y, p))

    def back(a: np.ndarray) -> np.ndarray:  # class axis from -1 back to `axis`
        return np.moveaxis(a, -1, axis)

    pairs = [
        (crossent.logsumexp(z, axis=axis), crossent.logsumexp(zm)),
        (crossent.log_softmax(z, axis=axis), back(crossent.log_softmax(zm))),
        (
            crossent.softmax_cross_entropy(z, y, axis=axis),
            crossent.softmax_cross_entropy(zm, ym),
        ),
        (
            crossent.softmax_focal_cross_entropy(z, y, axis=axis),
            crossent.softmax_focal_cross_entropy(zm, ym),
        ),
        (crossent.cross_entropy(p, y, axis=axis), crossent.cross_entropy(pm, ym)),
        (
            crossent.smooth_labels(y, 0.1, axis=axis),
            back(crossent.smooth_labels(ym, 0.1)),
        ),
    ]
    for got, want in pairs:
        assert_ulp_close(got, want, np.float64, ulps=BOTH_BARS)
    labels = data.draw(
        hnp.arrays(np.int64, zm.shape[:-1], elements=st.integers(0, zm.shape[-1] - 1))
    )
    np.testing.assert_array_equal(
        crossent.softmax_cross_entropy_with_integer_labels(z, labels, axis=axis),
        crossent.softmax_cross_entropy_with_integer_labels(zm, labels),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=hnp.arrays(np.float64, shapes, elements=any_logits), data=st.data())
def test_integer_labels_equal_one_hot(
    dtype: type, z: np.ndarray, data: st.DataObject
) -> None:
    z = z.astype(dtype)
    labels = data.draw(
        hnp.arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1))
    )
    one_hot = np.eye(z.shape[1], dtype=dtype)[labels]
    np.testing.assert_array_equal(
        crossent.softmax_cross_entropy_with_integer_labels(z, labels),
        crossent.softmax_cross_entropy(z, one_hot),
    )


@given(
    z=hnp.arrays(np.float64, shapes, elements=any_logits),
    data=st.data(),
)
def test_where_equals_slicing(z: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=label_values))
    keep = data.draw(hnp.arrays(np.bool_, z.shape[1]), label="keep")
    masked = crossent.softmax_cross_entropy(z, y, where=keep)
    if keep.any():
        sliced = crossent.softmax_cross_entropy(z[:, keep], y[:, keep])
        assert_ulp_close(masked, sliced, np.float64, ulps=BOTH_BARS)
    else:  # documented: a row with no class included gives 0
        np.testing.assert_array_equal(masked, np.zeros(z.shape[0]))


def test_fully_masked_rows_give_zero() -> None:
    z = np.array([[1.0, 2.0, 3.0], [np.nan, INF, -INF]])
    y = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    where = np.array([[True, False, True], [False, False, False]])
    out = crossent.softmax_cross_entropy(z, y, where=where)
    assert out[1] == 0.0
    assert_ulp_close(out, ref.softmax_cross_entropy(z, y, where=where), np.float64)


@given(
    z=hnp.arrays(np.float64, shapes, elements=st.one_of(any_logits, st.just(np.nan)))
)
def test_ignore_index_rows_give_zero(z: np.ndarray) -> None:
    labels = np.array([-100 if i % 2 == 0 else 0 for i in range(z.shape[0])])
    out = crossent.softmax_cross_entropy_with_integer_labels(
        z, labels, ignore_index=-100
    )
    np.testing.assert_array_equal(out[labels == -100], 0.0)
    kept = labels != -100
    np.testing.assert_array_equal(
        out[kept],
        crossent.softmax_cross_entropy_with_integer_labels(z[kept], labels[kept]),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=hnp.arrays(np.float64, shapes, elements=any_logits), data=st.data())
def test_alpha_zero_smoothing_and_gamma_zero_focal_are_plain_ce(
    dtype: type, z: np.ndarray, data: st.DataObject
) -> None:
    z = z.astype(dtype)
    y = data.draw(hnp.arrays(dtype, z.shape, elements=label_values), label="y")
    plain = crossent.softmax_cross_entropy(z, y)
    np.testing.assert_array_equal(crossent.smooth_labels(y, 0.0), y)
    np.testing.assert_array_equal(
        crossent.softmax_cross_entropy(z, crossent.smooth_labels(y, 0.0)), plain
    )
    np.testing.assert_array_equal(
        crossent.softmax_focal_cross_entropy(z, y, gamma=0.0), plain
    )
    # The sigmoid focal loss computes its BCE by another (equally exact) route.
    assert_ulp_close(
        crossent.sigmoid_focal_cross_entropy(z, y, gamma=0.0),
        crossent.sigmoid_binary_cross_entropy(z, y),
        dtype,
        ulps=BOTH_BARS,
    )


@given(shape=shapes, data=st.data())
def test_losses_are_non_negative_for_distributions(
    shape: tuple[int, int], data: st.DataObject
) -> None:
    y = data.draw(distributions(shape))
    z = data.draw(hnp.arrays(np.float64, shape, elements=finite_logits))
    p = data.draw(distributions(shape))
    q = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    labels = data.draw(
        hnp.arrays(np.int64, shape[0], elements=st.integers(0, shape[1] - 1))
    )
    losses = [
        crossent.softmax_cross_entropy(z, y),
        crossent.softmax_cross_entropy_with_integer_labels(z, labels),
        crossent.softmax_focal_cross_entropy(z, y, alpha=0.25),
        crossent.cross_entropy(p, y),
        crossent.sigmoid_binary_cross_entropy(z, y, pos_weight=2.0),
        crossent.binary_cross_entropy(q, y),
        crossent.sigmoid_focal_cross_entropy(z, y, alpha=0.25),
    ]
    for loss in losses:
        assert not np.isnan(loss).any()
        assert (loss >= 0).all(), loss


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, data=st.data())
def test_cross_entropy_with_itself_is_the_entropy(
    dtype: type, shape: tuple[int, int], data: st.DataObject
) -> None:
    # softmax(log y) = y for y summing to exactly 1; rounding log y to the dtype
    # moves the loss only at second order (lse and the label term move together).
    y = data.draw(distributions(shape)).astype(dtype)
    with np.errstate(divide="ignore"):  # log 0 = -inf is the right logit
        logits = np.log(y)
    entropy = ref.cross_entropy(y, y)  # mpmath: -sum_c y_c log y_c, 0 log 0 = 0
    assert_ulp_close(crossent.softmax_cross_entropy(logits, y), entropy, dtype)
    assert_ulp_close(crossent.cross_entropy(y, y), entropy, dtype)


# ---------------------------------------------------------------------- dtypes

LOW_PRECISION = [np.float16, ml_dtypes.bfloat16]
Z = np.array([[0.5, -1.25, 3.0, -INF], [2.0, 2.0, INF, 0.0], [30.0, -30.0, 1.0, 7.5]])
Y = np.array([[0.25, 0.75, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]])
P = np.array([[0.25, 0.5, 0.0, 0.25], [1.0, 0.0, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
K = np.array([1, 2, 0])
W = np.array([1.0, 2.0, 0.5, 3.0])
Cast = Callable[[np.ndarray], Any]


def _same(a: np.ndarray) -> Any:
    return a


# Each case maps (`f`, `o`) to a result: `f` hands over the floating inputs Z, Y, P
# (in the dtype under test), `o` the others (integer labels, weights, masks).
CASES: dict[str, Callable[[Cast, Cast], Any]] = {
    "logsumexp": lambda f, o: crossent.logsumexp(f(Z)),
    "log_softmax": lambda f, o: crossent.log_softmax(f(Z)),
    "softplus": lambda f, o: crossent.softplus(f(Z)),
    "log_sigmoid": lambda f, o: crossent.log_sigmoid(f(Z)),
    "softmax_cross_entropy": lambda f, o: crossent.softmax_cross_entropy(
        f(Z), f(Y), where=o(Z > -10)
    ),
    "integer_labels": lambda f, o: crossent.softmax_cross_entropy_with_integer_labels(
        f(Z), o(K), ignore_index=2
    ),
    "cross_entropy": lambda f, o: crossent.cross_entropy(f(P), f(Y)),
    "sigmoid_bce": lambda f, o: crossent.sigmoid_binary_cross_entropy(
        f(Z), f(Y), pos_weight=o(W)
    ),
    "binary_cross_entropy": lambda f, o: crossent.binary_cross_entropy(f(P), f(Y)),
    "smooth_labels": lambda f, o: crossent.smooth_labels(f(Y), 0.1),
    "softmax_focal": lambda f, o: crossent.softmax_focal_cross_entropy(
        f(Z), f(Y), alpha=o(W)
    ),
    "sigmoid_focal": lambda f, o: crossent.sigmoid_focal_cross_entropy(
        f(Z), f(Y), alpha=0.25
    ),
    "reduce_loss": lambda f, o: crossent.reduce_loss(
        f(P), "weighted_mean", weights=o(W), where=o(P > 0)
    ),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", [*LOW_PRECISION, np.float32, np.float64])
def test_output_dtype_is_input_dtype(name: str, dtype: Any) -> None:
    out = CASES[name](lambda a: a.astype(dtype), _same)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.dtype(dtype)


def test_float32_inputs_with_float64_labels_and_weights_stay_float32() -> None:
    z, p, y = Z.astype(np.float32), P.astype(np.float32), Y  # y, W stay float64
    outs = [
        crossent.softmax_cross_entropy(z, y),
        crossent.cross_entropy(p, y),
        crossent.sigmoid_binary_cross_entropy(z, y, pos_weight=W),
        crossent.binary_cross_entropy(p, y),
        crossent.softmax_focal_cross_entropy(z, y, alpha=W),
        crossent.sigmoid_focal_cross_entropy(z, y, alpha=0.25),
        crossent.reduce_loss(p, "weighted_mean", weights=W),
    ]
    assert [o.dtype for o in outs] == [np.float32] * len(outs)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", LOW_PRECISION)
def test_low_precision_is_the_float64_result_rounded(name: str, dtype: Any) -> None:
    low = CASES[name](lambda a: a.astype(dtype), _same)
    # The same input values (rounded to `dtype`), computed in float64, rounded once.
    wide = CASES[name](lambda a: a.astype(dtype).astype(np.float64), _same)
    assert wide.dtype == np.float64
    np.testing.assert_array_equal(
        low.astype(np.float64), wide.astype(dtype).astype(np.float64)
    )


# ------------------------------------------------------------------- array API


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_array_api_strict_gives_the_numpy_result(name: str, dtype: type) -> None:
    # NumPy arrays take the exact float64 path (within 1 ulp); other array
    # libraries compute the plain formulas (within 4 ulp): the same numbers to
    # within both bars, not bit for bit.
    numpy_out = CASES[name](lambda a: a.astype(dtype), _same)
    strict_out = CASES[name](lambda a: xps.asarray(a.astype(dtype)), xps.asarray)
    assert array_namespace(strict_out) is xps  # an array_api_strict array
    assert strict_out.dtype == xps.asarray(numpy_out).dtype
    assert tuple(strict_out.shape) == numpy_out.shape
    assert_ulp_close(np.asarray(strict_out), numpy_out, dtype, ulps=BOTH_BARS)


# ----------------------------------------------------------------- reductions

LOSS = np.array([[0.5, 2.0, 1.25], [4.0, 0.0, 3.5]])
WEIGHTS = np.array([[1.0, 0.5, 2.0], [0.0, 3.0, 1.0]])
WHERE = np.array([[True, False, True], [True, True, False]])


def _fsum(values: Any) -> Any:
    return ref.mp.fsum(ref.mpf(v) for v in np.ravel(values))


@pytest.mark.parametrize(
    ("reduction", "weights", "where", "numerator", "denominator"),
    [
        # mpmath sums of the included w_i * l_i, over the stated denominator
        ("sum", None, None, LOSS, None),
        ("mean", None, None, LOSS, LOSS.size),
        ("mean", WEIGHTS, None, WEIGHTS * LOSS, LOSS.size),
        ("weighted_mean", WEIGHTS, None, WEIGHTS * LOSS, WEIGHTS),
        ("sum", WEIGHTS, WHERE, (WEIGHTS * LOSS)[WHERE], None),
        ("mean", WEIGHTS, WHERE, (WEIGHTS * LOSS)[WHERE], int(WHERE.sum())),
        ("weighted_mean", WEIGHTS, WHERE, (WEIGHTS * LOSS)[WHERE], WEIGHTS[WHERE]),
        ("mean", None, WHERE[0], LOSS[:, WHERE[0]], 2 * int(WHERE[0].sum())),
        ("weighted_mean", WEIGHTS[0], None, WEIGHTS[0] * LOSS, 2 * WEIGHTS[0]),
    ],
)
def test_reduce_loss_denominators(
    reduction: str, weights: Any, where: Any, numerator: Any, denominator: Any
) -> None:
    out = crossent.reduce_loss(LOSS, reduction, weights=weights, where=where)
    expected = _fsum(numerator)
    if denominator is not None:
        count = denominator if isinstance(denominator, int) else _fsum(denominator)
        expected = expected / count
    assert out.shape == ()
    assert_ulp_close(out, expected, np.float64)


def test_reduce_loss_none_keeps_shape_and_zeroes_masked() -> None:
    out = crossent.reduce_loss(LOSS, "none", weights=WEIGHTS, where=WHERE)
    np.testing.assert_array_equal(out, np.where(WHERE, WEIGHTS * LOSS, 0.0))
    assert out.shape == LOSS.shape


@pytest.mark.parametrize(
    ("loss", "where"),
    [
        (np.zeros(0), None),
        (np.zeros((0, 3)), None),
        (LOSS, np.zeros(LOSS.shape, dtype=bool)),
    ],
    ids=["empty", "empty-2d", "fully-masked"],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reduce_loss_empty_and_fully_masked(loss: Any, where: Any, dtype: type) -> None:
    # documented: sum -> 0; mean and weighted_mean -> NaN (0/0) without a warning
    loss = loss.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        total = crossent.reduce_loss(loss, "sum", where=where)
        mean = crossent.reduce_loss(loss, "mean", where=where)
        weighted = crossent.reduce_loss(loss, "weighted_mean", where=where)
        none = crossent.reduce_loss(loss, "none", where=where)
    assert total == 0
    assert np.isnan(mean)
    assert np.isnan(weighted)
    assert {total.dtype, mean.dtype, weighted.dtype, none.dtype} == {np.dtype(dtype)}
    assert none.shape == loss.shape


def test_reduce_loss_zero_total_weight_is_nan() -> None:
    out = crossent.reduce_loss(LOSS, "weighted_mean", weights=np.zeros_like(LOSS))
    assert np.isnan(out)


def test_logits_spanning_the_whole_float64_range_warn_nothing() -> None:
    # exp(−1e308 − 1e308) is 0: the difference overflowing to −inf is the right limit,
    # not a condition to warn about (warnings are errors in this suite).
    z = np.array([[1e308, -1e308], [-1e308, 1e308]])
    assert crossent.logsumexp(z, axis=-1).tolist() == [1e308, 1e308]
    np.testing.assert_array_equal(crossent.log_softmax(z), [[0, -np.inf], [-np.inf, 0]])
    np.testing.assert_array_equal(
        crossent.softmax_cross_entropy_with_integer_labels(z, np.array([0, 0])),
        [0.0, np.inf],  # the true loss 2e308 exceeds float64
    )


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [
        ("none", [0.0, 0.0, 2.0, 12.0]),
        ("sum", 14.0),
        ("mean", 14.0 / 4),  # every element still counts in N (sum_over_batch_size)
        ("weighted_mean", 14.0 / 4),  # Σw = 4
    ],
)
def test_reduce_loss_zero_weight_leaves_the_element_out(
    reduction: str, expected: Any
) -> None:
    # A zero weight drops the element's loss: inf or NaN under it counts as 0, not 0·inf.
    loss = np.array([np.inf, np.nan, 2.0, 4.0])
    w = np.array([0.0, 0.0, 1.0, 3.0])
    np.testing.assert_array_equal(
        crossent.reduce_loss(loss, reduction, weights=w), expected
    )
