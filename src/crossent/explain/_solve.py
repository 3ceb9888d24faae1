"""Continuous options solved from the observed number, then verified.

Label smoothing, focal α and ``pos_weight`` enter a cross-entropy linearly (the
loss is ``a + b·t``), so two evaluations give the value of ``t``; the focal γ
and an ε inside the log move it monotonically, so bisection finds them. Every
solution is rounded to the fewest decimals that still reproduce the number
(0.2, not 0.19999997) and kept only if a recomputation with the rounded value
matches: the solving is a way to guess, the recomputation is the evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = [
    "CONTINUOUS",
    "allowed_digits",
    "bisect",
    "digits",
    "linear",
    "snap",
    "solutions",
]

#: option → (kind, low, high): how each continuous option is solved.
CONTINUOUS: dict[str, tuple[str, float, float]] = {
    "label_smoothing": ("linear", 0.0, 1.0),
    "alpha": ("linear", 0.0, 1.0),
    "pos_weight": ("linear", 0.0, 100.0),
    "gamma": ("monotone", 0.0, 10.0),
}

# Focal losses: the γ people use, for solving α, and the α, for solving γ.
_GAMMAS = (2.0, 1.0, 0.5, 1.5, 2.5, 3.0, 4.0, 5.0, 0.0)
_ALPHAS = (0.25, 0.5, 0.75)

Value = Callable[[float], float | None]


def linear(g: Value, target: float, lo: float, hi: float) -> float | None:
    """``t`` with ``g(t) = target`` for ``g`` linear in ``t`` on ``[lo, hi]``."""
    a, b = g(lo), g(hi)
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return None
    if a == b:
        return None
    t = lo + (target - a) * (hi - lo) / (b - a)
    return t if lo - 1e-9 <= t <= hi + 1e-9 else None


def bisect(
    g: Value, target: float, lo: float, hi: float, steps: int = 40
) -> float | None:
    """``t`` with ``g(t) = target`` for ``g`` monotone on ``[lo, hi]``."""
    a, b = g(lo), g(hi)
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return None
    if (a - target) * (b - target) > 0:
        return None
    up = b > a
    for _ in range(steps):
        mid = (lo + hi) / 2
        m = g(mid)
        if m is None or not math.isfinite(m):
            return None
        if (m < target) == up:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def allowed_digits(observed: Any) -> int:
    """How many significant digits a solved value may have: a number written with
    d significant digits supports about d − 3 digits of one fitted value (at most
    3), so 0.7871 can name a smoothing of 0.1 but not of 0.137."""
    arr = np.asarray(observed)
    if arr.dtype.kind == "f" and arr.dtype != np.float64:
        return 3  # a float32 number carries all its digits
    written = min(
        (
            len(
                repr(float(x))
                .split("e")[0]
                .replace(".", "")
                .replace("-", "")
                .lstrip("0")
            )
            for x in np.asarray(arr, np.float64).reshape(-1)
            if math.isfinite(x)
        ),
        default=0,
    )
    return max(1, min(3, written - 3))


def snap(t: float, ok: Callable[[float], bool], most: int = 3) -> float | None:
    """The roundest value near ``t`` that ``ok`` accepts (``0.2``, not ``0.1999997``),
    with at most 3 significant digits: a value fitted to the last digit of the
    number is not one a person set."""
    for places in range(7):
        r = float(round(t, places))
        if digits(r) > most:
            return None
        if ok(r):
            return r
    return None


def digits(x: Any) -> int:
    """Significant digits of a solved value (0.2 → 1, 0.25 → 2, 2e-07 → 1)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return 0
    mant = f"{abs(float(x)):.6e}".split("e")[0].replace(".", "").rstrip("0")
    return max(len(mant), 1)


def _scalar(value: Any) -> float | None:
    if value is None:
        return None
    v = np.asarray(value, np.float64)
    return float(np.mean(v)) if v.size else None


def solutions(
    accepted: frozenset[str] | set[str],
    base: dict[str, Any],
    evaluate: Callable[[dict[str, Any]], Any],
    matches: Callable[[Any], bool],
    target: float,
    most: int = 3,
) -> Iterator[dict[str, Any]]:
    """Option sets (``base`` plus solved continuous options) that reproduce the number.

    ``evaluate(options)`` computes the value, ``matches(value)`` says whether it is
    the observed one, ``target`` is the observed number as one float (the mean of
    an array). Label smoothing and ``pos_weight`` are solved alone; a focal loss's
    α for each usual γ, then its γ for each usual α.
    """

    def g_of(name: str, fixed: dict[str, Any]) -> Value:
        return lambda t: _scalar(evaluate({**base, **fixed, name: t}))

    def accept(
        name: str, fixed: dict[str, Any], t: float | None
    ) -> dict[str, Any] | None:
        if t is None:
            return None
        chosen = snap(t, lambda r: matches(evaluate({**base, **fixed, name: r})), most)
        return None if chosen is None else {**base, **fixed, name: chosen}

    for name in ("label_smoothing", "pos_weight"):
        if name in accepted and name not in base:
            _, lo, hi = CONTINUOUS[name]
            found = accept(name, {}, linear(g_of(name, {}), target, lo, hi))
            if found is not None:
                yield found
    if "gamma" in accepted and "gamma" not in base:
        found = accept("gamma", {}, bisect(g_of("gamma", {}), target, 0, 10))
        if found is not None:  # γ alone (α unused, or at its default)
            yield found
            return
        if "alpha" in accepted and "alpha" not in base:
            for gamma in _GAMMAS:
                fixed = {"gamma": gamma}
                found = accept(
                    "alpha", fixed, linear(g_of("alpha", fixed), target, 0, 1)
                )
                if found is not None:
                    yield found
                    return
            alphas: tuple[Any, ...] = _ALPHAS
        else:
            alphas = (None,)
        for alpha in alphas:
            fixed = {} if alpha is None else {"alpha": alpha}
            found = accept("gamma", fixed, bisect(g_of("gamma", fixed), target, 0, 10))
            if found is not None:
                yield found
                return
