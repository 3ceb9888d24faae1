"""High-precision reference implementations of the core losses (mpmath).

Every expected value in the core tests comes from here. Each function takes plain
Python numbers or NumPy arrays, reads every element *exactly* (a float16, bfloat16,
float32 or float64 value is a dyadic rational, converted to ``mpf`` without rounding)
and computes the mathematical definition at a precision chosen from its inputs:
``50 + S`` decimal digits, where ``S`` is the span of the decimal exponents of the
finite non-zero input values (0 for inputs of one magnitude, up to about 630 for
values from the smallest subnormal to 1e308). A sum whose terms cancel keeps 50
correct digits that way; the log-sum-exp family is written as ``m + log1p(tail)``
with a non-negative tail, so the spread of the terms e^(z_j) costs no digits.
:func:`twice_the_precision` doubles the digits, for checking the reference against
itself. The results are ``mpf`` values (scalars or nested lists); :func:`to_dtype`
rounds them once to a floating dtype, the "correctly rounded" answer a core
function is held to by :func:`assert_ulp_close` (the old 4-ulp bar with an
absolute floor) and :func:`assert_ulp` (relative error in ulps, no floor).

Conventions shared with the core (``crossent._core``):

* ``0 · log 0 = 0`` and more generally a label (or weight) of exactly 0 removes its
  term, even against an infinite log-probability; ``-log 0 = +inf``.
* ``+inf`` logits share the softmax mass evenly: with ``k`` entries equal to
  ``+inf`` each has probability ``1/k`` (log-probability ``-log k``) and every finite
  or ``-inf`` entry has probability 0.
* A row whose logits are all ``-inf`` has no distribution: its log-softmax and every
  loss that normalises it is NaN (``logsumexp`` itself is ``log 0 = -inf``).
* NaN in any input that takes part in a result makes that result NaN.
* ``where`` (softmax cross-entropy) removes classes: they take no part in the
  normaliser nor in the sum, and a row with no class left has loss 0.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import ml_dtypes
import numpy as np
from mpmath import mp

mp.dps = 50

__all__ = [
    "assert_ulp",
    "assert_ulp_close",
    "binary_cross_entropy",
    "cross_entropy",
    "finfo",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "mpf",
    "reduce_loss",
    "sigmoid_binary_cross_entropy",
    "sigmoid_focal_cross_entropy",
    "smooth_labels",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
    "softmax_focal_cross_entropy",
    "softplus",
    "to_dtype",
    "twice_the_precision",
    "ulp_error",
]

Mpf = Any  # mpmath.mpf; mpmath ships no type information
NAN = mp.mpf("nan")
INF = mp.mpf("inf")
ZERO = mp.mpf(0)
ONE = mp.mpf(1)


# ------------------------------------------------------------------- the precision

BASE_DIGITS = 50
_FACTOR = [1]  # 2 inside twice_the_precision()
F = TypeVar("F", bound=Callable[..., Any])


def digits_for(*args: Any) -> int:
    """``50 + S`` (times the factor): ``S`` the span of the decimal exponents of
    the finite non-zero numbers among ``args`` (arrays, lists, scalars)."""
    exps: list[float] = []
    for a in args:
        if a is None or isinstance(a, str):
            continue
        try:
            v = np.abs(np.asarray(a, dtype=np.float64)).reshape(-1)
        except (TypeError, ValueError):
            continue
        v = v[np.isfinite(v) & (v > 0)]
        if v.size:
            exps += [float(np.log10(v.min())), float(np.log10(v.max()))]
    span = int(np.ceil(max(exps) - min(exps))) if exps else 0
    return (BASE_DIGITS + span) * _FACTOR[0]


def _adaptive(fn: F) -> F:
    """Run ``fn`` at :func:`digits_for` its arguments (never below the caller's)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        digits = max(digits_for(*args, *kwargs.values()), mp.dps)
        with mp.workdps(digits):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def twice_the_precision() -> Iterator[None]:
    """Every reference function inside uses twice its usual digits."""
    _FACTOR[0] = 2
    try:
        yield
    finally:
        _FACTOR[0] = 1


# --------------------------------------------------------------------------- helpers


def mpf(x: Any) -> Mpf:
    """``x`` (Python or NumPy scalar of any float dtype) as an exact ``mpf``."""
    if isinstance(x, type(ZERO)):
        return x
    return mp.mpf(float(x))  # float16/bfloat16/float32 -> float64 is exact


def _is_nan(x: Mpf) -> bool:
    return bool(mp.isnan(x))


def _rows(x: Any, axis: int = -1) -> tuple[np.ndarray, tuple[int, ...]]:
    """``x`` as a 2-D float64 array of rows along ``axis``, and the batch shape."""
    a = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    return a.reshape(-1, a.shape[-1]), a.shape[:-1]


def _unflatten(values: Sequence[Any], shape: tuple[int, ...]) -> Any:
    """Nested lists of ``values`` with ``shape`` (a bare value for shape ``()``)."""
    if not shape:
        return values[0]
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr.reshape(shape).tolist()


def to_dtype(value: Any, dtype: Any) -> np.ndarray:
    """Round ``mpf`` value(s) (nested lists allowed) once to ``dtype``.

    The rounding is to nearest-even at the precision of ``dtype``, subnormals
    included (``nmant + 1`` significant bits for normal values, a multiple of the
    smallest subnormal below ``tiny``), so the result is the correctly rounded
    value of ``dtype``.
    """
    dtype = np.dtype(dtype)
    info = finfo(dtype)
    bits = int(info.nmant) + 1
    tiny, sub = mpf(info.tiny), mpf(info.smallest_subnormal)
    obj = np.array(value, dtype=object)
    out = np.empty(obj.shape, dtype=dtype)
    flat_out = out.reshape(-1)
    for i, v in enumerate(obj.reshape(-1)):
        v = mpf(v)
        if not mp.isfinite(v):
            rounded = v
        elif abs(v) < tiny:  # subnormal range: a multiple of the smallest subnormal
            rounded = mp.nint(v / sub) * sub
        else:
            with mp.workprec(bits):  # round to nearest (even) at the dtype's precision
                rounded = +v
        # `rounded` is exact in float64 (mpmath's float() truncates, so round
        # first); a value beyond the dtype's range becomes inf, as it should.
        with np.errstate(over="ignore"):
            flat_out[i] = np.array(float(rounded)).astype(dtype)
    return out


def finfo(dtype: Any) -> Any:
    """``np.finfo`` that also knows ml_dtypes' bfloat16."""
    dtype = np.dtype(dtype)
    return ml_dtypes.finfo(dtype) if dtype.kind == "V" else np.finfo(dtype)


def _sum(values: Iterable[Mpf]) -> Mpf:
    """Exact-enough sum (``mp.fsum``); NaN if any term is NaN."""
    return mp.fsum(values)


# ----------------------------------------------------------------- log-sum-exp family


def _split_row(row: tuple[float, ...]) -> tuple[Mpf, Mpf, int]:
    return _split_row_at(row, mp.prec)


@functools.lru_cache(maxsize=64)
def _split_row_at(row: tuple[float, ...], prec: int) -> tuple[Mpf, Mpf, int]:
    """``(m, rest, k)`` with ``lse(row) = m + log1p(rest)`` and ``k`` tied maxima.

    ``m`` is the largest entry, ``rest = sum_j exp(x_j - m) - 1`` (the sum over every
    entry but one maximal one, so ``log1p`` keeps relative precision), ``k`` the
    number of entries equal to ``m``. Only for rows without NaN and with a finite
    maximum.
    """
    xs = [mpf(x) for x in row]
    m = max(xs)
    k = sum(1 for x in xs if x == m)
    rest = _sum(mp.exp(x - m) for x in xs if x != m) + (k - 1)
    return m, rest, k


@_adaptive
def logsumexp(x: Any) -> Mpf:
    r"""``log(sum_i exp(x_i))`` of one row (any sequence of floats).

    .. math:: \operatorname{lse}(x) = m + \operatorname{log1p}\bigl(\sum_{j \ne j^*} e^{x_j - m}\bigr)

    NaN anywhere gives NaN, any ``+inf`` gives ``+inf``, an all ``-inf`` row gives
    ``-inf`` (``log 0``).
    """
    row = tuple(float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1))
    if any(np.isnan(row)):
        return NAN
    m = max(row)
    if np.isinf(m):
        return mpf(m)
    top, rest, _ = _split_row(row)
    return top + mp.log1p(rest)


