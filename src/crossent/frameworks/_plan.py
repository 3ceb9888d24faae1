"""Plans: a framework's cross-entropy as an ordered tuple of named steps.

A *plan* is data. Running it plainly gives the loss; running it with an observer
gives a trace; swapping one step for another implementation's step gives the
counterfactual ("what if Keras had not renormalised?") that the explain engine
uses to attribute a gap to steps.

Every step reads and writes a small *state*: a mapping with these entries

``y_true``
    the targets (one-hot, soft, integer class ids or binary labels);
``y_pred``
    the predictions: logits or probabilities, depending on the point in the plan;
``log_p`` / ``log_1mp``
    log-probabilities of the class (and, for binary losses, of its complement);
``terms``
    per-class (or per-element) loss contributions;
``loss``
    per-example loss;
``sample_weight``, ``mask``
    weights and validity masks used by the reduction;
``value``
    the result the framework returns.

Step names come from :data:`STEP_ORDER`, the canonical order shared by every
implementation, so the steps of two plans line up by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

import numpy as np

__all__ = [
    "CAUSE_OF_STEP",
    "STEP_ORDER",
    "Plan",
    "State",
    "Step",
    "StepName",
    "reduced",
]

State = Mapping[str, Any]

StepName = Literal[
    "validate",
    "cast",
    "squeeze",
    "smooth",
    "activation",
    "renormalize",
    "clip",
    "to_logits",
    "log",
    "terms",
    "class_reduce",
    "ignore",
    "weight",
    "reduce",
    "output",
]

#: The canonical order of steps (the order of ``StepName``); every plan follows it.
STEP_ORDER: tuple[StepName, ...] = get_args(StepName)

#: The diagnosis code a gap at each step is reported under.
CAUSE_OF_STEP: Mapping[str, str] = {
    "validate": "label_range",
    "cast": "precision",
    "squeeze": "axis",
    "smooth": "label_smoothing",
    "activation": "logits_as_probs",
    "renormalize": "renormalized",
    "clip": "clipped",
    "to_logits": "overflow",
    "log": "log_clamped",
    "terms": "binary_vs_categorical",
    "class_reduce": "reduction",
    "ignore": "ignore_index",
    "weight": "weighting",
    "reduce": "reduction",
    "output": "precision",
}


@dataclass(frozen=True)
class Step:
    """One named step of a plan.

    Attributes
    ----------
    name : str
        The canonical step name (one of :data:`STEP_ORDER`).
    formula : str
        What the step computes, in the notation of the docs (``p ← p / Σ p``).
    fn : callable
        ``fn(state) -> dict`` returning the entries the step changes.
    source : str
        Where the framework does this (file and function), for the trace.
    describe : callable, optional
        ``describe(before, after) -> str``: a one-line account of what the step
        did to these inputs ("row 1 divided by 1.99"); empty when it did nothing.
    rowwise : bool, default True
        Whether the plan may run in blocks of rows with this step in it (see
        :mod:`crossent.frameworks._rows`): a step before "reduce" treats each
        example on its own; "reduce" and later steps read only what is one number
        (or one loss row) per example. False for a step that looks across rows
        or reads per-class entries after the per-example steps.
    reads : tuple of str, default ()
        For "reduce" and later steps: the per-class entries it reads (``terms``
        for a mean over every element); a blocked run keeps them, joined, beside
        the per-example ones.
    """

    name: StepName
    formula: str
    fn: Callable[[State], dict[str, Any]] = field(repr=False, compare=False)
    source: str = ""
    describe: Callable[[State, State], str] | None = field(
        default=None, repr=False, compare=False
    )
    rowwise: bool = field(default=True, repr=False, compare=False)
    reads: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def apply(self, state: State) -> dict[str, Any]:
        """Run the step on ``state`` and return the new state."""
        with np.errstate(all="ignore"):
            updates = self.fn(state)
        return {**state, **updates}


def reduced(state: State, key: str = "loss") -> Any:
    """What an "output" step returns: ``state[key]``, unless a step before it
    already produced the ``value``.

    A framework's own plan reduces into ``key`` and leaves ``value`` to its output
    step. In an attribution's hybrid, another implementation's "reduce" step
    writes ``value`` directly; the output step then casts that number rather than
    the unreduced per-example loss still under ``key``.
    """
    return state["value"] if "value" in state else state[key]


Observer = Callable[[Step, State, State], None]


@dataclass(frozen=True)
class Plan:
    """An implementation's computation: ordered steps plus what produced them.

    Attributes
    ----------
    implementation : str
        The mirror path (``"keras.losses.CategoricalCrossentropy"``) or
        textbook name (``"textbook.categorical"``).
    steps : tuple of Step
        In :data:`STEP_ORDER`.
    options : mapping
        The options the plan was built with (``from_logits``, ``reduction``...).
    """

    implementation: str
    steps: tuple[Step, ...]
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        positions = [STEP_ORDER.index(s.name) for s in self.steps]
        if positions != sorted(positions) or len(set(positions)) != len(positions):
            names = [s.name for s in self.steps]
            raise ValueError(
                f"Plan {self.implementation!r}: steps must be unique and in the "
                f"canonical order {STEP_ORDER}; got {names}."
            )

    @property
    def names(self) -> tuple[str, ...]:
        """The step names, in order."""
        return tuple(s.name for s in self.steps)

    def step(self, name: str) -> Step | None:
        """The step called ``name``, or None if the plan has no such step."""
        for s in self.steps:
            if s.name == name:
                return s
        return None

    def run(self, state: State, observer: Observer | None = None) -> dict[str, Any]:
        """Run every step on ``state``; ``observer(step, before, after)`` sees each."""
        current = dict(state)
        for s in self.steps:
            after = s.apply(current)
            if observer is not None:
                observer(s, current, after)
            current = after
        return current

    def with_step(self, name: str, step: Step | None) -> Plan:
        """A copy with step ``name`` replaced by ``step`` (None removes it).

        If the plan lacks ``name``, ``step`` is inserted at its canonical place.
        """
        kept = [s for s in self.steps if s.name != name]
        if step is not None:
            kept.append(step)
        kept.sort(key=lambda s: STEP_ORDER.index(s.name))
        return replace(self, steps=tuple(kept))
