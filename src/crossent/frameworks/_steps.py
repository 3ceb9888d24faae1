"""Step constructors shared by the mirrors.

Each constructor returns a :class:`~crossent.frameworks._plan.Step` whose
function does the framework's arithmetic *in the framework's dtype* (float32
rounding is part of what is being reproduced), in the framework's order of
operations. Exact building blocks (log-softmax, log-sigmoid) come from the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import crossent._core as core
from crossent.frameworks._plan import State, Step

__all__ = [
    "cast",
    "categorical_terms",
    "class_reduce",
    "clip",
    "fmt",
    "log_of_probabilities",
    "renormalize",
    "sigmoid_activation",
    "softmax_activation",
]


def fmt(x: Any) -> str:
    """A number as the explain output prints it (7 significant digits)."""
    x = float(x)
    if np.isnan(x) or np.isinf(x):
        return str(x)
    return f"{x:.7g}"


def _index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def _unravel(flat: Any, shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Flat (C-order) positions as index tuples (``()`` for a 0-d array)."""
    if not shape:
        return [() for _ in flat]
    return [tuple(int(v) for v in i) for i in zip(*np.unravel_index(flat, shape))]


def _first_indices(mask: Any, k: int) -> list[tuple[int, ...]]:
    """The first ``k`` positions where ``mask`` is true, in C order."""
    mask = np.asarray(mask)
    return _unravel(np.flatnonzero(mask)[:k], mask.shape)


def cast(
    dtype: Any,
    *,
    source: str = "",
    keys: tuple[str, ...] = ("y_pred", "y_true", "sample_weight"),
    why: str = "",
) -> Step:
    """Convert the inputs to the dtype the framework computes in."""
    dt = np.dtype(dtype)

    def fn(state: State) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k in keys:
            x = state.get(k)
            if x is not None and np.asarray(x).dtype != dt:
                out[k] = np.asarray(x).astype(dt)
        return out

    def describe(before: State, after: State) -> str:
        parts = []
        for k in keys:
            b, a = before.get(k), after.get(k)
            if b is None or a is None or np.asarray(b).dtype == np.asarray(a).dtype:
                continue
            with np.errstate(all="ignore"):
                delta = np.nanmax(
                    np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)),
                    initial=0.0,
                )
            parts.append(
                f"{k} {np.asarray(b).dtype} → {dt} (largest rounding change {fmt(delta)})"
            )
        return "; ".join(parts)

    return Step(
        "cast", f"compute in {dt}" + (f" ({why})" if why else ""), fn, source, describe
    )


