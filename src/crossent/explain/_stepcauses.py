"""Causes from a step comparison, for questions without an observed number.

When the user names implementations but gives no number, the gap between them is
attributed to plan steps (:func:`~crossent.explain._compare.attribute`); a step's
share goes to the cause the diagnosis found with the same code, and only a
reduction gets a cause of its own (with the per-example losses reduced every way).
"""

from __future__ import annotations

import math
from typing import Any

from crossent.explain._answer import reduction_listing
from crossent.explain._cause import CAUSE_CODES, Cause
from crossent.explain._compare import Comparison
from crossent.explain._facts import Facts
from crossent.explain._render import fmt_value
from crossent.explain._spec import Spec

__all__ = ["attach_contributions", "order"]


def _reduction_cause(comp: Comparison, f: Facts) -> Cause:
    a, b = comp.a, comp.b
    msg = (
        f"The two numbers reduce differently: {Spec(a.implementation, a.options)} and "
        f"{Spec(b.implementation, b.options)} do not divide by the same thing. "
        + reduction_listing(f)
    )
    return Cause(
        "reduction",
        "different reductions",
        msg,
        "Use the same reduction on both sides.",
    )


def _generic_cause(code: str, items: list[Any], comp: Comparison) -> Cause:
    steps = ", ".join(
        f"step '{a.step}' (A: {a.formula_a}; B: {a.formula_b}) moves the value by {fmt_value(a.contribution, 6)}"
        for a in items
    )
    titles = {
        "precision": "dtype and rounding",
        "weighting": "weights enter differently",
        "label_smoothing": "label smoothing differs",
        "ignore_index": "ignored targets handled differently",
        "axis": "rank or axis handling differs",
        "label_range": "label validation differs",
        "log_clamped": "the log is computed differently",
        "overflow": "probabilities converted back to logits",
        "binary_vs_categorical": "a different per-class formula",
        "logits_as_probs": "a different activation",
        "clipped": "clipping differs",
        "renormalized": "renormalisation differs",
    }
    msg = f"{steps}."
    if code == "precision":
        msg += " The implementations compute in different dtypes; the difference is rounding."
    return Cause(
        code, titles.get(code, code), msg, "Run both sides with the same step."
    )


def attach_contributions(
    causes: list[Cause], comp: Comparison, f: Facts, *, only_known: bool = False
) -> list[Cause]:
    """Put each step's share of the gap on its cause (rounding noise left out).

    When one side is inf or NaN, only the step that makes the value non-finite
    is reported, with the non-finite gap as its contribution.
    """
    by_code: dict[str, list[Any]] = {}
    if math.isfinite(comp.gap):
        noise = comp.noise
        for a in comp.attribution:
            if abs(a.contribution) > noise:
                by_code.setdefault(a.cause, []).append(a)
    else:
        culprit = comp.nonfinite_step
        if culprit is not None:
            by_code[culprit.cause] = [culprit]
    out = list(causes)
    for code, items in by_code.items():
        finite = math.isfinite(comp.gap)
        total = float(sum(a.contribution for a in items)) if finite else comp.gap
        idx = next((i for i, c in enumerate(out) if c.code == code), None)
        if idx is None and only_known:
            continue
        if idx is None:
            cause = (
                _reduction_cause(comp, f)
                if code == "reduction"
                else _generic_cause(code, items, comp)
            )
            out.append(cause.with_contribution(total))
        else:
            out[idx] = out[idx].with_contribution(total)
    return out


def order(causes: list[Cause]) -> tuple[Cause, ...]:
    rank = {code: i for i, code in enumerate(CAUSE_CODES)}

    def key(c: Cause) -> tuple[bool, float, int]:
        size = (
            abs(c.contribution)
            if c.contribution is not None and math.isfinite(c.contribution)
            else (math.inf if c.contribution is not None else -1.0)
        )
        # the loss of a uniform prediction says more than any way of reaching it
        first = (
            c.details.get("uniform")
            or c.details.get("expected_uniform")
            or c.details.get("nonfinite_source")
        )
        return (not first, -size, rank.get(c.code, 99))

    return tuple(sorted(causes, key=key))
