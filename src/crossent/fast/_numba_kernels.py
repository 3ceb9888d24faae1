"""Fused single-pass cross-entropy kernels compiled with numba.

This module imports numba at import time; ``crossent.fast._dispatch`` imports it
lazily, on the first input large enough to pay for it.

Every kernel works on C-contiguous 2-D float32 or float64 arrays (rows are examples,
the last axis is the class axis), writes the per-row loss (float64) into a caller's
buffer, and, for the fused variants, the gradient into a caller's buffer, which may be
the logits themselves. A row whose maximum or normaliser is not finite (a ``+inf`` or
NaN logit, or a row of ``-inf``) is flagged in ``bad`` and left for the exact path in
``crossent.fast._exact``; finite rows never go there.

Numerical scheme (see ``docs/performance.md`` section 6):

* forward: one sweep over each row in chunks of ``CHUNK`` elements, summing
  ``exp(z - m)`` against a reference ``m`` while finding the chunk's max in the same
  loop (a chunk whose max is far above the reference moves it and is summed again);
  label smoothing and soft labels need the true max for their sums and take a max
  sweep first;
* fused loss and gradient: a max sweep (which also finds non-finite rows before
  anything is overwritten), then ``exp(z - m)`` stored into the gradient while
  summing (one ``exp`` per element), then one rescaling sweep; the last two sweeps
  hit the cache;
* a vectorisable polynomial ``exp`` (llvmlite from PyPI has no SVML, so ``math.exp``
  in a loop is a scalar libm call) and ``llvm.maxnum`` for the max;
* sums over a chunk are kept in the input precision and added into a float64 total.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from numba import njit, prange
from numba.core import types
from numba.extending import intrinsic, overload

__all__ = [
    "CHUNK",
    "bce_fwd_kernel",
    "bce_grad_kernel",
    "ce_int_fwd_kernel",
    "ce_int_grad_kernel",
    "ce_soft_fwd_kernel",
    "ce_soft_grad_kernel",
]

#: Elements per chunk of a row: 8 KiB of float32, so a chunk stays in L1 between the
#: max pass and the exp pass.
CHUNK = 2048

# Fast-math flags. Loops get reassociation (needed to vectorise sums) but neither
# `nnan` nor `ninf`: rows with inf/NaN must keep IEEE semantics so they can be
# detected. The exp/log1p polynomials get no reassociation, which would undo the
# Cody-Waite range reduction.
_FM_LOOP = {"reassoc", "nsz", "contract", "arcp"}
_FM_POLY = {"contract", "nsz"}
_JIT: dict[str, Any] = {
    "fastmath": _FM_LOOP,
    "cache": True,
    "nogil": True,
    "error_model": "numpy",
}
_JIT_PAR: dict[str, Any] = {**_JIT, "parallel": True}
# For scalar formulas that must be evaluated as written, e.g. (m - z_y) + log(s):
# reassociated as (m + log s) - z_y it cancels when |m| is large.
_JIT_EXACT: dict[str, Any] = {**_JIT, "fastmath": _FM_POLY}

_F = TypeVar("_F", bound=Callable[..., Any])

# llvmlite ships no type information; only FunctionType is needed from it.
_llvm_ir: Any = importlib.import_module("llvmlite.ir")


def _jit(options: dict[str, Any]) -> Callable[[_F], _F]:
    """``numba.njit(**options)`` typed as a decorator that keeps the signature."""
    return cast("Callable[[_F], _F]", njit(**options))


# --------------------------------------------------------------------------- helpers
def _maximum_typer(typingctx: Any, a: Any, b: Any) -> Any:
    """``llvm.maximum``: NaN-propagating max that vectorises as a reduction (a
    compare-and-select does not). A row's max is then NaN if any entry is NaN."""
    if not (isinstance(a, types.Float) and a == b):
        return None
    sig = a(a, b)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        t = args[0].type
        fnty = _llvm_ir.FunctionType(t, [t, t])
        fn = builder.module.declare_intrinsic("llvm.maximum", [t], fnty)
        return builder.call(fn, args)

    return sig, codegen


