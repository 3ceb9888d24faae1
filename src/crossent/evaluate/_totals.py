"""Per-batch statistics of the loss, and their exact, order-free combination.

A batch is a range of rows (sequences, or examples). :func:`batch_totals` runs
the core loss on it, in the batch's own array library and in float64 where that
library offers it, and brings back to NumPy only the per-example losses, which
are then reduced into a :class:`Totals`. Totals add exactly (:class:`ExactSum`),
so any split of the rows into batches, and any order of adding them, gives the
same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from crossent._core import _validation as v
from crossent._core import (
    binary_cross_entropy,
    cross_entropy,
    sigmoid_binary_cross_entropy,
    softmax_cross_entropy,
    softmax_cross_entropy_with_integer_labels,
)
from crossent._core._namespace import index_dtype, namespace, wide_dtype
from crossent.evaluate._exact import ExactSum

__all__ = ["Kind", "LossSpec", "Totals", "batch_totals"]

Kind = Literal["categorical", "binary"]


@dataclass(frozen=True)
class LossSpec:
    """Which loss to take of each batch, fixed once the inputs have been checked."""

    kind: Kind
    from_logits: bool
    axis: int  # the class axis of the predictions, >= 1 (axis 0 holds the rows)
    integer_labels: bool
    ignore_index: int | None
    engine: str = "exact"  # "exact" (the core), or the kernels' "numba"/"numpy"


@dataclass(frozen=True)
class Totals:
    """Sums over a set of rows; ``a + b`` is the totals of both sets, exactly.

    ``loss`` is :math:`\\sum w_i \\ell_i` and ``weight`` :math:`\\sum w_i` over
    the included entries (not ``ignore_index``); ``count`` counts those entries.
    A *sequence* is a row with positive included weight; ``sequence_loss`` sums
    each one's weighted mean loss and ``sequence_perplexity`` its exponential.
    """

    rows: int = 0
    count: int = 0
    loss: ExactSum = field(default_factory=ExactSum)
    weight: ExactSum = field(default_factory=ExactSum)
    sequences: int = 0
    sequence_loss: ExactSum = field(default_factory=ExactSum)
    sequence_perplexity: ExactSum = field(default_factory=ExactSum)
    words: int | None = None  # given word counts of the rows (documents), summed
    bytes: int | None = None  # given UTF-8 byte counts of the rows, summed

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.rows + other.rows,
            self.count + other.count,
            self.loss + other.loss,
            self.weight + other.weight,
            self.sequences + other.sequences,
            self.sequence_loss + other.sequence_loss,
            self.sequence_perplexity + other.sequence_perplexity,
            _add_counts(self.words, other.words),
            _add_counts(self.bytes, other.bytes),
        )


def _add_counts(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def row_counts(values: Any, arg: str) -> int | None:
    """The sum of one batch of per-row counts (words, bytes) as an exact int."""
    if values is None:
        return None
    x = np.asarray(_to_numpy(values))
    if not v.is_integer_dtype(x.dtype):
        raise TypeError(
            f"evaluate: `{arg}` must be integer counts; got dtype {x.dtype}."
        )
    if x.size and int(x.min()) < 0:
        raise ValueError(f"evaluate: `{arg}` must be counts >= 0; got {int(x.min())}.")
    return int(x.astype(np.int64).sum(dtype=np.int64)) if x.size else 0


def _to_numpy(x: Any) -> np.ndarray:
    """A small array of any library (per-example values) as NumPy, on the host."""
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x)
    except (TypeError, RuntimeError):  # a GPU array: copy it to the host first
        from array_api_compat import to_device

        return np.asarray(to_device(x, "cpu"))


def example_losses(pred: Any, labels: Any, spec: LossSpec) -> tuple[Any, Any]:
    """Per-example losses of one batch and the mask of included entries (or None).

    The core runs in the predictions' library; predictions are first widened to
    float64 where that library supports it, so the losses are not rounded back
    to a narrower input dtype before they are summed.
    """
    xp = namespace(pred, labels)
    fn = "evaluate"
    v.check_floating(fn, "predictions", pred)
    z = xp.astype(pred, wide_dtype(xp, pred))
    included = None
    if spec.ignore_index is not None:
        included = labels != spec.ignore_index
    if spec.kind == "binary":
        y = labels
        if included is not None:
            y = xp.where(included, labels, xp.zeros_like(labels))
        if spec.from_logits:
            return sigmoid_binary_cross_entropy(z, y), included
        return binary_cross_entropy(z, y), included
    if not spec.integer_labels:
        if spec.from_logits:
            return softmax_cross_entropy(z, labels, axis=spec.axis), None
        return cross_entropy(z, labels, axis=spec.axis), None
    if spec.from_logits:
        loss = softmax_cross_entropy_with_integer_labels(
            z, labels, axis=spec.axis, ignore_index=spec.ignore_index
        )
        return loss, included
    # Probabilities with class indices: the cross-entropy against one-hot rows.
    num_classes = int(z.shape[spec.axis])
    v.check_integer_labels(fn, labels, num_classes, xp, ignore_index=spec.ignore_index)
    safe = labels if included is None else xp.where(included, labels, 0 * labels)
    shape = [1] * z.ndim
    shape[spec.axis] = num_classes
    classes = xp.reshape(xp.arange(num_classes, dtype=index_dtype(xp)), tuple(shape))
    one_hot = xp.astype(
        xp.expand_dims(xp.astype(safe, index_dtype(xp)), axis=spec.axis) == classes,
        z.dtype,
    )
    return cross_entropy(z, one_hot, axis=spec.axis), included


def batch_totals(
    pred: Any,
    labels: Any,
    weights: Any,
    spec: LossSpec,
    counts: tuple[Any, Any] = (None, None),
) -> Totals:
    """The :class:`Totals` of one batch of rows (``counts``: its words and bytes)."""
    if spec.engine == "exact":
        loss_x, included_x = example_losses(pred, labels, spec)
    else:
        from crossent.evaluate._engine import fast_example_losses

        loss_x, included_x = fast_example_losses(
            pred,
            labels,
            kind=spec.kind,
            axis=spec.axis,
            integer_labels=spec.integer_labels,
            ignore_index=spec.ignore_index,
            backend=spec.engine,
        )
    loss = np.asarray(_to_numpy(loss_x), dtype=np.float64)
    included = (
        np.ones(loss.shape, dtype=bool)
        if included_x is None
        else np.asarray(_to_numpy(included_x), dtype=bool)
    )
    if weights is None:
        w = included.astype(np.float64)
    else:
        w = np.asarray(_to_numpy(weights), dtype=np.float64)
        if w.shape != loss.shape:
            raise ValueError(
                f"evaluate: `weights` must have the shape of the per-example loss "
                f"{loss.shape[1:]} per row; got {w.shape[1:]}."
            )
        w = np.where(included, w, 0.0)
    # A zero weight removes the entry, even an infinite loss (no 0 * inf = NaN).
    with np.errstate(invalid="ignore"):
        wl = np.where(w == 0, 0.0, w * loss)
    rows = loss.shape[0]
    if loss.ndim == 1:  # one loss per row: each example is its own sequence
        row_loss, row_weight = wl, w
    else:
        axes = tuple(range(1, loss.ndim))
        row_loss, row_weight = wl.sum(axis=axes), w.sum(axis=axes)
    is_sequence = row_weight > 0
    with np.errstate(invalid="ignore", over="ignore"):
        sequence_mean = row_loss[is_sequence] / row_weight[is_sequence]
        sequence_ppl = np.exp(sequence_mean)
    return Totals(
        rows=rows,
        count=int(np.count_nonzero(included)),
        loss=ExactSum.of(wl),
        # Without weights, w is 0/1 and the row sums are exact counts: fewer values.
        weight=ExactSum.of(row_weight if weights is None else w),
        sequences=int(np.count_nonzero(is_sequence)),
        sequence_loss=ExactSum.of(sequence_mean),
        sequence_perplexity=ExactSum.of(sequence_ppl),
        words=row_counts(counts[0], "word_counts"),
        bytes=row_counts(counts[1], "byte_counts"),
    )
