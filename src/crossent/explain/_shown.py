"""What explain shows besides the causes: the step comparison next to the answer,
the reference it is traced against, and the reference points of the loss's size."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from crossent.explain._answer import Answer
from crossent.explain._compare import Comparison
from crossent.explain._deviations import compare_model
from crossent.explain._facts import Facts
from crossent.explain._runs import Runs
from crossent.explain._spec import SCALAR_REDUCTIONS, Spec, as_spec, reduced_like
from crossent.frameworks._registry import registry

__all__ = [
    "as_specs",
    "reference_for",
    "reference_points",
    "reference_spec",
    "same_setup",
    "shown_comparison",
]


def reference_for(f: Facts) -> str:
    if f.label_kind in ("binary_column", "multi_hot"):
        return "exact.sigmoid_binary" if f.from_logits else "exact.binary"
    if f.from_logits or (f.from_logits is None and f.pred_kind == "logits"):
        return "exact.softmax"
    return "exact.categorical"


# Above this many prediction elements, explain() runs fewer implementations.


def reference_spec(f: Facts, a_value: Any, a_spec: Spec) -> Spec:
    """The exact core, reduced the way A reduces (so the gap is not a shape mismatch)."""
    reduction = "none"
    if a_value is not None and np.ndim(a_value) == 0:
        reduction = SCALAR_REDUCTIONS.get(
            str(a_spec.options.get("reduction", "mean")), "mean"
        )
    return as_spec(Spec(reference_for(f), {"reduction": reduction}))


def as_specs(
    items: Sequence[Any], options: Mapping[str, Any], *, strict: bool = True
) -> list[Spec]:
    """Specs for ``items``; unknown paths raise, or are skipped when not ``strict``."""
    specs = []
    known = registry()
    for item in items:
        if not strict and isinstance(item, str) and item.split("(")[0] not in known:
            continue
        specs.append(as_spec(item, **options))
    return specs


def same_setup(named: Spec, matched: Spec) -> bool:
    """Whether ``matched`` is ``named`` with some defaults spelled out.

    identify() reports the options it tried (``reduction='sum_over_batch_size'``);
    the implementation the user named without them is the same computation.
    """
    return named.path == matched.path and all(
        k in matched.options and _equal_option(matched.options[k], v)
        for k, v in named.options.items()
    )


def _equal_option(a: Any, b: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return a is b


def shown_comparison(
    ans: Answer,
    against_list: Sequence[Any],
    shared: Mapping[str, Any],
    f: Facts,
    runs: Runs,
) -> Comparison | None:
    """The step comparison shown next to the answer: the implementation that
    computes the number (the best hypothesis's, or the first registered match when
    the best needs a transformation) against the reference."""
    best = ans.best
    if best is None:
        return None
    a_spec = best.config.spec
    if best.config.inputs or best.config.output:
        plain = [
            m
            for m in ans.identification.matches
            if m.input_dtype != "as given" and "," not in m.input_dtype
        ]
        if not plain:
            return None
        # the reference's own implementation first, when it computes the number
        same = [m for m in plain if m.spec.path == ans.reference.spec.path]
        a_spec = (same or plain)[0].spec
    # exact/textbook matches are listed unreduced; the number is their mean or sum
    a_spec = reduced_like(a_spec, best.value, a_spec)
    specs = as_specs(against_list, shared)
    if len(specs) >= 2 and same_setup(specs[0], a_spec):
        b_spec = reduced_like(specs[1], best.value, a_spec)
    elif not specs or same_setup(specs[0], a_spec):
        b_spec = reference_spec(f, best.value, a_spec)
    else:
        b_spec = ans.reference.spec
    if a_spec == b_spec:
        return None  # the reference computes the number: there is no gap to trace
    return compare_model(a_spec, b_spec, f, runs)


def reference_points(f: Facts) -> dict[str, float]:
    refs: dict[str, float] = {}
    if f.num_classes >= 2:
        refs["log C (uniform prediction)"] = math.log(f.num_classes)
    if f.label_kind == "soft":
        y = f.y_true
        with np.errstate(all="ignore"):
            h = -np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1)), 0), axis=-1)
        refs["mean label entropy H(y) (minimum CE)"] = float(np.mean(h))
    refs["Keras float32 floor per row"] = float(
        -np.log(np.float32(1) - np.float32(1e-7))
    )
    return refs