_maximum: Any = intrinsic(_maximum_typer)


def _exp(x: float) -> float:  # pragma: no cover - replaced by the overload in numba
    raise NotImplementedError


# exp(x) for x <= 0 as 2^n e^r, n = round(x log2 e), |r| <= ln2/2 (Cody-Waite, ln2 in
# two parts). n is rounded by adding 1.5·2^p (p = mantissa bits): the low bits of
# the sum are n, so 2^n = bits(sum) << p + bias << p without a float-int conversion.
# Below LO the input is clamped to LO, where n = -bias, so 2^n is the bit pattern 0:
# exp of anything below about -87.7 (float32) / -708.7 (float64) is exactly 0, -inf
# included. The clamp is a select that keeps NaN.
_LO32 = np.float32(-88.0)
_MAGIC32 = np.float32(12582912.0)  # 1.5 * 2**23
_LO64 = -709.0
_MAGIC64 = 6755399441055744.0  # 1.5 * 2**52


@overload(_exp, jit_options={"fastmath": _FM_POLY})
def _ov_exp(x: Any) -> Any:
    """Vectorisable exp for ``x <= 0`` in the precision of ``x`` (NaN propagates)."""
    if x == types.float32:

        def exp32(x: Any) -> Any:
            xc = _LO32 if x < _LO32 else x
            v = xc * np.float32(1.44269504088896341) + _MAGIC32
            n = v - _MAGIC32
            r = xc - n * np.float32(0.693359375)
            r = r - n * np.float32(-2.12194440e-4)
            # Minimax on |r| <= ln2/2 for e^r = 1 + r + r^2 P(r): relative error
            # 1.0e-7 before rounding, 1.8e-7 measured in float32.
            p = np.float32(0.008312533460798516)
            p = p * r + np.float32(0.04189012543034541)
            p = p * r + np.float32(0.16667114409575545)
            p = p * r + np.float32(0.4999923167456519)
            y = p * (r * r) + r + np.float32(1.0)
            k = (np.float32(v).view(np.int32) << np.int32(23)) + np.int32(127 << 23)
            return y * np.int32(k).view(np.float32)

        return exp32
    if x == types.float64:

        def exp64(x: Any) -> Any:
            xc = _LO64 if x < _LO64 else x
            v = xc * 1.4426950408889634 + _MAGIC64
            n = v - _MAGIC64
            r = xc - n * 6.93147180369123816490e-01
            r = r - n * 1.90821492927058770002e-10
            # Taylor to degree 13: truncation error < 1e-17 relative.
            p = 1.0 / 6227020800.0
            p = p * r + 1.0 / 479001600.0
            p = p * r + 1.0 / 39916800.0
            p = p * r + 1.0 / 3628800.0
            p = p * r + 1.0 / 362880.0
            p = p * r + 1.0 / 40320.0
            p = p * r + 1.0 / 5040.0
            p = p * r + 1.0 / 720.0
            p = p * r + 1.0 / 120.0
            p = p * r + 1.0 / 24.0
            p = p * r + 1.0 / 6.0
            p = p * r + 0.5
            y = p * (r * r) + r + 1.0
            k = (np.float64(v).view(np.int64) << np.int64(52)) + np.int64(1023 << 52)
            return y * np.int64(k).view(np.float64)

        return exp64
    return None


def _log1p_unit(e: float) -> float:  # pragma: no cover - replaced in numba
    raise NotImplementedError


