"""Accuracy of the core against the 50-digit mpmath reference (tests/_reference.py).

Expected values: the reference evaluated at the inputs *as rounded to the input
dtype*, rounded once to that dtype (mpmath, mp.dps = 50). The criterion is
``assert_ulp_close(..., ulps=4)``: relative error <= 4 eps(dtype), or absolute
error <= 4 eps(dtype) where the expected value is within 1 of 0, with the dtype,
the shape and the NaN/inf pattern equal.
"""

from __future__ import annotations

import _reference as ref
import numpy as np
import pytest
from _reference import assert_ulp_close
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossent

DTYPES = [np.float64, np.float32]
INF = float("inf")

# ------------------------------------------------------------------ strategies

# |z| <= 1e4, including hypothesis' own choice of tiny, subnormal and boundary values.
plain_logits = st.floats(-1e4, 1e4)
# Mixed magnitudes within one row: m * 10^k from 1e-300 to 1e4.
mixed_logits = st.builds(
    lambda m, k: m * 10.0**k, st.floats(-9.99, 9.99), st.integers(-300, 3)
)
finite_logits = st.one_of(plain_logits, mixed_logits)
# About one entry in five infinite.
any_logits = st.one_of(
    finite_logits,
    finite_logits,
    plain_logits,
    mixed_logits,
    st.sampled_from([INF, -INF]),
)
# Probabilities: uniform ones, exact 0 and 1, powers of two down to the smallest
# subnormal of float64 (2^-1074) and the smallest subnormal/normal of each dtype.
special_probs = st.sampled_from(
    [
        0.0,
        1.0,
        float(np.finfo(np.float32).smallest_subnormal),
        float(np.finfo(np.float32).tiny),
        float(np.finfo(np.float64).smallest_subnormal),
        float(np.finfo(np.float64).tiny),
        1.0 - float(np.finfo(np.float32).epsneg),
        1.0 - float(np.finfo(np.float64).epsneg),
    ]
)
probabilities = st.one_of(
    st.floats(0.0, 1.0),
    special_probs,
    st.builds(lambda k: 2.0**-k, st.integers(0, 1074)),
)
# Labels in [0, 1] with exact 0 and 1 common (one-hot-like and soft rows).
label_values = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.0, 1.0]))

batch_and_classes = st.tuples(st.integers(1, 3), st.integers(1, 12))


def rows(elements: st.SearchStrategy[float]) -> st.SearchStrategy[np.ndarray]:
    """Float64 arrays of shape (batch, classes) with the given elements."""
    return hnp.arrays(np.float64, batch_and_classes, elements=elements)


@st.composite
def logits_and_labels(
    draw: st.DrawFn, logits: st.SearchStrategy[float] = any_logits
) -> tuple[np.ndarray, np.ndarray]:
    z = draw(rows(logits))
    y = draw(hnp.arrays(np.float64, z.shape, elements=label_values))
    return z, y


def as_dtype(dtype: type, *arrays: np.ndarray) -> list[np.ndarray]:
    """The inputs rounded to ``dtype``; the reference reads these rounded values."""
    return [np.asarray(a).astype(dtype) for a in arrays]


# ------------------------------------------------------------ log-sum-exp family


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=rows(any_logits))
@example(z=np.array([[1e4, -1e4, 1e4 - 1.0]]))
@example(z=np.array([[INF, INF, 0.0], [-INF, -INF, -INF], [-INF, 3.0, -INF]]))
@example(z=np.array([[1e-300, 1e4, -2.5e-7, 7.0]]))
def test_logsumexp(dtype: type, z: np.ndarray) -> None:
    (z,) = as_dtype(dtype, z)
    expected = [ref.logsumexp(row) for row in z]
    assert_ulp_close(crossent.logsumexp(z), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=rows(any_logits))
@example(z=np.array([[1e4, -1e4, 1e4 - 1.0]]))
@example(z=np.array([[INF, INF, 0.0, -INF], [-INF, -INF, -INF, -INF]]))
@example(z=np.array([[40.0, 0.0, -40.0, 1e-300]]))
def test_log_softmax(dtype: type, z: np.ndarray) -> None:
    (z,) = as_dtype(dtype, z)
    expected = [ref.log_softmax(row) for row in z]
    assert_ulp_close(crossent.log_softmax(z), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=any_logits))
