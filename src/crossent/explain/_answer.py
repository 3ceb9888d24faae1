"""The answer to a question with an observed number: search, deviations, causes.

The pipeline, top to bottom:

1. **question**: the posed inputs, the observed number, the reference R (the first
   implementation named in ``against``, else the exact formula for these inputs);
2. **hypotheses and search** (:mod:`._search`): R, R with one deviation, the
   registered implementations :func:`identify` finds (``against`` never narrows
   that search), R with two deviations;
3. **deviations → causes** (:mod:`._deviations`): the cheapest hypothesis's
   deviations, each one cause with its sequential share of the gap; the diagnosis
   rules are evidence, read into the message of a cause with the same code;
4. when nothing reproduces the number, the nearest hypotheses with their values
   and distances, and only the facts the inputs show (NaN present, labels out of
   range), never a diagnosis the evidence does not support.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import crossent._core as core
from crossent.explain._catalogue import TEXT
from crossent.explain._cause import Cause
from crossent.explain._deviations import causes_of
from crossent.explain._evidence import (
    bears_on,
    claims_match,
    compatible,
    departures,
    given_cause,
    nonfinite_sources_first,
)
from crossent.explain._facts import Facts
from crossent.explain._given import given_deviations
from crossent.explain._hypothesis import Config, Question, evaluate
from crossent.explain._identify import Identification, Match, _dtype_name, identify
from crossent.explain._model import expects
from crossent.explain._render import fmt_array, fmt_value
from crossent.explain._rulebase import _exact_ce, _softmax_ce
from crossent.explain._rules_values import rule_binary_vs_categorical
from crossent.explain._runs import Runs
from crossent.explain._search import Hypothesis, search
from crossent.explain._spec import Spec, as_spec, reduced_like

__all__ = ["Answer", "Near", "answer", "expected_uniform", "gap_causes"]

# Diagnosis codes that state facts of the inputs, kept even when nothing matches.
_FACT_CODES = frozenset({"nan_input", "label_range", "memory"})
# ... and those that say how frameworks would read these very inputs differently.
_SHOWN_BY_INPUTS = _FACT_CODES | {
    "renormalized",
    "multi_label",
    "masked_logits",
    "soft_labels",
}


@dataclass(frozen=True)
class Near:
    """A hypothesis that does not reproduce the number, and how far it is."""

    description: str
    value: Any
    distance: float


@dataclass(frozen=True)
class Answer:
    """What the search found for an observed number."""

    reference: Config
    reference_value: Any
    best: Hypothesis | None
    found: tuple[Hypothesis, ...]
    identification: Identification
    causes: tuple[Cause, ...]
    nearest: tuple[Near, ...] = ()


def _reference_path(f: Facts) -> str:
    logits = f.from_logits or (f.from_logits is None and f.pred_kind == "logits")
    if f.label_kind in ("binary_column", "multi_hot"):
        return "exact.sigmoid_binary" if logits else "exact.binary"
    return "exact.softmax" if logits else "exact.categorical"


def _producers(ident: Identification, given: str) -> list[Config]:
    """identify()'s matches as configs (a float32 cast only where the inputs are not
    float32 already)."""
    out = []
    for m in ident.matches:
        # a 1-D reading is the (N, 1) column reduced by the user's mean
        dtype = m.input_dtype.split(",")[0]
        cfg = Config(m.spec, dtype=dtype if dtype != given else "")
        if cfg not in out:
            out.append(cfg)
    return out


def answer(
    y_true: Any,
    y_pred: Any,
    observed: Any,
    f: Facts,
    against: Sequence[Spec],
    shared: dict[str, Any],
    runs: Runs,
    evidence: Sequence[Cause],
    *,
    from_logits: bool | None,
    large: bool,
) -> Answer:
    """Search for what produced ``observed`` and explain it against the reference."""
    ref_spec = against[0] if against else as_spec(_reference_path(f), **shared)
    obs = np.asarray(observed, np.float64 if not hasattr(observed, "dtype") else None)
    ref_spec = _unreduced_for(ref_spec, obs, shared)
    ref = Config(ref_spec)
    # Logits when declared, when they look like logits, or when the user compares
    # with a loss that takes logits (then that is what they believe they have).
    logits = bool(
        f.from_logits
        or (
            f.from_logits is None
            and (
                f.pred_kind == "logits"
                or expects(ref_spec.implementation, ref_spec.options) == "logits"
            )
        )
    )
    q = Question(
        np.asarray(y_true),
        np.asarray(y_pred),
        obs,
        logits,
        f.label_kind,
        runs=runs,
        given=f.options.get("_broadcast"),
        ignore=shared.get("ignore_index", shared.get("ignore_class")),
    )
    fixed = set(shared)
    # The reference first: on large inputs, a match there needs no registry search.
    base = search(q, ref, (), fixed=fixed, large=True) if large else []
    if base and not base[0].deviations:
        ident = Identification(
            observed,
            None,
            (
                Match(
                    ref_spec,
                    base[0].value,
                    base[0].error,
                    str(q.y_pred.dtype),
                    ref_spec.implementation.summary,
                ),
            ),
            1,
        )
        found = base
    else:
        ident = identify(
            y_true,
            y_pred,
            observed,
            from_logits=from_logits,
            first_only=large,
            _runs=runs,
            **shared,
        )
        found = search(
            q, ref, _producers(ident, _dtype_name(q.y_pred)), fixed=fixed, large=large
        )
    if len(against) >= 2 and found and not found[0].deviations:
        # The first implementation named produced the number: the question is its
        # gap to the second one named, which becomes the reference.
        producer = found[0].config
        ref = Config(reduced_like(against[1], found[0].value, producer.spec))
        again = search(q, ref, [producer], fixed=fixed, large=large)
        found = again or found
        ref = ref if again else Config(ref_spec)
    by_code = {c.code: c for c in evidence}
    by_code.setdefault("reduction", _reduction_evidence(f))
    ref_value = evaluate(q, ref)
    if not found:
        kept = tuple(
            c for c in evidence if c.code in _FACT_CODES or claims_match(c, obs)
        )
        ceiling = _above_clip_ceiling(q, ref)
        if ceiling is not None:
            kept = (ceiling, *kept)
        return Answer(
            ref, ref_value, None, (), ident, kept, _nearest(q, ref, against, large)
        )
    best = found[0]
    if "binary_vs_categorical" not in by_code and _formulas_differ(best, ref):
        # read only when the answer needs it (it costs a pass over the inputs)
        extra = rule_binary_vs_categorical(replace(f, options=_all_kinds(f)))
        by_code.update({c.code: c for c in extra})
    if best.deviations:
        causes = causes_of(q, ref, best, f, runs, by_code)
    else:
        causes = [
            given_cause(code, what, share, by_code)
            for code, what, share, _ in given_deviations(
                q, ref, dict(shared), named=bool(against)
            )
        ]
        if not causes:
            # The reference reproduces it as given: what the inputs show that
            # frameworks treat differently (rows not summing to 1, …).
            causes = [
                c
                for c in evidence
                if c.code in _SHOWN_BY_INPUTS and bears_on(c.code, ref, q)
            ]
        if not causes and not large:
            # ... or the steps where it departs from the exact formula and that
            # move the value on these inputs (a log clamped at −100, a clip)
            causes = departures(q, ref, f, shared, runs, by_code)
    have = {x.code for x in causes}
    causes += [
        c
        for c in evidence
        if c.code not in have
        and (
            c.code == "nan_input"
            or (
                claims_match(c, obs)
                and (not best.deviations or compatible(c, best.config))
            )
        )
    ]
    causes = nonfinite_sources_first(causes, evidence, obs)
    ident = _with_best(ident, best)
    return Answer(ref, ref_value, best, tuple(found), ident, tuple(causes))


def _unreduced_for(spec: Spec, obs: np.ndarray, shared: dict[str, Any]) -> Spec:
    """The reference with ``reduction='none'`` when the number is per example and
    nobody chose a reduction: a framework that means by default gave these values
    only unreduced, which is no mistake of the user's."""
    values = spec.implementation.options.get("reduction", ())
    chosen = "reduction" in spec.options or "reduction" in shared
    if obs.ndim == 0 or "none" not in values or chosen:
        return spec
    return Spec(spec.path, {**spec.options, "reduction": "none"})