@overload(_log1p_unit, jit_options={"fastmath": _FM_POLY})
def _ov_log1p_unit(e: Any) -> Any:
    """``log1p(e)`` for ``e`` in [0, 1]: ``2 atanh(t)``, ``t = e/(2+e)`` in [0, 1/3]."""
    if e == types.float32:

        def log1p32(e: Any) -> Any:
            t = e / (np.float32(2.0) + e)
            t2 = t * t
            p = np.float32(1.0 / 15.0)
            p = p * t2 + np.float32(1.0 / 13.0)
            p = p * t2 + np.float32(1.0 / 11.0)
            p = p * t2 + np.float32(1.0 / 9.0)
            p = p * t2 + np.float32(1.0 / 7.0)
            p = p * t2 + np.float32(1.0 / 5.0)
            p = p * t2 + np.float32(1.0 / 3.0)
            return np.float32(2.0) * (t + t * t2 * p)

        return log1p32
    if e == types.float64:

        def log1p64(e: Any) -> Any:
            t = e / (2.0 + e)
            t2 = t * t
            p = 1.0 / 35.0
            p = p * t2 + 1.0 / 33.0
            p = p * t2 + 1.0 / 31.0
            p = p * t2 + 1.0 / 29.0
            p = p * t2 + 1.0 / 27.0
            p = p * t2 + 1.0 / 25.0
            p = p * t2 + 1.0 / 23.0
            p = p * t2 + 1.0 / 21.0
            p = p * t2 + 1.0 / 19.0
            p = p * t2 + 1.0 / 17.0
            p = p * t2 + 1.0 / 15.0
            p = p * t2 + 1.0 / 13.0
            p = p * t2 + 1.0 / 11.0
            p = p * t2 + 1.0 / 9.0
            p = p * t2 + 1.0 / 7.0
            p = p * t2 + 1.0 / 5.0
            p = p * t2 + 1.0 / 3.0
            return 2.0 * (t + t * t2 * p)

        return log1p64
    return None


@_jit(_JIT_EXACT)
def _gap(m: Any, v: Any) -> Any:
    """``m - v`` kept out of reassociation (Σ (m - v) must not become n m - Σ v)."""
    return m - v


@_jit(_JIT_EXACT)
def _exp_shifted(v: Any, m: Any) -> Any:
    """``exp(v - m)``, the subtraction kept out of reassociation."""
    return _exp(v - m)


@_jit(_JIT)
def _chunk_max(c: Any) -> Any:
    m = c[0]
    for j in range(c.shape[0]):
        m = _maximum(m, c[j])
    return m


@_jit(_JIT)
def _chunk_expsum(c: Any, m: Any) -> float:
    s = c.dtype.type(0.0)
    for j in range(c.shape[0]):
        s += _exp_shifted(c[j], m)
    return float(s)


@_jit(_JIT)
def _chunk_expsum_max(c: Any, m: Any) -> tuple[float, Any]:
    """(Σ exp(c - m), max c) in one sweep; ``m`` may be below the max (see
    :func:`_lse_plain`)."""
    s = c.dtype.type(0.0)
    cm = c[0]
    for j in range(c.shape[0]):
        v = c[j]
        s += _exp_shifted(v, m)
        cm = _maximum(cm, v)
    return float(s), cm


@_jit(_JIT)
def _chunk_expsum_store(src: Any, dst: Any, m: Any) -> float:
    s = src.dtype.type(0.0)
    for j in range(src.shape[0]):
        e = _exp_shifted(src[j], m)
        dst[j] = e
        s += e
    return float(s)


@_jit(_JIT)
def _chunk_expsum_inplace(c: Any, m: Any) -> float:
    s = c.dtype.type(0.0)
    for j in range(c.shape[0]):
        e = _exp_shifted(c[j], m)
        c[j] = e
        s += e
    return float(s)


@_jit(_JIT)
def _chunk_gap_sum(c: Any, m: Any) -> float:
    """Σ (m - z_j): the smoothing term at the running maximum (every term >= 0)."""
    a = c.dtype.type(0.0)
    for j in range(c.shape[0]):
        a += _gap(m, c[j])
    return float(a)


@_jit(_JIT)
def _chunk_gap_wsum(c: Any, w: Any, m: Any) -> float:
    """Σ w_j (m - z_j), with 0 where w_j = 0 (a -inf logit of weight 0 adds nothing)."""
    a = 0.0
    for j in range(c.shape[0]):
        t = w[j] * _gap(m, c[j])
        a += t if w[j] != 0.0 else 0.0
    return a