def _log_softmax_at(row: tuple[float, ...], indices: Iterable[int]) -> list[Mpf]:
    """``log_softmax(row)`` at ``indices`` only (see :func:`log_softmax`)."""
    if any(np.isnan(row)) or max(row) == -np.inf:
        return [NAN for _ in indices]
    if max(row) == np.inf:
        k = sum(1 for v in row if v == np.inf)
        return [-mp.log(k) if row[i] == np.inf else -INF for i in indices]
    m, rest, _ = _split_row(row)
    l1p = mp.log1p(rest)
    return [(mpf(row[i]) - m) - l1p for i in indices]


@_adaptive
def log_softmax(x: Any) -> list[Mpf]:
    r"""``log softmax(x)_i = x_i - lse(x)`` of one row, as a list.

    .. math:: \log\operatorname{softmax}(x)_i = (x_i - m) - \operatorname{log1p}\bigl(\sum_{j \ne j^*} e^{x_j - m}\bigr)

    With ``k`` entries equal to ``+inf`` those get ``-log k`` and all others
    ``-inf``; NaN anywhere or an all ``-inf`` row gives all NaN.
    """
    row = tuple(float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1))
    return _log_softmax_at(row, range(len(row)))


@_adaptive
def softplus(x: Any) -> Mpf:
    r"""``softplus(x) = log(1 + e^x)`` of a scalar.

    .. math:: \operatorname{softplus}(x) = \max(x, 0) + \operatorname{log1p}(e^{-|x|})

    ``softplus(+inf) = +inf``, ``softplus(-inf) = 0``.
    """
    v = mpf(x)
    if _is_nan(v):
        return NAN
    if mp.isinf(v):
        return INF if v > 0 else ZERO
    return max(v, ZERO) + mp.log1p(mp.exp(-abs(v)))


