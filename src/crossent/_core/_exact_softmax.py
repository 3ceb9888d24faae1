"""The softmax family in float64, rounded once: NumPy's path of the core.

For a row ``z`` with maximum ``m``::

    log softmax(z)_c = D_c - L,   D_c = z_c - m,   L = log1p(r),
    r = sum over every entry but one maximal one of e^(D_j)

Each ``D_c`` is carried exactly as ``hi + lo`` (:func:`two_sum`), each
``e^(D_j)`` and ``L`` in double-double (:mod:`crossent._core._dd`), the sums
compensated, and the result (``m + L``, ``D_c - L``, ``L - D_y`` or
``sum_c y_c (L - D_c)``) rounded once: within 1 ulp of the exact value,
relative, down to the smallest subnormal. ``r`` is kept scaled by 2^600 so
that terms down to e^-1100 keep their precision; where a result falls below
2^-900 it is recomputed with its parts scaled up and rounded once into the
subnormal range (:func:`round_scaled`).

Every function here takes 2-D float64 arrays (rows x classes) whose rows have
a finite maximum and no NaN; the callers compute the other rows (+inf, NaN,
all ``-inf``) with the plain formulas, which are exact there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
from array_api_compat import is_numpy_namespace

from crossent._core._dd import (
    EXP_SCALE,
    exp_dd,
    fast_two_sum,
    log1p_dd,
    round_scaled,
    sum_dd,
    two_prod,
    two_sum,
)

__all__ = [
    "integer_label_loss",
    "log_softmax_rows",
    "logsumexp_rows",
    "plain_formulas",
    "plain_only",
    "soft_label_loss",
]

Array = Any
TINY = 2.0**-900  # below this a result is recomputed scaled (see module doc)
#: Elements per block of the exact path: its two dozen temporaries of this
#: size stay in the CPU's cache (and the memory it takes stays small).
BLOCK = 8192
_HALF = 300  # each of two factors is scaled by 2^300 in the recomputation


class Rows:
    """The split of each row: ``m``, ``D = z - m`` (hi, lo) and ``R = r 2^600``."""

    def __init__(self, z: Array) -> None:
        m = np.max(z, axis=1, keepdims=True)
        dh, dl = two_sum(z, -m)
        finite = np.isfinite(dh)  # -inf entries (also z - m below -1.8e308)
        self.dl = np.where(finite, dl, 0.0)
        self.dh = dh
        self.neg_inf = ~finite
        self.m = m[:, 0]
        top = z == m
        eh, el = exp_dd(np.where(top, -np.inf, dh), self.dl)
        rh, rl = sum_dd(eh, el, axis=1)
        ties = np.sum(top, axis=1) - 1.0  # the other maximal entries: e^0 each
        rh, e = two_sum(rh, np.ldexp(ties, EXP_SCALE))
        self.rh, self.rl = fast_two_sum(rh, rl + e)

    def log1p_rest(self, scale: int = 0) -> tuple[Array, Array]:
        """``L · 2^scale`` per row as (hi, lo); ``L = r`` where ``r < 2^-900``."""
        shift = scale - EXP_SCALE
        lh, ll = log1p_dd(np.ldexp(self.rh, -EXP_SCALE), np.ldexp(self.rl, -EXP_SCALE))
        tiny = self.rh < TINY * 2.0**EXP_SCALE
        lh = np.where(tiny, np.ldexp(self.rh, shift), np.ldexp(lh, scale))
        ll = np.where(tiny, np.ldexp(self.rl, shift), np.ldexp(ll, scale))
        return lh, ll


def _add_round(ah: Array, al: Array, bh: Array, bl: Array) -> Array:
    """``fl(a + b)`` of two double-doubles."""
    s, e = two_sum(ah, bh)
    return s + (e + (al + bl))


def _add_dd(ah: Array, al: Array, bh: Array, bl: Array) -> tuple[Array, Array]:
    s, e = two_sum(ah, bh)
    return fast_two_sum(s, e + (al + bl))


def logsumexp_rows(z: Array) -> Array:
    """``m + L`` per row."""
    rows = Rows(z)
    lh, ll = rows.log1p_rest()
    out = _add_round(rows.m, 0.0, lh, ll)
    small = np.abs(out) < TINY
    if small.any():
        s = 2 * _HALF
        lh, ll = rows.log1p_rest(s)
        sh, sl = _add_dd(np.ldexp(rows.m, s), 0.0, lh, ll)
        out = np.where(small, round_scaled(sh, sl, s), out)
    return out


def log_softmax_rows(z: Array) -> Array:
    """``D_c - L`` per entry (``-inf`` where ``z_c - m`` is ``-inf``)."""
    rows = Rows(z)
    lh, ll = rows.log1p_rest()
    out = _add_round(rows.dh, rows.dl, -lh[:, None], -ll[:, None])
    small = np.abs(out) < TINY
    if small.any():
        s = 2 * _HALF
        i, j = np.nonzero(small)
        lh, ll = rows.log1p_rest(s)
        dh, dl = np.ldexp(rows.dh[i, j], s), np.ldexp(rows.dl[i, j], s)
        sh, sl = _add_dd(dh, dl, -lh[i], -ll[i])
        out[i, j] = round_scaled(sh, sl, s)
    return np.where(rows.neg_inf, -np.inf, out)


def integer_label_loss(z: Array, labels: Array) -> Array:
    """``L - D_y`` per row (``inf`` where the label's logit is ``-inf``)."""
    rows = Rows(z)
    idx = np.arange(z.shape[0])
    dh, dl = rows.dh[idx, labels], rows.dl[idx, labels]
    lh, ll = rows.log1p_rest()
    out = _add_round(-dh, -dl, lh, ll)
    small = out < TINY
    if small.any():
        s = 2 * _HALF
        lh, ll = rows.log1p_rest(s)
        sh, sl = _add_dd(np.ldexp(-dh, s), np.ldexp(-dl, s), lh, ll)
        out = np.where(small, round_scaled(sh, sl, s), out)
    return np.where(rows.neg_inf[idx, labels], np.inf, out)


def soft_label_loss(z: Array, y: Array, keep: Array | None) -> tuple[Array, Array]:
    """``sum_c y_c (L - D_c)`` per row, and the rows this cannot compute.

    A class with ``y_c = 0`` or outside ``keep`` adds 0 (also against a ``-inf``
    logit). Rows where a term is not finite (a positive label on a ``-inf``
    logit, inf or NaN labels, overflow) are flagged for the plain formula.
    The sum is exact for non-negative labels up to its final rounding;
    negative labels may cancel and are then as accurate as the cancellation
    allows.
    """
    rows = Rows(z)
    out, bad = _soft_sum(rows, y, keep, 0)
    small = (np.abs(out) < TINY) & ~bad
    if small.any():
        sub = Rows.__new__(Rows)
        sub.dh, sub.dl = rows.dh[small], rows.dl[small]
        sub.rh, sub.rl = rows.rh[small], rows.rl[small]
        sub.neg_inf = rows.neg_inf[small]
        again, _ = _soft_sum(sub, y[small], None if keep is None else keep[small], 1)
        out[small] = again
    return out, bad


def _soft_sum(
    rows: Rows, y: Array, keep: Array | None, scaled: int
) -> tuple[Array, Array]:
    """The row sums of :func:`soft_label_loss`; with ``scaled``, every factor
    is scaled by 2^300 and the sum rounded from 2^600 times its value."""
    s = _HALF * scaled
    lh, ll = rows.log1p_rest(s)
    dh = np.where(rows.neg_inf, 0.0, rows.dh)
    th, tl = _add_dd(np.ldexp(-dh, s), np.ldexp(-rows.dl, s), lh[:, None], ll[:, None])
    ys = np.ldexp(y, s) if scaled else y
    ph, pe = two_prod(ys, th)
    pl = pe + ys * tl
    off = y == 0
    if keep is not None:
        off |= ~keep
    ph = np.where(off, 0.0, ph)
    pl = np.where(off, 0.0, pl)
    inf_term = rows.neg_inf & ~off
    bad = np.any(inf_term | ~np.isfinite(ph) | ~np.isfinite(pl), axis=1)
    if bad.any():
        ph = np.where(bad[:, None], 0.0, ph)
        pl = np.where(bad[:, None], 0.0, pl)
    sh, sl = sum_dd(ph, pl, axis=1)
    out = round_scaled(sh, sl, 2 * s) if scaled else sh + sl
    return out, bad


#: Set (by :func:`plain_formulas`) where the callers want speed over the last ulp.
_PLAIN: ContextVar[bool] = ContextVar("crossent_plain_formulas", default=False)


@contextmanager
def plain_formulas() -> Iterator[None]:
    """Inside this block the core uses its plain float64 formulas (within a few ulp
    of the exact value, absolute below a loss of 1) instead of the double-double
    path, which costs 6–12× more: for callers that compare numbers to the digits a
    person wrote (explain on large inputs), not to the last ulp."""
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


def plain_only() -> bool:
    """Whether :func:`plain_formulas` is in force."""
    return _PLAIN.get()


def applies(xp: Any, z: Any) -> bool:
    """Whether the exact float64 path computes this: NumPy arrays (float64 inside),
    outside :func:`plain_formulas`."""
    return bool(
        is_numpy_namespace(xp)
        and isinstance(z, np.ndarray)
        and z.dtype == np.float64
        and not _PLAIN.get()
    )


def to_rows(a: Array, axis: int) -> Array:
    """``a`` with ``axis`` last, as a 2-D array of rows (a copy only if needed)."""
    a = np.moveaxis(np.asarray(a), axis, -1)
    return a.reshape(-1, a.shape[-1]) if a.ndim else a.reshape(1, 1)


def from_rows(out: Array, like: Array, axis: int, *, per_class: bool) -> Array:
    """Undo :func:`to_rows` for a result per row (or per entry with ``per_class``)."""
    moved = np.moveaxis(np.asarray(like), axis, -1)
    if per_class:
        return np.moveaxis(out.reshape(moved.shape), -1, axis)
    return out.reshape(moved.shape[:-1])


def patched(kernel: Any, plain: Any, z: Array, *row_args: Array | None) -> Array:
    """``kernel(z, *row_args)`` on rows of ``z`` (2-D) with a finite maximum,
    ``plain`` (the general formulas) on the others.

    ``kernel`` may return ``(out, bad)``: rows it flags go to ``plain`` too.
    Floating-point warnings inside the kernel are off: it computes the other
    rows too, and their numbers are replaced.
    """
    n, c = z.shape
    if n == 0:
        return np.asarray(plain(z, *row_args))
    step = max(1, BLOCK // max(c, 1))
    outs, bads = [], []
    with np.errstate(all="ignore"):
        for i in range(0, n, step):  # blocks keep the temporaries in cache
            part = [None if a is None else a[i : i + step] for a in row_args]
            result = kernel(z[i : i + step], *part)
            o, b = result if isinstance(result, tuple) else (result, None)
            outs.append(o)
            bads.append(b)
    out = np.concatenate(outs) if len(outs) > 1 else outs[0]
    bad = None if bads[0] is None else np.concatenate(bads)
    with np.errstate(invalid="ignore"):
        redo = ~np.isfinite(np.max(z, axis=1))
    if bad is not None:
        redo |= bad
    if redo.any():
        sub = [None if a is None else a[redo] for a in row_args]
        out[redo] = plain(z[redo], *sub)
    return out