@_jit(_JIT)
def _chunk_soft_gap_sum(c: Any, y: Any, m: Any) -> tuple[float, float]:
    """(Σ y_j (m - z_j), Σ y_j) with 0·inf := 0 where y_j = 0."""
    a = c.dtype.type(0.0)
    t = c.dtype.type(0.0)
    zero = c.dtype.type(0.0)
    for j in range(c.shape[0]):
        yj = y[j]
        g = yj * _gap(m, c[j])
        a += g if yj != zero else zero
        t += yj
    return float(a), float(t)


@_jit(_JIT)
def _chunk_scale(c: Any, f: Any) -> None:
    for j in range(c.shape[0]):
        c[j] = c[j] * f


@_jit(_JIT)
def _chunk_scale_sub(c: Any, f: Any, b: Any) -> None:
    for j in range(c.shape[0]):
        c[j] = c[j] * f - b


@_jit(_JIT)
def _chunk_scale_sub_w(c: Any, f: Any, b: float, w: Any) -> None:
    for j in range(c.shape[0]):
        c[j] = c[j] * f - c.dtype.type(b * w[j])


@_jit(_JIT)
def _chunk_scale_sub_y(c: Any, f: Any, b: Any, y: Any) -> None:
    for j in range(c.shape[0]):
        c[j] = c[j] * f - b * y[j]


# ----------------------------------------------------------- integer-label softmax CE
@_jit(_JIT)
def _row_max_checked(x: Any) -> tuple[Any, bool]:
    """(max, ok): ok is False when the row holds NaN or its max is not finite."""
    m = _chunk_max(x)
    return m, math.isfinite(float(m))


#: How far a chunk's max may exceed the reference of :func:`_lse_plain` before the
#: chunk is summed again: exp(z - m) <= e^40 keeps float32 chunk sums finite.
_REF_SLACK = 40.0


@_jit(_JIT)
def _lse_plain(x: Any) -> tuple[float, float, bool]:
    """(m, s, ok) with s = Σ exp(z - m), in one sweep per chunk.

    ``m`` is a reference, not necessarily the max: the first finite logit (or
    the max of the first chunk that has one). Each chunk is summed against it
    while its max is found in the same sweep; a chunk whose max exceeds the
    reference by more than ``_REF_SLACK`` moves the reference there (rescaling
    ``s``) and is summed again. This saves the separate max sweep of a two-pass
    log-sum-exp. ``ok`` is False for a row with NaN, ``+inf`` or only ``-inf``.
    """
    n = x.shape[0]
    m = x[0]
    start = 0
    if not math.isfinite(float(m)):
        m = x.dtype.type(-math.inf)
        for lo in range(0, n, CHUNK):
            cm = _chunk_max(x[lo : min(lo + CHUNK, n)])
            if float(cm) != -math.inf:
                m = cm
                start = lo
                break
        if not math.isfinite(float(m)):
            return 0.0, 0.0, False
    s = 0.0
    for lo in range(start, n, CHUNK):
        c = x[lo : min(lo + CHUNK, n)]
        cs, cm = _chunk_expsum_max(c, m)
        if not float(cm) <= float(m) + _REF_SLACK:  # also NaN
            if not math.isfinite(float(cm)):
                return 0.0, 0.0, False
            s *= math.exp(float(m) - float(cm))
            m = cm
            cs = _chunk_expsum(c, m)
        s += cs
    return float(m), s, math.isfinite(s)


@_jit(_JIT_EXACT)
def _int_loss(
    mf: float, s: float, a: float, zy: float, wy: float, ls: float, wsum: float, n: int
) -> float:
    """(1-ls) w_y (lse - z_y) + (ls/C) Σ_c w_c (lse - z_c), from m, s and a."""
    log_s = math.log(s)
    loss = 0.0
    if ls != 1.0 and wy != 0.0:  # a class of weight 0 adds 0, even at z_y = -inf
        loss = (1.0 - ls) * wy * ((mf - zy) + log_s)
    if ls != 0.0:
        loss += ls / n * (a + wsum * log_s)
    return loss


