"""Exact references for the fast kernels, built from the core (float64 throughout).

Every softmax loss here is ``ℓ_i = Σ_c T_ic (lse_i - z_ic)`` for a target matrix
``T``; the core's ``softmax_cross_entropy`` computes it exactly (with its limits for
``±inf`` logits and ``0 · inf = 0``), and the gradient is ``p_i ΣT_i - T_i`` with
``p = exp(log_softmax(z))`` from the core.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import crossent

EPS32 = float(np.finfo(np.float32).eps)
EPS64 = float(np.finfo(np.float64).eps)

BACKENDS = ("numpy", "numba")


def tolerance(dtype: Any) -> float:
    """Per-element tolerance factor: 4 eps(float32), or 16 eps(float64) for float64."""
    return 16 * EPS64 if np.dtype(dtype) == np.float64 else 4 * EPS32


def assert_close(got: Any, ref: Any, factor: float, *, scale: Any = None) -> None:
    """|got - ref| <= factor (scale + |ref|) elementwise (scale defaults to 1), with
    the same NaN and infinity pattern."""
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(ref))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(ref))
    fin = np.isfinite(ref)
    s = (
        1.0
        if scale is None
        else np.broadcast_to(np.asarray(scale, float), ref.shape)[fin]
    )
    err = np.abs(got[fin] - ref[fin])
    tol = factor * (s + np.abs(ref[fin]))
    if err.size:
        worst = int(np.argmax(err / tol))
        assert np.all(err <= tol), (
            f"max error {err[worst]:.3g} > tol {tol[worst]:.3g} at {worst}: "
            f"got {got[fin][worst]!r}, ref {ref[fin][worst]!r}"
        )


def int_targets(
    labels: Any,
    num_classes: int,
    *,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    weight: Any = None,
) -> np.ndarray:
    """PyTorch's target rows for integer labels: (1-ls) w_y e_y + (ls/C) w, 0 if ignored."""
    y = np.asarray(labels).reshape(-1)
    w = np.ones(num_classes) if weight is None else np.asarray(weight, np.float64)
    keep = np.ones(y.shape, bool) if ignore_index is None else y != ignore_index
    t = np.zeros((y.size, num_classes))
    for i in np.flatnonzero(keep):
        t[i] += label_smoothing / num_classes * w
        t[i, y[i]] += (1 - label_smoothing) * w[y[i]]
    return t


def softmax_loss(z: Any, t: Any) -> np.ndarray:
    """Per-row ``Σ_c T_c (lse - z_c)`` from the core, float64."""
    z2 = np.asarray(z, np.float64).reshape(-1, np.shape(z)[-1])
    t2 = np.asarray(t, np.float64).reshape(z2.shape)
    return np.asarray(crossent.softmax_cross_entropy(z2, t2), np.float64)


def softmax_grad(z: Any, t: Any, *, zero_rows: Any = None) -> np.ndarray:
    """``p ΣT - T`` per row (float64); rows in ``zero_rows`` are 0 (ignored rows)."""
    z2 = np.asarray(z, np.float64).reshape(-1, np.shape(z)[-1])
    t2 = np.asarray(t, np.float64).reshape(z2.shape)
    p = np.exp(crossent.log_softmax(z2))
    with np.errstate(invalid="ignore"):
        g = p * t2.sum(axis=1, keepdims=True) - t2
    if zero_rows is not None:
        g[np.asarray(zero_rows).reshape(-1)] = 0.0
    return g


def bce_loss(z: Any, y: Any, pos_weight: Any = None) -> np.ndarray:
    """Elementwise sigmoid BCE from the core, float64."""
    pw = None if pos_weight is None else np.asarray(pos_weight, np.float64)
    return np.asarray(
        crossent.sigmoid_binary_cross_entropy(
            np.asarray(z, np.float64), np.asarray(y, np.float64), pos_weight=pw
        ),
        np.float64,
    )


def bce_grad(z: Any, y: Any, pos_weight: Any = None) -> np.ndarray:
    """``(1 + (p-1) y) σ(z) - p y`` elementwise (float64, stable sigmoid)."""
    z = np.asarray(z, np.float64)
    y = np.asarray(y, np.float64)
    p = 1.0 if pos_weight is None else np.asarray(pos_weight, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.abs(z))
        sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return (1 + (p - 1) * y) * sig - p * y


def reduce(loss: np.ndarray, reduction: str, denominator: float) -> np.ndarray:
    """Reference reduction of float64 per-example losses."""
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return np.asarray(total)
    return np.asarray(total / denominator if denominator else np.nan)
