"""The exact core in ulps, relative, without an absolute floor (issue #18).

Expected values: the mpmath reference (tests/_reference.py, digits chosen per input
from its dynamic range) at the inputs as rounded to the input dtype. Criteria:

* float64: within 1 ulp of the exact value (:func:`_reference.assert_ulp`),
  for every loss down to the smallest subnormal; ``logsumexp`` may add an
  absolute 2^-56 |max x| where its result cancels (much smaller than max |x|);
* float32: the float64 result of the same (widened) inputs, rounded once, so
  within 0.5 ulp of the exact value up to that double rounding (2^-29 ulp).

``softplus`` and ``log_sigmoid`` are held to the same bar. Inputs: logits up to ±1e4 and of mixed magnitudes (1e-300 … 1e4), a true class
ahead of the rest by up to 745 (losses down to e^-745, the subnormal range),
soft labels and probabilities down to the smallest subnormal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import _reference as ref
import numpy as np
import pytest
from _reference import assert_ulp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossent

SUB64 = float(np.finfo(np.float64).smallest_subnormal)
F32_SLACK = 0.5 + 2.0**-28  # 0.5 ulp, plus the double rounding float64 -> float32
EXAMPLES = settings(max_examples=25)

plain = st.floats(-1e4, 1e4)
mixed = st.builds(
    lambda m, k: m * 10.0**k, st.floats(-9.99, 9.99), st.integers(-300, 3)
)
logit = st.one_of(plain, mixed)
# Gaps: the whole range, and the last stretch where e^-gap is subnormal.
gap = st.one_of(st.floats(0, 745), st.floats(700, 745), st.sampled_from([0.0, 745.0]))
tiny = st.builds(lambda k: 2.0**-k, st.integers(0, 1074))
label = st.one_of(st.floats(0, 1), tiny, st.sampled_from([0.0, 0.0, 1.0, SUB64]))
prob = st.one_of(
    st.floats(0, 1),
    tiny,
    st.sampled_from([0.0, 1.0, SUB64, 1 - 2.0**-53, float(np.finfo(np.float32).tiny)]),
)


@st.composite
def led_rows(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Logits (batch, classes) whose labelled class leads the others by a gap."""
    batch, classes = draw(st.integers(1, 3)), draw(st.integers(1, 12))
    z = draw(hnp.arrays(np.float64, (batch, classes), elements=logit))
    k = draw(hnp.arrays(np.int64, batch, elements=st.integers(0, classes - 1)))
    for i in range(batch):
        if draw(st.booleans()):
            others = np.delete(z[i], k[i])
            top = others.max() if others.size else 0.0
            z[i, k[i]] = top + draw(gap)
    return z, k


def _check(
    dtype: Any,
    core: Callable[..., Any],
    reference: Callable[..., Any],
    args: tuple[np.ndarray, ...],
    floor: Callable[[np.ndarray], np.ndarray] | None = None,
) -> None:
    """float64 within 1 ulp (plus ``floor``, absolute); float32 the float64
    result rounded once and within 0.5 ulp (plus double rounding)."""
    rounded = tuple(
        a.astype(dtype) if a.dtype.kind == "f" else a for a in args
    )  # the reference reads the rounded inputs
    out = core(*rounded)
    expected = reference(*rounded)
    if dtype == np.float32:
        wide = core(
            *(a.astype(np.float64) if a.dtype.kind == "f" else a for a in rounded)
        )
        np.testing.assert_array_equal(out, wide.astype(np.float32))
        assert_ulp(out, expected, np.float32, F32_SLACK)
        return
    if floor is None:
        assert_ulp(out, expected, np.float64, 1.0)
        return
    err = ref.ulp_error(out, expected, np.float64)
    exact = ref.to_dtype(expected, np.float64).astype(np.float64)
    ulp = np.spacing(np.abs(exact))
    assert np.all(err * ulp <= ulp + floor(rounded[0])), (out, exact, err)


DTYPES = [np.float64, np.float32]


@pytest.mark.parametrize("dtype", DTYPES)
@EXAMPLES
@given(zk=led_rows())
@example(zk=(np.array([[745.0, 0.0, 0.0]]), np.array([0])))
@example(zk=(np.array([[1e-300, 1e4, -2.5e-7, 1e4 - 740.0]]), np.array([1])))
def test_logsumexp_and_log_softmax(
    dtype: Any, zk: tuple[np.ndarray, np.ndarray]
) -> None:
    z, _ = zk

    def cancel(x: np.ndarray) -> np.ndarray:
        return 2.0**-56 * np.abs(np.max(x, axis=-1))

    _check(
        dtype, crossent.logsumexp, lambda x: [ref.logsumexp(r) for r in x], (z,), cancel
    )
    _check(dtype, crossent.log_softmax, lambda x: [ref.log_softmax(r) for r in x], (z,))


