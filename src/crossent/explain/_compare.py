"""Comparing two implementations step by step, and attributing the gap to steps.

Attribution by sequential substitution: start from implementation A; replace
its steps by B's one canonical step at a time, in plan order (a step one plan
lacks counts as the identity); the value after each substitution minus the value
before it is that step's contribution. The first "step" swaps A's view of the
inputs for B's (how each framework converts what it is given). The
contributions telescope, so they add up to the whole gap ``B - A``.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent.explain._model import model_inputs
from crossent.explain._question import posed_options
from crossent.explain._render import (
    dict_of,
    fmt_array,
    fmt_value,
    html_table,
    jsonable,
    rich_table,
    text_table,
)
from crossent.explain._spec import (
    Spec,
    accepted_options,
    as_spec,
    bind,
    check_from_logits,
    check_option_names,
)
from crossent.explain._trace import Trace, run_traced
from crossent.frameworks._plan import CAUSE_OF_STEP, STEP_ORDER, Plan, State

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


#: Resume hybrids from the states the previous one recorded, and stop a hybrid as
#: soon as its state equals the previous one's (tests turn this off to check that
#: the shortcuts change no number).
_RESUME = True

_UNKNOWN = len(STEP_ORDER) + 1  # since of a record that kept no state

_BLOCK = 1 << 20  # elements compared at a time (no input-sized temporaries)


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit-for-bit equality of two arrays (``-0.0`` differs from ``0.0``; NaNs equal
    only with the same bits), compared in blocks."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind not in "biufc" or a.dtype.hasobject:
        return False
    if not (a.flags.c_contiguous and b.flags.c_contiguous):
        return bool(np.array_equal(a, b)) and a.dtype.kind in "biu"
    if a.dtype.kind in "fc":
        view = np.dtype(f"u{a.dtype.itemsize}") if a.dtype.itemsize <= 8 else None
        if view is None:
            return False
        fa, fb = a.reshape(-1).view(view), b.reshape(-1).view(view)
    else:
        fa, fb = a.reshape(-1), b.reshape(-1)
    return all(
        np.array_equal(fa[i : i + _BLOCK], fb[i : i + _BLOCK])
        for i in range(0, fa.size, _BLOCK)
    )


def _same_value(a: Any, b: Any) -> bool:
    """Whether two state entries are the same value, to the bit (False when unsure)."""
    if a is b:
        return True
    if isinstance(a, (np.ndarray, np.generic)) and isinstance(
        b, (np.ndarray, np.generic)
    ):
        return _same_array(np.asarray(a), np.asarray(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (
            a != a and b != b
        )
    if isinstance(a, (bool, int, str, bytes)):
        return bool(a == b)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    return False


def _same_state(a: State, b: State) -> bool:
    """Equal entries, an entry that is None on one side counting as absent (steps
    read optional entries, ``sample_weight`` or ``mask``, with ``state.get``)."""
    if a is b:
        return True
    keys = a.keys() | b.keys()
    return all(_same_value(a.get(k), b.get(k)) for k in keys)


def _position(name: str) -> int:
    return STEP_ORDER.index(name)


class _Record:
    """One hybrid's run: the state before each of its steps (from some step on)
    and its final state.

    ``at(pos)`` is the state after every step placed before ``pos`` in
    :data:`STEP_ORDER`. The next hybrid differs from this one only at the slots
    it substitutes, so it starts from this record's state at its first
    substituted slot, and once its state equals this record's after its last
    one, the rest of the run is this record's (the same steps on the same state).
    """

    def __init__(
        self, befores: list[tuple[int, State]], final: State, since: int
    ) -> None:
        self.befores = befores  # (position of the step, state before it), in order
        self.final = final
        self.since = since  # states are known from this position on

    @classmethod
    def from_trace(
        cls, plan: Plan, state: State, changes: Sequence[Mapping[str, Any]]
    ) -> _Record:
        """The record of a traced run (each step's changed entries), recomputing nothing."""
        befores: list[tuple[int, State]] = []
        current: State = dict(state)
        for step, changed in zip(plan.steps, changes):
            befores.append((_position(step.name), current))
            current = {**current, **changed}
        return cls(befores, current, 0)

    def at(self, pos: int) -> State:
        assert pos >= self.since
        for p, before in self.befores:
            if p >= pos:
                return before
        return self.final

    def tail(self, pos: int) -> list[tuple[int, State]]:
        return [(p, s) for p, s in self.befores if p >= pos]


def _run_hybrid(
    plan: Plan, start: State, start_pos: int, end_pos: int, prev: _Record | None
) -> _Record:
    """Run the steps of ``plan`` placed at ``start_pos`` or later on ``start``.

    At ``end_pos`` (past the last substituted slot), a state equal to ``prev``'s
    there means the rest is ``prev``'s run: it is reused, not recomputed.
    """
    befores: list[tuple[int, State]] = []
    current: State = dict(start)
    checked = prev is None
    for step in plan.steps:
        pos = _position(step.name)
        if pos < start_pos:
            continue
        if not checked and pos >= end_pos:
            checked = True
            assert prev is not None
            if _same_state(current, prev.at(end_pos)):
                return _Record(befores + prev.tail(end_pos), prev.final, start_pos)
        befores.append((pos, current))
        current = step.apply(current)
    if not checked:
        assert prev is not None
        if _same_state(current, prev.final):
            return _Record(befores, prev.final, start_pos)
    return _Record(befores, current, start_pos)


def _change(before: Any, after: Any) -> Any:
    """``after - before``, 0 where both are the same non-finite value: a step that
    leaves a NaN (or an inf) as it was changed nothing."""
    with np.errstate(all="ignore"):
        b, a = np.asarray(before, np.float64), np.asarray(after, np.float64)
        diff = a - b
        same = (a == b) | (np.isnan(a) & np.isnan(b))
    return np.where(same, 0.0, diff)


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
    _changes_a: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[Attribution, ...]:
    """Contributions of each step to ``value(B) - value(A)``; they sum to the gap.

    A hybrid that cannot run (a step needing an entry the other plan never
    makes) is merged with the next substitution, so the sum still holds.

    Each hybrid starts from the state the previous one had at the slot it
    substitutes, and stops as soon as its state equals the previous one's: a
    step both plans compute alike (the same log of the same probabilities)
    costs one comparison, not a rerun of the rest of the plan. ``_changes_a``
    (the entries each step of A changed, from A's trace) saves running A again.
    """
    slots = [INPUT_STEP] + [
        n
        for n in STEP_ORDER
        if plan_a.step(n) is not None or plan_b.step(n) is not None
    ]
    if _changes_a is not None and _RESUME:
        prev = _Record.from_trace(plan_a, state_a, _changes_a)
    else:
        final_a = plan_a.run(state_a) if _final_a is None else dict(_final_a)
        prev = _Record([], final_a, _UNKNOWN)
    current_plan, current_state = plan_a, state_a
    prev_value, prev_samples = _outcome(prev.final)
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
        try:
            if not _RESUME:
                record = _Record([], current_plan.run(current_state), _UNKNOWN)
            else:
                start_pos = 0 if pending[0] == INPUT_STEP else _position(pending[0])
                end_pos = 0 if pending[-1] == INPUT_STEP else _position(pending[-1]) + 1
                if pending[0] == INPUT_STEP or prev.since > start_pos:
                    start_pos, start = 0, current_state
                else:
                    start = prev.at(start_pos)
                record = _run_hybrid(
                    current_plan,
                    start,
                    start_pos,
                    end_pos,
                    prev if prev.since <= end_pos else None,
                )
            value, samples = _outcome(record.final)
        except Exception:
            if slot == slots[-1]:
                raise
            continue
        delta = float(_change(prev_value, value))
        per = None
        if (
            samples is not None
            and prev_samples is not None
            and samples.shape == prev_samples.shape
        ):
            per = _change(prev_samples, samples)
        name = "+".join(pending)
        cause = CAUSE_OF_STEP.get(min(pending, key=_PRIORITY.index), "precision")
        joined_a = "; ".join(x for x in pending_a if x != "(none)") or "(none)"
        joined_b = "; ".join(x for x in pending_b if x != "(none)") or "(none)"
        out.append(Attribution(name, cause, joined_a, joined_b, delta, per, value))
        pending, pending_a, pending_b = [], [], []
        prev_value, prev_samples = value, samples
        prev = record
    return tuple(out)


@dataclass(frozen=True)
class Comparison:
    """Two implementations on the same inputs: values, first divergence, attribution."""

    a: Trace
    b: Trace
    attribution: tuple[Attribution, ...]
    note: str = ""
    """How the two sides were made comparable (reduction, layout), in words."""

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
            "note": self.note,
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
        note = f"{self.note}\n" if self.note else ""
        return note + (
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
        from rich.text import Text

        yield Text(self._header())
        yield rich_table(
            ["step", "cause", "A does", "B does", "contribution"],
            self._rows(),
            title="attribution of the gap (substituting B's steps into A, in order)",
            whole=["step", "cause", "contribution"],
            right=["contribution"],
            max_width=options.max_width,
        )

    def _repr_html_(self) -> str:
        header = "<br>".join(html.escape(line) for line in self._header().splitlines())
        return f"<p>{header}</p>" + html_table(
            ["step", "cause", "A does", "B does", "contribution"], self._rows()
        )


def compare(
    a: Any,
    b: Any,
    y_true: Any,
    y_pred: Any,
    *,
    from_logits: bool | None = None,
    **options: Any,
) -> Comparison:
    """Run two implementations on the same inputs and attribute their gap to steps.

    Parameters
    ----------
    a, b : str, (str, dict) or Spec
        Implementations: mirror paths (``"keras.losses.CategoricalCrossentropy"``,
        ``"torch.nn.functional.cross_entropy"``), textbook formulas
        (``"textbook.categorical(reduction='mean')"``) or ``exact.*``.
    y_true, y_pred : array_like
        Targets and predictions (in this order for every implementation).
        PyTorch's ``(N, C, d1, …)`` layout is recognised (see ``axis``), and 1-D
        binary vectors are N samples.
    from_logits : bool, optional
        ``True`` declares ``y_pred`` to be logits: an implementation that takes
        probabilities gets the model's softmax (sigmoid for binary losses) of them,
        so "Keras on softmax(z) against tf.nn on z" is one call.
    **options
        Options given to whichever of the two accepts them; ``axis`` names the
        class axis of the inputs. Without ``reduction``, both sides are compared
        per example (``reduction='none'`` where an implementation takes one); an
        implementation that only gives one number (scikit-learn's ``log_loss``)
        makes both sides give their mean. ``Comparison.note`` says which.

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
    check_from_logits("compare", from_logits)
    check_option_names("compare", options)
    spec_a, spec_b = as_spec(a, **options), as_spec(b, **options)
    torch = {spec_a.implementation.framework, spec_b.implementation.framework}
    posed = posed_options(
        y_true, y_pred, dict(options), torch_layout=torch == {"torch"}
    )
    if posed.class_axis != -1:
        spec_a, spec_b = _without_axis(spec_a), _without_axis(spec_b)
    (spec_a, spec_b), note = like_with_like(spec_a, spec_b)
    bound = []
    for spec in (spec_a, spec_b):
        yp = model_inputs(spec.implementation, spec.options, from_logits, posed.y_pred)
        bound.append(bind(spec, posed.y_true, yp))
    notes = [note, *posed.notes]
    comp = compare_bound(spec_a, *bound[0], spec_b, *bound[1])
    return dataclasses.replace(comp, note="; ".join(n for n in notes if n))


def _without_axis(spec: Spec) -> Spec:
    return Spec(spec.path, {k: v for k, v in spec.options.items() if k != "axis"})


#: Reductions by meaning, as the implementations that take one spell them.
_SYNONYMS = {
    "per example": ("none",),
    "mean": ("mean", "sum_over_batch_size", "auto"),
    "sum": ("sum",),
}


def _meaning(reduction: Any) -> str | None:
    return next((k for k, v in _SYNONYMS.items() if reduction in v), None)


def _reduction_values(spec: Spec) -> tuple[Any, ...] | None:
    """The reduction values ``spec``'s implementation takes, or None if it takes none."""
    impl = spec.implementation
    if "reduction" not in accepted_options(impl):
        return None
    if impl.framework == "exact":
        return ("none", "sum", "mean", "mean_over_elements")
    return tuple(impl.options.get("reduction", ()))


def like_with_like(spec_a: Spec, spec_b: Spec) -> tuple[tuple[Spec, Spec], str]:
    """Both sides reduced the same way.

    A side whose spec sets ``reduction`` keeps it, and the other side follows it;
    with neither set, both give per-example values (both their mean when one side
    only gives one number: scikit-learn's ``log_loss``). Returns the specs and a
    note saying what was done ("" when nothing was).
    """
    specs = [spec_a, spec_b]
    set_by_user = [_meaning(s.options.get("reduction")) for s in specs]
    scalar_only = any(
        s.implementation.path.startswith(("sklearn.", "sklearn<"))
        and s.options.get("normalize", True) is not False
        for s in specs
    )
    meaning = next((m for m in set_by_user if m), None)
    if meaning is None:
        meaning = "mean" if scalar_only else "per example"
    changed = False
    for i, spec in enumerate(specs):
        values = _reduction_values(spec)
        if "reduction" in spec.options or not values:
            continue
        choice = next((v for v in _SYNONYMS[meaning] if v in values), None)
        if choice is not None:
            specs[i] = Spec(spec.path, {**spec.options, "reduction": choice})
            changed = True
    why = " (scikit-learn's log_loss gives one number)" if scalar_only else ""
    note = f"both sides reduced the same way: {meaning}{why}" if changed else ""
    return (specs[0], specs[1]), note


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
    attribution = attribute(
        plan_a,
        state_a,
        plan_b,
        state_b,
        _final_a=final_a,
        _changes_a=[s.values for s in steps_a],
    )
    return Comparison(trace_a, trace_b, attribution)