@_adaptive
def log_sigmoid(x: Any) -> Mpf:
    r"""``log sigmoid(x) = -softplus(-x)`` of a scalar.

    .. math:: \log\sigma(x) = -\log(1 + e^{-x})
    """
    return -softplus(-mpf(x))


def _sigmoid(v: Mpf) -> Mpf:
    r""":math:`\sigma(v) = 1 / (1 + e^{-v})` with the limits at ``±inf``."""
    if mp.isinf(v):
        return ONE if v > 0 else ZERO
    return ONE / (ONE + mp.exp(-v))


def _times(w: Mpf, term: Mpf) -> Mpf:
    """``w · term`` where a weight of exactly 0 removes the term (``0 · inf = 0``)."""
    if _is_nan(w) or _is_nan(term):
        return NAN
    if w == 0:
        return ZERO
    return w * term


# ------------------------------------------------------------- softmax cross-entropy


def _softmax_ce_row(z: Sequence[float], y: Sequence[float]) -> Mpf:
    """``-sum_c y_c log softmax(z)_c`` of one row with no classes masked."""
    row = tuple(float(v) for v in z)
    if any(np.isnan(row)) or max(row) == -np.inf:
        return NAN  # no distribution: NaN even where every label is 0
    used = [c for c, yc in enumerate(y) if yc != 0]  # y_c = 0 terms are exactly 0
    logp = _log_softmax_at(row, used)
    return _sum(_times(mpf(y[c]), -lp) for c, lp in zip(used, logp, strict=True))


