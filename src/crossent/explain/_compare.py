"""Comparing two implementations step by step, and attributing the gap to steps.

Attribution by sequential substitution: start from implementation A; replace
its steps by B's one canonical step at a time, in plan order (a step one plan
lacks counts as the identity); the value after each substitution minus the value
before it is that step's contribution. The first "step" swaps A's view of the
inputs for B's (how each framework converts what it is given). The
contributions telescope, so they add up to the whole gap ``B - A``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent.explain._render import (
    dict_of,
    fmt_array,
    fmt_value,
    html_table,
    jsonable,
    text_table,
)
from crossent.explain._spec import Spec, as_spec, bind
from crossent.explain._trace import Trace, run_traced
from crossent.frameworks._plan import CAUSE_OF_STEP, STEP_ORDER, Plan, State, Step

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["Attribution", "Comparison", "attribute", "compare"]

INPUT_STEP = "input"

# When steps had to be substituted together, the group is reported under the
# cause of its most telling step.
_PRIORITY = (
    "terms",
    "activation",
    "renormalize",
    "clip",
    "to_logits",
    "log",
    "smooth",
    "ignore",
    "weight",
    "class_reduce",
    "reduce",
    "squeeze",
    "validate",
    "cast",
    "output",
    INPUT_STEP,
)


@dataclass(frozen=True)
class Attribution:
    """The part of the gap one step accounts for.

    ``contribution`` is reduced (the change of the final value);
    ``per_sample`` is the change of the per-example loss where both sides have
    one of the same shape (else None).
    """

    step: str
    cause: str
    formula_a: str
    formula_b: str
    contribution: float
    per_sample: Any = field(default=None, repr=False)
    value: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return dict_of(
            {
                "step": self.step,
                "cause": self.cause,
                "formula_a": self.formula_a,
                "formula_b": self.formula_b,
                "contribution": self.contribution,
                "per_sample": self.per_sample,
                "value_after": self.value,
            }
        )


def _scalar(value: Any) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return float(arr)
    with np.errstate(all="ignore"):
        return float(np.sum(arr))


def _finite_sum(value: Any) -> float:
    with np.errstate(all="ignore"):
        total = float(np.sum(np.asarray(value, np.float64)))
    return total if math.isfinite(total) else 0.0


def _per_sample(state: Mapping[str, Any]) -> Any:
    loss = state.get("loss")
    if loss is None:
        return None
    return np.asarray(loss, dtype=np.float64)


class _PrefixRunner:
    """Runs the hybrids of an attribution, resuming each where it departs from the last.

    Consecutive hybrids run on the same input state and share every step before
    the slot substituted next (the same Step objects). Running one hybrid, the
    runner keeps the state just before that slot, and the next hybrid starts
    there. Only that one state is kept: holding every intermediate state of
    large inputs costs more in page faults than recomputing saves. Steps are
    pure (they return new arrays for what they change), so a kept state can be
    reused as is.
    """

    def __init__(self) -> None:
        self._input: State | None = None
        self._prefix: tuple[Step, ...] = ()
        self._kept: State = {}

    def run(self, plan: Plan, state: State, resume_at: str | None) -> dict[str, Any]:
        """Run ``plan`` on ``state``; keep the state before step ``resume_at``."""
        current: State = dict(state)
        start = 0
        n = len(self._prefix)
        if (
            state is self._input
            and len(plan.steps) >= n
            and all(a is b for a, b in zip(plan.steps, self._prefix))
        ):
            start, current = n, self._kept
        order = STEP_ORDER.index(resume_at) if resume_at in STEP_ORDER else None
        keep_at = len(plan.steps)
        if order is not None:
            keep_at = next(
                (
                    i
                    for i, s in enumerate(plan.steps)
                    if STEP_ORDER.index(s.name) >= order
                ),
                len(plan.steps),
            )
        kept: tuple[tuple[Step, ...], State] | None = None
        if keep_at < start:  # the kept state is already past that point
            keep_at = -1
        for i, s in enumerate(plan.steps[start:], start):
            if i == keep_at:
                kept = (plan.steps[:i], current)
            current = s.apply(current)
        if kept is None and keep_at == len(plan.steps):
            kept = (plan.steps, current)
        if kept is not None:
            self._input, (self._prefix, self._kept) = state, kept
        return dict(current)


def _outcome(final: Mapping[str, Any]) -> tuple[float, Any]:
    value = final.get("value", final.get("loss"))
    return _scalar(value), _per_sample(final)


def attribute(
    plan_a: Plan,
    state_a: State,
    plan_b: Plan,
    state_b: State,
    *,
    _final_a: Mapping[str, Any] | None = None,
) -> tuple[Attribution, ...]:
    """Contributions of each step to ``value(B) - value(A)``; they sum to the gap.

    A hybrid that cannot run (a step needing an entry the other plan never
    makes) is merged with the next substitution, so the sum still holds.
    """
    slots = [INPUT_STEP] + [
        n
        for n in STEP_ORDER
        if plan_a.step(n) is not None or plan_b.step(n) is not None
    ]
    runner = _PrefixRunner()
    current_plan, current_state = plan_a, state_a
    prev_value, prev_samples = _outcome(
        plan_a.run(state_a) if _final_a is None else _final_a
    )
    out: list[Attribution] = []
    pending: list[str] = []
    pending_a: list[str] = []
    pending_b: list[str] = []
    for slot in slots:
        if slot == INPUT_STEP:
            fa = "inputs as " + plan_a.implementation + " converts them"
            fb = "inputs as " + plan_b.implementation + " converts them"
            current_state = state_b
        else:
            sa, sb = plan_a.step(slot), plan_b.step(slot)
            fa = sa.formula if sa else "(none)"
            fb = sb.formula if sb else "(none)"
            if sa == sb and sa is not None:
                continue
            current_plan = current_plan.with_step(slot, sb)
        pending.append(slot)
        pending_a.append(fa)
        pending_b.append(fb)
        following = slots[slots.index(slot) + 1] if slot != slots[-1] else None
        try:
            value, samples = _outcome(
                runner.run(current_plan, current_state, resume_at=following)
            )
        except Exception:
            if slot == slots[-1]:
                raise
            continue
        with np.errstate(all="ignore"):
            delta = value - prev_value
            per = None
            if (
                samples is not None
                and prev_samples is not None
                and samples.shape == prev_samples.shape
            ):
                per = samples - prev_samples
        name = "+".join(pending)
        cause = CAUSE_OF_STEP.get(min(pending, key=_PRIORITY.index), "precision")
        joined_a = "; ".join(x for x in pending_a if x != "(none)") or "(none)"
        joined_b = "; ".join(x for x in pending_b if x != "(none)") or "(none)"
        out.append(Attribution(name, cause, joined_a, joined_b, delta, per, value))
        pending, pending_a, pending_b = [], [], []
        prev_value, prev_samples = value, samples
    return tuple(out)


@dataclass(frozen=True)
class Comparison:
    """Two implementations on the same inputs: values, first divergence, attribution."""

    a: Trace
    b: Trace
    attribution: tuple[Attribution, ...]

    @property
    def gap(self) -> float:
        """``value(B) - value(A)`` (summed over elements when not scalar)."""
        with np.errstate(all="ignore"):
            return _scalar(self.b.value) - _scalar(self.a.value)

    @property
    def noise(self) -> float:
        """Contributions up to this size are rounding noise of the results' dtypes.

        ``8 · eps · (1 + |value|) · sqrt(elements)``, with the larger eps of the two
        results' dtypes.
        """
        eps, size = 0.0, 1
        for v in (self.a.value, self.b.value):
            arr = np.asarray(v)
            size = max(size, arr.size)
            if arr.dtype.name == "bfloat16":
                eps = max(eps, 2.0**-7)
            elif arr.dtype.kind == "f":
                eps = max(eps, float(np.finfo(arr.dtype).eps))
        scale = 1.0 + max(
            abs(_finite_sum(self.a.value)), abs(_finite_sum(self.b.value))
        )
        return 8 * eps * scale * math.sqrt(size)

    @property
    def first_divergence(self) -> str | None:
        """The first step that changes the value beyond rounding, or None.

        When one side is inf or NaN, the step that makes the value non-finite.
        """
        if not math.isfinite(self.gap):
            culprit = self.nonfinite_step
            return culprit.step if culprit is not None else None
        noise = self.noise
        for item in self.attribution:
            if abs(item.contribution) > noise:
                return item.step
        return None

    @property
    def nonfinite_step(self) -> Attribution | None:
        """The substitution that turns the value between finite and inf/NaN, if any.

        When one side is inf or NaN the contributions are not numbers; this is the
        step that makes (or removes) the non-finite value.
        """
        before = _scalar(self.a.value)
        for item in self.attribution:
            if np.isfinite(before) != np.isfinite(item.value):
                return item
            before = item.value
        return None

    @property
    def causes(self) -> tuple[str, ...]:
        """Cause codes of the steps that change the value, largest first."""
        moving = [
            a for a in self.attribution if a.contribution != 0 and a.step != INPUT_STEP
        ]
        moving.sort(
            key=lambda a: (
                -abs(a.contribution) if np.isfinite(a.contribution) else -np.inf
            )
        )
        seen: dict[str, None] = {}
        for a in moving:
            seen.setdefault(a.cause)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "a": {
                "implementation": str(Spec(self.a.implementation, self.a.options)),
                "value": jsonable(self.a.value),
            },
            "b": {
                "implementation": str(Spec(self.b.implementation, self.b.options)),
                "value": jsonable(self.b.value),
            },
            "gap": jsonable(self.gap),
            "first_divergence": self.first_divergence,
            "attribution": [a.to_dict() for a in self.attribution],
            "trace_a": self.a.to_dict(),
            "trace_b": self.b.to_dict(),
        }

    def _rows(self) -> list[list[str]]:
        return [
            [a.step, a.cause, a.formula_a, a.formula_b, fmt_value(a.contribution)]
            for a in self.attribution
        ]

    def _header(self) -> str:
        a = Spec(self.a.implementation, self.a.options)
        b = Spec(self.b.implementation, self.b.options)
        return (
            f"A = {a} = {fmt_array(self.a.value)}\n"
            f"B = {b} = {fmt_array(self.b.value)}\n"
            f"gap B − A = {fmt_value(self.gap)}; first divergent step: "
            f"{self.first_divergence or 'none (same value)'}"
        )

    def __str__(self) -> str:
        table = text_table(
            ["step", "cause", "A does", "B does", "contribution"], self._rows()
        )
        return self._header() + "\n" + table

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        from rich.table import Table
        from rich.text import Text

        yield Text(self._header())
        table = Table(
            title="attribution of the gap (substituting B's steps into A, in order)"
        )
        for col in ("step", "cause", "A does", "B does"):
            table.add_column(col, overflow="fold")
        table.add_column("contribution", justify="right")
        for row in self._rows():
            table.add_row(*row)
        yield table

    def _repr_html_(self) -> str:
        header = "<br>".join(self._header().splitlines())
        return f"<p>{header}</p>" + html_table(
            ["step", "cause", "A does", "B does", "contribution"], self._rows()
        )


def compare(a: Any, b: Any, y_true: Any, y_pred: Any, **options: Any) -> Comparison:
    """Run two implementations on the same inputs and attribute their gap to steps.

    Parameters
    ----------
    a, b : str, (str, dict) or Spec
        Implementations: mirror paths (``"keras.losses.CategoricalCrossentropy"``,
        ``"torch.nn.functional.cross_entropy"``), textbook formulas
        (``"textbook.categorical(reduction='mean')"``) or ``exact.*``.
    y_true, y_pred : array_like
        Targets and predictions (in this order for every implementation).
    **options
        Options given to whichever of the two accepts them.

    Returns
    -------
    Comparison
        Both traces, the gap ``B − A``, the first step where they part, and the
        attribution of the gap to steps (the contributions sum to the gap).

    Examples
    --------
    Seed question 000, the first example:

    >>> import numpy as np
    >>> import crossent
    >>> y = np.eye(3)
    >>> p = np.array([[.9, .05, .05], [.5, .89, .6], [.05, .01, .94]])
    >>> c = crossent.compare("textbook.categorical", "exact.categorical", y, p)
    >>> print(c.first_divergence)
    None
    """
    spec_a, spec_b = as_spec(a, **options), as_spec(b, **options)
    plan_a, state_a = bind(spec_a, y_true, y_pred)
    plan_b, state_b = bind(spec_b, y_true, y_pred)
    return compare_bound(spec_a, plan_a, state_a, spec_b, plan_b, state_b)


def compare_bound(
    spec_a: Spec,
    plan_a: Plan,
    state_a: State,
    spec_b: Spec,
    plan_b: Plan,
    state_b: State,
) -> Comparison:
    """:func:`compare` on plans already bound to their inputs."""
    final_a, steps_a = run_traced(plan_a, state_a)
    final_b, steps_b = run_traced(plan_b, state_b)
    trace_a = Trace(spec_a.path, dict(spec_a.options), steps_a, final_a.get("value"))
    trace_b = Trace(spec_b.path, dict(spec_b.options), steps_b, final_b.get("value"))
    attribution = attribute(plan_a, state_a, plan_b, state_b, _final_a=final_a)
    return Comparison(trace_a, trace_b, attribution)
