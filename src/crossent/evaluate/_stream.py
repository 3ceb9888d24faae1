"""Streaming on one machine: read a batch, reduce it, add it to the totals."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from crossent.evaluate._engine import release_pages
from crossent.evaluate._sources import PieceCache, Source, Window
from crossent.evaluate._totals import LossSpec, Totals, batch_totals

__all__ = [
    "Progress",
    "numba_threads",
    "run_local",
    "totals_in_context",
    "window_totals",
]

Progress = Callable[[int, int], None]


@contextmanager
def numba_threads(spec: LossSpec, threads: int | None) -> Iterator[None]:
    """Run numba's parallel loops on ``threads`` threads inside the block.

    ``numba.set_num_threads`` applies to the calling thread only, so a Dask
    worker's task thread can be held to its share of the CPUs without touching
    anything else. Nothing happens for the other engines or ``threads=None``.
    """
    if threads is None or spec.engine != "numba":
        yield
        return
    import numba

    before = numba.get_num_threads()
    most = int(getattr(numba.config, "NUMBA_NUM_THREADS", threads))
    numba.set_num_threads(max(1, min(threads, most)))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def window_totals(
    pred: Window,
    labels: Window,
    weights: Window | None,
    spec: LossSpec,
    counts: tuple[Window | None, Window | None] = (None, None),
    threads: int | None = None,
) -> Totals:
    """Read one batch and reduce it: the task a Dask worker runs (all picklable).

    The pages of memory-mapped predictions are handed back once the batch is
    reduced (they stay in the page cache).
    """
    w = None if weights is None else weights.read()
    c = (
        None if counts[0] is None else counts[0].read(),
        None if counts[1] is None else counts[1].read(),
    )
    rows = pred.read()
    try:
        with numba_threads(spec, threads):
            return totals_in_context(pred.describe(), rows, labels.read(), w, spec, c)
    finally:
        release_pages(rows, ours=pred.ours)


def totals_in_context(
    rows: str,
    pred: Any,
    labels: Any,
    weights: Any,
    spec: LossSpec,
    counts: tuple[Any, Any] = (None, None),
) -> Totals:
    """:func:`batch_totals`, with errors that say which rows of which input."""
    try:
        return batch_totals(pred, labels, weights, spec, (counts[0], counts[1]))
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
    counts: tuple[Source | None, Source | None] = (None, None),
) -> Totals:
    """The totals of ``ranges``, one batch in memory at a time."""
    pred, labels = _cached(pred), _cached(labels)
    weights = None if weights is None else _cached(weights)
    extra = [None if s is None else _cached(s) for s in counts]
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
            (
                None if extra[0] is None else extra[0].window(start, stop),
                None if extra[1] is None else extra[1].window(start, stop),
            ),
        )
        done += stop - start
        if progress is not None:
            progress(done, total_rows)
    return totals


def _cached(source: Source) -> Source:
    return source if source.splittable else PieceCache(source)
