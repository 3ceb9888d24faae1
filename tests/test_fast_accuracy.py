"""The fast kernels (both back-ends) against the exact core on hypothesis inputs.

Tolerance: 4·eps(float32)·(1 + |ref|) per element for float32 (16·eps(float64) for
float64), with identical NaN/inf patterns. Inputs include ±inf logits, |z| up to
1e4, ignored rows, class weights (zeros included) and label smoothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossent import fast
from crossent import value_and_grad as vg
from tests._fast_reference import (
    BACKENDS,
    assert_close,
    bce_grad,
    bce_loss,
    int_targets,
    reduce,
    softmax_grad,
    softmax_loss,
    tolerance,
)

DTYPES = (np.float32, np.float64)
REDUCTIONS = ("none", "sum", "mean")


def _logit_values(width: int) -> st.SearchStrategy[float]:
    return st.one_of(
        st.floats(-30, 30, width=width),
        st.floats(-1e4, 1e4, width=width),
        st.sampled_from([-np.inf, np.inf]),
    )


@st.composite
def int_problems(draw: Any) -> dict[str, Any]:
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(0, 6))
    c = draw(st.integers(1, 9))
    width = 32 if dtype == np.float32 else 64
    z = draw(hnp.arrays(dtype, (n, c), elements=_logit_values(width)))
    y = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    ignore = draw(st.sampled_from([None, -100, 0]))
    if ignore == -100 and n:
        mask = draw(hnp.arrays(np.bool_, (n,)))
        y = np.where(mask, -100, y)
    weight = draw(
        st.one_of(
            st.none(),
            hnp.arrays(
                np.float64, (c,), elements=st.sampled_from([0.0, 0.5, 1.0, 3.0])
            ),
        )
    )
    ls = draw(st.sampled_from([0.0, 0.1, 1.0]))
    reduction = draw(st.sampled_from(REDUCTIONS))
    return {
        "z": z,
        "y": y,
        "ignore_index": ignore,
        "weight": weight,
        "label_smoothing": ls,
        "reduction": reduction,
    }


def _int_reference(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, float]:
    z, y = p["z"], p["y"]
    t = int_targets(
        y,
        z.shape[-1],
        ignore_index=p["ignore_index"],
        label_smoothing=p["label_smoothing"],
        weight=p["weight"],
    )
    loss = softmax_loss(z, t)
    keep = (
        y != p["ignore_index"]
        if p["ignore_index"] is not None
        else np.ones_like(y, bool)
    )
    # An ignored row contributes 0, even where its logits have no softmax (all -inf),
    # for which the core's dense loss is NaN.
    loss = np.where(keep.reshape(loss.shape), loss, 0.0)
    w = np.ones(z.shape[-1]) if p["weight"] is None else p["weight"]
    den = float(w[y[keep]].sum())
    grad = softmax_grad(z, t, zero_rows=~keep)
    return loss, grad, den


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None)
@given(p=int_problems())
def test_int_labels_forward_and_grad(backend: str, p: dict[str, Any]) -> None:
    ref_loss, ref_grad, den = _int_reference(p)
    opts = {k: p[k] for k in ("ignore_index", "weight", "label_smoothing", "reduction")}
    red = p["reduction"]
    tol = tolerance(p["z"].dtype)
    ref = reduce(ref_loss, red, den)
    scale = (
        1.0
        if red == "none"
        else (1.0 + np.abs(ref_loss).sum()) / (den if red == "mean" and den else 1.0)
    )
    got = fast.softmax_cross_entropy_with_integer_labels(
        p["z"], p["y"], backend=backend, **opts
    )
    assert got.dtype == p["z"].dtype
    assert_close(got, ref, tol, scale=scale)
    z = p["z"].copy()
    r = vg.softmax_cross_entropy_with_integer_labels(z, p["y"], backend=backend, **opts)
    assert_close(r.value, ref, tol, scale=scale)
    assert r.grad.dtype == z.dtype
    assert r.grad.shape == z.shape
    g_scale = 1.0 / den if red == "mean" and den else (0.0 if red == "mean" else 1.0)
    ref_grad = ref_grad * g_scale
    weight_scale = 1.0 if p["weight"] is None else max(1.0, float(np.max(p["weight"])))
    assert_close(r.grad, ref_grad, 2 * tol, scale=weight_scale * max(g_scale, tol))
    np.testing.assert_array_equal(z, p["z"])  # the logits were not touched


@st.composite
def soft_problems(draw: Any) -> dict[str, Any]:
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(0, 6))
    c = draw(st.integers(1, 9))
    width = 32 if dtype == np.float32 else 64
    z = draw(hnp.arrays(dtype, (n, c), elements=_logit_values(width)))
    t = draw(
        hnp.arrays(
            dtype,
            (n, c),
            elements=st.one_of(st.just(0.0), st.floats(0, 1, width=width)),
        )
    )
    return {"z": z, "t": t, "reduction": draw(st.sampled_from(REDUCTIONS))}


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None)
@given(p=soft_problems())
def test_soft_labels_forward_and_grad(backend: str, p: dict[str, Any]) -> None:
    z, t, red = p["z"], p["t"], p["reduction"]
    n = z.shape[0]
    ref_loss = softmax_loss(z, t)
    ref = reduce(ref_loss, red, n)
    tol = tolerance(z.dtype)
    scale = (
        1.0
        if red == "none"
        else (1.0 + np.abs(ref_loss).sum()) / (n if red == "mean" and n else 1.0)
    )
    got = fast.softmax_cross_entropy(z, t, reduction=red, backend=backend)
    assert got.dtype == z.dtype
    assert_close(got, ref, tol, scale=scale)
    r = vg.softmax_cross_entropy(z, t, reduction=red, backend=backend)
    assert_close(r.value, ref, tol, scale=scale)
    g_scale = 1.0 / n if red == "mean" and n else 1.0
    tsum = 1.0 + (t.sum(axis=1, keepdims=True) if n else 0.0)
    assert_close(r.grad, softmax_grad(z, t) * g_scale, 2 * tol, scale=tsum * g_scale)


@st.composite
def bce_problems(draw: Any) -> dict[str, Any]:
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(0, 5))
    c = draw(st.integers(1, 7))
    width = 32 if dtype == np.float32 else 64
    z = draw(hnp.arrays(dtype, (n, c), elements=_logit_values(width)))
    y = draw(
        hnp.arrays(
            dtype,
            (n, c),
            elements=st.one_of(
                st.sampled_from([0.0, 1.0]), st.floats(0, 1, width=width)
            ),
        )
    )
    pw = draw(
        st.one_of(
            st.none(),
            hnp.arrays(np.float64, (c,), elements=st.sampled_from([0.5, 1.0, 3.0])),
        )
    )
    return {
        "z": z,
        "y": y,
        "pos_weight": pw,
        "reduction": draw(st.sampled_from(REDUCTIONS)),
    }


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None)
@given(p=bce_problems())
def test_bce_forward_and_grad(backend: str, p: dict[str, Any]) -> None:
    z, y, pw, red = p["z"], p["y"], p["pos_weight"], p["reduction"]
    ref_elem = bce_loss(z, y, pw)
    ref = ref_elem if red == "none" else reduce(ref_elem.reshape(-1), red, z.size)
    tol = tolerance(z.dtype)
    scale = (
        1.0
        if red == "none"
        else (1.0 + np.abs(ref_elem).sum())
        / (z.size if red == "mean" and z.size else 1.0)
    )
    got = fast.sigmoid_binary_cross_entropy(
        z, y, pos_weight=pw, reduction=red, backend=backend
    )
    assert got.dtype == z.dtype
    assert_close(got, ref, tol, scale=scale)
    r = vg.sigmoid_binary_cross_entropy(
        z, y, pos_weight=pw, reduction=red, backend=backend
    )
    assert_close(r.value, ref, tol, scale=scale)
    g_scale = 1.0 / z.size if red == "mean" and z.size else 1.0
    pmax = 1.0 if pw is None else 3.0
    assert_close(r.grad, bce_grad(z, y, pw) * g_scale, 2 * tol, scale=pmax * g_scale)