@_jit(_JIT)
def _smoothed_sums(
    x: Any, m: Any, weight: Any, use_weight: bool
) -> tuple[float, float]:
    """(Σ exp(z - m), Σ_c w_c (m - z_c)) at the row max ``m``: every gap is >= 0,
    so the smoothing sum cannot cancel."""
    n = x.shape[0]
    s = 0.0
    a = 0.0
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        c = x[lo:hi]
        if use_weight:
            a += _chunk_gap_wsum(c, weight[lo:hi], m)
        else:
            a += _chunk_gap_sum(c, m)
        s += _chunk_expsum(c, m)
    return s, a


@_jit(_JIT)
def _ce_int_row_fwd(
    x: Any, label: int, weight: Any, use_weight: bool, ls: float, wsum: float
) -> tuple[float, bool]:
    a = 0.0
    if ls == 0.0:
        mf, s, ok = _lse_plain(x)
    else:  # the smoothing sum needs the true max: a max sweep first
        m, ok = _row_max_checked(x)
        mf = float(m)
        if ok:
            s, a = _smoothed_sums(x, m, weight, use_weight)
    if not ok:
        return math.nan, True
    wy = weight[label] if use_weight else 1.0
    return _int_loss(mf, s, a, float(x[label]), wy, ls, wsum, x.shape[0]), False


@_jit(_JIT)
def _ce_int_row_grad(
    x: Any,
    g: Any,
    inplace: bool,
    label: int,
    weight: Any,
    use_weight: bool,
    ls: float,
    wsum: float,
    scale: float,
) -> tuple[float, bool]:
    """Fused loss and gradient of one row, one exp per element.

    Three sweeps over the row, the last two from cache: the max (and a check that
    leaves a non-finite row untouched for the exact path), ``exp(z - m)`` stored
    into the gradient while summing, and the rescaling by ``scale K / s``.
    """
    n = x.shape[0]
    m, ok = _row_max_checked(x)
    if not ok:
        return math.nan, True
    mf = float(m)
    zy = float(x[label])  # read before the gradient overwrites it
    smooth = ls != 0.0
    s = 0.0
    a = 0.0
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        c = x[lo:hi]
        if smooth:
            if use_weight:
                a += _chunk_gap_wsum(c, weight[lo:hi], m)
            else:
                a += _chunk_gap_sum(c, m)
        if inplace:
            s += _chunk_expsum_inplace(c, m)
        else:
            s += _chunk_expsum_store(c, g[lo:hi], m)
    wy = weight[label] if use_weight else 1.0
    loss = _int_loss(mf, s, a, zy, wy, ls, wsum, n)
    out = x if inplace else g
    f = x.dtype.type(scale * ((1.0 - ls) * wy + ls / n * wsum) / s)
    if not smooth:
        _chunk_scale(out, f)
    elif use_weight:
        _chunk_scale_sub_w(out, f, scale * ls / n, weight)
    else:
        _chunk_scale_sub(out, f, x.dtype.type(scale * ls / n))
    out[label] -= x.dtype.type(scale * (1.0 - ls) * wy)
    return loss, False


@_jit(_JIT)
def _int_wsum(weight: Any, use_weight: bool, n: int) -> float:
    if not use_weight:
        return float(n)
    wsum = 0.0
    for j in range(n):
        wsum += weight[j]
    return wsum


@_jit(_JIT_PAR)
def ce_int_fwd_kernel(
    x: Any,
    labels: Any,
    weight: Any,
    use_weight: bool,
    ignore_index: int,
    use_ignore: bool,
    ls: float,
    loss: Any,
    bad: Any,
) -> None:
    """Softmax CE with integer labels: ``loss[i]`` per row (0 for ignored rows).

    ``x`` is only read (it may be a read-only memory map).
    """
    n = x.shape[1]
    wsum = _int_wsum(weight, use_weight, n)
    for i in prange(x.shape[0]):
        y = labels[i]
        bad[i] = False
        if use_ignore and y == ignore_index:
            loss[i] = 0.0
            continue
        loss[i], bad[i] = _ce_int_row_fwd(x[i], y, weight, use_weight, ls, wsum)


