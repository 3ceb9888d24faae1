"""From the hypothesis found to causes: one cause per deviation, with its share.

The deviations between the reference R (what the user compared with) and the
hypothesis H that reproduces the number are made one at a time, in the order the
computation runs (inputs, then the implementation and its options, then the
reduction): R = c₀ → c₁ → … → cₖ = H. Each cause's contribution is
``value(cᵢ₋₁) − value(cᵢ)``, so they add up to the gap B − A = R − H, and each
belongs to the deviation that made it (sequential order).

A change of implementation is split by the step attribution of :func:`compare`,
but a step's cause is kept only when the inputs support it (rows that do not sum to
1 for ``renormalized``, a different label family for ``binary_vs_categorical``, …);
a step's share whose label the facts do not support goes to the supported cause
with the largest share. When R itself reproduces the number, what explains it is
what the user gave (:mod:`._given`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from crossent.explain._catalogue import TEXT
from crossent.explain._cause import Cause
from crossent.explain._compare import Comparison, attribute
from crossent.explain._facts import Facts
from crossent.explain._given import close
from crossent.explain._hypothesis import (
    Config,
    Deviation,
    Question,
    evaluate,
    option_code,
)
from crossent.explain._model import expects, model_inputs
from crossent.explain._render import fmt_value
from crossent.explain._runs import Runs
from crossent.explain._search import Hypothesis, apply
from crossent.explain._spec import Spec, reduced_like
from crossent.explain._trace import Trace
from crossent.frameworks._plan import CAUSE_OF_STEP

__all__ = ["causes_of", "compare_model", "implementation_causes"]

_ORDER = {
    "given": 0,
    "dtype": 1,
    "input": 1,
    "implementation": 2,
    "option": 3,
    "output": 4,
}


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "") + fmt_value(x, 6)


def _total(v: Any) -> float:
    a = np.asarray(v, np.float64)
    return float(a.sum()) if a.ndim else float(a)


def _sequence(q: Question, ref: Config, devs: Sequence[Deviation]) -> list[float]:
    """``value(cᵢ₋₁) − value(cᵢ)`` for each deviation, in the order given."""
    cfg, prev = ref, evaluate(q, ref)
    out = []
    for d in devs:
        cfg = apply(cfg, d)
        v = evaluate(q, cfg)
        with np.errstate(all="ignore"):
            out.append(
                _total(prev) - _total(v)
                if prev is not None and v is not None
                else math.nan
            )
        prev = v
    return out


def _cause(
    code: str,
    message: str,
    contribution: float | None,
    evidence: dict[str, Cause],
    details: dict[str, Any],
) -> Cause:
    title, fix = TEXT.get(
        code, (code.replace("_", " "), "Make both sides compute the same thing.")
    )
    ev = evidence.get(code)
    elements: tuple[tuple[int, ...], ...] = ()
    if ev is not None:  # the diagnosis of the inputs, as evidence for this cause
        message = f"{message} {ev.message}"
        fix, elements, title = ev.fix, ev.elements, ev.title
        details = {**ev.details, **details}
    return Cause(code, title, message, fix, elements, contribution, details)


def causes_of(
    q: Question,
    ref: Config,
    hyp: Hypothesis,
    f: Facts,
    runs: Runs,
    evidence: dict[str, Cause],
) -> list[Cause]:
    """The causes of the gap between ``ref`` and the hypothesis ``hyp``."""
    devs = sorted(hyp.deviations, key=lambda d: _ORDER.get(d.kind, 9))
    shares = _sequence(q, ref, devs)
    out: list[Cause] = []
    cfg = ref
    for d, share in zip(devs, shares):
        before = evaluate(q, cfg)
        cfg = apply(cfg, d)
        after = evaluate(q, cfg)
        if d.kind == "implementation":
            out += implementation_causes(q, ref, cfg, share, f, runs, evidence)
            continue
        msg = (
            f"{d.label}: {fmt_value(_total(before), 7) if before is not None else '—'} "
            f"becomes {fmt_value(_total(after), 7) if after is not None else '—'} "
            f"(B − A share {_signed(share)})."
        )
        out.append(
            _cause(
                d.code,
                msg,
                share,
                evidence,
                {"deviation": d.kind, **_jsonable(d.detail)},
            )
        )
    return _merge(out)


def _jsonable(detail: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in dict(detail).items():
        if isinstance(v, Spec):
            out[k] = str(v)
        elif isinstance(v, tuple):
            out[k] = dict(v) if all(isinstance(x, tuple) for x in v) else list(v)
        else:
            out[k] = v
    return out


def _merge(causes: list[Cause]) -> list[Cause]:
    """One cause per code, contributions added."""
    by: dict[str, Cause] = {}
    for c in causes:
        if c.code in by:
            old = by[c.code]
            total = (old.contribution or 0.0) + (c.contribution or 0.0)
            by[c.code] = replace(old, contribution=total)
        else:
            by[c.code] = c
    return list(by.values())


def _supported_code(code: str, step: str, a: Config, b: Config, f: Facts) -> str:
    """The code of a group of steps substituted together ("log+terms"): its most
    telling step's, or, when the inputs do not support that one, the next step's
    that they do support (a log clamped at −100 inside "log+terms" is log_clamped,
    not a change of formula family)."""
    if _supported(code, step, a, b, f) or "+" not in step:
        return code
    for name in step.split("+"):
        other = CAUSE_OF_STEP.get(name)
        telling = other not in (None, code, "precision", "reduction", "label_range")
        if telling and _supported(str(other), step, a, b, f):
            return str(other)
    if "reduce" in step.split("+"):
        return "reduction"  # e.g. TF1's "weight+reduce" with no weights given
    return code


def _supported(code: str, step: str, a: Config, b: Config, f: Facts) -> bool:
    ia, ib = a.spec.implementation, b.spec.implementation
    if code == "binary_vs_categorical":
        return (ia.labels == "binary") != (ib.labels == "binary")
    if code == "renormalized":
        return not f.rows_sum_to_one
    if code == "logits_as_probs":
        return expects(ia, a.spec.options) != expects(ib, b.spec.options)
    if code == "label_smoothing":
        return any("label_smoothing" in s.spec.options for s in (a, b))
    if code == "weighting":
        return any(
            s.spec.options.get(k) is not None
            for s in (a, b)
            for k in (
                "weight",
                "weights",
                "sample_weight",
                "pos_weight",
                "class_weight",
            )
        )
    return True


#: Options that switch a feature on, and the value that switches it off.
_OFF: dict[str, Any] = {
    "weight": None,
    "sample_weight": None,
    "pos_weight": None,
    "class_weight": None,
    "label_smoothing": 0.0,
    "ignore_class": None,
    "ignore_index": "absent",
}


def _switched_off(q: Question, cfg: Config, name: str) -> Config:
    """``cfg`` with option ``name`` turned off (ignore_index: a label no target has)."""
    off = _OFF[name]
    if off == "absent":
        labels = np.asarray(q.y_true)
        low = int(labels.min()) if labels.size and labels.dtype.kind in "iu" else 0
        off = min(low, 0) - 1
    opts = {k: v for k, v in cfg.spec.options.items() if k != name}
    if off is not None:
        opts[name] = off
    return replace(cfg, spec=Spec(cfg.spec.path, opts))


def _is_on(name: str, value: Any) -> bool:
    if value is None:
        return False
    if name == "label_smoothing":
        return bool(np.any(np.asarray(value, np.float64) != 0))
    return True


def _option_causes(
    q: Question, ref: Config, producer: Config, share: float, evidence: dict[str, Cause]
) -> tuple[list[Cause], Config | None, float]:
    """The options of another implementation that move its value, one at a time.

    ``producer`` with each feature option (weights, label smoothing, ignored
    targets) turned off in turn: an option that changes the value is a deviation of
    its own, with the share it makes (sequential, last option first). Returns the
    causes, the producer with those options off (None when it cannot run without
    them) and the share left for the implementation itself.
    """
    out: list[Cause] = []
    cur, value = producer, evaluate(q, producer)
    if value is None:
        return out, producer, share
    for name in [k for k in producer.spec.options if k in _OFF]:
        if not _is_on(name, producer.spec.options[name]):
            continue
        plain = _switched_off(q, cur, name)
        v = evaluate(q, plain)
        if v is not None and close(v, value):
            continue
        code = option_code(name, None, producer.spec.options[name])
        if v is None or not np.all(np.isfinite(np.asarray(v, np.float64))):
            msg = (
                f"{producer.spec} with {name}={producer.spec.options[name]!r}: without "
                f"it the loss {'cannot be computed' if v is None else 'is not finite'} "
                "on these inputs."
            )
            out.append(_cause(code, msg, share, evidence, {"option": name}))
            return out, None, 0.0
        part = _total(v) - _total(value)
        msg = (
            f"{name}={producer.spec.options[name]!r} in {producer.spec}: without it the "
            f"value is {fmt_value(_total(v), 7)} (B − A share {_signed(part)})."
        )
        out.append(_cause(code, msg, part, evidence, {"option": name}))
        cur, value = plain, v
        if math.isfinite(share):
            share -= part
    return out, cur, share


def implementation_causes(
    q: Question,
    ref: Config,
    producer: Config,
    share: float,
    f: Facts,
    runs: Runs,
    evidence: dict[str, Cause],
) -> list[Cause]:
    """The causes of the gap ``share`` between ``ref`` and another implementation:
    the producer's feature options first (weights, smoothing, ignored targets),
    then the steps where the rest of the gap arises, kept where the inputs support
    their codes."""
    options, plain, rest = _option_causes(q, ref, producer, share, evidence)
    if plain is None:
        return options
    if options and close(evaluate(q, plain), evaluate(q, ref), loose=True):
        return options  # the options are the whole difference
    return options + _steps_causes(q, ref, plain, rest, f, runs, evidence)


def _steps_causes(
    q: Question,
    ref: Config,
    producer: Config,
    share: float,
    f: Facts,
    runs: Runs,
    evidence: dict[str, Cause],
) -> list[Cause]:
    ia, ib = producer.spec.implementation, ref.spec.implementation
    family = (ia.labels == "binary") != (ib.labels == "binary")
    if f.label_kind == "binary_column":
        # on one 0/1 column a one-hot formula has one term, −y·log p, while class
        # ids (scikit-learn) and binary losses read two classes, p and 1 − p
        family = family or (ia.labels == "one_hot") != (ib.labels == "one_hot")
    if family:
        multi = f.label_kind == "multi_hot" or (
            f.y_true.ndim == f.y_pred.ndim and bool(np.any((f.y_true > 0).sum(-1) > 1))
        )
        code = (
            "multi_label"
            if multi and ia.labels != "binary"
            else "binary_vs_categorical"
        )
        msg = (
            f"{producer.spec} ({'binary' if ia.labels == 'binary' else 'categorical'}) "
            f"computes a different per-class formula from {ref.spec}: the binary one adds "
            f"−(1−y)·log(1−p) for every class, the categorical one only −y·log p."
        )
        return [_cause(code, msg, share, evidence, {"deviation": "implementation"})]
    takes = expects(ia, producer.spec.options)
    if takes != expects(ib, ref.spec.options) and (takes == "logits") != q.logits:
        # the producer reads y_pred as what they are not (logits as probabilities,
        # or probabilities as logits): that is the difference, whatever its steps
        code = "logits_as_probs" if q.logits else "probs_as_logits"
        msg = (
            f"{producer.spec} takes {takes} and y_pred are "
            f"{'logits' if q.logits else 'probabilities'}: it reads them as what "
            f"they are not, where {ref.spec} reads them as they are."
        )
        return [_cause(code, msg, share, evidence, {"deviation": "implementation"})]
    if ("focal" in ia.path.lower()) != ("focal" in ib.path.lower()):
        focal = producer.spec if "focal" in ia.path.lower() else ref.spec
        if focal.options.get("gamma", 2.0) == 0:
            # (1 − p_t)^0 = 1: what is left is the α class balancing
            msg = (
                f"{focal} has γ = 0, so its focal term is 1: it is the plain "
                f"cross-entropy with positives weighted α = {focal.options.get('alpha')} "
                "and negatives 1 − α (class balancing)."
            )
            return [
                _cause(
                    "weighting", msg, share, evidence, {"deviation": "implementation"}
                )
            ]
        msg = (
            f"{producer.spec} is a focal loss and {ref.spec} is not (or the other way "
            "round): the focal term (1 − p_t)^γ and α weighting scale every element."
        )
        return [_cause("focal", msg, share, evidence, {"deviation": "implementation"})]
    narrow = q.y_pred.dtype.name in ("float16", "bfloat16")
    if narrow and not math.isfinite(share):
        wide = evaluate(q, replace(producer, dtype="float32"))
        if wide is not None and bool(np.all(np.isfinite(np.asarray(wide, np.float64)))):
            msg = (
                f"{producer.spec} computed in {q.y_pred.dtype} gives a non-finite value; "
                f"in float32 it gives {fmt_value(_total(wide), 7)}: the {q.y_pred.dtype} "
                "rounding (1 − 1e-7 rounds to 1, the clip no longer keeps log away "
                "from 0) makes it inf/NaN."
            )
            return [
                _cause(
                    "precision", msg, share, evidence, {"deviation": "implementation"}
                )
            ]
    # an unreduced exact/textbook reference is traced reduced like the producer:
    # the per-example losses against their mean is no step of either
    value = evaluate(q, producer) if q.observed.ndim == 0 else None
    comp = compare_model(
        producer.spec, reduced_like(ref.spec, value, producer.spec), f, runs
    )
    items: list[tuple[str, float, str]] = []
    if comp is not None:
        for a in comp.attribution:
            if math.isfinite(a.contribution) and abs(a.contribution) > comp.noise:
                items.append((a.cause, float(a.contribution), a.step))
        if not math.isfinite(comp.gap) and comp.nonfinite_step is not None:
            items = [(comp.nonfinite_step.cause, comp.gap, comp.nonfinite_step.step)]
    floor = max(1e-4 * abs(share) if math.isfinite(share) else 0.0, 1e-7)
    items = [(c, v, s) for c, v, s in items if not abs(v) < floor]  # rounding noise
    items = [(_supported_code(c, s, producer, ref, f), v, s) for c, v, s in items]
    items = _without_cancelling(items)
    kept = [(c, v, s) for c, v, s in items if _supported(c, s, producer, ref, f)]
    if not kept and items:
        kept = [max(items, key=lambda t: abs(t[1]))]
    if not kept:
        return []
    dropped = sum(v for c, v, s in items if (c, v, s) not in kept)
    if dropped and math.isfinite(dropped):
        i = max(range(len(kept)), key=lambda j: abs(kept[j][1]))
        c, v, s = kept[i]
        kept[i] = (c, v + dropped, s)
    total = sum(v for _, v, _ in kept)
    scale = (
        share / total
        if total and math.isfinite(share) and math.isfinite(total)
        else 1.0
    )
    out = []
    for code, v, step in kept:
        msg = (
            f"{producer.spec} and {ref.spec} differ at step '{step}'; there it moves "
            f"the value by {_signed(v * scale)}."
        )
        out.append(
            _cause(
                code,
                msg,
                v * scale,
                evidence,
                {"deviation": "implementation", "step": step},
            )
        )
    return out


def _without_cancelling(
    items: list[tuple[str, float, str]],
) -> list[tuple[str, float, str]]:
    """Drop pairs of steps whose shares cancel (a clip then a log undone by the
    conversion back to logits): substituting one step of such a pair at a time
    moves the value, the pair together does not, so neither is a cause."""
    out = list(items)
    i = 0
    while i < len(out):
        vi = out[i][1]
        j = next(
            (
                j
                for j in range(i + 1, len(out))
                if out[j][0] != out[i][0]
                and abs(vi + out[j][1]) <= 1e-3 * max(abs(vi), abs(out[j][1]))
            ),
            None,
        )
        if j is None:
            i += 1
        else:
            del out[j], out[i]
    return out


def compare_model(a: Spec, b: Spec, f: Facts, runs: Runs) -> Comparison | None:
    """compare(), giving each side the model outputs it expects (and reusing runs).

    None when either side cannot run on these inputs.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ya = model_inputs(a.implementation, a.options, f.from_logits, runs.y_pred)
            yb = model_inputs(b.implementation, b.options, f.from_logits, runs.y_pred)
            run_a = runs.traced(a.implementation, a.options, ya)
            run_b = runs.traced(b.implementation, b.options, yb)
            return Comparison(
                Trace(a.path, dict(a.options), run_a.steps, run_a.final.get("value")),
                Trace(b.path, dict(b.options), run_b.steps, run_b.final.get("value")),
                attribute(
                    run_a.plan,
                    run_a.state,
                    run_b.plan,
                    run_b.state,
                    _final_a=run_a.final,
                    _changes_a=[s.values for s in run_a.steps],
                ),
            )
    except Exception:
        return None
