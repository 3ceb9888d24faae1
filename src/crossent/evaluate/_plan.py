"""Which rows go together into one batch: bounded memory, pieces read once."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from crossent.evaluate._sources import Source

__all__ = ["batch_rows", "plan"]


def batch_rows(row_shape: Sequence[int], batch_bytes: int) -> int:
    """Rows per batch so one batch of predictions in float64 takes ``batch_bytes``."""
    row_bytes = 8 * max(1, math.prod(int(s) for s in row_shape))
    return max(1, batch_bytes // row_bytes)


def plan(
    sources: Sequence[Source | None], rows_per_batch: int
) -> list[tuple[int, int]]:
    """Row ranges ``(start, stop)`` covering every row once, in order.

    A piece of a source that cannot be read in parts (an ``.npz`` shard, a
    Parquet row group) is one batch, so it is read once; otherwise the rows are
    cut into batches of ``rows_per_batch``, across shard boundaries if need be.
    """
    present: list[Any] = [s for s in sources if s is not None]
    n = int(present[0].shape[0])
    whole = [s for s in present if not s.splittable]
    if whole:
        cuts = sorted({c for s in whole for c in s.pieces()} | {0, n})
        return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return [(a, min(a + rows_per_batch, n)) for a in range(0, n, rows_per_batch)]