@_jit(_JIT_PAR)
def ce_int_grad_kernel(
    x: Any,
    labels: Any,
    weight: Any,
    use_weight: bool,
    ignore_index: int,
    use_ignore: bool,
    ls: float,
    inplace: bool,
    scale: float,
    g: Any,
    loss: Any,
    bad: Any,
) -> None:
    """As :func:`ce_int_fwd_kernel`, and the gradient of ``scale * Σ_i loss[i]`` into
    ``g`` (or over ``x`` if ``inplace``). Rows flagged in ``bad`` keep their logits.
    """
    n = x.shape[1]
    wsum = _int_wsum(weight, use_weight, n)
    for i in prange(x.shape[0]):
        y = labels[i]
        bad[i] = False
        gi = x[i] if inplace else g[i]
        if use_ignore and y == ignore_index:
            loss[i] = 0.0
            gi[:] = 0.0
            continue
        loss[i], bad[i] = _ce_int_row_grad(
            x[i], gi, inplace, y, weight, use_weight, ls, wsum, scale
        )


# -------------------------------------------------------------- soft-label softmax CE
@_jit(_JIT)
def _ce_soft_row_fwd(x: Any, t: Any) -> tuple[float, bool]:
    """Σ_c t_c (lse - z_c) = Σ_c t_c (m - z_c) + (Σ t) log s at the row max m."""
    m, ok = _row_max_checked(x)
    if not ok:
        return math.nan, True
    n = x.shape[0]
    s = 0.0
    a = 0.0
    tsum = 0.0
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        c = x[lo:hi]
        da, dt = _chunk_soft_gap_sum(c, t[lo:hi], m)
        a += da
        tsum += dt
        s += _chunk_expsum(c, m)
    return a + tsum * math.log(s), False


@_jit(_JIT)
def _ce_soft_row_grad(
    x: Any, t: Any, g: Any, inplace: bool, scale: float
) -> tuple[float, bool]:
    """Fused loss and gradient ``scale (p Σt - t)`` of one row (one exp per element)."""
    n = x.shape[0]
    m, ok = _row_max_checked(x)
    if not ok:
        return math.nan, True
    s = 0.0
    a = 0.0
    tsum = 0.0
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        c = x[lo:hi]
        da, dt = _chunk_soft_gap_sum(c, t[lo:hi], m)
        a += da
        tsum += dt
        if inplace:
            s += _chunk_expsum_inplace(c, m)
        else:
            s += _chunk_expsum_store(c, g[lo:hi], m)
    loss = a + tsum * math.log(s)
    out = x if inplace else g
    f = x.dtype.type(scale * tsum / s)
    _chunk_scale_sub_y(out, f, x.dtype.type(scale), t)
    return loss, False


@_jit(_JIT_PAR)
def ce_soft_fwd_kernel(x: Any, t: Any, loss: Any, bad: Any) -> None:
    """Softmax CE with probability targets ``t`` (same shape and dtype as ``x``)."""
    for i in prange(x.shape[0]):
        loss[i], bad[i] = _ce_soft_row_fwd(x[i], t[i])


@_jit(_JIT_PAR)
def ce_soft_grad_kernel(
    x: Any, t: Any, inplace: bool, scale: float, g: Any, loss: Any, bad: Any
) -> None:
    """As :func:`ce_soft_fwd_kernel`, and the gradient of ``scale * Σ_i loss[i]``."""
    for i in prange(x.shape[0]):
        gi = x[i] if inplace else g[i]
        loss[i], bad[i] = _ce_soft_row_grad(x[i], t[i], gi, inplace, scale)