def expected_uniform(expected: Any, f: Facts) -> list[Cause]:
    """A magnitude cause when the number the user expected is log C: the loss of a
    uniform prediction, which people take for a bound or a target."""
    values = np.asarray(expected, np.float64)
    if f.num_classes < 2 or values.size == 0 or not np.all(np.isfinite(values)):
        return []
    want, log_c = float(values.mean()), math.log(f.num_classes)
    if abs(want - log_c) > 1e-4 * log_c:
        return []
    message = (
        f"The {fmt_value(want, 6)} you expected is log C = {fmt_value(log_c, 7)}, the "
        f"categorical loss of a uniform prediction over C = {f.num_classes} classes. It "
        "is a reference point, not a bound: confident wrong predictions cost more "
        "(without limit), and a binary loss per output is another formula altogether."
    )
    return [
        Cause(
            "magnitude",
            "the number expected is the loss of a uniform prediction",
            message,
            "Compare the loss with log C at initialisation only; judge training by "
            "its trend and by the per-example losses.",
            details={"expected_uniform": True, "log_c": log_c},
        )
    ]


def gap_causes(obs: Answer, exp: Answer) -> tuple[Cause, ...]:
    """The causes of "why X and not the Y I expected", from the answers for both.

    Each answer names what separates its number from the same reference. X's own
    causes answer the question when there are any; when there are none (the
    reference computes X as it is, and the inputs show nothing frameworks read
    differently), the whole gap is what produces Y, and Y's causes are the answer.
    When X is not reproduced and Y is the reference's own number, Y's causes are
    what the reference does that the formula behind X missed (its smoothing, its
    focal term...): the suspects, not a certainty. When neither needs a deviation
    but one is per example and the other one number, the reduction is the cause.
    """
    if obs.causes:
        return obs.causes
    if exp.causes:
        return tuple(_as_seen_from_observed(c) for c in exp.causes)
    if obs.best is not None and exp.best is not None:
        seen, wanted = np.asarray(obs.best.value), np.asarray(exp.best.value)
        if seen.ndim != wanted.ndim and min(seen.ndim, wanted.ndim) == 0:
            # one is per example and the other one number: they are the same
            # losses, reduced (a mean) on one side only
            per, one = ("saw", "expected") if seen.ndim else ("expected", "saw")
            title, fix = TEXT["reduction"]
            message = (
                f"The numbers you {per} are the per-example losses, unreduced; the "
                f"number you {one} is their mean. {obs.reference.spec} returns "
                f"{'one number' if np.ndim(obs.reference_value) == 0 else 'one per example'} "
                "as called: set the reduction explicitly on both sides."
            )
            return (Cause("reduction", title, message, fix, (), None, {}),)
    return ()


