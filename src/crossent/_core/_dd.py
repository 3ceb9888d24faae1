"""Error-free transformations and double-double ``exp``/``log`` on NumPy float64.

The float64 core rounds its result once, from a value carried to about 2^-60
relative precision, so that it is within 1 ulp (relative) of the exact answer.
This module provides what that needs, vectorised over NumPy arrays:

* the error-free transformations ``two_sum`` (Knuth) and ``two_prod`` (Dekker's
  split): ``a + b = s + e`` and ``a · b = p + e`` exactly, ``e`` a float64;
* ``exp_dd``, ``log_dd`` and ``log1p_dd`` on double-double values ``hi + lo``,
  accurate to about 2^-60 relative (a table of 2^(j/64) and a short polynomial
  for ``exp``, ``atanh`` series for ``log``), because the libm functions NumPy
  calls are accurate only to 0.5–0.75 ulp, which a further rounding would
  push past 1 ulp;
* ``sum_dd``: a sum along an axis whose error is about n^2 2^-104 of the
  largest term (Rump's extraction against a power of two), and
  ``round_scaled``: one rounding of ``(hi + lo) · 2^-s`` also where the result
  is subnormal.

Everything here assumes round-to-nearest float64 arithmetic, which NumPy's
``+ - * /`` ufuncs provide (no fused multiply-add, no reassociation). Values
are finite unless a function says otherwise; callers treat inf and NaN apart.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import numpy as np

__all__ = [
    "EXP_SCALE",
    "exp_dd",
    "fast_two_sum",
    "log1p_dd",
    "log_dd",
    "round_scaled",
    "sum_dd",
    "two_prod",
    "two_sum",
]

Array = Any
DD = tuple[Array, Array]

#: ``exp_dd`` results are scaled by 2^EXP_SCALE where asked, so that e^-1100
#: (and every sum of such terms) stays a normal float64 with full precision.
EXP_SCALE = 600

_SPLIT = 134217729.0  # 2^27 + 1, Dekker's splitter for 53-bit mantissas


def _constants() -> tuple[float, float, float, float, float, np.ndarray, np.ndarray]:
    """ln 2 as (hi, lo), ln 2 / 64 as (hi, mid, lo), the table 2^(j/64) as (hi, lo).

    Computed with :mod:`decimal` at 60 digits (``float(Decimal)`` rounds
    correctly). The ``hi`` and ``mid`` parts keep 32 significant bits, so
    ``k · hi`` and ``k · mid`` are exact for the ``k`` used here (|k| < 2^21).
    """
    with localcontext() as ctx:
        ctx.prec = 60
        ln2 = Decimal(2).ln()

        def cut(x: Decimal, bits: int) -> float:
            m, e = np.frexp(float(x))
            return float(np.ldexp(np.floor(m * 2.0**bits), int(e) - bits))

        ln2_hi = cut(ln2, 32)
        ln2_lo = float(ln2 - Decimal(ln2_hi))
        c_hi = cut(ln2 / 64, 32)
        c_mid = cut(ln2 / 64 - Decimal(c_hi), 32)
        c_lo = float(ln2 / 64 - Decimal(c_hi) - Decimal(c_mid))
        table = [Decimal(2) ** (Decimal(j) / 64) for j in range(64)]
        t_hi = np.array([float(t) for t in table])
        t_lo = np.array([float(t - Decimal(float(t))) for t in table])
    return ln2_hi, ln2_lo, c_hi, c_mid, c_lo, t_hi, t_lo


_LN2_HI, _LN2_LO, _C_HI, _C_MID, _C_LO, _T_HI, _T_LO = _constants()
_INV_C = 64.0 / float(np.log(2.0))
# exp(r) - 1 - r = r^2 (1/2 + r/6 + ... + r^4/720), |r| <= ln2/128: error < 2^-64.
_EXP_COEF = [1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5]
# log1p(u) = 2 atanh(s), s = u/(2+u), |s| <= 0.1716: 2s + 2s^3 (1/3 + s^2/5 + ...).
_ATANH_COEF = [1.0 / (2 * n + 1) for n in range(13, 0, -1)]
_SQRT_HALF = float(np.sqrt(0.5))


def two_sum(a: Array, b: Array) -> DD:
    """``s = fl(a + b)`` and the exact error ``e``: ``a + b = s + e`` (finite inputs)."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def fast_two_sum(a: Array, b: Array) -> DD:
    """:func:`two_sum` for ``|a| >= |b|`` (or ``a == 0``): three operations."""
    s = a + b
    return s, b - (s - a)


