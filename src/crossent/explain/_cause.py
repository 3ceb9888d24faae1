"""Causes: one reason two cross-entropy numbers differ, with numbers and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from crossent.explain._render import dict_of

__all__ = ["CAUSE_CODES", "Cause", "CauseCode"]

CauseCode = Literal[
    "renormalized",
    "clipped",
    "log_clamped",
    "logits_as_probs",
    "probs_as_logits",
    "binary_vs_categorical",
    "reduction",
    "weighting",
    "label_smoothing",
    "ignore_index",
    "overflow",
    "precision",
    "label_range",
    "soft_labels",
    "axis",
    # Beyond the list, for docs/mistakes.md items 14, 19, 22, 23, 26, 27, 28, 16.
    "multi_label",
    "broadcast",
    "class_inference",
    "masked_logits",
    "focal",
    "swapped_arguments",
    "magnitude",
    "memory",
    # NaN in y_pred or y_true (docs/mistakes.md item 8: "my loss is NaN").
    "nan_input",
    # Issue #12: mistakes the search over hypotheses finds.
    "logits_as_log_probs",
    "batch_mean",
    "log_base",
    "fit_vs_call",
]

#: Every cause code, in the order explanations list them when contributions tie.
CAUSE_CODES: tuple[str, ...] = CauseCode.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Cause:
    """One cause found, with the numbers behind it.

    Attributes
    ----------
    code : str
        A stable identifier from :data:`CAUSE_CODES` (never renamed).
    title : str
        A short headline.
    message : str
        One paragraph, with the actual numbers.
    fix : str
        What to do about it.
    elements : tuple of tuple of int
        Indices of the elements involved (rows, or (row, class) pairs).
    contribution : float or None
        The part of the gap between the two numbers this cause accounts for,
        when a comparison was made.
    """

    code: str
    title: str
    message: str
    fix: str
    elements: tuple[tuple[int, ...], ...] = ()
    contribution: float | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_details(self, **details: Any) -> Cause:
        """A copy with these entries added to ``details``."""
        return replace(self, details={**self.details, **details})

    def with_contribution(self, value: float | None) -> Cause:
        """A copy with ``contribution`` set."""
        return replace(self, contribution=value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return dict_of(
            {
                "code": self.code,
                "title": self.title,
                "message": self.message,
                "fix": self.fix,
                "elements": [list(e) for e in self.elements],
                "contribution": self.contribution,
                "details": self.details,
            }
        )
