"""How the diagnosis of the inputs joins the search's answer.

The search finds the hypothesis that reproduces the number; the diagnosis rules
read facts off the inputs. Here the facts become evidence: which ones may stand
next to the hypothesis (what the number means, a uniform prediction or Keras'
floor) and which would claim the number for another cause; which lead when the
number is inf or NaN (the NaN input, the −inf logit, the log of 0); which facts
bear on the reference's own arithmetic; and, when the reference reproduces the
number and nothing else explains it, the steps where it departs from the exact
formula of its family (a clip, a log clamped at −100).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from crossent.explain._catalogue import TEXT
from crossent.explain._cause import Cause
from crossent.explain._deviations import implementation_causes
from crossent.explain._facts import Facts
from crossent.explain._hypothesis import Config, Question, evaluate
from crossent.explain._model import expects
from crossent.explain._runs import Runs
from crossent.explain._spec import as_spec

__all__ = [
    "bears_on",
    "claims_match",
    "compatible",
    "departures",
    "given_cause",
    "nonfinite_sources_first",
]


#: Facts of the inputs that make a loss inf or NaN, in the order they are shown.
_NONFINITE_SOURCES = ("nan_input", "label_range", "masked_logits", "overflow")


def nonfinite_sources_first(
    causes: list[Cause], evidence: Sequence[Cause], obs: np.ndarray
) -> list[Cause]:
    """For an inf or NaN number, what in the inputs makes it so comes first: many
    hypotheses reproduce a NaN, the NaN in the inputs (or the −inf logit, or the
    probability that is exactly 0) is why each of them does."""
    if not obs.size or np.all(np.isfinite(obs.astype(np.float64))):
        return causes
    # a narrow dtype that rounds 1 − ε to 1 is the root of the 0 the log meets
    narrow = any(
        c.code == "precision"
        and c.contribution is not None
        and not math.isfinite(c.contribution)
        for c in causes
    )
    lead = [
        c.with_details(nonfinite_source=True)
        for code in _NONFINITE_SOURCES
        if not (code == "overflow" and narrow)
        for c in [*causes, *evidence]
        if c.code == code
    ]
    firsts = {c.code: c for c in reversed(lead)}  # the first cause of each code
    lead = [firsts[code] for code in dict.fromkeys(c.code for c in lead)]
    if not lead:
        return causes
    seen = set(firsts)
    return lead + [c for c in causes if c.code not in seen]


def departures(
    q: Question,
    ref: Config,
    f: Facts,
    shared: dict[str, Any],
    runs: Runs,
    evidence: dict[str, Cause],
) -> list[Cause]:
    """How ``ref`` (which reproduces the number) differs from the exact formula on
    these inputs: the step attribution, kept only where the inputs support it."""
    impl = ref.spec.implementation
    binary = impl.labels == "binary"
    logits = expects(impl, ref.spec.options) == "logits"
    path = {
        (True, True): "exact.sigmoid_binary",
        (True, False): "exact.binary",
        (False, True): "exact.softmax",
        (False, False): "exact.categorical",
    }[(binary, logits)]  # the same family and inputs: only the arithmetic differs
    if path == ref.spec.path:
        return []
    exact = Config(as_spec(path, **shared))
    a, b = evaluate(q, exact), evaluate(q, ref)
    if a is None or b is None:
        return []
    with np.errstate(all="ignore"):
        share = float(np.sum(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
    if share == 0:
        return []
    causes = implementation_causes(q, exact, ref, share, f, runs, evidence)
    # only the numerical treatments a step comparison names reliably: what other
    # steps do (a shift of the labels, a layout) has no step name of its own
    return [c for c in causes if c.code in _NUMERIC_DEPARTURES]


#: What a framework does to the numbers that the exact formula does not.
_NUMERIC_DEPARTURES = frozenset({"clipped", "log_clamped", "renormalized", "overflow"})


def bears_on(code: str, ref: Config, q: Question) -> bool:
    """Whether a fact of the inputs changes what ``ref`` computes: rows that do not
    sum to 1 matter to a categorical loss on probabilities, not to a binary one."""
    if code == "renormalized":
        impl = ref.spec.implementation
        return impl.labels != "binary" and (
            expects(impl, ref.spec.options) == "probabilities"
        )
    return True


def compatible(c: Cause, found: Config) -> bool:
    """A diagnosis that can stand next to the hypothesis that explains the number:
    what the number means (a uniform prediction, Keras' floor), or a focal loss's
    mean over the classes when the hypothesis is that same mean over N·C elements.
    The others claim the number for another cause."""
    if c.code == "focal":
        return found.output == "elements"
    return bool(c.details.get("uniform") or c.details.get("at_floor"))


def claims_match(c: Cause, obs: np.ndarray) -> bool:
    """A diagnosis that names this very number: a focal loss at γ = 0 equal to
    CE/K, a label-smoothing convention that gives it, Keras' clipping floor."""
    if c.code == "focal":
        return True  # rule_focal fires only when the number equals its candidate
    if c.code == "magnitude":
        return bool(c.details.get("at_floor") or c.details.get("uniform"))
    if c.code == "label_smoothing" and obs.size and np.all(np.isfinite(obs)):
        target = float(np.mean(obs.astype(np.float64)))
        return any(
            isinstance(v, float) and abs(v - target) <= 1e-4 * (1 + abs(target))
            for k, v in c.details.items()
            if k != "unsmoothed"
        )
    return False


def given_cause(
    code: str, what: str, share: float | None, evidence: dict[str, Cause]
) -> Cause:
    title, fix = TEXT.get(code, (code, "Make both sides compute the same thing."))
    msg = (
        f"The reference reproduces the number as given: {what}."
        if share is None
        else f"The reference reproduces the number as given; {what} moves it by "
        f"{share:+.6g}."
    )
    ev = evidence.get(code)
    if ev is not None:
        return replace(ev, message=f"{msg} {ev.message}", contribution=share)
    return Cause(code, title, msg, fix, (), share, {"deviation": "given"})
