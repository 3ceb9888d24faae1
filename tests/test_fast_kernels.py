"""Edge cases, layouts, dtypes and options of the fast kernels and value_and_grad."""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest

import crossent
from crossent import fast
from crossent import value_and_grad as vg
from crossent.fast import _dispatch
from tests._fast_reference import (
    BACKENDS,
    EPS32,
    assert_close,
    bce_grad,
    bce_loss,
    int_targets,
    softmax_grad,
    softmax_loss,
    tolerance,
)
from tests._python import python_output

RNG = np.random.default_rng(20240607)


def _chunky_logits(n: int, c: int, dtype: Any) -> np.ndarray:
    """Logits whose row maximum rises chunk after chunk (exercises the rescaling)."""
    z = (
        RNG.normal(0, 3, (n, c))
        + np.linspace(0, 60, c)[None, :] * (np.arange(n) % 2)[:, None]
    )
    z[:, -1] += 25.0
    z[2, 0] = -1e4  # a first logit far below the max: the reference moves up
    z[3, :3] = -np.inf
    return z.astype(dtype)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [2047, 2048, 2049, 6001])
def test_rows_spanning_chunks(backend: str, dtype: Any, c: int) -> None:
    z = _chunky_logits(6, c, dtype)
    y = RNG.integers(0, c, 6)
    w = RNG.uniform(0, 2, c)
    tol = tolerance(dtype)
    for opts in ({}, {"label_smoothing": 0.2, "weight": w}):
        t = int_targets(y, c, **opts)
        got = fast.softmax_cross_entropy_with_integer_labels(
            z, y, backend=backend, **opts
        )
        assert_close(got, softmax_loss(z, t), tol)
        r = vg.softmax_cross_entropy_with_integer_labels(
            z, y, backend=backend, reduction="sum", **opts
        )
        assert_close(r.grad, softmax_grad(z, t), 2 * tol, scale=2.0)
    tt = RNG.uniform(0, 1, (6, c)).astype(dtype)
    assert_close(
        fast.softmax_cross_entropy(z, tt, backend=backend), softmax_loss(z, tt), tol
    )
    r = vg.softmax_cross_entropy(z, tt, reduction="sum", backend=backend)
    assert_close(
        r.grad, softmax_grad(z, tt), 2 * tol, scale=tt.sum(axis=1, keepdims=True)
    )
    yb = (RNG.uniform(size=(6, c)) < 0.1).astype(dtype)
    got = fast.sigmoid_binary_cross_entropy(z, yb, backend=backend, reduction="none")
    assert_close(got, bce_loss(z, yb), tol)
    r = vg.sigmoid_binary_cross_entropy(z, yb, backend=backend, reduction="sum")
    assert_close(r.grad, bce_grad(z, yb), 2 * tol)