def _split(a: Array) -> DD:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: Array, b: Array) -> DD:
    """``p = fl(a · b)`` and the exact error ``e`` (Dekker), for |a|, |b| < 2^996.

    Where the product or the split overflows the error is NaN or inf; callers
    that allow such values replace it.
    """
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def round_scaled(hi: Array, lo: Array, scale: Any) -> Array:
    """``(hi + lo) · 2^-scale`` rounded once, subnormal results included.

    ``hi + lo`` is normalised (``|lo| <= ulp(hi)/2``). A plain ``ldexp`` of each
    part would round twice where the result is subnormal; here the part of
    ``hi`` lost to the subnormal grid is added back to ``lo`` first. A result
    that rounds to zero is ``+0.0`` (as the plain formulas give), not ``-0.0``.
    """
    out = np.ldexp(hi, -scale)
    rest = (hi - np.ldexp(out, scale)) + lo
    return (out + np.ldexp(rest, -scale)) + 0.0


def exp_dd(xh: Array, xl: Array) -> DD:
    """``e^(xh + xl) · 2^EXP_SCALE`` as (hi, lo), for ``xh <= 0`` (or -inf, NaN).

    Relative error below 2^-60. Values below ``-1100`` give 0 (e^-1100 is
    2^-1587); NaN gives NaN. ``x = k ln2/64 + r`` (Cody–Waite, ``ln2/64`` in
    three parts), ``e^x = 2^(k // 64) · 2^((k % 64)/64) · (1 + p(r))``; the
    scaled result is a normal float64, and the power of two is multiplied in
    exactly.
    """
    with np.errstate(invalid="ignore"):
        low = ~(xh >= -1100.0)  # NaN and -inf included
    # Written with few temporaries alive at once (in-place ufuncs).
    x = np.where(low, 0.0, xh)
    k = np.multiply(x, _INV_C)
    np.rint(k, out=k)
    r0 = np.multiply(k, _C_HI)
    np.subtract(x, r0, out=r0)  # exact (Sterbenz), as k * _C_HI and k * _C_MID are
    t = np.multiply(k, -_C_MID)
    rh, rl = two_sum(r0, t)
    del r0, t, x
    ki = k.astype(np.int64)
    np.multiply(k, _C_LO, out=k)
    np.subtract(rl, k, out=rl)
    rl += np.where(low, 0.0, xl)
    del k
    # p = e^r - 1 = rh + pl: with q = e^rh - 1 - rh = rh^2 (1/2 + ...),
    # e^r - 1 = rh + q + rl (1 + rh + q) up to rl^2 (|rl| < 2^-42 here).
    q = np.multiply(rh, _EXP_COEF[0])
    for c in _EXP_COEF[1:]:
        q += c
        q *= rh
    q *= rh
    pl = np.add(rh, q)
    pl += 1.0
    pl *= rl
    pl += q
    del q, rl
    j = ki & 63
    th = _T_HI[j]
    tl = _T_LO[j]
    del j
    # t (1 + p): the rounding of th * rh is below 2^-60 of the result (|rh| < 2^-7.5)
    a = np.multiply(th, rh)
    lo = np.multiply(tl, rh)
    del rh
    lo += tl
    np.multiply(th, pl, out=pl)
    lo += pl
    del pl, tl
    s = np.add(th, a)
    np.subtract(s, th, out=th)
    np.subtract(a, th, out=a)  # the error of s = th + a (|th| > |a|)
    lo += a
    del a, th
    # 2^(k // 64 + EXP_SCALE), a normal float64 (exponent -987 ... 600), built
    # from its bits: multiplying by it is exact.
    ki >>= 6
    ki += EXP_SCALE + 1023
    ki <<= 52
    p2 = ki.view(np.float64)
    s *= p2
    lo *= p2
    if low.any():
        s[low] = 0.0
        lo[low] = 0.0
        s[low & np.isnan(xh)] = np.nan
    return s, lo