#: What a deviation on the expected side says about the observed side: if the
#: number you expected applies a softmax/sigmoid to y_pred, you take them for
#: logits, and the number you saw read those logits as probabilities.
_INVERSE = {
    "probs_as_logits": "logits_as_probs",
    "logits_as_probs": "probs_as_logits",
}


def _as_seen_from_observed(c: Cause) -> Cause:
    code = _INVERSE.get(c.code)
    if code is None:
        return c
    title, fix = TEXT[code]
    message = (
        f"The number you expected is computed as if y_pred were "
        f"{'logits' if code == 'logits_as_probs' else 'probabilities'}; the number "
        f"you saw reads them the other way. {c.message}"
    )
    return replace(c, code=code, title=title, fix=fix, message=message)


def _with_best(ident: Identification, best: Hypothesis) -> Identification:
    """The registered implementations that compute the number as they are, then
    the best hypothesis when it needs a transformation of the inputs or output."""
    cfg = best.config
    if not (cfg.inputs or cfg.output):
        same = [m for m in ident.matches if _same_spec(m.spec, cfg.spec)]
        if not same:
            dtype = cfg.dtype or str(np.asarray(best.value).dtype)
            same = [
                Match(
                    cfg.spec,
                    np.asarray(best.value),
                    best.error,
                    dtype,
                    cfg.spec.implementation.summary,
                )
            ]
        # by identity: a Match holds its value, and arrays have no truth value
        rest = tuple(m for m in ident.matches if all(m is not x for x in same))
        return replace(ident, matches=(same[0], *rest))
    dtype = cfg.dtype or "as given"
    hyp = Match(cfg.spec, np.asarray(best.value), best.error, dtype, cfg.describe())
    return replace(ident, matches=(*ident.matches, hyp))


def _nearest(
    q: Question, ref: Config, against: Sequence[Spec], large: bool
) -> tuple[Near, ...]:
    """The closest hypotheses, by relative distance, when none matches (on large
    inputs, the reductions of the reference only: each hand-written formula takes
    several float64 copies of the inputs)."""
    from crossent.explain._hypothesis import INPUTS, OUTPUTS

    cands = [ref] + [Config(s) for s in against[1:]]
    if not large:
        cands += [
            replace(ref, inputs=n) for n in INPUTS if n not in ("log_eps", "clip_eps")
        ]
    cands += [replace(ref, output=n) for n in OUTPUTS if n != "batch_mean"]
    obs = q.observed.astype(np.float64)
    out = []
    seen: list[Any] = []
    for c in cands:
        v = evaluate(q, c)
        if v is None or any(np.array_equal(v, w, equal_nan=True) for w in seen):
            continue  # a transformation that changes nothing here
        seen.append(v)
        with np.errstate(all="ignore"):
            d = float(
                np.max(
                    np.abs(np.asarray(v, np.float64) - obs)
                    / np.maximum(np.abs(obs), 1e-12)
                )
            )
        if math.isnan(d):
            continue
        out.append(Near(c.describe(), v, d))
    out.sort(key=lambda n: n.distance)
    return tuple(out[:3])


