"""Diagnosis rules: what is unusual about the inputs, in numbers (docs/mistakes.md items).

Each rule reads the :class:`~crossent.explain._facts.Facts` of the inputs and
returns the causes it finds. Numbers in the messages are computed here with the
core and the mirrors, never typed in.
"""

from __future__ import annotations

from collections.abc import Callable

from crossent.explain._cause import Cause
from crossent.explain._facts import Facts
from crossent.explain._rulebase import (
    _exact_ce,
    _softmax_ce,
    run_implementation,
)
from crossent.explain._rules_setup import (
    memory_estimate,
    rule_axis,
    rule_class_inference,
    rule_focal,
    rule_ignore_index,
    rule_label_range,
    rule_label_smoothing,
    rule_magnitude,
    rule_memory,
    rule_precision,
    rule_sequence_aggregation,
    rule_swapped,
    rule_weighting,
)
from crossent.explain._rules_values import (
    rule_binary_vs_categorical,
    rule_clipped,
    rule_log_clamped,
    rule_logits_as_probs,
    rule_masked_logits,
    rule_multi_label,
    rule_nan_input,
    rule_overflow,
    rule_probs_as_logits,
    rule_renormalized,
    rule_soft_labels,
)

__all__ = [
    "RULES",
    "_exact_ce",
    "_softmax_ce",
    "diagnose",
    "memory_estimate",
    "run_implementation",
]


RULES: tuple[Callable[[Facts], list[Cause]], ...] = (
    rule_nan_input,
    rule_logits_as_probs,
    rule_probs_as_logits,
    rule_renormalized,
    rule_clipped,
    rule_log_clamped,
    rule_binary_vs_categorical,
    rule_multi_label,
    rule_soft_labels,
    rule_overflow,
    rule_masked_logits,
    rule_precision,
    rule_label_range,
    rule_ignore_index,
    rule_axis,
    rule_swapped,
    rule_weighting,
    rule_label_smoothing,
    rule_class_inference,
    rule_sequence_aggregation,
    rule_focal,
    rule_magnitude,
    rule_memory,
)


def diagnose(f: Facts) -> list[Cause]:
    """Apply every rule to the inputs."""
    causes: list[Cause] = []
    for rule in RULES:
        causes.extend(rule(f))
    return causes
