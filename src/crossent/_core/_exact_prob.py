"""Sigmoid and probability cross-entropies and loss reductions in float64, rounded once.

NumPy's path of the core for these functions (the softmax family is in
:mod:`crossent._core._exact_softmax`). Each loss is a sum of non-negative
products ``coefficient · (-log something)``; the logs are double-doubles
(:mod:`crossent._core._dd`), the products exact (:func:`two_prod`), and the
sum is rounded once: within 1 ulp (relative) of the exact value for labels in
[0, 1], down to the smallest subnormal. Where a loss falls below 2^-900 it is
recomputed with both factors of each product scaled by 2^300 and rounded once
from 2^600 times its value.

The functions take float64 arrays of one shape and return the loss with a
mask of the entries they cannot compute (inf or NaN inputs or terms, a
probability of exactly 0 or 1); the callers compute those with the plain
formulas, which are exact there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crossent._core._dd import (
    EXP_SCALE,
    exp_dd,
    fast_two_sum,
    log1p_dd,
    log_dd,
    round_scaled,
    sum_dd,
    two_prod,
    two_sum,
)

__all__ = [
    "binary_loss",
    "elementwise",
    "probability_loss",
    "reduce_exact",
    "sigmoid_loss",
    "softplus_exact",
]

Array = Any
DD = tuple[Array, Array]
TINY = 2.0**-900
_HALF = 300
BLOCK = 8192  # elements per block: the temporaries stay in cache


def elementwise(kernel: Any, plain: Any, x: Any, y: Any, w: Any) -> Any:
    """``kernel`` (the exact float64 path) on every element of NumPy arrays,
    ``plain`` on the elements it leaves (inf, NaN, probabilities 0 and 1)."""
    shape = np.broadcast_shapes(x.shape, y.shape, () if w is None else np.shape(w))
    flat = [
        None if a is None else np.broadcast_to(a, shape).reshape(-1) for a in (x, y, w)
    ]
    size = int(np.prod(shape))
    out, bad = np.empty(size), np.zeros(size, dtype=bool)
    with np.errstate(all="ignore"):
        for i in range(0, size, BLOCK):  # temporaries of a block stay in cache
            part = [None if a is None else a[i : i + BLOCK] for a in flat]
            out[i : i + BLOCK], bad[i : i + BLOCK] = kernel(
                *(part if w is not None else part[:2])
            )
    if bad.any():
        sub = [None if a is None else a[bad] for a in flat]
        out[bad] = plain(*(sub if w is not None else sub[:2]))
    return out.reshape(shape)


def _scale(h: Array, l: Array, s: int) -> DD:
    return (np.ldexp(h, s), np.ldexp(l, s)) if s else (h, l)


def _times(c: DD, t: DD) -> DD:
    """``c · t`` of two double-doubles (non-negative, finite), to ~2^-104."""
    p, e = two_prod(c[0], t[0])
    return p, e + (c[0] * t[1] + c[1] * t[0])


def _with_scaled_retry(
    compute: Any, arrays: tuple[Array | None, ...], out: Array, bad: Array
) -> Array:
    """Recompute where ``out`` is below 2^-900 with ``compute(..., scaled=1)``."""
    small = (np.abs(out) < TINY) & ~bad
    if small.any():
        parts = tuple(None if a is None else a[small] for a in arrays)
        again, _ = compute(*parts, scaled=1)
        out[small] = again
    return out


def _finish(parts: list[DD], offs: list[Array], bad: Array, scaled: int) -> DD:
    """Sum the products (an ``off`` product is 0), flag non-finite entries."""
    hi = np.zeros_like(bad, dtype=np.float64)
    lo = np.zeros_like(hi)
    for (ph, pl), off in zip(parts, offs, strict=True):
        bad = bad | (~off & ~(np.isfinite(ph) & np.isfinite(pl)))
        ph = np.where(off, 0.0, ph)
        pl = np.where(off, 0.0, pl)
        hi, e = two_sum(hi, ph)
        lo = lo + (e + pl)
    hi = np.where(bad, 0.0, hi)
    lo = np.where(bad, 0.0, lo)
    s = 2 * _HALF * scaled
    return (round_scaled(hi, lo, s) if scaled else hi + lo), bad


def sigmoid_loss(z: Array, y: Array, w: Array | None = None, *, scaled: int = 0) -> DD:
    """``w y softplus(-z) + (1 - y) softplus(z)`` and the entries left to the caller."""
    s = _HALF * scaled
    bad = ~(np.isfinite(z) & np.isfinite(y))
    if w is not None:
        bad |= ~np.isfinite(w)
    zf = np.where(bad, 0.0, z)
    eh, el = exp_dd(-np.abs(zf), np.zeros_like(zf))
    tiny = eh < TINY * 2.0**EXP_SCALE  # log1p(e) = e there
    lh, ll = log1p_dd(np.ldexp(eh, -EXP_SCALE), np.ldexp(el, -EXP_SCALE))
    lh = np.where(tiny, np.ldexp(eh, s - EXP_SCALE), np.ldexp(lh, s))
    ll = np.where(tiny, np.ldexp(el, s - EXP_SCALE), np.ldexp(ll, s))
    pos = _add(np.ldexp(np.maximum(-zf, 0.0), s), lh, ll)  # softplus(-z) 2^s
    neg = _add(np.ldexp(np.maximum(zf, 0.0), s), lh, ll)  # softplus(z) 2^s
    ys = np.ldexp(y, s)
    first = _times((ys, np.zeros_like(ys)), pos)
    if w is not None:
        first = _times((w, np.zeros_like(w)), first)
    oh, ol = two_sum(1.0, -y)  # 1 - y, exactly
    second = _times(_scale(oh, ol, s), neg)
    zero_w = (y == 0) if w is None else (y == 0) | (w == 0)
    out, bad = _finish([first, second], [zero_w, y == 1], bad, scaled)
    if not scaled:
        out = _with_scaled_retry(sigmoid_loss, (z, y, w), out, bad)
    return out, bad


def _add(a: Array, bh: Array, bl: Array) -> DD:
    s, e = two_sum(a, bh)
    return fast_two_sum(s, e + bl)


def _neg_log(p: Array, s: int) -> DD:
    """``-log p · 2^s`` (hi, lo) for ``0 < p <= 1``."""
    h, l = log_dd(p)
    return _scale(-h, -l, s)


def _neg_log1p_neg(p: Array, s: int) -> DD:
    """``-log(1 - p) · 2^s`` (hi, lo) for ``0 <= p < 1``."""
    h, l = log1p_dd(-p, np.zeros_like(p))
    return _scale(-h, -l, s)


def binary_loss(p: Array, y: Array, *, scaled: int = 0) -> DD:
    """``-y log p - (1 - y) log(1 - p)`` and the entries left to the caller."""
    s = _HALF * scaled
    bad = ~((p > 0) & (p < 1) & np.isfinite(y))
    pf = np.where(bad, 0.5, p)
    first = _times((np.ldexp(y, s), np.zeros_like(y)), _neg_log(pf, s))
    oh, ol = two_sum(1.0, -y)
    second = _times(_scale(oh, ol, s), _neg_log1p_neg(pf, s))
    out, bad = _finish([first, second], [y == 0, y == 1], bad, scaled)
    if not scaled:
        out = _with_scaled_retry(binary_loss, (p, y), out, bad)
    return out, bad


def probability_loss(p: Array, y: Array, *, scaled: int = 0) -> DD:
    """``-sum_c y_c log p_c`` over the last axis of 2-D arrays, and the rows
    left to the caller (a positive label on ``p = 0``, inf or NaN)."""
    s = _HALF * scaled
    off = y == 0
    bad = np.any(np.isnan(p) | ~np.isfinite(y) | (~off & ~(p > 0)), axis=1)
    pf = np.where(off | ~(p > 0), 1.0, p)
    th, tl = _neg_log(pf, s)
    ph, pl = _times((np.ldexp(y, s), np.zeros_like(y)), (th, tl))
    ph = np.where(off, 0.0, ph)
    pl = np.where(off, 0.0, pl)
    bad = bad | np.any(~(np.isfinite(ph) & np.isfinite(pl)), axis=1)
    ph = np.where(bad[:, None], 0.0, ph)
    pl = np.where(bad[:, None], 0.0, pl)
    sh, sl = sum_dd(ph, pl, axis=1)
    out = round_scaled(sh, sl, 2 * s) if scaled else sh + sl
    if not scaled:
        out = _with_scaled_retry(probability_loss, (p, y), out, bad)
    return out, bad


def _exact_sum(terms: list[Array]) -> DD:
    """The sum of every element of ``terms`` as (hi, lo), exactly rounded twice
    (:func:`math.fsum` of the values, then of the values and ``-hi``)."""
    values = [v for t in terms for v in np.ravel(t).tolist()]
    hi = math.fsum(values)
    return np.float64(hi), np.float64(math.fsum([*values, -hi]))


def _total(ph: Array, pl: Array, *, exact: bool = False) -> DD:
    """Compensated sum of (hi, lo) terms; exact (:func:`math.fsum`) where the
    terms cancel too much for the compensation to hold, or with ``exact``."""
    if ph.size == 0:
        return np.float64(0.0), np.float64(0.0)
    if not exact:
        sh, sl = sum_dd(ph, pl, None, levels=2)
        bound = 2.0**-100 * float(ph.size) ** 2 * float(np.max(np.abs(ph)))
        if bound <= 2.0**-60 * abs(float(sh)) and abs(sh) >= TINY:
            return sh, sl
    return _exact_sum([ph, pl])


def reduce_exact(
    x: Array, w: Array | None, keep: Array, reduction: str
) -> Array | None:
    """``sum``, ``mean`` or ``weighted_mean`` of ``w x`` over ``keep``, rounded
    once; None where a value or weight taking part is not finite (the caller's
    plain formulas). Products below 2^-960 would lose bits to the subnormal
    range: there every product is formed from ``x 2^600`` and the result
    rounded from 2^600 times its value."""
    on = keep if w is None else keep & (w != 0)
    xv = np.where(on, x, 0.0)
    wv = None if w is None else np.where(on, w, 0.0)
    if not np.isfinite(xv).all() or (wv is not None and not np.isfinite(wv).all()):
        return None
    s = 0
    ph, pl = xv, np.zeros(1)
    if wv is not None:
        ph, pl = two_prod(wv, xv)
        if np.any(on & (np.abs(ph) < 2.0**-960)):
            s = EXP_SCALE
            ph, pl = two_prod(wv, np.ldexp(xv, s))
        if not (np.isfinite(ph).all() and np.isfinite(pl).all()):
            return None
    sh, sl = _total(ph, pl, exact=s != 0)
    if reduction == "sum":
        return np.float64(round_scaled(sh, sl, s))
    if reduction == "mean" or w is None:
        dh, dl = np.float64(np.count_nonzero(keep)), np.float64(0.0)
    else:
        wk = np.where(keep, w, 0.0)
        if not np.isfinite(wk).all():
            return None
        dh, dl = _total(wk, np.zeros(1))
    if dh == 0:
        return np.float64(np.nan)
    q = sh / dh
    p, pe = two_prod(q, dh)
    r = (((sh - p) - pe) + sl - q * dl) / dh
    qh, ql = fast_two_sum(q, r)
    return np.float64(round_scaled(qh, ql, s))


def softplus_exact(x: Array, *, negate: bool = False) -> Array:
    """``softplus(x) = log(1 + e^x)`` (or ``-softplus(-x) = log sigmoid(x)`` with
    ``negate``) for a float64 NumPy array: :func:`sigmoid_loss` with label 1."""

    def kernel(a: Array, y: Array) -> DD:
        out, bad = sigmoid_loss(a if negate else -a, y)
        return (-out if negate else out), bad

    def plain(a: Array, _: Array) -> Array:
        t = -a if negate else a
        out = np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))
        return -out if negate else out

    return elementwise(kernel, plain, x, np.ones(()), None)
