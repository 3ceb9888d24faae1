"""Tracing: run a plan and record each step's formula, effect and values."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crossent.explain._model import model_inputs
from crossent.explain._question import posed_options
from crossent.explain._render import (
    fmt_array,
    html_table,
    jsonable,
    rich_table,
    text_table,
)
from crossent.explain._spec import (
    Spec,
    as_spec,
    bind,
    check_from_logits,
    check_option_names,
)
from crossent.frameworks._plan import Plan, State, Step

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["Trace", "TraceStep", "run_traced", "trace"]


@dataclass(frozen=True)
class TraceStep:
    """What one step did: its formula, source, effect and the values it produced."""

    name: str
    formula: str
    source: str
    effect: str
    values: Mapping[str, Any] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "formula": self.formula,
            "source": self.source,
            "effect": self.effect,
            "values": jsonable(dict(self.values)),
        }


@dataclass(frozen=True)
class Trace:
    """Every step of one implementation run on one input.

    ``str(trace)`` is a plain-text table; in a terminal with rich, or in a
    notebook, it renders as a table too.
    """

    implementation: str
    options: Mapping[str, Any]
    steps: tuple[TraceStep, ...]
    value: Any

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def step(self, name: str) -> TraceStep | None:
        """The step called ``name``, or None."""
        return next((s for s in self.steps if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "implementation": self.implementation,
            "options": jsonable(dict(self.options)),
            "steps": [s.to_dict() for s in self.steps],
            "value": jsonable(self.value),
        }

    def _rows(self) -> list[list[str]]:
        rows = []
        for s in self.steps:
            shown = "; ".join(f"{k} = {fmt_array(v)}" for k, v in s.values.items())
            rows.append([s.name, s.formula, s.effect or "-", shown])
        return rows

    def __str__(self) -> str:
        head = f"{Spec(self.implementation, self.options)} = {fmt_array(self.value)}"
        return (
            head
            + "\n"
            + text_table(["step", "formula", "effect", "values"], self._rows())
        )

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:

        yield rich_table(
            ["step", "formula", "effect", "values"],
            self._rows(),
            title=f"{Spec(self.implementation, self.options)} = {fmt_array(self.value)}",
            title_justify="left",
            whole=["step"],
            max_width=options.max_width,
        )

    def _repr_html_(self) -> str:
        spec = html.escape(str(Spec(self.implementation, self.options)))
        title = f"<p><b>{spec}</b> = {html.escape(fmt_array(self.value))}</p>"
        return title + html_table(["step", "formula", "effect", "values"], self._rows())


def run_traced(
    plan: Plan, state: State
) -> tuple[dict[str, Any], tuple[TraceStep, ...]]:
    """Run ``plan`` recording every step; returns the final state and the records."""
    records: list[TraceStep] = []

    def observe(step: Step, before: State, after: State) -> None:
        # Steps return new objects for what they change, so identity tells what changed
        # without comparing (possibly huge) arrays.
        changed = {
            k: v for k, v in after.items() if k not in before or before[k] is not v
        }
        effect = step.describe(before, after) if step.describe is not None else ""
        records.append(TraceStep(step.name, step.formula, step.source, effect, changed))

    final = plan.run(state, observer=observe)
    return final, tuple(records)


def trace(
    implementation: Any,
    y_true: Any,
    y_pred: Any,
    *,
    from_logits: bool | None = None,
    **options: Any,
) -> Trace:
    """Run ``implementation`` on ``(y_true, y_pred)`` and record every step.

    Parameters
    ----------
    implementation : str or Spec
        A mirror path (``"keras.losses.CategoricalCrossentropy"``), a textbook
        formula (``"textbook.categorical"``) or ``"path(option=value, ...)"``.
    y_true, y_pred : array_like
        Targets and predictions, in this order whatever the framework's own
        argument order is. PyTorch's ``(N, C, d1, …)`` layout is recognised (see
        ``axis``), and 1-D binary vectors are N samples.
    from_logits : bool, optional
        ``True`` declares ``y_pred`` to be logits: an implementation that takes
        probabilities gets the model's softmax (sigmoid for binary losses) of them.
    **options
        The implementation's options (``reduction="sum"``, ``label_smoothing=0.1``...).
        ``axis`` names the class axis of the inputs.

    Returns
    -------
    Trace

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> t = crossent.trace("textbook.categorical", np.eye(2), np.array([[.9, .1], [.2, .8]]))
    >>> [s.name for s in t.steps]
    ['log', 'terms', 'class_reduce', 'reduce']
    >>> print(t.value.round(5))
    [0.10536 0.22314]
    """
    check_from_logits("trace", from_logits)
    check_option_names("trace", options)
    base = as_spec(implementation)
    impl = base.implementation
    posed = posed_options(
        y_true, y_pred, options, torch_layout=impl.framework == "torch"
    )
    spec = as_spec(Spec(base.path, {**base.options, **options}))
    y_pred = model_inputs(impl, spec.options, from_logits, posed.y_pred)
    plan, state = bind(spec, posed.y_true, y_pred)
    final, records = run_traced(plan, state)
    return Trace(spec.path, dict(spec.options), records, final.get("value"))
