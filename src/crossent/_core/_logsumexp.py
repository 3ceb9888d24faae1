"""Log-sum-exp and the log-space activations, computed without overflow or cancellation."""

from __future__ import annotations

from typing import Any

from array_api_compat import is_numpy_namespace

from crossent._core import _exact_softmax as exact
from crossent._core import _validation as v
from crossent._core._blocks import by_rows
from crossent._core._exact_prob import softplus_exact
from crossent._core._namespace import (
    as_array,
    namespace,
    quietly,
    to_input_dtype,
    working,
)

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "softplus"]


def shifted_and_log1p_rest(
    z: Any, axis: int, xp: Any, where: Any = None
) -> tuple[Any, Any]:
    """Split ``log_softmax(z) = sh - log1p(rest)`` so neither part cancels.

    ``sh = z - max(z)`` is <= 0 and ``rest = sum(exp(sh)) - 1`` is the sum over
    every entry but one maximal entry, so ``log1p(rest)`` keeps full relative
    precision when one logit dominates (the loss of the winning class is then
    tiny and must not be computed as ``log(1 + tiny)``).

    Limits are taken where the max is infinite: with ``+inf`` logits the
    softmax spreads evenly over the ``+inf`` entries; a row whose entries are
    all ``-inf`` (or all masked) has no distribution and gives NaN.
    Entries excluded by ``where`` behave as ``-inf`` logits.
    """
    neg_inf = xp.asarray(-xp.inf, dtype=z.dtype)
    if where is not None:
        z = xp.where(where, z, neg_inf)
    m = xp.max(z, axis=axis, keepdims=True)
    finite_m = xp.isfinite(m)
    m0 = xp.where(finite_m, m, xp.zeros_like(m))
    # z − max overflows to −inf only where exp(z − max) is 0 anyway (a row holding
    # both ±1e308): no warning for that.
    diff = quietly(lambda _, a, b: a - b, z, m0, xp=xp, over="ignore")
    # +inf max: the +inf entries share the mass (sh = 0), the rest get none.
    sh = xp.where(finite_m, diff, xp.where(z == m, xp.zeros_like(z), neg_inf))
    nan = xp.asarray(xp.nan, dtype=z.dtype)
    sh = xp.where(xp.isnan(m) | (m == neg_inf), nan, sh)
    is_top = sh == 0
    others = xp.sum(
        xp.where(is_top, xp.zeros_like(sh), xp.exp(sh)), axis=axis, keepdims=True
    )
    ties = xp.sum(xp.astype(is_top, z.dtype), axis=axis, keepdims=True) - 1
    rest = others + ties
    return sh, xp.log1p(rest)


def logsumexp(x: Any, *, axis: int = -1, keepdims: bool = False) -> Any:
    r"""Compute :math:`\log \sum_i e^{x_i}` along ``axis`` without overflow.

    Parameters
    ----------
    x : array_like
        Floating-point input (float16, bfloat16, float32 or float64).
    axis : int, default -1
        The axis to reduce.
    keepdims : bool, default False
        Keep the reduced axis with size 1.

    Returns
    -------
    array
        Same floating dtype as ``x``.

    Notes
    -----
    .. math:: \operatorname{lse}(x) = m + \log\bigl(1 + \sum_{i \ne i^*} e^{x_i - m}\bigr),
              \quad m = x_{i^*} = \max_i x_i

    The largest term is separated out and ``log1p`` used, so a dominant entry
    does not lose the small ones. ``+inf`` entries give ``+inf``; an all
    ``-inf`` slice gives ``-inf``.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative, plus at most 2^-56 |max x| where the result cancels (is far
    below max |x|), down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> print(crossent.logsumexp(np.array([1000.0, 1000.0])))
    1000.6931471805599
    >>> print(np.log(np.sum(np.exp(np.array([1000.0, 1000.0])))))  # doctest: +SKIP
    inf
    """
    fn = "logsumexp"
    xp = namespace(x)
    x = as_array(x, xp)
    axis = v.normalize_axis(fn, axis, max(x.ndim, 1))
    v.check_nonempty_axis(fn, "x", x, axis)
    v.check_floating(fn, "x", x)
    last = axis == x.ndim - 1

    def compute(x: Any) -> Any:
        ax = x.ndim - 1 if last else axis
        z = working(fn, "x", x, xp)
        if x.ndim and exact.applies(xp, z):
            out = exact.patched(
                exact.logsumexp_rows,
                lambda r: _plain_logsumexp(r, 1, xp)[:, 0],
                exact.to_rows(z, ax),
            )
            lse = exact.from_rows(out, z, ax, per_class=False)
        else:
            lse = xp.squeeze(_plain_logsumexp(z, ax, xp), axis=ax)
        return to_input_dtype(lse, x.dtype, xp)

    if last and x.ndim >= 2 and is_numpy_namespace(xp):
        lse = by_rows(
            compute,
            (x,),
            classes=int(x.shape[-1]),
            out_shape=tuple(x.shape[:-1]),
            out_dtype=x.dtype,
        )
    else:
        lse = compute(x)
    return xp.expand_dims(lse, axis=axis) if keepdims else lse