@pytest.mark.parametrize("backend", BACKENDS)
def test_whole_chunks_of_neg_inf(backend: str) -> None:
    z = RNG.normal(0, 2, (4, 5000))
    z[:, :2100] = -np.inf  # the first chunk (and a bit) excluded
    z[1, 4000:] = -np.inf
    z[2] = -np.inf
    z[2, -1] = 0.0
    z = z.astype(np.float32)
    y = np.array([3000, 2500, 4999, 2200])
    w = np.ones(5000)
    w[:2100] = 0.0  # excluded classes carry no smoothing mass
    for opts in ({}, {"label_smoothing": 0.1}, {"label_smoothing": 0.1, "weight": w}):
        t = int_targets(y, 5000, **opts)
        got = fast.softmax_cross_entropy_with_integer_labels(
            z, y, backend=backend, **opts
        )
        assert_close(got, softmax_loss(z, t), 4 * EPS32)
        if "weight" in opts or not opts:  # masked classes carry no target mass
            assert np.all(np.isfinite(got[[0, 3]]))
    tt = np.zeros(z.shape, np.float32)
    tt[np.arange(4), y] = 1.0
    assert_close(
        fast.softmax_cross_entropy(z, tt, backend=backend),
        softmax_loss(z, tt),
        4 * EPS32,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_neg_inf_logit_with_zero_label_is_finite(backend: str) -> None:
    z = np.array([[-np.inf, 1.0, 2.0], [0.0, -np.inf, -np.inf]], dtype=np.float32)
    got = fast.softmax_cross_entropy_with_integer_labels(z, [2, 0], backend=backend)
    np.testing.assert_allclose(got, [np.log1p(np.exp(-1.0)), 0.0], rtol=4 * EPS32)
    t = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]], dtype=np.float32)
    soft = fast.softmax_cross_entropy(z, t, backend=backend)
    assert np.all(np.isfinite(soft))
    for r in (
        vg.softmax_cross_entropy_with_integer_labels(z, [2, 0], backend=backend),
        vg.softmax_cross_entropy(z, t, backend=backend),
    ):
        assert np.isfinite(r.value)
        assert np.all(np.isfinite(r.grad))
        assert r.grad[0, 0] == 0
        assert r.grad[1, 1] == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_pos_inf_and_nan_rows_follow_the_core(backend: str) -> None:
    z = np.array(
        [
            [np.inf, 0.0, 1.0],  # target at the +inf entry: loss 0
            [np.inf, np.inf, 0.0],  # two +inf entries share the mass: log 2
            [np.inf, 0.0, 1.0],  # target elsewhere: inf
            [np.nan, 0.0, 1.0],  # NaN propagates
            [-np.inf, -np.inf, -np.inf],  # no distribution: NaN
            [1.0, 2.0, 3.0],  # unaffected
        ],
        dtype=np.float32,
    )
    y = np.array([0, 1, 2, 1, 0, 2])
    ref = crossent.softmax_cross_entropy_with_integer_labels(z.astype(np.float64), y)
    got = fast.softmax_cross_entropy_with_integer_labels(z, y, backend=backend)
    assert_close(got, ref, 4 * EPS32)
    zz = z.copy()
    r = vg.softmax_cross_entropy_with_integer_labels(
        zz, y, reduction="none", overwrite_logits=True, backend=backend
    )
    assert_close(r.value, ref, 4 * EPS32)
    t = int_targets(y, 3)
    assert_close(r.grad, softmax_grad(z, t), 4 * EPS32)
    assert r.grad is zz


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_low_precision_inputs_computed_in_float32(
    backend: str, dtype: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_dispatch, "CONVERT_BLOCK_BYTES", 4096)  # several blocks
    z = RNG.normal(0, 4, (40, 300)).astype(dtype)
    y = RNG.integers(0, 300, 40)
    z64 = z.astype(np.float64)
    eps = float(ml_dtypes.finfo(dtype).eps)
    got = fast.softmax_cross_entropy_with_integer_labels(z, y, backend=backend)
    assert got.dtype == z.dtype
    ref = crossent.softmax_cross_entropy_with_integer_labels(z64, y)
    assert_close(got, ref, eps)
    r = vg.softmax_cross_entropy_with_integer_labels(
        z, y, reduction="sum", backend=backend
    )
    assert r.grad.dtype == z.dtype
    assert r.value.dtype == z.dtype
    assert_close(r.grad, softmax_grad(z64, int_targets(y, 300)), eps)
    zz = z.copy()
    r2 = vg.softmax_cross_entropy_with_integer_labels(
        zz, y, reduction="sum", backend=backend, overwrite_logits=True
    )
    assert r2.grad is zz
    np.testing.assert_array_equal(r2.grad.astype(np.float32), r.grad.astype(np.float32))
    yb = RNG.uniform(size=z.shape) < 0.3
    got = fast.sigmoid_binary_cross_entropy(z, yb, backend=backend)
    assert got.dtype == z.dtype
    assert_close(got, bce_loss(z64, yb), eps)


