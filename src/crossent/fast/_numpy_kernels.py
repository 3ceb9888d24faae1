"""Row-blocked NumPy kernels: the fallback with the numba kernels' interface.

Each function takes C-contiguous 2-D float32/float64 logits, works on blocks of
about ``BLOCK_ELEMENTS`` elements with in-place ufuncs (so the temporaries are one
block, never N·C), writes the per-row loss (float64) into ``loss`` and flags rows
with a non-finite maximum in ``bad`` for :mod:`crossent.fast._exact`. ``mode``:
0 loss only, 1 gradient into ``g``, 2 gradient over ``x``; the gradient is that
of ``scale * Σ_i loss[i]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

__all__ = ["bce", "ce_int", "ce_soft"]

#: Elements per block: 256 KiB of float32, which stays in L2 across the passes.
BLOCK_ELEMENTS = 1 << 16

Arr = npt.NDArray[np.floating]


def _blocks(n_rows: int, n_cols: int) -> Iterator[slice]:
    step = max(1, BLOCK_ELEMENTS // max(n_cols, 1))
    for lo in range(0, n_rows, step):
        yield slice(lo, min(lo + step, n_rows))


def _exp_shifted(xb: Arr, m: Arr, out: Arr) -> Arr:
    """``exp(xb - m)`` into ``out``; rows with a non-finite ``m`` give garbage."""
    with np.errstate(invalid="ignore", over="ignore"):
        np.subtract(xb, m[:, None], out=out)
        np.exp(out, out=out)
    return out


def ce_int(
    x: Arr,
    labels: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64] | None,
    ignore_index: int | None,
    ls: float,
    mode: int,
    scale: float,
    g: Arr | None,
    loss: npt.NDArray[np.float64],
    bad: npt.NDArray[np.bool_],
) -> None:
    """Softmax cross-entropy with integer labels, label smoothing and class weights."""
    n_rows, n = x.shape
    wsum = float(n) if weight is None else float(weight.sum())
    wpos = None if weight is None else weight != 0
    scratch = np.empty(min(n_rows, max(1, BLOCK_ELEMENTS // n)) * n, dtype=x.dtype)
    # Rows with a non-finite maximum produce inf/NaN garbage here; they are
    # flagged in `bad` and recomputed exactly, so their warnings are noise.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for sl in _blocks(n_rows, n):
            xb = x[sl]
            rows = np.arange(xb.shape[0])
            y = labels[sl]
            keep = np.ones(y.shape, bool) if ignore_index is None else y != ignore_index
            ysafe = np.where(keep, y, 0)
            zy = xb[rows, ysafe].astype(np.float64)
            m = xb.max(axis=1)
            bad[sl] = ~np.isfinite(m) & keep
            m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
            if mode == 0:
                e = scratch[: xb.size].reshape(xb.shape)
            else:
                e = xb if mode == 2 else g[sl]  # type: ignore[index]
            a = np.zeros(xb.shape[0])
            if ls:
                # Σ_c w_c (m - z_c) >= 0 term by term; w_c = 0 removes -inf logits.
                gap = m[:, None] - xb
                if wpos is None:
                    a = gap.sum(axis=1, dtype=np.float64)
                else:
                    a = gap[:, wpos] @ weight[wpos]  # type: ignore[index]
            saved = xb[bad[sl]].copy() if mode == 2 else None
            _exp_shifted(xb, m, e)
            s = e.sum(axis=1, dtype=np.float64)
            s[bad[sl] | ~keep] = 1.0  # rows redone exactly or ignored: avoid log(0)
            log_s = np.log(s)
            wy = np.ones(xb.shape[0]) if weight is None else weight[ysafe]
            # A target weight of 0 (class weight 0 or ls = 1) adds 0, even at -inf.
            coef = (1.0 - ls) * wy
            nll = np.where(coef != 0, coef * ((m - zy) + log_s), 0.0)
            li = nll + (ls / n) * (a + wsum * log_s) if ls else nll
            loss[sl] = np.where(keep, li, 0.0)
            if mode != 0:
                k = (1.0 - ls) * wy + (ls / n) * wsum
                e *= (scale * k / s)[:, None].astype(x.dtype)
                if ls:
                    w = 1.0 if weight is None else weight
                    e -= np.asarray(scale * ls / n * w, dtype=x.dtype)
                e[rows, ysafe] -= (scale * (1.0 - ls) * wy).astype(x.dtype)
                e[~keep] = 0
            if saved is not None:  # bad rows keep their logits for the exact path
                xb[bad[sl]] = saved


def ce_soft(
    x: Arr,
    t: Arr,
    mode: int,
    scale: float,
    g: Arr | None,
    loss: npt.NDArray[np.float64],
    bad: npt.NDArray[np.bool_],
) -> None:
    """Softmax cross-entropy with probability targets ``t`` (same dtype as ``x``)."""
    n_rows, n = x.shape
    scratch = np.empty(min(n_rows, max(1, BLOCK_ELEMENTS // n)) * n, dtype=x.dtype)
    # Rows with a non-finite maximum produce inf/NaN garbage here; they are
    # flagged in `bad` and recomputed exactly, so their warnings are noise.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for sl in _blocks(n_rows, n):
            xb, tb = x[sl], t[sl]
            m = xb.max(axis=1)
            bad[sl] = ~np.isfinite(m)
            m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
            gap = m[:, None] - xb
            # Σ_c t_c (m - z_c) with 0 · inf := 0 where t_c = 0.
            prod = np.multiply(tb, gap, out=gap, where=tb != 0)
            prod[tb == 0] = 0
            a = prod.sum(axis=1, dtype=np.float64)
            tsum = tb.sum(axis=1, dtype=np.float64)
            if mode == 0:
                e = scratch[: xb.size].reshape(xb.shape)
            else:
                e = xb if mode == 2 else g[sl]  # type: ignore[index]
            saved = xb[bad[sl]].copy() if mode == 2 else None
            _exp_shifted(xb, m, e)
            s = e.sum(axis=1, dtype=np.float64)
            s[bad[sl]] = 1.0  # redone exactly: avoid log(0)
            log_s = np.log(s)
            loss[sl] = a + tsum * log_s
            if mode != 0:
                e *= (scale * tsum / s)[:, None].astype(x.dtype)
                e -= np.asarray(scale, dtype=x.dtype) * tb
            if saved is not None:  # bad rows keep their logits for the exact path
                xb[bad[sl]] = saved


def bce(
    x: Arr,
    y: Arr,
    pw: Arr | None,
    mode: int,
    scale: float,
    g: Arr | None,
    elem: Arr | None,
    loss: npt.NDArray[np.float64],
) -> None:
    """Sigmoid binary cross-entropy with logits (see the numba kernel for the algebra)."""
    n_rows, n = x.shape
    one = x.dtype.type(1)
    for sl in _blocks(n_rows, n):
        xb, yb = x[sl], y[sl]
        p = one if pw is None else pw
        e = np.exp(-np.abs(xb))
        pos = xb >= 0
        coef = np.where(pos, one - yb, -p * yb)
        with np.errstate(invalid="ignore"):
            lin = np.where(coef != 0, coef * xb, 0)
        c = one + (p - one) * yb
        lb = lin + c * np.log1p(e)
        loss[sl] = lb.sum(axis=1, dtype=np.float64)
        if elem is not None:
            elem[sl] = lb
        if mode != 0:
            ce = c * e / (one + e)
            d = np.where(pos, (one - yb) - ce, ce - p * yb)
            d *= x.dtype.type(scale)
            if mode == 2:
                xb[...] = d
            else:
                g[sl] = d  # type: ignore[index]
