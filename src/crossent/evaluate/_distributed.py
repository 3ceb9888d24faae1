"""Evaluation on Dask: batches as tasks on a ``dask.distributed`` cluster, or
the blocks of Dask arrays.

Each task reads its own rows (file sources travel as paths and offsets) and
returns a small :class:`Totals`; the client adds them as they arrive. Totals add
exactly, so neither the order in which tasks finish nor a task recomputed after
its worker died changes the result. A task that keeps killing its workers fails
the evaluation with an error: a partial sum is never returned.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from crossent.evaluate._sources import ArraySource, Source, _optional
from crossent.evaluate._stream import (
    Progress,
    numba_threads,
    totals_in_context,
    window_totals,
)
from crossent.evaluate._totals import LossSpec, Totals

__all__ = ["quiet_dask_logging", "run_dask_arrays", "run_on_client"]

_REMOVED = re.compile(r"^Removing worker '([^']+)' caused the cluster to lose")


class _LostWorkers(logging.Handler):
    """Dask's log records in, one line per lost worker out; the rest dropped.

    A worker's death is logged by its nanny ("Restarting worker") and, when it
    held finished tasks, by the scheduler just before ("Removing worker 'ADDR'
    caused the cluster to lose ...", with every lost task's key: kilobytes).
    """

    def __init__(self, emit: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._emit = emit
        self._address: str | None = None
        self.lost = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record that does not format: not ours to report
            return
        removed = _REMOVED.match(message)
        if removed:
            if self._address is not None:  # a second removal before a restart
                self._report(self._address)
            self._address = removed.group(1)
        elif record.name == "distributed.nanny" and message.startswith(
            "Restarting worker"
        ):
            self._report(self._address)

    def _report(self, address: str | None) -> None:
        self.lost += 1
        self._address = None
        which = f"Dask worker {address}" if address else "a Dask worker"
        self._emit(
            f"lost {which} (its process died); its tasks are recomputed on the "
            f"others, so the result is unaffected"
        )

    def flush_pending(self) -> None:
        if self._address is not None:
            self._report(self._address)


@contextmanager
def quiet_dask_logging(
    *, debug: bool = False, emit: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Dask's logging cut to one line per lost worker (all of it with ``debug``).

    In this process the ``distributed`` logger's handlers are swapped for one
    that reports each lost worker through ``emit`` (a line on standard error by
    default); worker processes started inside the block inherit
    ``DASK_LOGGING__DISTRIBUTED=critical``, so their warnings are not printed
    either. Everything is restored on exit.
    """
    if debug:
        yield
        return
    if emit is None:

        def emit(line: str) -> None:
            print(f"crossent evaluate: warning: {line}", file=sys.stderr, flush=True)

    logger = logging.getLogger("distributed")
    handler = _LostWorkers(emit)
    saved = (logger.handlers[:], logger.level, logger.propagate)
    env_key = "DASK_LOGGING__DISTRIBUTED"
    saved_env = os.environ.get(env_key)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    os.environ[env_key] = "critical"
    try:
        yield
    finally:
        handler.flush_pending()
        logger.handlers[:], level, logger.propagate = saved
        logger.setLevel(level)
        if saved_env is None:
            os.environ.pop(env_key, None)
        else:
            os.environ[env_key] = saved_env


def _gather(
    client: Any, futures: list[Any], rows: list[int], progress: Progress | None
) -> Totals:
    """Add the task results as they finish; on any failure cancel the rest."""
    distributed = _optional("distributed", "evaluating on a Dask cluster")
    total_rows = sum(rows)
    rows_of = {f.key: r for f, r in zip(futures, rows)}
    totals = Totals()
    done = 0
    if progress is not None:
        progress(0, total_rows)
    try:
        for future, result in distributed.as_completed(futures, with_results=True):
            totals += result
            done += rows_of[future.key]
            if progress is not None:
                progress(done, total_rows)
    except distributed.KilledWorker as err:
        raise RuntimeError(
            f"evaluate: Dask workers died while running {err.task!r} and the "
            f"scheduler gave up on it (distributed.scheduler.allowed-failures); "
            f"no result is returned, since a sum without those rows would be "
            f"wrong. Give workers more memory or use a smaller `batch_bytes`."
        ) from err
    finally:
        client.cancel([f for f in futures if not f.done()])
    return totals


def _task(
    pred: Any, labels: Any, weights: Any, words: Any, nbytes: Any, spec: LossSpec
) -> Totals:
    # One numba thread per task: Dask runs the tasks in parallel already.
    return window_totals(pred, labels, weights, spec, (words, nbytes), threads=1)


def run_on_client(
    client: Any,
    pred: Source,
    labels: Source,
    weights: Source | None,
    spec: LossSpec,
    ranges: Sequence[tuple[int, int]],
    progress: Progress | None,
    counts: tuple[Source | None, Source | None] = (None, None),
) -> Totals:
    """The totals of ``ranges``, one task per batch, on ``client``'s cluster.

    Each task reads its own rows: file sources travel as paths and offsets.
    """
    windows = []
    for source in (pred, labels, weights, *counts):
        if source is None:
            windows.append([None] * len(ranges))
            continue
        ws: list[Any] = [source.window(a, b) for a, b in ranges]
        if isinstance(source, ArraySource):
            # In-memory rows are data: send them once, not inside the task graph.
            ws = client.scatter(ws)
        windows.append(ws)
    token = uuid.uuid4().hex[:12]
    keys = [f"crossent-evaluate-{token}-{i}" for i in range(len(ranges))]
    futures = client.map(_task, *windows, spec=spec, key=keys, pure=False)
    return _gather(client, futures, [b - a for a, b in ranges], progress)


def _block_totals(
    pred: Any,
    labels: Any,
    weights: Any,
    words: Any,
    nbytes: Any,
    spec: LossSpec,
    start: int,
    name: str,
) -> Totals:
    rows = f"rows {start}:{start + len(pred)} of {name}"
    with numba_threads(spec, 1):
        return totals_in_context(rows, pred, labels, weights, spec, (words, nbytes))


def run_dask_arrays(
    pred: Any,
    labels: Any,
    weights: Any,
    spec: LossSpec,
    client: Any,
    progress: Progress | None,
    counts: tuple[Any, Any] = (None, None),
) -> Totals:
    """The totals of Dask arrays: one task per block of rows, all axes but 0 whole."""
    dask = _optional("dask", "evaluating Dask arrays")
    da = _optional("dask.array", "evaluating Dask arrays")

    def rows_only(x: Any, row_chunks: Any) -> Any:
        x = x if isinstance(x, da.Array) else da.asarray(x)
        return x.rechunk((row_chunks, *((-1,) * (x.ndim - 1))))

    pred = pred.rechunk((pred.chunks[0], *((-1,) * (pred.ndim - 1))))
    row_chunks = pred.chunks[0]
    labels = rows_only(labels, row_chunks)
    blocks = [b.ravel().tolist() for b in (pred.to_delayed(), labels.to_delayed())]
    for extra in (weights, *counts):
        if extra is not None:
            blocks.append(rows_only(extra, row_chunks).to_delayed().ravel().tolist())
        else:
            blocks.append([None] * len(row_chunks))
    starts = [sum(row_chunks[:i]) for i in range(len(row_chunks))]
    parts = [
        dask.delayed(_block_totals, pure=True)(
            p, lab, w, words, nbytes, spec, s, "`predictions`"
        )
        for p, lab, w, words, nbytes, s in zip(*blocks, starts)
    ]
    if client is None:
        totals = Totals()
        for part in dask.compute(*parts):
            totals += part
        if progress is not None:
            progress(int(pred.shape[0]), int(pred.shape[0]))
        return totals
    futures = client.compute(parts)
    return _gather(client, futures, list(row_chunks), progress)