@pytest.mark.parametrize("backend", BACKENDS)
def test_layouts_axis_and_batch_dims(backend: str) -> None:
    z = RNG.normal(0, 2, (4, 5, 7)).astype(np.float32)
    y = RNG.integers(0, 7, (4, 5))
    flat = fast.softmax_cross_entropy_with_integer_labels(
        z.reshape(20, 7), y.reshape(20), backend=backend
    )
    got = fast.softmax_cross_entropy_with_integer_labels(z, y, backend=backend)
    assert got.shape == (4, 5)
    np.testing.assert_array_equal(got.reshape(20), flat)
    moved = np.moveaxis(z, -1, 0)  # classes first, not contiguous along them
    got_axis = fast.softmax_cross_entropy_with_integer_labels(
        moved, y, axis=0, backend=backend
    )
    np.testing.assert_array_equal(got_axis, got)
    r = vg.softmax_cross_entropy_with_integer_labels(
        z, y, reduction="none", backend=backend
    )
    assert r.value.shape == (4, 5)
    assert r.grad.shape == z.shape
    strided = np.asfortranarray(z.reshape(20, 7))
    r2 = vg.softmax_cross_entropy_with_integer_labels(
        strided, y.reshape(20), reduction="none", backend=backend
    )
    np.testing.assert_array_equal(r2.value, r.value.reshape(20))
    np.testing.assert_array_equal(r2.grad, r.grad.reshape(20, 7))
    t = RNG.uniform(size=z.shape)  # float64 labels with float32 logits
    got = fast.softmax_cross_entropy(z, t, backend=backend)
    assert got.shape == (4, 5)
    assert got.dtype == np.float32
    assert_close(got.reshape(-1), softmax_loss(z, t), 4 * EPS32)
    moved_t = np.moveaxis(t, -1, 1)
    got_axis = fast.softmax_cross_entropy(
        np.moveaxis(z, -1, 1), moved_t, axis=1, backend=backend
    )
    np.testing.assert_array_equal(got_axis, got)