@pytest.mark.parametrize("dtype", DTYPES)
@EXAMPLES
@given(zk=led_rows(), ignore=st.booleans())
@example(
    zk=(np.array([[700.0, 0.0], [740.0, 0.0], [745.0, 1.0]]), np.array([0, 0, 0])),
    ignore=False,
)
def test_integer_labels(
    dtype: Any, zk: tuple[np.ndarray, np.ndarray], ignore: bool
) -> None:
    z, k = zk
    kw = {"ignore_index": int(k[0])} if ignore else {}
    _check(
        dtype,
        lambda x, y: crossent.softmax_cross_entropy_with_integer_labels(x, y, **kw),
        lambda x, y: ref.softmax_cross_entropy_with_integer_labels(x, y, **kw),
        (z, k),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@EXAMPLES
@given(zk=led_rows(), data=st.data())
def test_soft_labels_and_where(
    dtype: Any, zk: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    z, k = zk
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=label), label="y")
    if data.draw(st.booleans(), label="one-hot"):
        y = np.eye(z.shape[1])[k] * y.max(initial=1.0)
    where = data.draw(
        st.one_of(st.none(), hnp.arrays(np.bool_, z.shape)), label="where"
    )
    _check(
        dtype,
        lambda x, t: crossent.softmax_cross_entropy(x, t, where=where),
        lambda x, t: ref.softmax_cross_entropy(x, t, where=where),
        (z, y),
    )


@st.composite
def sigmoid_inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, Any]:
    """Logits (gaps up to ±745 included), labels, and maybe positive weights."""
    elements = st.one_of(logit, st.floats(-745, 745))
    z = draw(hnp.arrays(np.float64, st.integers(1, 16), elements=elements))
    y = draw(hnp.arrays(np.float64, z.shape, elements=label))
    w = draw(
        st.one_of(st.none(), hnp.arrays(np.float64, z.shape, elements=st.floats(0, 10)))
    )
    return z, y, w


@pytest.mark.parametrize("dtype", DTYPES)
@EXAMPLES
@given(zyw=sigmoid_inputs())
@example(
    zyw=(
        np.array([745.0, 720.0, 36.0, -745.0, -720.0, 0.0, 1e-300]),
        np.array([1.0, 1.0, 1.0, 0.0, 0.0, SUB64, 1.0]),
        None,
    )
)
def test_sigmoid(dtype: Any, zyw: tuple[np.ndarray, np.ndarray, Any]) -> None:
    z, y, w = zyw
    _check(dtype, crossent.softplus, lambda a: [ref.softplus(u) for u in a], (z,))
    _check(dtype, crossent.log_sigmoid, lambda a: [ref.log_sigmoid(u) for u in a], (z,))
    pw = [None] * z.size if w is None else w
    _check(
        dtype,
        lambda a, b: crossent.sigmoid_binary_cross_entropy(a, b, pos_weight=w),
        lambda a, b: [
            ref.sigmoid_binary_cross_entropy(u, v, p)
            for u, v, p in zip(a, b, pw, strict=True)
        ],
        (z, y),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@EXAMPLES
@given(
    p=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 3), st.integers(1, 12)), elements=prob
    ),
    data=st.data(),
)
def test_probabilities(dtype: Any, p: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, p.shape, elements=label), label="y")
    _check(dtype, crossent.cross_entropy, ref.cross_entropy, (p, y))
    _check(
        dtype,
        crossent.binary_cross_entropy,
        lambda a, b: ref._unflatten(
            [
                ref.binary_cross_entropy(u, v)
                for u, v in zip(a.ravel(), b.ravel(), strict=True)
            ],
            a.shape,
        ),
        (p, y),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["sum", "mean", "weighted_mean"])
@EXAMPLES
@given(
    loss=hnp.arrays(
        np.float64,
        st.integers(1, 40),
        elements=st.one_of(st.floats(0, 1e4), tiny, st.sampled_from([SUB64, 0.0])),
    ),
    data=st.data(),
)
def test_reductions(
    dtype: Any, reduction: str, loss: np.ndarray, data: st.DataObject
) -> None:
    w = data.draw(
        st.one_of(
            st.none(),
            hnp.arrays(
                np.float64, loss.shape, elements=st.one_of(st.floats(0, 10), tiny)
            ),
        ),
        label="weights",
    )
    where = data.draw(
        st.one_of(st.none(), hnp.arrays(np.bool_, loss.shape)), label="where"
    )
    wd = None if w is None else w.astype(dtype)
    _check(
        dtype,
        lambda x: crossent.reduce_loss(x, reduction, weights=wd, where=where),
        lambda x: ref.reduce_loss(x, reduction, weights=wd, where=where),
        (loss,),
    )
