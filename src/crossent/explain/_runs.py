"""Runs shared by the parts of one explain() call.

explain() shows each named implementation's value, searches for the observed
number among the same implementations, and traces two of them for the
comparison. On large inputs each run is a handful of full passes over the
predictions, so the same run is made once: :class:`Runs` remembers each
implementation's bound plan, trace and value for the inputs of that call, under
its options with the defaults filled in (``keras...CategoricalCrossentropy`` and
``keras...CategoricalCrossentropy(from_logits=False, reduction=
'sum_over_batch_size')`` are one run).
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from crossent.explain._question import bind_impl
from crossent.explain._trace import TraceStep, run_traced
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Implementation, mirror

__all__ = ["Run", "Runs"]


@dataclass(frozen=True)
class Run:
    """One implementation bound to the inputs and run, with its trace."""

    plan: Plan
    state: State
    final: Mapping[str, Any]
    steps: tuple[TraceStep, ...]


def _defaults(impl: Implementation) -> dict[str, Any]:
    """The option defaults of ``impl.bind`` (or of the mirror class it forwards to)."""
    params = inspect.signature(impl.bind).parameters.values()
    out = {
        p.name: p.default
        for p in params
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not p.empty
    }
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        target = mirror(impl.path)
        if inspect.isclass(target):
            for name, p in inspect.signature(target.__init__).parameters.items():
                if name != "self" and p.default is not p.empty:
                    out.setdefault(name, p.default)
    return out


def _token(value: Any) -> Hashable:
    if value is None or isinstance(value, (bool, int, float, str)):
        return (type(value).__name__, value)
    return ("object", id(value))  # arrays and the like: this very object


class Runs:
    """Runs of implementations on one ``(y_true, y_pred)``, each made once.

    Only runs on the inputs exactly as given are remembered (``y_pred`` is
    checked by identity): the dtype variants that identify() also tries, and
    the softmax of logits given to probability losses, are other inputs.
    """

    def __init__(self, y_true: Any, y_pred: Any) -> None:
        self.y_true, self.y_pred = y_true, y_pred
        self._runs: dict[Hashable, Run] = {}
        self._values: dict[Hashable, Any] = {}
        self._keep: list[Any] = []  # option objects keyed by id stay alive

    def _key(self, impl: Implementation, options: Mapping[str, Any]) -> Hashable:
        merged = {**_defaults(impl), **options}
        self._keep.extend(merged.values())
        return (impl.path, tuple(sorted((k, _token(v)) for k, v in merged.items())))

    def traced(
        self, impl: Implementation, options: Mapping[str, Any], y_pred: Any
    ) -> Run:
        """Bind and run ``impl`` with a trace (once per options, on these inputs)."""
        if y_pred is not self.y_pred:
            plan, state = bind_impl(impl, self.y_true, y_pred, **dict(options))
            final, steps = run_traced(plan, state)
            return Run(plan, state, final, steps)
        key = self._key(impl, options)
        if key not in self._runs:
            plan, state = bind_impl(impl, self.y_true, y_pred, **dict(options))
            final, steps = run_traced(plan, state)
            self._runs[key] = Run(plan, state, final, steps)
            self._values[key] = final.get("value")
        return self._runs[key]

    def value(
        self,
        impl: Implementation,
        options: Mapping[str, Any],
        y_true: Any,
        y_pred: Any,
    ) -> tuple[bool, Any]:
        """``(True, value)`` if this run was made on these very inputs, else ``(False, None)``."""
        if y_true is not self.y_true or y_pred is not self.y_pred:
            return False, None
        key = self._key(impl, options)
        if key in self._values:
            return True, self._values[key]
        return False, None

    def remember(
        self,
        impl: Implementation,
        options: Mapping[str, Any],
        y_true: Any,
        y_pred: Any,
        value: Any,
    ) -> None:
        """Record a value computed elsewhere (on these very inputs)."""
        if y_true is self.y_true and y_pred is self.y_pred:
            self._values[self._key(impl, options)] = value