def _above_clip_ceiling(q: Question, ref: Config) -> Cause | None:
    """fit_vs_call, when the number is above anything Keras' probability path can
    give: with p clipped to [ε, 1 − ε] no element costs more than −log ε, so a
    larger loss was computed from logits (Keras' fit()/evaluate() use the output
    layer's pre-activation, which predict() does not return)."""
    impl = ref.spec.implementation
    if (
        impl.framework not in ("keras", "tf_keras", "keras2")
        or expects(impl, ref.spec.options) != "probabilities"
        or q.logits
    ):
        return None
    obs = q.observed.astype(np.float64)
    eps = 1e-7
    cap = -math.log(eps) * (
        q.rows if "sum" in str(ref.spec.options.get("reduction", "")) else 1
    )
    if not (obs.size and np.all(np.isfinite(obs)) and float(np.max(obs)) > cap * 1.01):
        return None
    title, fix = TEXT["fit_vs_call"]
    msg = (
        f"{fmt_value(float(np.max(obs)), 7)} is above −log(1e-7) = {fmt_value(-math.log(eps), 7)}, "
        f"the most {ref.spec} can give on probabilities (it clips p to [1e-7, 1 − 1e-7]). "
        "Such a number comes from logits: inside fit()/evaluate() Keras computes the loss "
        "from the output layer's pre-activation (the sigmoid/softmax input), while "
        "predict() returns the clipped probabilities."
    )
    return Cause("fit_vs_call", title, msg, fix, (), None, {"ceiling": -math.log(eps)})


def _same_spec(a: Spec, b: Spec) -> bool:
    """``a`` is ``b`` with some defaults spelled out (identify lists the options
    it tried)."""
    if a.path != b.path:
        return False
    for k, v in b.options.items():
        if k not in a.options:
            return False
        try:
            if not np.array_equal(np.asarray(a.options[k]), np.asarray(v)):
                return False
        except (TypeError, ValueError):
            return False
    return True


def _exact_rows(f: Facts) -> Any:
    """The exact per-example losses of these inputs."""
    with np.errstate(all="ignore"):
        if f.label_kind in ("binary_column", "multi_hot"):
            return np.asarray(
                core.binary_cross_entropy(np.clip(f.y_pred, 0, 1), f.y_true)
            ).sum(axis=-1)
        if f.pred_kind == "logits" or f.from_logits:
            return _softmax_ce(f)
        return _exact_ce(f)


def reduction_listing(f: Facts) -> str:
    """The exact per-example losses of these inputs under each common reduction."""
    loss = np.asarray(_exact_rows(f))
    values = {
        "per example": fmt_array(loss),
        "mean over examples": fmt_value(np.mean(loss), 7),
        "sum": fmt_value(np.sum(loss), 7),
        f"mean over all {f.y_pred.size} elements": fmt_value(
            np.sum(loss) / max(f.y_pred.size, 1), 7
        ),
    }
    listing = "; ".join(f"{k} {v}" for k, v in values.items())
    return (
        f"For these {loss.size} example(s), the exact per-example losses reduce to: "
        f"{listing}. Keras' default 'sum_over_batch_size' divides by the number of "
        "loss elements; PyTorch's 'mean' with class weights divides by Σ w[y]; np.mean "
        "over the unsummed terms divides by N·C."
    )


def _reduction_evidence(f: Facts) -> Cause:
    """The exact per-example losses under each reduction (evidence for ``reduction``)."""
    return Cause(
        "reduction",
        "different reductions",
        reduction_listing(f),
        "Use the same reduction on both sides.",
    )


def _all_kinds(f: Facts) -> dict[str, Any]:
    return {k: v for k, v in f.options.items() if k != "_categorical_only"}


def _formulas_differ(best: Hypothesis, ref: Config) -> bool:
    """Whether the answer puts a binary formula against a categorical one."""
    binary = ref.spec.implementation.labels == "binary"
    for d in best.deviations:
        if d.code == "binary_vs_categorical":
            return True
        spec = d.detail.get("spec")
        if (
            isinstance(spec, Spec)
            and (spec.implementation.labels == "binary") != binary
        ):
            return True
    return False
