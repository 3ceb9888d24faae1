"""Evaluation on Dask: batches as tasks on a ``dask.distributed`` cluster, or
the blocks of Dask arrays.

Each task reads its own rows (file sources travel as paths and offsets) and
returns a small :class:`Totals`; the client adds them as they arrive. Totals add
exactly, so neither the order in which tasks finish nor a task recomputed after
its worker died changes the result. A task that keeps killing its workers fails
the evaluation with an error: a partial sum is never returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from crossent.evaluate._sources import ArraySource, Source, _optional
from crossent.evaluate._stream import Progress, totals_in_context, window_totals
from crossent.evaluate._totals import LossSpec, Totals

__all__ = ["run_dask_arrays", "run_on_client"]


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


def run_on_client(
    client: Any,
    pred: Source,
    labels: Source,
    weights: Source | None,
    spec: LossSpec,
    ranges: Sequence[tuple[int, int]],
    progress: Progress | None,
) -> Totals:
    """The totals of ``ranges``, one task per batch, on ``client``'s cluster."""
    windows = []
    for source in (pred, labels, weights):
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
    futures = client.map(window_totals, *windows, spec=spec, key=keys, pure=False)
    return _gather(client, futures, [b - a for a, b in ranges], progress)


def _block_totals(
    pred: Any, labels: Any, weights: Any, spec: LossSpec, start: int, name: str
) -> Totals:
    rows = f"rows {start}:{start + len(pred)} of {name}"
    return totals_in_context(rows, pred, labels, weights, spec)


def run_dask_arrays(
    pred: Any,
    labels: Any,
    weights: Any,
    spec: LossSpec,
    client: Any,
    progress: Progress | None,
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
    if weights is not None:
        blocks.append(rows_only(weights, row_chunks).to_delayed().ravel().tolist())
    else:
        blocks.append([None] * len(row_chunks))
    starts = [sum(row_chunks[:i]) for i in range(len(row_chunks))]
    parts = [
        dask.delayed(_block_totals, pure=True)(p, lab, w, spec, s, "`predictions`")
        for p, lab, w, s in zip(*blocks, starts)
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
