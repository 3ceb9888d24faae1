"""Which rows go together into one batch: bounded memory, pieces read once."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from crossent.evaluate._sources import Source

__all__ = ["batch_rows", "plan"]


def batch_rows(row_shape: Sequence[int], batch_bytes: int, itemsize: int = 8) -> int:
    """Rows per batch so one batch of predictions (``itemsize`` bytes per element:
    8 for the float64 the core works in) takes ``batch_bytes``; at least one row."""
    row_bytes = itemsize * max(1, math.prod(int(s) for s in row_shape))
    return max(1, batch_bytes // row_bytes)


def plan(
    sources: Sequence[Source | None], rows_per_batch: int
) -> list[tuple[int, int]]:
    """Row ranges ``(start, stop)`` of at most ``rows_per_batch`` rows, in order.

    No batch spans two pieces of a source that cannot be read in parts (an
    ``.npz`` shard, a Parquet row group), so each batch needs at most one such
    piece of each source; the single-machine loop keeps the current piece
    (:class:`~crossent.evaluate._sources.PieceCache`), a Dask task reads it.
    """
    present: list[Any] = [s for s in sources if s is not None]
    n = int(present[0].shape[0])
    whole = [s for s in present if not s.splittable]
    cuts = sorted({c for s in whole for c in s.pieces()} | {0, n})
    return [
        (start, min(start + rows_per_batch, b))
        for a, b in itertools.pairwise(cuts)
        for start in range(a, b, rows_per_batch)
    ]
