"""The search: which hypothesis reproduces the observed number, simplest first.

Starting from the reference (what the user compared with, or the exact formula for
these inputs), the search tries, in order of cost:

1. the reference itself (no deviation);
2. one deviation: another value of one of its options (continuous ones solved from
   the number), one input transformation (a mistake made before the loss), one
   output transformation (a mistake made after it);
3. another registered implementation (what :func:`identify` finds);
4. two deviations: an option or input deviation followed by an output one.

Each deviation costs 1 less a little for how common the mistake is in practice
(double softmax and a sum for a mean are everyday; base-2 logs are rare). Every
hypothesis found is kept with its cost, so the explanation can say why the first is
first; the search stops at the first cost level with a match. ``against`` only sets
the reference: the registry is searched whatever it names.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from crossent.explain._formulas import FORMULAS
from crossent.explain._hypothesis import (
    INPUTS,
    OUTPUTS,
    Config,
    Deviation,
    Question,
    evaluate,
    faithful,
    option_code,
    raw,
)
from crossent.explain._input_solve import (
    eps_solution,
    shift_solution,
    smoothing_solution,
)
from crossent.explain._model import expects
from crossent.explain._runs import _defaults
from crossent.explain._solve import allowed_digits, digits, solutions
from crossent.explain._spec import Spec, accepted_options

__all__ = ["Hypothesis", "apply", "search"]

#: How common each mistake is in practice (0–1); lowers a deviation's cost.
COMMON: dict[str, float] = {
    "probs_as_logits": 0.3,
    "broadcast": 0.3,
    "reduction": 0.25,
    "logits_as_probs": 0.25,
    "logits_as_log_probs": 0.2,
    "label_smoothing": 0.2,
    "clipped": 0.15,
    "log_clamped": 0.15,
    "focal": 0.1,
    "axis": 0.1,
    "ignore_index": 0.15,
    "weighting": 0.1,
    "log_base": 0.1,
    "batch_mean": 0.05,
    "swapped_arguments": 0.05,
}

_IMPLEMENTATION_COST = 1.2
#: Inputs small enough to try every pair of an input and an option deviation.
_PAIRS_UP_TO = 20_000
# Prediction elements the prompt-length hypotheses may run through in all.
_PROMPT_BUDGET = 5_000_000


@dataclass(frozen=True)
class Hypothesis:
    """A config that reproduces the number, and the deviations that lead to it."""

    config: Config
    deviations: tuple[Deviation, ...]
    value: Any
    error: float
    cost: float


def cost(devs: Sequence[Deviation], ref: Config | None = None) -> float:
    """Fewer deviations first; among equals, the more common mistakes, values
    solved with fewer digits, and implementations closer to the reference."""
    total = 0.0
    for d in devs:
        base = _IMPLEMENTATION_COST if d.kind == "implementation" else 1.0
        total += base - 0.3 * COMMON.get(d.code, 0.0) + 0.05 * d.detail.get("digits", 0)
        # a fitted count (k means, batches of b) is a value solved like any other,
        # and a free one: another implementation that gives the number as it is
        # explains more than a rescaling that happens to fit
        fitted = dict(d.detail.get("params", ()))
        for name in ("k", "batch"):
            if name in fitted:
                total += 0.3 + 0.05 * len(str(int(fitted[name])))
        if d.code in ("clipped", "log_clamped") and ref is not None:
            # frameworks clip probabilities; hand-written formulas add ε to the log
            takes = expects(ref.spec.implementation, ref.spec.options)
            total += 0.01 * ((d.code == "clipped") == (takes == "logits"))
        if d.kind == "implementation" and ref is not None:
            spec = d.detail["spec"]
            a, b = spec.implementation, ref.spec.implementation
            # differences another implementation brings with it, each nearly a
            # deviation of its own: what it takes (logits or probabilities) and
            # how it reduces
            takes_a, takes_b = expects(a, spec.options), expects(b, ref.spec.options)
            total += 0.8 * (takes_a != takes_b)
            total += 0.8 * (_reduces(spec) != _reduces(ref.spec))
            total += 0.1 * ((a.labels == "binary") != (b.labels == "binary"))
            total += 0.05 * (a.framework != b.framework)
            total += 0.02 * bool(d.detail.get("dtype"))
    return total


def _reduces(spec: Spec) -> str:
    """ "sum", "none" or "mean": how ``spec`` reduces (mean for every mean-like name)."""
    red = str(spec.options.get("reduction", "mean"))
    if red == "sum" or spec.options.get("normalize") is False:
        return "sum"
    return "none" if red == "none" else "mean"


def apply(cfg: Config, dev: Deviation) -> Config:
    """``cfg`` with one deviation made."""
    d = dev.detail
    if dev.kind == "option":
        if d["option"] == "*":
            return cfg.with_options(**d["to"])
        return cfg.with_options(**{d["option"]: d["to"]})
    if dev.kind == "input":
        params = tuple(p for p in cfg.params if p[0] not in ("eps", "shift"))
        params = params if not d.get("params") else ()
        params += tuple(d.get("params", ()))
        return replace(cfg, inputs=d["inputs"], params=params)
    if dev.kind == "output":
        params = tuple(p for p in cfg.params if p[0] != "batch") + tuple(
            d.get("params", ())
        )
        return replace(cfg, output=d["output"], params=params)
    if dev.kind == "dtype":
        return replace(cfg, dtype=d["dtype"])
    if dev.kind == "implementation":
        spec: Spec = d["spec"]
        return replace(cfg, spec=spec, dtype=d.get("dtype", cfg.dtype))
    return cfg


def _option_deviations(
    q: Question, ref: Config, fixed: set[str]
) -> Iterator[Deviation]:
    """Another value of one option of the reference; continuous ones solved."""
    impl = ref.spec.implementation
    opts = dict(ref.spec.options)
    accepted = accepted_options(impl)
    for name, values in impl.options.items():
        if name in fixed:
            continue
        current = opts.get(name, values[0])
        for v in values:
            if _same(v, current):
                continue
            code = option_code(name, current, v)
            if name == "reduction" and v == "none":  # the user's own mean over all N
                if opts.get("ignore_index") is not None:
                    code = "ignore_index"
                elif any(opts.get(k) is not None for k in ("weight", "sample_weight")):
                    code = "weighting"
            yield Deviation(
                code,
                "option",
                f"{name}={v!r} instead of {current!r}",
                {"option": name, "from": current, "to": v},
            )
    for name, v in opts.items():  # options the user set, back at their default
        if name in fixed or name in impl.options or name in ("reduction",):
            continue
        yield Deviation(
            option_code(name, v, None),
            "option",
            f"{name} left at its default instead of {v!r}",
            {"option": name, "from": v, "to": None},
        )
    obs = q.observed.astype(np.float64)
    if obs.size and np.all(np.isfinite(obs)):

        def run(o: dict[str, Any]) -> Any:
            return evaluate(q, replace(ref, spec=Spec(ref.spec.path, o)))

        for sol in solutions(
            {n for n in accepted if n not in fixed},
            opts,
            run,
            lambda v: q.matches(v) is not None,
            float(obs.mean()),
            allowed_digits(q.observed),
        ):
            changed = {k: v for k, v in sol.items() if not _same(v, opts.get(k))}
            n = max(digits(v) for v in changed.values())
            if n > 3:
                continue  # a value fitted to the number, not one a person would set
            code = option_code(next(iter(changed)), None, None)
            text = ", ".join(f"{k}={v!r}" for k, v in changed.items())
            yield Deviation(
                code, "option", text, {"option": "*", "to": changed, "digits": n}
            )


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return a is b


def _input_deviations(q: Question, ref: Config) -> Iterator[Deviation]:
    by_hand = faithful(q, ref)
    for name, (code, what) in INPUTS.items():
        if name in FORMULAS and not by_hand:
            continue  # the formula is not the reference: more than one deviation
        if name in ("log_eps", "clip_eps"):
            dev = eps_solution(q, ref, name)
            if dev is not None:
                yield dev
            continue
        if name == "smoothed":
            if "label_smoothing" not in accepted_options(ref.spec.implementation):
                dev = smoothing_solution(q, ref)
                if dev is not None:
                    yield dev
            continue
        if name == "prompt_masked":
            yield from _prompt_lengths(q, ref, code, what)
            continue
        if name == "layer_logits" and not np.all(np.isfinite(q.observed)):
            continue  # a NaN says nothing about where the logits came from
        if name == "other_family" and ref.spec.implementation.labels == "binary":
            hot = np.asarray(q.y_true)
            if hot.ndim == q.y_pred.ndim and bool(np.any((hot > 0).sum(-1) > 1)):
                code, what = (
                    "multi_label",
                    "the categorical formula on multi-hot labels",
                )
        if name == "layer_logits" and q.classes >= 2:
            dev = shift_solution(q, ref)
            if dev is not None:
                yield dev
            continue
        yield Deviation(code, "input", what, {"inputs": name})


def _prompt_lengths(
    q: Question, ref: Config, code: str, what: str
) -> Iterator[Deviation]:
    """A prompt of k targets masked in every sequence of (N, T) class ids, for an
    implementation that ignores targets (what "train on the response only" does)."""
    yt = q.y_true
    takes = {"ignore_index", "ignore_class"} & accepted_options(ref.spec.implementation)
    if (
        not takes
        or yt.dtype.kind not in "iu"
        or yt.ndim < 2
        or yt.ndim != q.y_pred.ndim - 1
    ):
        return
    lengths = range(1, min(yt.shape[-1] - 1, 64))
    if q.y_pred.size * len(lengths) > _PROMPT_BUDGET:
        return  # one full run per length: only on small inputs
    for k in lengths:
        yield Deviation(
            code, "input", what, {"inputs": "prompt_masked", "params": (("k", k),)}
        )


def _output_deviations(q: Question, ref: Config) -> Iterator[Deviation]:
    opts = ref.spec.options
    for name, (code, what) in OUTPUTS.items():
        if name == "all_n":
            if opts.get("ignore_index") is not None or q.ignore is not None:
                code = "ignore_index"
            elif any(opts.get(k) is not None for k in ("weight", "sample_weight")):
                code = "weighting"
        if name in ("divided", "multiplied"):
            k = _integer_ratio(q, ref, name == "divided")
            if k is not None:
                yield Deviation(
                    code, "output", what, {"output": name, "params": (("k", k),)}
                )
            continue
        if name in ("batch_mean", "batch_sum_over_n"):
            for size in _batch_sizes(q.rows):
                # equal batches: a mean of batch means is the mean (no deviation)
                if q.rows % size or (name == "batch_sum_over_n" and size > 1):
                    yield Deviation(
                        code,
                        "output",
                        what,
                        {"output": name, "params": (("batch", size),)},
                    )
            continue
        yield Deviation(code, "output", what, {"output": name})


def _dtype_deviations(q: Question) -> Iterator[Deviation]:
    """The loss computed in a narrower dtype than the inputs were given in, when
    every observed number lies on that dtype's grid (bfloat16 keeps 8 significant
    bits, float16 11: a float32 loss lands on them by chance about once in 2¹⁵)."""
    obs = q.observed.astype(np.float64)
    if q.y_pred.dtype.kind == "f" and q.y_pred.dtype.itemsize <= 2:
        # half-precision inputs: the number may be the same loss computed after a
        # cast up (the model's outputs converted, or the loss run outside autocast)
        yield Deviation(
            "precision",
            "dtype",
            "computed in float32 (the half-precision inputs cast up)",
            {"dtype": "float32"},
        )
        return
    if q.y_pred.dtype.kind != "f":
        return
    if not (obs.size and np.all(np.isfinite(obs))) or np.all(obs == np.round(obs)):
        return
    with np.errstate(all="ignore"):
        single = obs.astype(np.float32)
        on_grid = {
            # bfloat16 is float32 with the low 16 significand bits zero
            "bfloat16": bool(
                np.all(single == obs) and np.all(single.view(np.uint32) & 0xFFFF == 0)
            ),
            "float16": bool(np.all(obs.astype(np.float16).astype(np.float64) == obs)),
        }
    for name, ok in on_grid.items():
        if ok:
            if name == "bfloat16":
                import ml_dtypes  # noqa: F401  (registers bfloat16; slow to import)
            yield Deviation(
                "precision",
                "dtype",
                f"computed in {name} (the inputs cast to {name})",
                {"dtype": name},
            )


def _producer_deviations(ref: Config, p: Config) -> tuple[Deviation, ...]:
    """The reference's implementation with other options is option deviations;
    another implementation is one deviation (split by the step attribution later)."""
    if p.spec.path == ref.spec.path and not p.dtype:
        defaults = _defaults(ref.spec.implementation)
        mine = {**defaults, **ref.spec.options}
        return tuple(
            Deviation(
                option_code(k, mine.get(k), v),
                "option",
                f"{k}={v!r} instead of {mine.get(k)!r}",
                {"option": k, "from": mine.get(k), "to": v},
            )
            for k, v in p.spec.options.items()
            if not _same(v, mine.get(k))
        )
    return (
        Deviation(
            "implementation",
            "implementation",
            f"{p.spec} instead of {ref.spec}",
            {"spec": p.spec, "dtype": p.dtype},
        ),
    )


def _integer_ratio(q: Question, ref: Config, divided: bool) -> int | None:
    """k when the observed scalar is the reference's value divided (or multiplied)
    by a small integer k, 2 ≤ k ≤ 64, other than the counts a reduction already
    covers (N examples, C classes)."""
    obs = q.observed.astype(np.float64)
    if obs.shape != ():
        return None
    v = raw(q, ref)  # unreduced values are averaged, as the user would
    if v is None or v.size == 0:
        return None
    a, b = float(np.mean(v.astype(np.float64))), float(obs)
    if not (math.isfinite(a) and math.isfinite(b)) or a == 0 or b == 0:
        return None
    with np.errstate(all="ignore"):
        r = a / b if divided else b / a
    if not 1.5 <= r <= 64.5:  # also an overflow to inf (1e308 observed)
        return None
    k = round(r)
    if not 2 <= k <= 64 or k in (q.rows, q.classes):
        return None
    return k if abs(r - k) <= 1e-3 * k else None


def _batch_sizes(n: int) -> list[int]:
    """Batch sizes to try: every one for small N, else the sizes people use."""
    if n <= 64:
        return list(range(1, n))
    usual = {2**k for k in range(1, 14)} | {10, 20, 25, 50, 100, 200, 250, 500, 1000}
    return sorted(b for b in usual if b < n)


def _try(q: Question, ref: Config, devs: tuple[Deviation, ...]) -> Hypothesis | None:
    cfg = ref
    prev = evaluate(q, ref)
    for d in devs:
        cfg = apply(cfg, d)
        v = evaluate(q, cfg)
        if v is None or (prev is not None and _same_value(v, prev)):
            return None  # a deviation that changes nothing is no deviation
        prev = v
    err = q.matches(prev)
    if err is None:
        return None
    return Hypothesis(cfg, devs, prev, err, cost(devs, ref))


def _same_value(a: Any, b: Any) -> bool:
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return x.shape == y.shape and bool(np.all((x == y) | (np.isnan(x) & np.isnan(y))))


def search(
    q: Question,
    ref: Config,
    producers: Sequence[Config] = (),
    *,
    fixed: set[str] | None = None,
    large: bool = False,
) -> list[Hypothesis]:
    """Hypotheses that reproduce ``q.observed``, cheapest first (empty if none).

    ``producers`` are the registered implementations that reproduce it on their
    own (from :func:`identify`); ``fixed`` the options the user gave.
    """
    fixed = fixed or set()
    found: list[Hypothesis] = []
    base = _try(q, ref, ())
    if base is not None:
        return [base]
    single: list[Deviation] = list(_option_deviations(q, ref, fixed))
    if not large:
        single += list(_input_deviations(q, ref))
    single += list(_dtype_deviations(q))
    outputs = list(_output_deviations(q, ref))
    for d in single + outputs:
        h = _try(q, ref, (d,))
        if h is not None:
            found.append(h)
    for p in producers:
        h = _try(q, ref, _producer_deviations(ref, p))
        if h is not None:
            found.append(h)
    cheapest = min((h.cost for h in found), default=math.inf)
    if cheapest > 1.5 and not large:
        for d in single:
            for o in outputs:
                h = _try(q, ref, (d, o))
                if h is not None:
                    found.append(h)
    if not found and not large and q.y_pred.size <= _PAIRS_UP_TO:
        # two mistakes before the loss: an input transformation with another
        # option value (arguments swapped, and label smoothing off)
        inputs = [d for d in single if d.kind == "input"]
        options = [d for d in single if d.kind == "option"]
        for d in inputs:
            for o in options:
                h = _try(q, ref, (d, o))
                if h is not None:
                    found.append(h)
    found.sort(key=lambda h: (round(h.cost, 6), h.error))
    return found