def _log_reduced(k: Array, uh: Array, ul: Array) -> DD:
    """``k ln2 + log1p(uh + ul)`` for ``|u| <= 0.415``, as (hi, lo)."""
    dh, dl = fast_two_sum(2.0, uh)
    dl = dl + ul
    sh = uh / dh
    p, pe = two_prod(sh, dh)
    sl = ((((uh - p) - pe) + ul) - sh * dl) / dh
    s2 = sh * sh
    poly = _ATANH_COEF[0] * s2
    for c in _ATANH_COEF[1:-1]:
        poly += c
        poly *= s2
    poly += _ATANH_COEF[-1]
    tail = 2.0 * sh * s2 * poly
    a, ae = two_sum(k * _LN2_HI, 2.0 * sh)
    lo = ae + (k * _LN2_LO + (2.0 * sl + tail))
    return fast_two_sum(a, lo)


def _reduce(v: Array) -> tuple[Array, Array]:
    """``k`` and ``f = v 2^-k`` in [sqrt(1/2), sqrt(2)) for ``v > 0`` (subnormal too)."""
    mant, ex = np.frexp(v)  # v = mant 2^ex, mant in [1/2, 1)
    up = mant < _SQRT_HALF
    return (ex - up).astype(np.float64), np.where(up, mant * 2.0, mant)


def log_dd(x: Array) -> DD:
    """``log(x)`` as (hi, lo) for float64 ``x > 0`` (subnormal included).

    ``x = 0`` gives ``-inf``, ``inf`` gives ``inf``, NaN gives NaN (in ``hi``;
    ``lo`` is then 0).
    """
    ok = (x > 0) & np.isfinite(x)
    xs = np.where(ok, x, 1.0)
    k, f = _reduce(xs)
    hi, lo = _log_reduced(k, f - 1.0, 0.0)
    if not ok.all():
        with np.errstate(divide="ignore", invalid="ignore"):
            special = np.log(x)
        hi = np.where(ok, hi, special)
        lo = np.where(ok, lo, 0.0)
    return hi, lo


def log1p_dd(xh: Array, xl: Array) -> DD:
    """``log1p(xh + xl)`` as (hi, lo) for finite ``xh + xl > -1``.

    ``1 + x = f 2^k`` with ``f`` in [sqrt(1/2), sqrt(2)); ``u = f - 1`` is
    formed as ``(2^-k - 1) + x 2^-k`` in double-double, so no part of ``x`` is
    lost to the rounding of ``1 + x``. Below 2^-500, ``log1p(x) = x``.
    """
    k, _ = _reduce(1.0 + xh)
    ki = k.astype(np.int64)
    ch, cl = two_sum(np.ldexp(1.0, -ki), -1.0)
    a, ae = two_sum(ch, np.ldexp(xh, -ki))
    uh, ul = two_sum(a, ae + cl + np.ldexp(xl, -ki))
    hi, lo = _log_reduced(k, uh, ul)
    tiny = np.abs(xh) < 2.0**-500
    if tiny.any():
        hi = np.where(tiny, xh, hi)
        lo = np.where(tiny, xl, lo)
    return hi, lo


def sum_dd(hi: Array, lo: Array, axis: Any = None, *, levels: int = 1) -> DD:
    """``sum(hi + lo)`` along ``axis`` (all axes if None) as (hi, lo), finite terms.

    Each ``hi`` is cut against a power of two ``σ >= 2 n max|hi|``:
    ``q = (σ + hi) - σ`` keeps the leading bits, whose sum is exact in any
    order; the remainders (below ``2^-53 σ``) and ``lo`` are summed in float64.
    The error is about ``n^2 2^-104 max|hi|`` per level; ``levels=2`` cuts the
    remainders once more (for long sums and for sums that cancel).
    """
    n = hi.size if axis is None else hi.shape[axis]
    keep = axis is not None
    parts = []
    rest = hi
    for _ in range(levels):
        big = np.max(np.abs(rest), axis=axis, keepdims=keep)
        _, e = np.frexp(big * float(max(n, 1)))
        sigma = np.ldexp(1.0, e + 1)
        q = (sigma + rest) - sigma
        rest = rest - q
        parts.append(np.sum(q, axis=axis))
    tail = np.sum(rest, axis=axis) + np.sum(lo, axis=axis)
    s, e = parts[0], np.zeros_like(parts[0])
    for p in parts[1:]:
        s, err = two_sum(s, p)
        e = e + err
    s, err = two_sum(s, tail)
    return fast_two_sum(s, err + e)
