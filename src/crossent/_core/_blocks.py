"""Row blocks: run a row-local computation on large NumPy inputs a block at a time.

The core's formulas take a dozen passes over their inputs in float64. On a large
input each pass makes an input-sized temporary (80 MB for 10 million values):
freshly mapped memory that the kernel must zero, and that no cache holds. Every
one of those formulas is row-local: each output row depends only on the same row
of the inputs (a max, a sum or a log-sum-exp along the class axis, elementwise
work otherwise). So the same computation on blocks of whole rows, written into
one output, gives the same numbers bit for bit, with temporaries a block in size
that stay in cache and are reused. (Only the sign of a NaN may differ: NumPy's
SIMD and scalar loops, a block's tail running the latter, make NaNs of either
sign from the same ``inf − inf``.)

Only NumPy arrays are blocked (other libraries fuse or schedule on their own), and
only when the class axis is the last one and every array is C-contiguous, so a
block is a plain slice and each row is reduced exactly as in the whole array.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from array_api_compat import is_numpy_namespace

__all__ = ["BLOCK_ELEMENTS", "by_rows", "elementwise_blocks"]

#: Elements per block (about 0.5 MB of float64 per temporary, cache sized); inputs
#: smaller than four blocks are computed whole.
BLOCK_ELEMENTS = 1 << 16


def by_rows(
    compute: Callable[..., Any],
    rowwise: tuple[Any, ...],
    *,
    classes: int,
    out_shape: tuple[int, ...],
    out_dtype: Any,
    per_class: bool = False,
) -> Any:
    """``compute(*rowwise)``, on blocks of rows when that pays.

    Parameters
    ----------
    compute : callable
        A row-local computation over the arrays of ``rowwise``.
    rowwise : tuple of arrays or None
        Arrays whose leading dimensions are the rows: shape ``rows + (classes,)``
        (predictions, dense labels, masks) or ``rows`` (integer labels). None
        entries are passed through.
    classes : int
        The size of the last (class) axis.
    out_shape, out_dtype
        The result of the whole computation: shape ``rows`` (a loss per row), or
        ``rows + (classes,)`` with ``per_class``.
    """
    arrays = [a for a in rowwise if a is not None]
    size = max((int(np.prod(a.shape)) for a in arrays), default=0)
    rows = out_shape if not per_class else out_shape[:-1]
    n = int(np.prod(rows)) if rows else 1
    if (
        size < 4 * BLOCK_ELEMENTS
        or not rows
        or not all(isinstance(a, np.ndarray) and a.flags.c_contiguous for a in arrays)
        or not all(a.shape in (rows, (*rows, classes)) for a in arrays)
    ):
        return compute(*rowwise)
    step = max(1, BLOCK_ELEMENTS // max(classes, 1))
    flat = [
        None if a is None else a.reshape((n, *a.shape[len(rows) :])) for a in rowwise
    ]
    out = np.empty((n, classes) if per_class else (n,), dtype=out_dtype)
    for start in range(0, n, step):
        block = [None if a is None else a[start : start + step] for a in flat]
        out[start : start + step] = compute(*block)
    return out.reshape(out_shape)


def elementwise_blocks(
    compute: Callable[[Any, Any, Any], Any], x: Any, y: Any, w: Any, *, xp: Any
) -> Any:
    """``compute(x, y, w)`` for an elementwise loss, on blocks of rows when that pays.

    ``x`` and ``y`` have one shape; ``w`` (a weight, or None) is split with them when
    it has that shape too, and passed whole to every block when it broadcasts along
    the last axis alone (a scalar or one weight per class).
    """
    if not isinstance(x, np.ndarray) or x.ndim < 2 or not is_numpy_namespace(xp):
        return compute(x, y, w)
    shape = tuple(x.shape)
    if w is None or getattr(w, "shape", None) == shape:
        return by_rows(
            compute,
            (x, y, w),
            classes=shape[-1],
            out_shape=shape,
            out_dtype=x.dtype,
            per_class=True,
        )
    if np.ndim(w) <= 1 and _broadcasts_to(np.shape(w), shape):
        return by_rows(
            lambda a, b: compute(a, b, w),
            (x, y),
            classes=shape[-1],
            out_shape=shape,
            out_dtype=x.dtype,
            per_class=True,
        )
    return compute(x, y, w)


def _broadcasts_to(small: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """Whether ``small`` broadcasts to ``shape`` (else the whole computation raises
    the error, with the shapes the caller gave)."""
    try:
        return np.broadcast_shapes(small, shape) == shape
    except ValueError:
        return False