# ---------------------------------------------------------------- sigmoid binary CE
@_jit(_JIT_EXACT)
def _bce_elem(v: Any, yv: Any, p: Any, one: Any, zero: Any) -> tuple[Any, Any]:
    """Loss and gradient of one element (``one``/``zero`` carry the dtype).

    l = (1-y) x + c softplus(-x) with c = 1 + (p-1) y is rewritten without
    cancellation as  l = [x >= 0 ? (1-y) x : -p y x] + c log1p(exp(-|x|)),
    where a zero coefficient times an infinite x counts as 0 (the exact limit).
    The gradient c σ(x) - p y is (1-y) - c e/(1+e) for x >= 0 and c e/(1+e) - p y
    for x < 0, with e = exp(-|x|); each form is accurate where it is small.
    """
    e = _exp(-abs(v))
    coef = one - yv if v >= zero else -p * yv
    lin = coef * v if coef != zero else zero
    c = one + (p - one) * yv
    lj = lin + c * _log1p_unit(e)
    ce = c * e / (one + e)
    d = (one - yv) - ce if v >= zero else ce - p * yv
    return lj, d


@_jit(_JIT)
def _bce_chunk_fwd(x: Any, y: Any, pw: Any, out: Any) -> float:
    """Σ of the chunk's losses; each loss also into ``out`` (scratch or result)."""
    one = x.dtype.type(1.0)
    zero = x.dtype.type(0.0)
    s = zero
    for j in range(x.shape[0]):
        lj, _ = _bce_elem(x[j], y[j], pw[j], one, zero)
        out[j] = lj
        s += lj
    return float(s)


@_jit(_JIT)
def _bce_chunk_grad(
    x: Any, y: Any, pw: Any, out: Any, inplace: bool, f: Any, g: Any
) -> float:
    """As :func:`_bce_chunk_fwd`, and the gradient times ``f`` into ``g`` or over
    ``x`` (two loops, so that neither has an aliased pair, which would not
    vectorise)."""
    one = x.dtype.type(1.0)
    zero = x.dtype.type(0.0)
    s = zero
    if inplace:
        for j in range(x.shape[0]):
            lj, d = _bce_elem(x[j], y[j], pw[j], one, zero)
            out[j] = lj
            s += lj
            x[j] = d * f
    else:
        for j in range(x.shape[0]):
            lj, d = _bce_elem(x[j], y[j], pw[j], one, zero)
            out[j] = lj
            s += lj
            g[j] = d * f
    return float(s)


@_jit(_JIT_PAR)
def bce_fwd_kernel(x: Any, y: Any, pw: Any, elem: Any, loss: Any) -> None:
    """Sigmoid BCE with logits over the rows of ``x`` (``y`` and ``pw`` in its dtype).

    ``loss[i]`` receives the row's sum of elementwise losses and ``elem`` (when it
    has rows) the elementwise losses; ``pw`` is the per-column ``pos_weight``
    (ones for none). ``x`` is only read.
    """
    n = x.shape[1]
    store = elem.shape[0] != 0
    for i in prange(x.shape[0]):
        scratch = np.empty(min(n, CHUNK), dtype=x.dtype)
        acc = 0.0
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            out = elem[i, lo:hi] if store else scratch[: hi - lo]
            acc += _bce_chunk_fwd(x[i, lo:hi], y[i, lo:hi], pw[lo:hi], out)
        loss[i] = acc


@_jit(_JIT_PAR)
def bce_grad_kernel(
    x: Any,
    y: Any,
    pw: Any,
    inplace: bool,
    scale: float,
    g: Any,
    elem: Any,
    loss: Any,
) -> None:
    """As :func:`bce_fwd_kernel`, and the gradient of ``scale * Σ loss`` into ``g``
    (or over ``x`` if ``inplace``)."""
    n = x.shape[1]
    store = elem.shape[0] != 0
    f = x.dtype.type(scale)
    for i in prange(x.shape[0]):
        scratch = np.empty(min(n, CHUNK), dtype=x.dtype)
        gi = x[i] if inplace else g[i]
        acc = 0.0
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            out = elem[i, lo:hi] if store else scratch[: hi - lo]
            acc += _bce_chunk_grad(
                x[i, lo:hi], y[i, lo:hi], pw[lo:hi], out, inplace, f, gi[lo:hi]
            )
        loss[i] = acc