def renormalize(axis: int, *, source: str = "") -> Step:
    """Divide each row of probabilities by its sum (Keras' categorical losses)."""

    def fn(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        return {"y_pred": p / np.sum(p, axis=axis, keepdims=True)}

    def describe(before: State, after: State) -> str:
        p = np.asarray(before["y_pred"])
        sums = np.moveaxis(np.sum(p, axis=axis, keepdims=True), axis, -1)[..., 0]
        tol = 8 * np.finfo(p.dtype).eps if p.dtype.kind == "f" else 1e-6
        off = ~(np.abs(sums.astype(np.float64) - 1.0) <= tol)
        count = int(np.count_nonzero(off))
        if not count:
            return ""
        rows = _first_indices(off, 4)
        shown = "; ".join(f"row {_index(i)} divided by {fmt(sums[i])}" for i in rows)
        more = f" (and {count - 4} more rows)" if count > 4 else ""
        return shown + more

    return Step("renormalize", "p ← p / Σ_c p_c", fn, source, describe)


def clip(lo: Any, hi: Any, *, source: str = "") -> Step:
    """Clip probabilities to ``[lo, hi]`` (constants already in the compute dtype)."""

    def fn(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        return {"y_pred": np.clip(p, np.asarray(lo, p.dtype), np.asarray(hi, p.dtype))}

    def describe(before: State, after: State) -> str:
        b, a = np.asarray(before["y_pred"]), np.asarray(after["y_pred"])
        b, a = np.broadcast_arrays(b, a)
        # `!=` is also true where both are NaN (unchanged): drop those few.
        flat = np.flatnonzero(b != a)
        if flat.size:
            bf, af = b.reshape(-1)[flat], a.reshape(-1)[flat]
            flat = flat[~(np.isnan(bf) & np.isnan(af))]
        n = int(flat.size)
        if n == 0:
            return ""
        changed = _unravel(flat[:4], b.shape)
        shown = ", ".join(f"{fmt(b[i])} → {fmt(a[i])} at {_index(i)}" for i in changed)
        return f"{n} value{'s' if n > 1 else ''} clipped: {shown}" + (
            " …" if n > 4 else ""
        )

    return Step("clip", f"p ← clip(p, {fmt(lo)}, {fmt(hi)})", fn, source, describe)


def log_of_probabilities(
    *, source: str = "", complement: str | None = None, formula: str = "log p ← log(p)"
) -> Step:
    """``log_p = log(p)``; with ``complement`` ("log1p" or "log") also ``log(1 - p)``."""

    def fn(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        out = {"log_p": np.log(p)}
        if complement == "log1p":
            out["log_1mp"] = np.log1p(-p)
        elif complement == "log":
            out["log_1mp"] = np.log(np.asarray(1, p.dtype) - p)
        return out

    return Step("log", formula, fn, source)


def softmax_activation(axis: int, *, source: str = "") -> Step:
    """Logits to probabilities; ``log_p`` is the exact log-softmax."""

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        log_p = np.asarray(core.log_softmax(z, axis=axis))
        return {"log_p": log_p, "y_pred": np.exp(log_p)}

    return Step("activation", "log p ← log_softmax(z)", fn, source)


def sigmoid_activation(*, source: str = "", exact_logs: bool = True) -> Step:
    """Logits to probabilities ``σ(z)``; with ``exact_logs`` also exact log σ(±z)."""

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        one = np.asarray(1, z.dtype)
        out: dict[str, Any] = {"y_pred": one / (one + np.exp(-z))}
        if exact_logs:
            out["log_p"] = np.asarray(core.log_sigmoid(z))
            out["log_1mp"] = np.asarray(core.log_sigmoid(-z))
        return out

    return Step("activation", "p ← σ(z)", fn, source)


def categorical_terms(*, source: str = "", zero_safe: bool = False) -> Step:
    """``terms = -y · log p`` per class (``0 · log 0 = 0`` only if ``zero_safe``)."""

    def fn(state: State) -> dict[str, Any]:
        y, log_p = state["y_true"], state["log_p"]
        terms = np.asarray(y * log_p)
        np.negative(terms, out=terms)  # −(y·log p) without a second array
        if zero_safe:
            terms = np.where(y == 0, np.zeros_like(terms), terms)
        return {"terms": terms}

    formula = "t_c ← −y_c · log p_c" + (" (0·log 0 = 0)" if zero_safe else "")
    return Step("terms", formula, fn, source)


def binary_terms(*, source: str = "", zero_safe: bool = False) -> Step:
    """``terms = -(y log p + (1 - y) log(1 - p))`` elementwise."""

    def fn(state: State) -> dict[str, Any]:
        y, log_p, log_1mp = state["y_true"], state["log_p"], state["log_1mp"]
        one = np.asarray(1, y.dtype)
        pos, neg = y * log_p, (one - y) * log_1mp
        if zero_safe:
            pos = np.where(y == 0, np.zeros_like(pos), pos)
            neg = np.where(y == 1, np.zeros_like(neg), neg)
        return {"terms": -(pos + neg)}

    return Step("terms", "t ← −[y log p + (1 − y) log(1 − p)]", fn, source)


def class_reduce(axis: int, how: str = "sum", *, source: str = "") -> Step:
    """Reduce per-class terms to a per-example loss (``sum`` or ``mean``)."""
    reducer: Callable[..., Any] = np.sum if how == "sum" else np.mean

    def fn(state: State) -> dict[str, Any]:
        terms = state["terms"]
        if terms.ndim == 0:
            return {"loss": terms}
        return {"loss": reducer(terms, axis=axis).astype(terms.dtype, copy=False)}

    symbol = "Σ_c" if how == "sum" else "mean_c"
    return Step("class_reduce", f"ℓ ← {symbol} t_c (axis {axis})", fn, source)


def framework_log_softmax(z: Any, axis: int) -> Any:
    """Log-softmax as every framework computes it (SEMANTICS §1.1), in ``z``'s dtype.

    ``m = max(z); sh = z - m; lse = log(Σ exp(sh)); log_softmax = sh - lse``.
    Unlike the core, a ``+inf`` logit gives NaN (``inf - inf``), as in the
    frameworks.
    """
    m = np.max(z, axis=axis, keepdims=True)
    sh = z - m
    lse = np.log(np.sum(np.exp(sh), axis=axis, keepdims=True))
    return sh - lse


def framework_softmax_activation(axis: int, *, source: str = "") -> Step:
    """Logits to log-probabilities with the frameworks' own arithmetic."""

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        log_p = framework_log_softmax(z, axis)
        return {"log_p": log_p, "y_pred": np.exp(log_p)}

    formula = "log p ← (z − max z) − log Σ exp(z − max z)"
    return Step("activation", formula, fn, source)


def gather_terms(axis: int, *, source: str = "") -> Step:
    """``ℓ = −log p_y`` for integer labels (the class axis is removed)."""

    def fn(state: State) -> dict[str, Any]:
        log_p, y = state["log_p"], state["y_true"]
        idx = np.expand_dims(np.asarray(y, np.int64), axis)
        picked = np.take_along_axis(log_p, idx, axis=axis)
        return {"loss": -np.squeeze(picked, axis=axis)}

    return Step("terms", "ℓ ← −log p_y", fn, source)
