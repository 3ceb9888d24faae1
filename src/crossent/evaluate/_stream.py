"""Streaming on one machine: read a batch, reduce it, add it to the totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from crossent.evaluate._sources import PieceCache, Source, Window
from crossent.evaluate._totals import LossSpec, Totals, batch_totals

__all__ = ["Progress", "run_local", "totals_in_context", "window_totals"]

Progress = Callable[[int, int], None]


def window_totals(
    pred: Window, labels: Window, weights: Window | None, spec: LossSpec
) -> Totals:
    """Read one batch and reduce it: the task a Dask worker runs (all picklable)."""
    w = None if weights is None else weights.read()
    return totals_in_context(pred.describe(), pred.read(), labels.read(), w, spec)


def totals_in_context(
    rows: str, pred: Any, labels: Any, weights: Any, spec: LossSpec
) -> Totals:
    """:func:`batch_totals`, with errors that say which rows of which input."""
    try:
        return batch_totals(pred, labels, weights, spec)
    except (ValueError, TypeError) as err:
        message = str(err).removeprefix("evaluate: ")
        raise type(err)(f"evaluate: {rows}: {message}") from err


def run_local(
    pred: Source,
    labels: Source,
    weights: Source | None,
    spec: LossSpec,
    ranges: Sequence[tuple[int, int]],
    progress: Progress | None,
) -> Totals:
    """The totals of ``ranges``, one batch in memory at a time."""
    pred, labels = _cached(pred), _cached(labels)
    weights = None if weights is None else _cached(weights)
    totals = Totals()
    total_rows = int(pred.shape[0])
    done = 0
    if progress is not None:
        progress(0, total_rows)
    for start, stop in ranges:
        totals += window_totals(
            pred.window(start, stop),
            labels.window(start, stop),
            None if weights is None else weights.window(start, stop),
            spec,
        )
        done += stop - start
        if progress is not None:
            progress(done, total_rows)
    return totals


def _cached(source: Source) -> Source:
    return source if source.splittable else PieceCache(source)
