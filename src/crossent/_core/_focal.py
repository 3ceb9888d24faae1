"""Focal cross-entropies: cross-entropy down-weighted on well-classified examples."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crossent._core import _validation as v
from crossent._core._binary import times
from crossent._core._categorical import softmax_cross_entropy, xlogy_shifted
from crossent._core._logsumexp import shifted_and_log1p_rest
from crossent._core._namespace import (
    as_array,
    labels_working,
    namespace,
    quietly,
    to_input_dtype,
    working,
)

__all__ = ["sigmoid_focal_cross_entropy", "softmax_focal_cross_entropy"]


def _check_gamma(fn: str, gamma: float) -> float:
    g = None
    if not isinstance(gamma, (bool, np.bool_, str, bytes)) and gamma is not None:
        try:
            g = float(gamma)
        except (TypeError, ValueError):
            g = None
    if g is None:
        raise TypeError(f"{fn}: `gamma` must be a real number >= 0; got {gamma!r}.")
    if not g >= 0.0:
        raise ValueError(f"{fn}: `gamma` must be >= 0; got {gamma!r}.")
    if g == math.inf:
        raise ValueError(f"{fn}: `gamma` must be finite; got {gamma!r}.")
    return g


def _focal_factor(one_minus_p: Any, gamma: float, xp: Any) -> Any:
    """``(1 - p) ** gamma`` with ``0 ** 0 = 1``, so gamma = 0 gives plain CE."""
    if gamma == 0.0:
        return xp.ones_like(one_minus_p)
    return one_minus_p**gamma


def softmax_focal_cross_entropy(
    logits: Any,
    labels: Any,
    *,
    alpha: Any = None,
    gamma: float = 2.0,
    axis: int = -1,
) -> Any:
    r"""Focal loss over a softmax: :math:`-\sum_c \alpha_c y_c (1-p_c)^\gamma \log p_c`.

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        One-hot or soft targets, same shape.
    alpha : float or array_like, optional
        Class weight (scalar, or one value per class along ``axis``). Applied
        only when given: with ``alpha=None`` and ``gamma=0`` this is exactly
        :func:`softmax_cross_entropy`. (Keras always applies ``alpha=0.25``.)
    gamma : float, default 2.0
        Focusing parameter, ``>= 0``.
    axis : int, default -1
        The class axis.

    Returns
    -------
    array
        Per-example loss, ``logits`` without ``axis``, dtype of ``logits``.

    Raises
    ------
    ValueError
        If ``gamma < 0``, the shapes differ or the class axis is empty.

    References
    ----------
    Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017,
    https://doi.org/10.1109/ICCV.2017.324

    Notes
    -----
    :math:`1 - p_c` is computed as ``-expm1(log p_c)`` so it keeps its
    precision when :math:`p_c` is close to 1.

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> z = np.array([1.0, 2.0, 3.0]); y = np.array([0.0, 1.0, 0.0])
    >>> print(f"{crossent.softmax_focal_cross_entropy(z, y, gamma=0.0):.10f}")
    1.4076059644
    """
    fn = "softmax_focal_cross_entropy"
    g = _check_gamma(fn, gamma)
    xp = namespace(logits, labels)
    logits, labels = as_array(logits, xp), as_array(labels, xp)
    v.check_same_shape(fn, "logits", logits, "labels", labels)
    axis = v.normalize_axis(fn, axis, max(logits.ndim, 1))
    v.check_nonempty_axis(fn, "logits", logits, axis)
    z = working(fn, "logits", logits, xp)
    if g == 0 and alpha is None:  # exactly the cross-entropy (and as accurate)
        return softmax_cross_entropy(logits, labels, axis=axis)
    y = labels_working(labels, z, xp)
    sh, log1p_rest = shifted_and_log1p_rest(z, axis, xp)
    ce_terms = xlogy_shifted(y, sh, log1p_rest, xp)
    one_minus_p = -xp.expm1(sh - log1p_rest)
    terms = _focal_factor(one_minus_p, g, xp) * ce_terms
    if alpha is not None:
        a = labels_working(as_array(alpha, xp), z, xp)
        if a.ndim == 1 and logits.ndim > 1:
            shape = [1] * logits.ndim
            shape[axis] = a.shape[0]
            a = xp.reshape(a, tuple(shape))
        terms = times(a, terms, xp)  # a zero class weight removes the class
    return to_input_dtype(xp.sum(terms, axis=axis), logits.dtype, xp)


def sigmoid_focal_cross_entropy(
    logits: Any,
    labels: Any,
    *,
    alpha: float | None = None,
    gamma: float = 2.0,
) -> Any:
    r"""Elementwise focal loss over sigmoids (the optax convention).

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        Targets in ``[0, 1]``, same shape.
    alpha : float, optional
        Weight of positives, ``alpha·y + (1-alpha)(1-y)``; only applied when given.
    gamma : float, default 2.0
        Focusing parameter, ``>= 0``.

    Returns
    -------
    array
        Elementwise loss, same shape and dtype as ``logits``.

    Notes
    -----
    .. math:: \ell = (1 - p_t)^\gamma\, \mathrm{BCE}(z, y), \qquad
              1 - p_t = y\,\sigma(-z) + (1-y)\,\sigma(z)

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> z = np.array([-20.0]); y = np.array([1.0])
    >>> print(crossent.sigmoid_focal_cross_entropy(z, y, alpha=0.25))
    [4.99999999]
    """
    fn = "sigmoid_focal_cross_entropy"
    g = _check_gamma(fn, gamma)
    xp = namespace(logits, labels)
    logits, labels = as_array(logits, xp), as_array(labels, xp)
    v.check_same_shape(fn, "logits", logits, "labels", labels)
    z = working(fn, "logits", logits, xp)
    y = labels_working(labels, z, xp)
    ce, one_minus_pt = _bce_and_one_minus_pt(z, y, xp)
    # 0 * inf is replaced just below
    loss = quietly(
        lambda _, f, c: f * c,
        _focal_factor(one_minus_pt, g, xp),
        ce,
        xp=xp,
        invalid="ignore",
    )
    # (1 - pt)^gamma underflows to 0 for a tiny label against an infinite logit,
    # where the exact loss is inf (ce is inf only where 1 - pt > 0).
    loss = xp.where(xp.isinf(ce) & (one_minus_pt > 0), ce, loss)
    if alpha is not None:
        a = float(alpha)
        loss = times(a * y + (1 - a) * (1 - y), loss, xp)  # weight 0 removes it
    return to_input_dtype(loss, logits.dtype, xp)


def _bce_and_one_minus_pt(z: Any, y: Any, xp: Any) -> tuple[Any, Any]:
    """``BCE(z, y)`` and ``1 - p_t``, both as sums of non-negative terms.

    With ``s = sigmoid(-|z|) <= 1/2`` (the smaller of the two sigmoids) and
    ``softplus(±z) = softplus(-|z|) + max(±z, 0)``::

        BCE    = softplus(-|z|) + (1 - y) z   (z > 0),   softplus(-|z|) + y |z|    (z <= 0)
        1 - pt = (1 - y) + (2y - 1) s         (z > 0),   y + (1 - 2y) s            (z <= 0)

    Only ``s``, which is small or at most 1/2, carries rounding error into
    ``1 - pt``, and the large part of the BCE is one product; the focal factor
    ``(1 - pt)^gamma`` multiplies relative errors by ``gamma``, so they must
    start small. Nothing cancels for labels in [0, 1].
    """
    pos = z > 0
    t = xp.exp(-xp.abs(z))
    s = t / (1 + t)
    # a zero label removes its infinite term (0 * inf = 0)
    linear = xp.where(pos, times(1 - y, z, xp), times(y, -z, xp))
    ce = xp.log1p(t) + linear
    one_minus_pt = xp.where(pos, (1 - y) + (2 * y - 1) * s, y + (1 - 2 * y) * s)
    return ce, one_minus_pt