@_adaptive
def softmax_cross_entropy(
    logits: Any, labels: Any, *, axis: int = -1, where: Any = None
) -> Any:
    r"""Cross-entropy of ``softmax(logits)`` against (soft) ``labels``, per row.

    .. math:: \ell = -\sum_{c \in W} y_c \log\operatorname{softmax}_W(z)_c

    where :math:`W` is the set of classes kept by ``where`` (all by default) and
    :math:`\operatorname{softmax}_W` normalises over :math:`W` only. A label of 0
    contributes 0 (also against a ``-inf`` logit); a positive label on a class of
    probability 0 costs ``inf``; an empty :math:`W` gives 0; NaN in a kept class,
    or a row whose kept logits are all ``-inf``, gives NaN. Returns ``mpf`` values
    shaped like ``logits`` without ``axis`` (nested lists).
    """
    z, batch = _rows(logits, axis)
    y, _ = _rows(labels, axis)
    if where is None:
        mask = np.ones(z.shape, dtype=bool)
    else:
        full = np.broadcast_to(np.asarray(where, dtype=bool), np.shape(logits))
        mask, _ = _rows(full, axis)
        mask = mask.astype(bool)
    out = []
    for zr, yr, mr in zip(z, y, mask, strict=True):
        if not mr.any():
            out.append(ZERO)
        else:
            out.append(_softmax_ce_row(zr[mr], yr[mr]))
    return _unflatten(out, batch)


@_adaptive
def softmax_cross_entropy_with_integer_labels(
    logits: Any, labels: Any, *, axis: int = -1, ignore_index: int | None = None
) -> Any:
    r"""Cross-entropy of ``softmax(logits)`` against class indices ``labels``.

    .. math:: \ell = \operatorname{lse}(z) - z_y = -\log\operatorname{softmax}(z)_y

    Rows whose label equals ``ignore_index`` give 0 (whatever their logits).
    """
    z, batch = _rows(logits, axis)
    idx = np.asarray(labels).reshape(-1)
    out = []
    for zr, k in zip(z, idx, strict=True):
        if ignore_index is not None and int(k) == ignore_index:
            out.append(ZERO)
        else:
            out.append(-_log_softmax_at(tuple(float(v) for v in zr), [int(k)])[0])
    return _unflatten(out, batch)


@_adaptive
def cross_entropy(probs: Any, labels: Any, *, axis: int = -1) -> Any:
    r"""Cross-entropy from probabilities, with no clipping.

    .. math:: \ell = -\sum_c \operatorname{xlogy}(y_c, p_c)

    with ``xlogy(0, p) = 0`` for every non-NaN ``p`` (so ``0 · log 0 = 0``) and
    ``-log 0 = inf``.
    """
    p, batch = _rows(probs, axis)
    y, _ = _rows(labels, axis)
    out = []
    for pr, yr in zip(p, y, strict=True):
        terms = []
        for pc, yc in zip(pr, yr, strict=True):
            pm = mpf(pc)
            logp = -INF if pm == 0 else (NAN if _is_nan(pm) else mp.log(pm))
            terms.append(_times(mpf(yc), -logp))
        out.append(_sum(terms))
    return _unflatten(out, batch)


@_adaptive
def smooth_labels(labels: Any, alpha: float, *, axis: int = -1) -> Any:
    r"""Label smoothing toward the uniform distribution over ``C`` classes.

    .. math:: y'_c = (1 - \alpha)\, y_c + \alpha / C

    Returns ``mpf`` values of the shape of ``labels`` (nested lists).
    """
    y = np.asarray(labels, dtype=np.float64)
    num_classes = y.shape[axis]
    a = mpf(alpha)
    flat = [(ONE - a) * mpf(v) + a / num_classes for v in y.reshape(-1)]
    return _unflatten(flat, y.shape)