@pytest.mark.parametrize("backend", BACKENDS)
def test_out_and_overwrite_logits(backend: str) -> None:
    z = RNG.normal(0, 2, (8, 11)).astype(np.float32)
    y = RNG.integers(0, 11, 8)
    plain = vg.softmax_cross_entropy_with_integer_labels(z, y, backend=backend)
    out = np.empty_like(z)
    r = vg.softmax_cross_entropy_with_integer_labels(z, y, out=out, backend=backend)
    assert r.grad is out
    np.testing.assert_array_equal(out, plain.grad)
    zz = z.copy()
    r = vg.softmax_cross_entropy_with_integer_labels(
        zz, y, overwrite_logits=True, backend=backend
    )
    assert r.grad is zz
    np.testing.assert_array_equal(zz, plain.grad)
    np.testing.assert_array_equal(r.value, plain.value)
    r = vg.softmax_cross_entropy_with_integer_labels(
        z.tolist(), y, overwrite_logits=True, backend=backend
    )
    assert r.grad.dtype == np.float64
    yb = (RNG.uniform(size=z.shape) < 0.5).astype(np.float32)
    plain = vg.sigmoid_binary_cross_entropy(z, yb, reduction="none", backend=backend)
    zz = z.copy()
    r = vg.sigmoid_binary_cross_entropy(
        zz, yb, reduction="none", overwrite_logits=True, backend=backend
    )
    assert r.grad is zz
    np.testing.assert_array_equal(zz, plain.grad)
    np.testing.assert_array_equal(r.value, plain.value)
    t = RNG.uniform(size=z.shape).astype(np.float32)
    plain = vg.softmax_cross_entropy(z, t, backend=backend)
    zz = z.copy()
    r = vg.softmax_cross_entropy(zz, t, overwrite_logits=True, backend=backend)
    np.testing.assert_array_equal(zz, plain.grad)


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_and_fully_ignored_batches(backend: str) -> None:
    z = np.zeros((0, 5), np.float32)
    y = np.zeros(0, np.int64)
    assert fast.softmax_cross_entropy_with_integer_labels(
        z, y, backend=backend
    ).shape == (0,)
    r = vg.softmax_cross_entropy_with_integer_labels(z, y, backend=backend)
    assert np.isnan(r.value)
    assert r.grad.shape == (0, 5)
    assert (
        vg.softmax_cross_entropy_with_integer_labels(
            z, y, reduction="sum", backend=backend
        ).value
        == 0
    )
    z = RNG.normal(size=(3, 5)).astype(np.float32)
    r = vg.softmax_cross_entropy_with_integer_labels(
        z, [-1, -1, -1], ignore_index=-1, backend=backend
    )
    assert np.isnan(r.value)
    np.testing.assert_array_equal(r.grad, 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_torch_reference_numbers(backend: str) -> None:
    # Values printed by torch 2.13 F.cross_entropy in docs/semantics.md §5.1 [RUN].
    z = np.array([[1, 2, 3], [3, 1, 0], [0, 0, 0]], dtype=np.float32)
    y = np.array([1, 0, 2])
    f = fast.softmax_cross_entropy_with_integer_labels
    np.testing.assert_allclose(
        f(z, y, reduction="mean", backend=backend), 0.8920214, rtol=1e-6
    )
    np.testing.assert_allclose(
        f(z, y, weight=[1, 2, 3], reduction="mean", backend=backend),
        1.0468158,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        f(z, y, label_smoothing=0.1, reduction="none", backend=backend),
        [1.4076059, 0.3365127, 1.0986123],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        f(
            z,
            y,
            label_smoothing=0.1,
            weight=[1, 2, 3],
            reduction="mean",
            backend=backend,
        ),
        1.0924474,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        f(z, [1, -100, 2], ignore_index=-100, reduction="mean", backend=backend),
        1.2531091,
        rtol=1e-6,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_extreme_magnitudes(backend: str) -> None:
    z = np.array(
        [[1e4, -1e4, 0.0], [-1e4, -1e4 + 1, -1e4 + 2], [3e38, 0, -3e38]], np.float32
    )
    y = np.array([1, 0, 1])
    ref = crossent.softmax_cross_entropy_with_integer_labels(z.astype(np.float64), y)
    assert_close(
        fast.softmax_cross_entropy_with_integer_labels(z, y, backend=backend),
        ref,
        4 * EPS32,
    )
    assert_close(
        fast.sigmoid_binary_cross_entropy(z, np.ones_like(z), backend=backend),
        bce_loss(z, np.ones_like(z)),
        4 * EPS32,
    )


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_gradients_match_finite_differences(backend: str, reduction: str) -> None:
    rng = np.random.default_rng(7)
    z = rng.normal(0, 2, (5, 6))
    y = np.array([0, 3, -100, 5, 1])
    w = rng.uniform(0.5, 2, 6)
    t = rng.uniform(size=(5, 6))
    yb = rng.uniform(size=(5, 6))
    pw = rng.uniform(0.5, 3, 6)
    h = 1e-6
    cases = [
        lambda x: vg.softmax_cross_entropy_with_integer_labels(
            x,
            y,
            ignore_index=-100,
            label_smoothing=0.15,
            weight=w,
            reduction=reduction,
            backend=backend,
        ),
        lambda x: vg.softmax_cross_entropy(x, t, reduction=reduction, backend=backend),
        lambda x: vg.sigmoid_binary_cross_entropy(
            x, yb, pos_weight=pw, reduction=reduction, backend=backend
        ),
    ]
    for f in cases:
        grad = f(z).grad
        fd = np.zeros_like(z)
        for idx in np.ndindex(z.shape):
            zp, zm = z.copy(), z.copy()
            zp[idx] += h
            zm[idx] -= h
            fd[idx] = (float(f(zp).value) - float(f(zm).value)) / (2 * h)
        np.testing.assert_allclose(grad, fd, atol=1e-8, rtol=1e-6)


def test_backends_agree_on_a_medium_problem() -> None:
    z = RNG.normal(0, 5, (300, 1500)).astype(np.float32)
    y = RNG.integers(0, 1500, 300)
    a = vg.softmax_cross_entropy_with_integer_labels(
        z, y, label_smoothing=0.1, backend="numpy"
    )
    b = vg.softmax_cross_entropy_with_integer_labels(
        z, y, label_smoothing=0.1, backend="numba"
    )
    assert_close(b.value, a.value, 4 * EPS32)
    assert_close(b.grad, a.grad, 4 * EPS32, scale=1 / 300)


def test_auto_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    small, big = 100, _dispatch.NUMBA_MIN_ELEMENTS
    assert _dispatch.select_backend("f", "auto", small) == "numpy"
    assert _dispatch.select_backend("f", "auto", big) == "numba"
    assert _dispatch.select_backend("f", "numba", small) == "numba"
    monkeypatch.setattr(_dispatch, "numba_available", lambda: False)
    assert _dispatch.select_backend("f", "auto", big) == "numpy"


def test_import_does_not_load_numba() -> None:
    code = (
        "import sys, numpy as np\n"
        "import crossent.fast, crossent.value_and_grad\n"
        "crossent.fast.softmax_cross_entropy_with_integer_labels(np.zeros((2, 3)), [0, 1])\n"
        "crossent.value_and_grad.sigmoid_binary_cross_entropy(np.zeros((2, 3)), np.ones((2, 3)))\n"
        "print('numba' in sys.modules)\n"
    )
    out = python_output(code)
    assert out == "False"
