"""The continuous parameter of an input hypothesis, solved from the number.

The ε of a hand-written ``log(p + ε)`` or ``clip(p, ε, 1 − ε)`` (bisection on a
log scale, then the fewest digits that still match), the ε of labels smoothed by
hand (the loss is linear in it), and the shift ``c`` of Keras' ``log p + c`` logits
behind a softmax layer (the loss is convex in it). Each value is verified by
recomputing the hypothesis with it.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from crossent.explain._hypothesis import INPUTS, Config, Deviation, Question, evaluate
from crossent.explain._solve import allowed_digits, digits, linear, snap

__all__ = ["eps_solution", "shift_solution", "smoothing_solution"]


def eps_solution(q: Question, ref: Config, name: str) -> Deviation | None:
    """The ε of a hand-written ``log(p + ε)`` or ``clip(p, ε, 1 − ε)``, solved."""
    obs = q.observed.astype(np.float64)
    if not (obs.size and np.all(np.isfinite(obs))):
        return None

    def g(e: float) -> float | None:
        v = evaluate(q, replace(ref, inputs=name, params=(("eps", e),)))
        return None if v is None else float(np.mean(np.asarray(v, np.float64)))

    target = float(obs.mean())
    lo, hi = -20.0, -1.0
    a, b = g(10**lo), g(10**hi)
    if a is None or b is None or not (min(a, b) <= target <= max(a, b)):
        return None
    for _ in range(50):
        mid = (lo + hi) / 2
        m = g(10**mid)
        if m is None:
            return None
        if (m > target) == (a > b):
            lo = mid
        else:
            hi = mid
    exponent = math.floor((lo + hi) / 2)
    mant = 10 ** ((lo + hi) / 2 - exponent)

    def ok(m: float) -> bool:
        cfg = replace(ref, inputs=name, params=(("eps", m * 10.0**exponent),))
        return q.matches(evaluate(q, cfg)) is not None

    m = snap(mant, ok, min(2, allowed_digits(q.observed)))
    if m is None:
        return None
    eps = float(f"{m * 10.0**exponent:.6g}")
    if digits(eps) > 2 or not 1e-16 <= eps <= 1e-2:
        return None  # not an ε anyone writes (1e-20 is "no ε at all")
    code, what = INPUTS[name]
    return Deviation(
        code,
        "input",
        what,
        {"inputs": name, "params": (("eps", eps),), "digits": digits(eps)},
    )


def smoothing_solution(q: Question, ref: Config) -> Deviation | None:
    """Labels smoothed by hand before a loss that has no label_smoothing: ε solved
    (the loss is linear in ε)."""
    obs = q.observed.astype(np.float64)
    if not (obs.size and np.all(np.isfinite(obs))):
        return None

    def cfg(e: float) -> Config:
        return replace(ref, inputs="smoothed", params=(("eps", e),))

    def g(e: float) -> float | None:
        v = evaluate(q, cfg(e))
        return None if v is None else float(np.mean(np.asarray(v, np.float64)))

    t = linear(g, float(obs.mean()), 0.0, 1.0)
    if t is None:
        return None
    eps = snap(
        t,
        lambda r: 0 < r < 1 and q.matches(evaluate(q, cfg(r))) is not None,
        allowed_digits(q.observed),
    )
    if eps is None:
        return None
    code, what = INPUTS["smoothed"]
    return Deviation(
        code,
        "input",
        f"{what}, ε = {eps:g}",
        {"inputs": "smoothed", "params": (("eps", eps),), "digits": digits(eps)},
    )


def shift_solution(q: Question, ref: Config) -> Deviation | None:
    """Keras' fit()/evaluate() on a softmax layer's logits log p + c: c solved."""
    obs = q.observed.astype(np.float64)
    if not (obs.size and np.all(np.isfinite(obs))) or q.classes < 2:
        return None

    def g(c: float) -> float | None:
        v = evaluate(q, replace(ref, inputs="layer_logits", params=(("shift", c),)))
        return (
            None
            if v is None
            else float(np.mean(np.asarray(v, np.float64))) - float(obs.mean())
        )

    coarse = [float(c) for c in np.linspace(-20, 20, 81)]
    vals = [g(c) for c in coarse]
    known = [(c, v) for c, v in zip(coarse, vals) if v is not None]
    if not known:
        return None
    low = min(known, key=lambda t: t[1])[0]  # the loss is convex in c: refine its dip
    fine = [float(c) for c in np.linspace(low - 0.5, low + 0.5, 101)]
    points = sorted({*coarse, *fine})
    vals = [g(c) for c in points]
    for (c0, v0), (c1, v1) in zip(zip(points, vals), zip(points[1:], vals[1:])):
        if v0 is None or v1 is None or v0 * v1 > 0:
            continue
        lo, hi = float(c0), float(c1)
        for _ in range(50):
            mid = (lo + hi) / 2
            vm = g(mid)
            if vm is None:
                return None
            if (vm > 0) == (v0 > 0):
                lo = mid
            else:
                hi = mid
        shift = (lo + hi) / 2
        cfg = replace(ref, inputs="layer_logits", params=(("shift", shift),))
        if q.matches(evaluate(q, cfg)) is not None:
            code, what = INPUTS["layer_logits"]
            return Deviation(
                code,
                "input",
                what,
                {"inputs": "layer_logits", "params": (("shift", shift),)},
            )
    return None