@_adaptive
def softmax_focal_cross_entropy(
    logits: Any,
    labels: Any,
    *,
    alpha: Any = None,
    gamma: float = 2.0,
    axis: int = -1,
) -> Any:
    r"""Focal loss over a softmax (Lin et al. 2017), per row.

    .. math:: \ell = -\sum_c \alpha_c\, y_c\, (1 - p_c)^\gamma \log p_c,
              \qquad p = \operatorname{softmax}(z)

    with :math:`1 - p_c = -\operatorname{expm1}(\log p_c)` (exact at 50 digits
    also when :math:`p_c \to 1`), :math:`0^0 = 1`, and a zero :math:`\alpha_c`
    or :math:`y_c` removing its term. ``alpha=None`` means no class weight.
    """
    z, batch = _rows(logits, axis)
    y, _ = _rows(labels, axis)
    num_classes = z.shape[-1]
    if alpha is None:
        a_row = [ONE] * num_classes
    else:
        a_arr = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (num_classes,))
        a_row = [mpf(v) for v in a_arr]
    g = mpf(gamma)
    out = []
    for zr, yr in zip(z, y, strict=True):
        terms = []
        for lp, yc, ac in zip(log_softmax(zr), yr, a_row, strict=True):
            if _is_nan(lp):
                terms.append(NAN)
                continue
            one_minus_p = -mp.expm1(lp) if lp != -INF else ONE
            factor = ONE if g == 0 else one_minus_p**g
            terms.append(_times(ac, _times(mpf(yc), factor * -lp)))
        out.append(_sum(terms))
    return _unflatten(out, batch)


# -------------------------------------------------------------- binary cross-entropy


@_adaptive
def sigmoid_binary_cross_entropy(logit: Any, label: Any, pos_weight: Any = None) -> Mpf:
    r"""Binary cross-entropy of ``sigmoid(logit)`` against ``label``, one element.

    .. math:: \ell = w_+\, y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z)

    (:math:`-\log\sigma(z) = \operatorname{softplus}(-z)`), a zero coefficient
    removing its term; ``pos_weight`` defaults to 1.
    """
    z, y = mpf(logit), mpf(label)
    w = ONE if pos_weight is None else mpf(pos_weight)
    if _is_nan(z):
        return NAN
    return _times(w * y, softplus(-z)) + _times(ONE - y, softplus(z))


@_adaptive
def binary_cross_entropy(prob: Any, label: Any) -> Mpf:
    r"""Binary cross-entropy from a probability, one element, no clipping.

    .. math:: \ell = -\operatorname{xlogy}(y, p) - \operatorname{xlogy}(1 - y, 1 - p)
    """
    p, y = mpf(prob), mpf(label)
    if _is_nan(p):
        return NAN
    neg_log_p = INF if p == 0 else -mp.log(p)
    neg_log_q = INF if p == 1 else -mp.log1p(-p)
    return _times(y, neg_log_p) + _times(ONE - y, neg_log_q)


@_adaptive
def sigmoid_focal_cross_entropy(
    logit: Any, label: Any, *, alpha: float | None = None, gamma: float = 2.0
) -> Mpf:
    r"""Focal loss over a sigmoid (the optax convention), one element.

    .. math:: \ell = a_t\,(1 - p_t)^\gamma\, \mathrm{BCE}(z, y), \quad
              1 - p_t = y\,\sigma(-z) + (1 - y)\,\sigma(z), \quad
              a_t = \alpha y + (1 - \alpha)(1 - y)

    with :math:`a_t = 1` when ``alpha`` is None, :math:`0^0 = 1`, and a zero
    :math:`a_t` removing the term.
    """
    z, y = mpf(logit), mpf(label)
    if _is_nan(z) or _is_nan(y):
        return NAN
    ce = sigmoid_binary_cross_entropy(z, y)
    one_minus_pt = y * _sigmoid(-z) + (ONE - y) * _sigmoid(z)
    g = mpf(gamma)
    loss = ce if g == 0 else _times(one_minus_pt**g, ce)
    if alpha is None:
        return loss
    a = mpf(alpha)
    return _times(a * y + (ONE - a) * (ONE - y), loss)


