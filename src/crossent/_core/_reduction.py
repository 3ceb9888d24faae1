"""Reductions of per-example losses to one number, with explicit denominators."""

from __future__ import annotations

from typing import Any, Literal, get_args

import numpy as np

from crossent._core import _validation as v
from crossent._core._exact_prob import reduce_exact
from crossent._core._exact_softmax import applies
from crossent._core._namespace import (
    as_array,
    namespace,
    quietly,
    to_input_dtype,
    working,
)

__all__ = ["Reduction", "reduce_loss"]

Reduction = Literal["none", "sum", "mean", "weighted_mean"]


def reduce_loss(
    loss: Any,
    reduction: Reduction = "mean",
    *,
    weights: Any = None,
    where: Any = None,
) -> Any:
    r"""Reduce per-example losses, saying exactly what is divided by what.

    Parameters
    ----------
    loss : array_like
        Per-example (or per-element) losses, floating dtype.
    reduction : {"none", "sum", "mean", "weighted_mean"}, default "mean"
        - ``"none"``: :math:`w_i \ell_i`, unreduced (masked entries become 0);
        - ``"sum"``: :math:`\sum_i w_i \ell_i`;
        - ``"mean"``: :math:`\sum_i w_i \ell_i / N`, with N the number of
          entries included by ``where`` (Keras' ``sum_over_batch_size``);
        - ``"weighted_mean"``: :math:`\sum_i w_i \ell_i / \sum_i w_i`
          (Keras' ``mean_with_sample_weight``, scikit-learn's ``sample_weight``,
          PyTorch's class-weighted mean).
    weights : array_like, optional
        Weights broadcast against ``loss``; default 1. A zero weight leaves its
        element out, as ``where=False`` does: an infinite or NaN loss with weight
        0 counts as 0 (``0 · inf`` would be NaN), as in the binary losses'
        ``pos_weight`` and in :func:`crossent.evaluate.evaluate`.
    where : array_like of bool, optional
        Entries to include, broadcast against ``loss``.

    Returns
    -------
    array
        A 0-d array (or ``loss``'s shape for ``"none"``) in ``loss``'s dtype.
        Empty or fully masked input: ``"sum"`` gives 0; ``"mean"`` and
        ``"weighted_mean"`` give NaN (0/0, no warning), as does a zero total
        weight.

    Raises
    ------
    ValueError
        For an unknown ``reduction``.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative (the sum is exact before its one rounding:
    compensated, or math.fsum where the terms cancel), down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    The per-sample losses of docs/semantics.md D4 with sample weights:

    >>> import numpy as np
    >>> import crossent
    >>> l = np.array([1.4076059, 0.1698460, 1.0986123])
    >>> w = np.array([0.5, 0.0, 2.0])
    >>> print(round(float(crossent.reduce_loss(l, "mean", weights=w)), 7))
    0.9670092
    >>> print(round(float(crossent.reduce_loss(l, "weighted_mean", weights=w)), 7))
    1.1604111
    """
    fn = "reduce_loss"
    v.check_choice(fn, "reduction", reduction, get_args(Reduction))
    xp = namespace(loss, weights, where)
    loss = as_array(loss, xp)
    x = working(fn, "loss", loss, xp)
    w = xp.ones_like(x) if weights is None else as_array(weights, xp)
    if weights is not None:
        w = xp.astype(w, x.dtype)
    try:
        x, w = xp.broadcast_arrays(x, w)
    except ValueError:
        raise ValueError(
            f"{fn}: `weights` must broadcast against `loss` {tuple(loss.shape)}; "
            f"got shape {tuple(w.shape)}."
        ) from None
    mask = xp.ones(x.shape, dtype=xp.bool)
    if where is not None:
        mask = xp.broadcast_to(xp.astype(as_array(where, xp), xp.bool), x.shape)
    product = quietly(lambda _, w, x: w * x, w, x, xp=xp, invalid="ignore")
    weighted = xp.where(mask & (w != 0), product, xp.zeros_like(x))
    if reduction == "none":
        return to_input_dtype(weighted, loss.dtype, xp)
    if applies(xp, x):
        exact = reduce_exact(
            x,
            None if weights is None else w,
            mask if where is not None else np.ones(x.shape, dtype=bool),
            reduction,
        )
        if exact is not None:
            return to_input_dtype(np.asarray(exact), loss.dtype, xp)
    total = xp.sum(weighted)
    if reduction == "sum":
        return to_input_dtype(total, loss.dtype, xp)
    if reduction == "mean":
        denominator = xp.sum(xp.astype(mask, x.dtype))
    else:
        denominator = xp.sum(xp.where(mask, w, xp.zeros_like(w)))
    value = quietly(
        lambda _, t, d: t / d,
        total,
        denominator,
        xp=xp,
        invalid="ignore",
        divide="ignore",
    )
    value = xp.where(denominator == 0, xp.asarray(xp.nan, dtype=x.dtype), value)
    return to_input_dtype(value, loss.dtype, xp)
