"""Exact float64 treatment of the rare rows the fast kernels hand back.

A row whose maximum or normaliser is not finite (a ``+inf`` or NaN logit, or a row
of ``-inf``) is recomputed here with the core's limits: ``+inf`` logits share the
probability mass evenly, an all ``-inf`` row has no distribution (NaN), NaN
propagates, and a target weight of exactly 0 costs 0 even against ``-inf``.

Every softmax loss of this package is ``ℓ_i = Σ_c T_ic (lse_i - z_ic)`` for a target
matrix ``T`` (a one-hot row scaled and smoothed, or the soft labels), with gradient
``p_i ΣT_i - T_i``; the rows are small in number, so ``T`` is built densely.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from crossent._core import log_softmax, softmax_cross_entropy

__all__ = ["int_targets", "softmax_rows"]

F64 = npt.NDArray[np.float64]


def int_targets(
    labels: npt.NDArray[np.int64],
    num_classes: int,
    *,
    weight: F64 | None,
    label_smoothing: float,
) -> F64:
    """Dense targets ``(1-ls) w_y onehot(y) + (ls/C) w`` for integer labels."""
    w = np.ones(num_classes) if weight is None else weight
    t = np.zeros((labels.shape[0], num_classes))
    if label_smoothing:
        t += label_smoothing / num_classes * w
    rows = np.arange(labels.shape[0])
    t[rows, labels] += (1.0 - label_smoothing) * w[labels]
    return t


def softmax_rows(x: Any, targets: F64, *, grad_scale: float | None) -> tuple[F64, Any]:
    """Exact loss ``Σ_c T_c (lse - z_c)`` per row and, if ``grad_scale`` is given,
    the gradient ``grad_scale (p ΣT - T)`` (float64), else None."""
    z = np.asarray(x, dtype=np.float64)
    loss = np.asarray(softmax_cross_entropy(z, targets), dtype=np.float64)
    if grad_scale is None:
        return loss, None
    p = np.exp(log_softmax(z))
    with np.errstate(invalid="ignore"):  # NaN rows stay NaN, as they should
        grad = grad_scale * (p * targets.sum(axis=1, keepdims=True) - targets)
    return loss, grad