@_adaptive
def reduce_loss(
    loss: Any, reduction: str = "mean", *, weights: Any = None, where: Any = None
) -> Any:
    r"""``none``/``sum``/``mean``/``weighted_mean`` of ``w_i l_i`` (see the core).

    An entry outside ``where`` or with weight exactly 0 adds 0 (``0 · inf = 0``);
    ``mean`` divides by the number of entries in ``where``, ``weighted_mean`` by
    the sum of their weights; a zero denominator gives NaN.
    """
    x = np.asarray(loss, dtype=np.float64)
    w = np.broadcast_to(
        np.asarray(1.0 if weights is None else weights, dtype=np.float64), x.shape
    )
    keep = np.broadcast_to(
        np.asarray(True if where is None else where, dtype=bool), x.shape
    )
    terms = [
        _times(mpf(wi), mpf(xi)) if k else ZERO
        for xi, wi, k in zip(
            x.reshape(-1), w.reshape(-1), keep.reshape(-1), strict=True
        )
    ]
    if reduction == "none":
        return _unflatten(terms, x.shape)
    total = _sum(terms)
    if reduction == "sum":
        return total
    if reduction == "mean":
        den = mp.mpf(int(keep.sum()))
    else:
        den = _sum(
            mpf(wi) for wi, k in zip(w.reshape(-1), keep.reshape(-1), strict=True) if k
        )
    return NAN if den == 0 else total / den


# ------------------------------------------------------------------ the criterion


def ulp_error(actual: Any, expected: Any, dtype: Any) -> np.ndarray:
    r"""``|a - e| / ulp(e)`` per element, with ``e`` the exact (``mpf``) value.

    ``ulp(e)`` is the spacing of ``dtype`` at ``|e|``: :math:`2^{\lfloor \log_2
    |e| \rfloor - p + 1}` for a normal value (``p`` significant bits), the
    smallest subnormal below ``tiny``. 0 where ``e`` is not finite or rounds to
    an infinity of ``dtype`` (the patterns are compared by :func:`assert_ulp`).
    """
    dtype = np.dtype(dtype)
    info = finfo(dtype)
    nmant, tiny, sub = int(info.nmant), mpf(info.tiny), mpf(info.smallest_subnormal)
    obj = np.array(expected, dtype=object)
    rounded = to_dtype(expected, dtype)
    a = np.asarray(actual, dtype=np.float64).reshape(-1)
    out = np.zeros(obj.size)
    with mp.workdps(max(mp.dps, 400)):
        for i, (e, r) in enumerate(
            zip(obj.reshape(-1), rounded.reshape(-1), strict=True)
        ):
            e = mpf(e)
            if not mp.isfinite(e) or not np.isfinite(r) or not np.isfinite(a[i]):
                continue
            if abs(e) < tiny:
                ulp = sub
            else:
                _, exp2 = mp.frexp(e)
                ulp = mp.ldexp(mp.mpf(1), int(exp2) - 1 - nmant)
            out[i] = float(abs(mpf(a[i]) - e) / ulp)
    return out.reshape(rounded.shape)