def _plain_logsumexp(z: Any, ax: int, xp: Any) -> Any:
    """``m + log1p(rest)`` in the working dtype, keeping ``ax`` (any array library)."""
    m = xp.max(z, axis=ax, keepdims=True)
    all_neg_inf = m == -xp.inf
    _, log1p_rest = shifted_and_log1p_rest(z, ax, xp)
    finite_m = xp.isfinite(m)
    lse = xp.where(finite_m, m, xp.zeros_like(m)) + log1p_rest
    lse = xp.where(finite_m | xp.isnan(m), lse, m)
    return xp.where(all_neg_inf, m, lse)


def _plain_log_softmax(z: Any, ax: int, xp: Any) -> Any:
    sh, log1p_rest = shifted_and_log1p_rest(z, ax, xp)
    return sh - log1p_rest


def log_softmax(x: Any, *, axis: int = -1) -> Any:
    r"""Compute :math:`\log \operatorname{softmax}(x)` along ``axis``, stably.

    Parameters
    ----------
    x : array_like
        Floating-point logits.
    axis : int, default -1
        The class axis.

    Returns
    -------
    array
        Log-probabilities, same shape and floating dtype as ``x``.

    See Also
    --------
    logsumexp, softmax_cross_entropy

    Notes
    -----
    .. math:: \log \operatorname{softmax}(x)_i = (x_i - m) - \log\bigl(1 + \sum_{j \ne j^*} e^{x_j - m}\bigr)

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    The naive ``log(softmax(x))`` underflows to ``-inf``; this does not:

    >>> import numpy as np
    >>> import crossent
    >>> x = np.array([0.0, 1000.0])
    >>> print(crossent.log_softmax(x))
    [-1000.     0.]
    """
    fn = "log_softmax"
    xp = namespace(x)
    x = as_array(x, xp)
    axis = v.normalize_axis(fn, axis, max(x.ndim, 1))
    v.check_nonempty_axis(fn, "x", x, axis)
    v.check_floating(fn, "x", x)
    last = axis == x.ndim - 1

    def compute(x: Any) -> Any:
        ax = x.ndim - 1 if last else axis
        z = working(fn, "x", x, xp)
        if x.ndim and exact.applies(xp, z):
            out = exact.patched(
                exact.log_softmax_rows,
                lambda r: _plain_log_softmax(r, 1, xp),
                exact.to_rows(z, ax),
            )
            return to_input_dtype(
                exact.from_rows(out, z, ax, per_class=True), x.dtype, xp
            )
        return to_input_dtype(_plain_log_softmax(z, ax, xp), x.dtype, xp)

    if last and x.ndim >= 2 and is_numpy_namespace(xp):
        return by_rows(
            compute,
            (x,),
            classes=int(x.shape[-1]),
            out_shape=tuple(x.shape),
            out_dtype=x.dtype,
            per_class=True,
        )
    return compute(x)


def softplus_working(z: Any, xp: Any) -> Any:
    """``log(1 + exp(z))`` on an array already in the working dtype."""
    # max(z, 0) + log1p(exp(-|z|)): exp never overflows and nothing cancels.
    return xp.maximum(z, xp.zeros_like(z)) + xp.log1p(xp.exp(-xp.abs(z)))


def softplus(x: Any) -> Any:
    r"""Compute :math:`\log(1 + e^x)` without overflow.

    Parameters
    ----------
    x : array_like
        Floating-point input.

    Returns
    -------
    array
        Same shape and floating dtype as ``x``.

    Notes
    -----
    .. math:: \operatorname{softplus}(x) = \max(x, 0) + \operatorname{log1p}(e^{-|x|})

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> print(crossent.softplus(np.array([-50.0, 0.0, 1000.0])))
    [1.92874985e-22 6.93147181e-01 1.00000000e+03]
    """
    fn = "softplus"
    xp = namespace(x)
    x = as_array(x, xp)
    z = working(fn, "x", x, xp)
    if exact.applies(xp, z):
        return to_input_dtype(softplus_exact(z), x.dtype, xp)
    return to_input_dtype(softplus_working(z, xp), x.dtype, xp)


def log_sigmoid(x: Any) -> Any:
    r"""Compute :math:`\log \sigma(x) = -\operatorname{softplus}(-x)` stably.

    Parameters
    ----------
    x : array_like
        Floating-point logits.

    Returns
    -------
    array
        Same shape and floating dtype as ``x``.

    See Also
    --------
    sigmoid_binary_cross_entropy

    Notes
    -----
    .. math:: \log \sigma(x) = -\log(1 + e^{-x})

    The round trip ``p = sigmoid(x); log(p)`` returns ``0`` once ``p`` rounds
    to 1 and ``-inf`` once it rounds to 0; this function does neither.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> a = np.float32(20.0)
    >>> print(-crossent.log_sigmoid(a))  # log(1 + exp(-20))
    2.0611537e-09
    """
    fn = "log_sigmoid"
    xp = namespace(x)
    x = as_array(x, xp)
    z = working(fn, "x", x, xp)
    if exact.applies(xp, z):
        return to_input_dtype(softplus_exact(z, negate=True), x.dtype, xp)
    return to_input_dtype(-softplus_working(-z, xp), x.dtype, xp)