@example(z=np.array([-1e4, -745.0, -50.0, -1e-300, 0.0, 1e-300, 20.0, 40.0, 1e4]))
def test_softplus_and_log_sigmoid(dtype: type, z: np.ndarray) -> None:
    (z,) = as_dtype(dtype, z)
    assert_ulp_close(crossent.softplus(z), [ref.softplus(v) for v in z], dtype)
    assert_ulp_close(crossent.log_sigmoid(z), [ref.log_sigmoid(v) for v in z], dtype)


# --------------------------------------------------------- softmax cross-entropy


@pytest.mark.parametrize("dtype", DTYPES)
@given(zy=logits_and_labels())
@example(zy=(np.array([[0.0, -INF, 2.0]]), np.array([[0.5, 0.0, 0.5]])))
@example(zy=(np.array([[INF, INF, 1.0]]), np.array([[1.0, 0.0, 0.0]])))
@example(zy=(np.array([[INF, 5.0, -INF]]), np.array([[0.0, 1.0, 0.0]])))
@example(zy=(np.array([[-INF, -INF]]), np.array([[1.0, 0.0]])))
@example(zy=(np.array([[1e4, -1e4, 0.0]]), np.array([[1.0, 0.0, 0.0]])))
@example(zy=(np.array([[1e4, -1e4, 0.0]]), np.array([[0.0, 1.0, 0.0]])))
def test_softmax_cross_entropy(dtype: type, zy: tuple[np.ndarray, np.ndarray]) -> None:
    z, y = as_dtype(dtype, *zy)
    expected = ref.softmax_cross_entropy(z, y)
    assert_ulp_close(crossent.softmax_cross_entropy(z, y), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(zy=logits_and_labels(), data=st.data())
def test_softmax_cross_entropy_where(
    dtype: type, zy: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    z, y = as_dtype(dtype, *zy)
    where = data.draw(hnp.arrays(np.bool_, z.shape), label="where")
    expected = ref.softmax_cross_entropy(z, y, where=where)
    assert_ulp_close(crossent.softmax_cross_entropy(z, y, where=where), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(z=rows(any_logits), data=st.data())
def test_integer_labels(dtype: type, z: np.ndarray, data: st.DataObject) -> None:
    (z,) = as_dtype(dtype, z)
    batch, num_classes = z.shape
    labels = data.draw(
        hnp.arrays(
            np.int64, batch, elements=st.sampled_from([*range(num_classes), -100])
        ),
        label="labels",
    )
    out = crossent.softmax_cross_entropy_with_integer_labels(
        z, labels, ignore_index=-100
    )
    expected = ref.softmax_cross_entropy_with_integer_labels(
        z, labels, ignore_index=-100
    )
    assert_ulp_close(out, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(zy=logits_and_labels(), data=st.data())
def test_softmax_focal_cross_entropy(
    dtype: type, zy: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    z, y = as_dtype(dtype, *zy)
    gamma = data.draw(st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(0, 5)))
    alpha = data.draw(
        st.one_of(
            st.none(),
            st.floats(0, 1),
            hnp.arrays(np.float64, z.shape[-1], elements=st.floats(0, 1)),
        ),
        label="alpha",
    )
    out = crossent.softmax_focal_cross_entropy(z, y, alpha=alpha, gamma=gamma)
    expected = ref.softmax_focal_cross_entropy(z, y, alpha=alpha, gamma=gamma)
    assert_ulp_close(out, expected, dtype)


# ----------------------------------------------------- probability cross-entropy


@pytest.mark.parametrize("dtype", DTYPES)
@given(p=rows(probabilities), data=st.data())
def test_cross_entropy(dtype: type, p: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, p.shape, elements=label_values), label="y")
    p, y = as_dtype(dtype, p, y)
    assert_ulp_close(crossent.cross_entropy(p, y), ref.cross_entropy(p, y), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_smallest_subnormal(dtype: type) -> None:
    tiny = np.finfo(dtype).smallest_subnormal
    p = np.array([[tiny, 1 - tiny, 0.0], [tiny, 0.5, 0.5]], dtype=dtype)
    y = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0]], dtype=dtype)
    out = crossent.cross_entropy(p, y)
    assert_ulp_close(out, ref.cross_entropy(p, y), dtype)
    assert np.isfinite(out).all()


# ------------------------------------------------------------------- binary


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    z=hnp.arrays(np.float64, st.integers(1, 20), elements=any_logits),
    data=st.data(),
)
def test_sigmoid_binary_cross_entropy(
    dtype: type, z: np.ndarray, data: st.DataObject
) -> None:
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=label_values), label="y")
    pos_weight = data.draw(
        st.one_of(
            st.none(), hnp.arrays(np.float64, z.shape, elements=st.floats(0, 10))
        ),
        label="pos_weight",
    )
    z, y = as_dtype(dtype, z, y)
    out = crossent.sigmoid_binary_cross_entropy(z, y, pos_weight=pos_weight)
    pw = [None] * len(z) if pos_weight is None else pos_weight
    expected = [
        ref.sigmoid_binary_cross_entropy(a, b, w)
        for a, b, w in zip(z, y, pw, strict=True)
    ]
    assert_ulp_close(out, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    p=hnp.arrays(np.float64, st.integers(1, 20), elements=probabilities),
    data=st.data(),
)
def test_binary_cross_entropy(dtype: type, p: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, p.shape, elements=label_values), label="y")
    p, y = as_dtype(dtype, p, y)
    expected = [ref.binary_cross_entropy(a, b) for a, b in zip(p, y, strict=True)]
    assert_ulp_close(crossent.binary_cross_entropy(p, y), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    z=hnp.arrays(np.float64, st.integers(1, 20), elements=any_logits),
    data=st.data(),
)
def test_sigmoid_focal_cross_entropy(
    dtype: type, z: np.ndarray, data: st.DataObject
) -> None:
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=label_values), label="y")
    gamma = data.draw(st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(0, 5)))
    alpha = data.draw(st.one_of(st.none(), st.floats(0, 1)), label="alpha")
    z, y = as_dtype(dtype, z, y)
    out = crossent.sigmoid_focal_cross_entropy(z, y, alpha=alpha, gamma=gamma)
    expected = [
        ref.sigmoid_focal_cross_entropy(a, b, alpha=alpha, gamma=gamma)
        for a, b in zip(z, y, strict=True)
    ]
    assert_ulp_close(out, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(y=rows(label_values), alpha=st.floats(0, 1))
def test_smooth_labels(dtype: type, y: np.ndarray, alpha: float) -> None:
    (y,) = as_dtype(dtype, y)
    out = crossent.smooth_labels(y, alpha)
    assert_ulp_close(out, ref.smooth_labels(y, alpha), dtype)


# ------------------------------------------------------ tiny losses, float32
# The floor of assert_ulp_close (absolute 4 eps where |expected| <= 1) cannot
# tell a tiny loss from 0. Computed in float64, float32 results must keep their
# *relative* precision however small they are: this is what log1p and the
# separated max term are for (a naive log(sum(exp)) returns 0 here).


@given(
    z=hnp.arrays(np.float64, st.integers(2, 8), elements=st.floats(-10, 10)),
    lead=st.floats(17, 100),
    data=st.data(),
)
def test_tiny_losses_keep_relative_precision_in_float32(
    z: np.ndarray, lead: float, data: st.DataObject
) -> None:
    winner = data.draw(st.integers(0, len(z) - 1), label="winner")
    z[winner] = lead  # softmax(z)_winner = 1 - tiny
    (z,) = as_dtype(np.float32, z)
    one_hot = np.eye(len(z), dtype=np.float32)[winner]
    big = np.abs(z) + 17  # sigmoid(big) = 1 - tiny
    cases = [
        (
            crossent.softmax_cross_entropy_with_integer_labels(z, np.array(winner)),
            ref.softmax_cross_entropy_with_integer_labels(z, np.array(winner)),
        ),
        (
            crossent.softmax_cross_entropy(z, one_hot),
            ref.softmax_cross_entropy(z, one_hot),
        ),
        (crossent.log_softmax(z)[winner], ref.log_softmax(z)[winner]),
        (crossent.softplus(-big), [ref.softplus(-v) for v in big]),
        (crossent.log_sigmoid(big), [ref.log_sigmoid(v) for v in big]),
        (
            crossent.sigmoid_binary_cross_entropy(big, np.ones_like(big)),
            [ref.sigmoid_binary_cross_entropy(v, 1.0) for v in big],
        ),
        (
            crossent.sigmoid_focal_cross_entropy(-big, np.zeros_like(big), gamma=0.5),
            [ref.sigmoid_focal_cross_entropy(-v, 0.0, gamma=0.5) for v in big],
        ),
    ]
    for out, expected in cases:
        expected = ref.to_dtype(expected, np.float32)
        assert_ulp_close(out, expected, np.float32)
        np.testing.assert_array_max_ulp(out, expected, maxulp=4)


# ------------------------------------------------------------- many classes


def _large_row(kind: str, num_classes: int) -> np.ndarray:
    rng = np.random.default_rng(num_classes + len(kind))
    if kind == "comparable":  # many terms of similar size: the sum matters
        return rng.normal(0.0, 2.0, num_classes)
    if kind == "mixed":  # |z| up to 1e4 with magnitudes from 1e-300
        mantissa = rng.uniform(-9.99, 9.99, num_classes)
        return mantissa * 10.0 ** rng.integers(-300, 4, num_classes)
    z = rng.normal(0.0, 1.0, num_classes)  # "dominant": one class far ahead
    z[num_classes // 3] = 45.0
    return z


@pytest.mark.parametrize(
    ("kind", "num_classes", "dtype"),
    [
        ("comparable", 1_000, np.float32),
        ("dominant", 10_000, np.float64),
        ("comparable", 100_000, np.float64),
        ("mixed", 100_000, np.float32),
    ],
)
def test_many_classes(kind: str, num_classes: int, dtype: type) -> None:
    (z,) = as_dtype(dtype, _large_row(kind, num_classes)[None, :])
    rng = np.random.default_rng(0)
    soft = np.zeros_like(z)
    picked = rng.choice(num_classes, size=50, replace=False)
    soft[0, picked] = rng.dirichlet(np.ones(50)).astype(dtype)
    labels = np.array([num_classes // 3, 0, num_classes - 1])
    z3 = np.repeat(z, 3, axis=0)

    assert_ulp_close(crossent.logsumexp(z), [ref.logsumexp(z[0])], dtype)
    assert_ulp_close(crossent.log_softmax(z), [ref.log_softmax(z[0])], dtype)
    assert_ulp_close(
        crossent.softmax_cross_entropy_with_integer_labels(z3, labels),
        ref.softmax_cross_entropy_with_integer_labels(z3, labels),
        dtype,
    )
    assert_ulp_close(
        crossent.softmax_cross_entropy(z, soft),
        ref.softmax_cross_entropy(z, soft),
        dtype,
    )


# ------------------------------------------------- pinned exact-value examples


def test_neg_inf_logit_with_zero_label_is_finite() -> None:
    # reference: -log softmax([0, -inf, 2])_{0, 2} weighted 1/2 each, the -inf class 0
    z = np.array([[0.0, -INF, 2.0]])
    y = np.array([[0.5, 0.0, 0.5]])
    out = crossent.softmax_cross_entropy(z, y)
    assert np.isfinite(out).all()
    assert_ulp_close(out, ref.softmax_cross_entropy(z, y), np.float64)


@pytest.mark.parametrize("ties", [1, 2, 5])
def test_pos_inf_ties_cost_log_k(ties: int) -> None:
    # reference: k tied +inf logits share the mass, so a label on one costs log(k)
    z = np.array([[INF] * ties + [0.0, -INF, 1e4]])
    finite_class = ties + 2
    out = crossent.softmax_cross_entropy_with_integer_labels(
        np.repeat(z, 2, axis=0), np.array([0, finite_class])
    )
    expected = ref.softmax_cross_entropy_with_integer_labels(
        np.repeat(z, 2, axis=0), np.array([0, finite_class])
    )
    assert_ulp_close(out, expected, np.float64)
    assert out[1] == INF


def test_seed_002_tiny_loss_keeps_relative_precision() -> None:
    # reference: softplus(-a) = log(1 + exp(-a)) at 50 digits, rounded to float32;
    # the round trip through sigmoid(a) in float32 gives 0 for a >= 17.
    a = np.array([10.0, 20.0, 40.0, 88.0], dtype=np.float32)
    out = crossent.sigmoid_binary_cross_entropy(a, np.ones_like(a))
    expected = ref.to_dtype([ref.softplus(-v) for v in a], np.float32)
    np.testing.assert_array_max_ulp(out, expected, maxulp=1)
