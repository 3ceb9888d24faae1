"""The result of :func:`evaluate`: every common aggregate of one set of losses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from crossent.evaluate._totals import Totals

__all__ = ["Evaluation"]


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


@dataclass(frozen=True)
class Evaluation:
    r"""Cross-entropy aggregates of a whole prediction set, from exact sums.

    Sums are exact and each ratio is rounded once, so the numbers do not depend
    on how the rows were batched, sharded or spread over workers.

    Attributes
    ----------
    loss : str
        The loss computed per example, e.g. ``"softmax_cross_entropy_with_integer_labels"``.
    rows : int
        Rows read (axis 0: examples or sequences).
    count : int
        Entries included: every per-example loss except those whose label is
        ``ignore_index`` (tokens, for language models).
    total : float
        :math:`\sum_i w_i \ell_i` over included entries (``w = 1`` without weights).
    total_weight : float
        :math:`\sum_i w_i` over included entries (``count`` without weights).
    mean : float
        ``total / count``: the token mean (PyTorch ``reduction="mean"`` without
        class weights, Keras ``sum_over_batch_size``).
    weighted_mean : float
        ``total / total_weight`` (equals ``mean`` without weights).
    perplexity : float
        ``exp(weighted_mean)``: the token-level perplexity.
    sequences : int
        Rows with positive included weight.
    sequence_mean : float
        Mean over sequences of each sequence's own weighted mean loss.
    sequence_perplexity : float
        ``exp(sequence_mean)``.
    mean_sequence_perplexity : float
        Mean over sequences of ``exp`` of each sequence's mean loss (torcheval's
        per-sequence average; docs/mistakes.md item 25).
    """

    loss: str
    totals: Totals = field(repr=False)

    @property
    def rows(self) -> int:
        return self.totals.rows

    @property
    def count(self) -> int:
        return self.totals.count

    @property
    def sequences(self) -> int:
        return self.totals.sequences

    @property
    def total(self) -> float:
        return self.totals.loss.value()

    @property
    def total_weight(self) -> float:
        return self.totals.weight.value()

    @property
    def mean(self) -> float:
        return self.totals.loss.ratio(self.totals.count)

    @property
    def weighted_mean(self) -> float:
        return self.totals.loss.ratio(self.totals.weight)

    @property
    def perplexity(self) -> float:
        return _exp(self.weighted_mean)

    @property
    def sequence_mean(self) -> float:
        return self.totals.sequence_loss.ratio(self.totals.sequences)

    @property
    def sequence_perplexity(self) -> float:
        return _exp(self.sequence_mean)

    @property
    def mean_sequence_perplexity(self) -> float:
        return self.totals.sequence_perplexity.ratio(self.totals.sequences)

    def to_dict(self) -> dict[str, Any]:
        """Every aggregate as a JSON-friendly dict."""
        return {name: getattr(self, name) for name in _FIELDS}

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for name in _FIELDS:
            value = getattr(self, name)
            rows.append((name, value if isinstance(value, str) else _number(value)))
        return rows

    def __str__(self) -> str:
        width = max(len(n) for n in _FIELDS)
        return "\n".join(f"{name:<{width}}  {text}" for name, text in self._rows())

    def __rich__(self) -> Any:
        """A two-column table on a terminal (rich is imported only here)."""
        from rich.table import Table

        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column(justify="right")
        for name, text in self._rows():
            table.add_row(name, text)
        return table


_FIELDS = (
    "loss",
    "rows",
    "count",
    "total",
    "total_weight",
    "mean",
    "weighted_mean",
    "perplexity",
    "sequences",
    "sequence_mean",
    "sequence_perplexity",
    "mean_sequence_perplexity",
)


def _number(x: float | int) -> str:
    return str(x) if isinstance(x, int) else f"{x:.17g}"
