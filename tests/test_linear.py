"""crossent.linear_cross_entropy against the two-step reference (logits materialised).

The reference is crossent's exact core on float64 logits ``h @ W.T + b`` and the
analytic gradient ``dz = softmax(z) − target`` (PyTorch's definitions of label
smoothing, class weights and ignore_index), folded by hand into dh, dW, db.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent import linear_cross_entropy


def _reference(h, W, y, *, bias=None, ignore_index=None, ls=0.0, weight=None, reduction="mean"):  # fmt: skip
    h64, w64 = h.astype(np.float64), W.astype(np.float64)
    z = h64.reshape(-1, h.shape[-1]) @ w64.T
    if bias is not None:
        z = z + bias.astype(np.float64)
    y = np.asarray(y).reshape(-1)
    n, c = z.shape
    keep = np.ones(n, bool) if ignore_index is None else y != ignore_index
    ys = np.where(keep, y, 0)
    w = np.ones(c) if weight is None else np.asarray(weight, np.float64)
    target = (1 - ls) * np.eye(c)[ys] + ls / c  # PyTorch: weights apply per class
    logp = np.asarray(crossent.log_softmax(z))
    per = -(target * w * logp).sum(-1) * keep
    denom = (w[ys] * keep).sum()
    p = np.exp(logp)
    dz = (p * (target * w).sum(-1, keepdims=True) - target * w) * keep[:, None]
    if reduction == "mean":
        value, dz = per.sum() / denom, dz / denom
    elif reduction == "sum":
        value = per.sum()
    else:
        value = per.reshape(h.shape[:-1])
    db = dz.sum(0)
    return value, (dz @ w64).reshape(h.shape), dz.T @ h64.reshape(-1, h.shape[-1]), db


RNG = np.random.default_rng(7)
H = RNG.normal(size=(2, 5, 6))
W = RNG.normal(size=(9, 6))
B = RNG.normal(size=9)
Y = RNG.integers(0, 9, size=(2, 5))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"bias": B},
        {"ignore_index": int(Y[0, 0])},
        {"ls": 0.1},
        {"weight": RNG.uniform(0.5, 2.0, size=9)},
        {"bias": B, "ls": 0.2, "weight": RNG.uniform(0.5, 2.0, size=9), "ignore_index": int(Y[1, 2])},
    ],
)  # fmt: skip
@pytest.mark.parametrize("block_bytes", [1, 9 * 8 * 3, 2**20])
def test_float64_equals_the_two_step_reference(options, reduction, block_bytes) -> None:
    kw = {
        "bias": options.get("bias"),
        "ignore_index": options.get("ignore_index"),
        "label_smoothing": options.get("ls", 0.0),
        "weight": options.get("weight"),
    }
    r = linear_cross_entropy(H, W, Y, reduction=reduction, block_bytes=block_bytes, backend="numpy", **kw)  # fmt: skip
    value, dh, dw, db = _reference(
        H, W, Y, bias=kw["bias"], ignore_index=kw["ignore_index"], ls=kw["label_smoothing"],
        weight=kw["weight"], reduction=reduction,
    )  # fmt: skip
    np.testing.assert_allclose(r.value, value, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.grad_h, dh, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.grad_W, dw, rtol=1e-10, atol=1e-13)
    if kw["bias"] is None:
        assert r.grad_bias is None
    else:
        np.testing.assert_allclose(r.grad_bias, db, rtol=1e-10, atol=1e-13)


def test_gradients_match_finite_differences() -> None:
    h, w, b, y = H[0, :3], W[:4], B[:4], np.array([0, 3, 1])

    def loss(hh, ww, bb):
        return float(
            linear_cross_entropy(hh, ww, y, bias=bb, label_smoothing=0.1).value
        )

    r = linear_cross_entropy(h, w, y, bias=b, label_smoothing=0.1)
    eps = 1e-6
    for arr, grad, args in ((h, r.grad_h, 0), (w, r.grad_W, 1), (b, r.grad_bias, 2)):
        for idx in np.ndindex(arr.shape):
            plus, minus = [h.copy(), w.copy(), b.copy()], [h.copy(), w.copy(), b.copy()]
            plus[args][idx] += eps
            minus[args][idx] -= eps
            numeric = (loss(*plus) - loss(*minus)) / (2 * eps)
            assert grad[idx] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


BACKENDS = ["numpy"] + (["numba"] if crossent.fast.numba_available() else [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_float32_within_float32_rounding_and_block_independent(backend) -> None:
    h32, w32 = H.astype(np.float32), W.astype(np.float32)
    value, dh, dw, _ = _reference(h32, w32, Y)
    small = linear_cross_entropy(h32, w32, Y, block_bytes=9 * 4, backend=backend)
    whole = linear_cross_entropy(h32, w32, Y, backend=backend)
    assert small.value.dtype == np.float32
    assert small.grad_h.dtype == small.grad_W.dtype == np.float32
    np.testing.assert_allclose(small.value, value, rtol=1e-5)
    np.testing.assert_allclose(small.grad_W, dw, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(small.grad_h, dh, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(small.value, whole.value, rtol=1e-6)


def test_bfloat16_is_accumulated_in_float32() -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes")
    bf = ml_dtypes.bfloat16
    hb, wb = H.astype(bf), W.astype(bf)
    r = linear_cross_entropy(hb, wb, Y)
    assert r.grad_h.dtype == bf
    value, *_ = _reference(hb.astype(np.float32), wb.astype(np.float32), Y)
    assert float(r.value) == pytest.approx(value, rel=1e-2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: linear_cross_entropy(H, W[:, :4], Y), r"`W` must have shape \(V, d\)"),
        (lambda: linear_cross_entropy(H, W, Y[:, :3]), "`labels` must have the shape"),
        (lambda: linear_cross_entropy(H, W, Y, bias=B[:3]), "`bias` must have shape"),
        (lambda: linear_cross_entropy(H, W.astype(np.float32), Y), "share one dtype"),
        (lambda: linear_cross_entropy(H, W, Y, block_bytes=0), "`block_bytes` must be positive"),
        (lambda: linear_cross_entropy(H, W, Y, reduction="avg"), "reduction"),
        (lambda: linear_cross_entropy(H.astype(np.complex128), W.astype(np.complex128), Y), "h"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_error(call, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_vocabulary_slices_of_dw(monkeypatch) -> None:
    # dW is accumulated a slice of the vocabulary at a time; 9 classes in slices of 4
    import crossent.linear

    monkeypatch.setattr(crossent.linear, "_VOCAB_SLICE", 4)
    r = linear_cross_entropy(H, W, Y, bias=B, block_bytes=9 * 8 * 4)
    _, dh, dw, db = _reference(H, W, Y, bias=B)
    np.testing.assert_allclose(r.grad_W, dw, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.grad_h, dh, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.grad_bias, db, rtol=1e-10, atol=1e-13)