def assert_ulp(actual: Any, expected: Any, dtype: Any, ulps: float) -> None:
    """Assert ``actual`` is within ``ulps`` ulp of the exact ``expected``, relative.

    ``expected`` holds ``mpf`` values from this module (not rounded). Checked:
    ``actual`` has exactly ``dtype`` and the shape of ``expected``; NaN and
    ``±inf`` where, and only where, the correctly rounded value has them; every
    other element within ``ulps`` units in the last place of the exact value
    (:func:`ulp_error`), with no absolute floor: a loss of 1e-300 is held to
    the precision of 1e-300, a subnormal one to the smallest subnormal.
    """
    dtype = np.dtype(dtype)
    rounded = to_dtype(expected, dtype)
    assert isinstance(actual, (np.ndarray, np.generic)), type(actual)
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {dtype}"
    assert np.shape(actual) == rounded.shape, (
        f"shape {np.shape(actual)}, expected {rounded.shape}"
    )
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(rounded, dtype=np.float64)
    for name, pattern in (
        ("NaN", np.isnan),
        ("+inf", np.isposinf),
        ("-inf", np.isneginf),
    ):
        bad = pattern(a) != pattern(e)
        assert not bad.any(), (
            f"{name} pattern differs at {np.argwhere(bad)[:5].tolist()}: "
            f"actual {a[bad][:5]}, expected {e[bad][:5]}"
        )
    err = ulp_error(actual, expected, dtype)
    worst = np.argsort(err, axis=None)[::-1][:5]
    assert err.max(initial=0.0) <= ulps, (
        f"more than {ulps} ulp ({dtype}): "
        + "; ".join(
            f"at {np.unravel_index(i, err.shape)} actual {a.flat[i]!r} exact "
            f"{mp.nstr(mpf(np.array(expected, dtype=object).flat[i]), 20)} ({err.flat[i]:.3f} ulp)"
            for i in worst
            if err.flat[i] > ulps
        )
    )


def assert_ulp_close(actual: Any, expected: Any, dtype: Any, ulps: float = 4) -> None:
    r"""Assert ``actual`` is within ``ulps`` units of ``expected`` in ``dtype``.

    ``expected`` is an ``mpf`` value (or nested lists of them) from this module,
    rounded here once to ``dtype``, or an array already in ``dtype``. Checked:

    * ``actual`` is a NumPy array or scalar of exactly ``dtype`` and the shape of
      ``expected``;
    * NaN where, and only where, ``expected`` is NaN; ``+inf``/``-inf`` likewise;
    * every finite element: :math:`|a - e| \le \text{ulps} \cdot \varepsilon
      \cdot \max(|e|, 1)` with :math:`\varepsilon` = ``finfo(dtype).eps``, i.e. a
      relative error of at most ``ulps`` epsilons, or an absolute one where the
      expected value is within 1 of 0.
    """
    dtype = np.dtype(dtype)
    if not (isinstance(expected, np.ndarray) and expected.dtype == dtype):
        expected = to_dtype(expected, dtype)
    assert isinstance(actual, (np.ndarray, np.generic)), type(actual)
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {dtype}"
    assert np.shape(actual) == expected.shape, (
        f"shape {np.shape(actual)}, expected {expected.shape}"
    )
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    for name, pattern in (
        ("NaN", np.isnan),
        ("+inf", np.isposinf),
        ("-inf", np.isneginf),
    ):
        bad = pattern(a) != pattern(e)
        assert not bad.any(), (
            f"{name} pattern differs at {np.argwhere(bad)[:5].tolist()}: "
            f"actual {a[bad][:5]}, expected {e[bad][:5]}"
        )
    finite = np.isfinite(e)
    eps = float(finfo(dtype).eps)
    err = np.zeros_like(e)
    err[finite] = np.abs(a[finite] - e[finite]) / (
        eps * np.maximum(np.abs(e[finite]), 1.0)
    )
    worst = np.argsort(err, axis=None)[::-1][:5]
    assert err.max(initial=0.0) <= ulps, (
        f"more than {ulps} ulp ({dtype}): "
        + "; ".join(
            f"at {np.unravel_index(i, e.shape)} actual {a.flat[i]!r} expected "
            f"{e.flat[i]!r} ({err.flat[i]:.2f} ulp)"
            for i in worst
            if err.flat[i] > ulps
        )
    )
