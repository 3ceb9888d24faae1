"""The result of :func:`evaluate`: every common aggregate of one set of losses.

Tools disagree on what "perplexity" averages (docs/mistakes.md item 25); the
definitions here are each tool's formula applied to the same per-example losses,
with the upstream file each one was read from:

* token mean: torchmetrics ``Perplexity`` (``torchmetrics/functional/text/
  perplexity.py``, 1.9.0: ``exp(total / count)`` over the tokens not ignored);
* mean of per-sequence perplexities: Hugging Face ``evaluate``'s ``perplexity``
  metric (``metrics/perplexity/perplexity.py``, evaluate 0.4.x:
  ``mean(exp(sum(nll * mask, 1) / sum(mask, 1)))``);
* exp of the mean of per-sequence means: keras-hub ``Perplexity``
  (``keras_hub/src/metrics/perplexity.py``) averages each batch's token mean
  over batches, weighted by the batch's rows, so at one sequence per batch it
  is this number (over a single batch, the token mean);
* per document: lm-evaluation-harness (``lm_eval/api/metrics.py``, 0.4.9):
  ``perplexity`` is ``exp(-mean(loglikelihood))`` over documents (its
  loglikelihood tasks), ``word_perplexity`` and ``byte_perplexity`` are
  ``exp(-sum(loglikelihood) / sum(words or bytes))`` and ``bits_per_byte``
  ``-sum(loglikelihood) / sum(bytes) / ln 2`` (its loglikelihood_rolling
  tasks, with words counted as ``len(re.split(r"\\s+", doc))`` and bytes as
  ``len(doc.encode("utf-8"))``, ``lm_eval/api/task.py``).

A row of the predictions is one sequence (document); a document's
loglikelihood is minus its summed (weighted) loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from crossent.evaluate._totals import Totals

__all__ = ["REPORTED_BY", "Evaluation"]

_LN2 = math.log(2)


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
    ``REPORTED_BY`` names the tool that reports each number.

    Attributes
    ----------
    loss : str
        The loss computed per example, e.g. ``"softmax_cross_entropy_with_integer_labels"``.
    engine : str
        What computed the per-example losses: ``"numba"`` or ``"numpy"`` (the
        fused kernels, within ``4·eps(float32)·(1 + |loss|)`` of the core per
        example for float32 logits) or ``"exact"`` (the float64 core).
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
    bits_per_token : float
        ``weighted_mean / ln 2``.
    sequences : int
        Rows with positive included weight (sequences, documents).
    sequence_mean : float
        Mean over sequences of each sequence's own weighted mean loss.
    sequence_perplexity : float
        ``exp(sequence_mean)``.
    mean_sequence_perplexity : float
        Mean over sequences of ``exp`` of each sequence's mean loss.
    document_mean : float
        ``total / sequences``: the mean summed loss of a document.
    document_perplexity : float
        ``exp(document_mean)``.
    words, bytes : int or None
        Sums of the given ``word_counts`` / ``byte_counts`` (None if not given).
    word_perplexity, byte_perplexity, bits_per_byte : float
        ``exp(total / words)``, ``exp(total / bytes)``, ``total / bytes / ln 2``
        (NaN without the counts).
    """

    loss: str
    totals: Totals = field(repr=False)
    engine: str = "exact"

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
    def bits_per_token(self) -> float:
        return self.weighted_mean / _LN2

    @property
    def sequence_mean(self) -> float:
        return self.totals.sequence_loss.ratio(self.totals.sequences)

    @property
    def sequence_perplexity(self) -> float:
        return _exp(self.sequence_mean)

    @property
    def mean_sequence_perplexity(self) -> float:
        return self.totals.sequence_perplexity.ratio(self.totals.sequences)

    @property
    def document_mean(self) -> float:
        return self.totals.loss.ratio(self.totals.sequences)

    @property
    def document_perplexity(self) -> float:
        return _exp(self.document_mean)

    @property
    def words(self) -> int | None:
        return self.totals.words

    @property
    def bytes(self) -> int | None:
        return self.totals.bytes

    def _per(self, count: int | None) -> float:
        return math.nan if count is None else self.totals.loss.ratio(count)

    @property
    def word_perplexity(self) -> float:
        return _exp(self._per(self.totals.words))

    @property
    def byte_perplexity(self) -> float:
        return _exp(self._per(self.totals.bytes))

    @property
    def bits_per_byte(self) -> float:
        return self._per(self.totals.bytes) / _LN2

    def _fields(self) -> tuple[str, ...]:
        """The fields that have a value (the word/byte ones only with the counts)."""
        skip = set()
        if self.totals.words is None:
            skip |= {"words", "word_perplexity"}
        if self.totals.bytes is None:
            skip |= {"bytes", "byte_perplexity", "bits_per_byte"}
        return tuple(n for n in _FIELDS if n not in skip)

    def to_dict(self) -> dict[str, Any]:
        """Every aggregate as a JSON-friendly dict (word/byte ones with the counts)."""
        return {name: getattr(self, name) for name in self._fields()}

    def _rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for name in self._fields():
            value = getattr(self, name)
            text = value if isinstance(value, str) else _number(value)
            rows.append((name, text, REPORTED_BY.get(name, "")))
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        width = max(len(n) for n, _, _ in rows)
        value_width = max(len(t) for _, t, _ in rows)
        return "\n".join(
            f"{name:<{width}}  {text:<{value_width}}  {tool}".rstrip()
            for name, text, tool in rows
        )

    def __rich__(self) -> Any:
        """A table on a terminal (rich is imported only here)."""
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        table.add_column("", style="bold")
        table.add_column("value", justify="right")
        table.add_column("reported by", style="dim")
        for name, text, tool in self._rows():
            table.add_row(name, text, tool)
        return table


_FIELDS = (
    "loss",
    "engine",
    "rows",
    "count",
    "total",
    "total_weight",
    "mean",
    "weighted_mean",
    "perplexity",
    "bits_per_token",
    "sequences",
    "sequence_mean",
    "sequence_perplexity",
    "mean_sequence_perplexity",
    "document_mean",
    "document_perplexity",
    "words",
    "word_perplexity",
    "bytes",
    "byte_perplexity",
    "bits_per_byte",
)

#: The tool (and metric name) that reports each aggregate; see the module notes.
REPORTED_BY = {
    "mean": "PyTorch/Keras mean loss over tokens",
    "perplexity": "torchmetrics Perplexity; keras-hub Perplexity (one batch)",
    "sequence_perplexity": "keras-hub Perplexity at one sequence per batch",
    "mean_sequence_perplexity": "Hugging Face evaluate 'perplexity' (mean_perplexity)",
    "document_perplexity": "lm-eval-harness 'perplexity' (loglikelihood tasks)",
    "word_perplexity": "lm-eval-harness 'word_perplexity'",
    "byte_perplexity": "lm-eval-harness 'byte_perplexity'",
    "bits_per_byte": "lm-eval-harness 'bits_per_byte'",
}


def _number(x: float | int) -> str:
    return str(x) if isinstance(x, int) else f"{x:.17g}"
