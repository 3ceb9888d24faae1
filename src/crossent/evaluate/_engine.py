"""The fast engine: per-example losses of one batch from the fused kernels.

:func:`fast_example_losses` is the counterpart of the core's
:func:`~crossent.evaluate._totals.example_losses`: the same per-example losses,
computed by :mod:`crossent.fast`'s row kernels (numba, or the row-blocked NumPy
path) in the input's precision (float32 for float32/float16/bfloat16 logits)
with a float64 result, within the kernels' bound of
``4·eps(compute dtype)·(1 + |loss|)`` per example (``docs/performance.md``).

Each example's loss depends only on its own row of logits and the backend, never
on the other rows of its batch, so the per-example losses, and the exact sums
made of them, are the same for every batch size, shard layout and number of
workers. The backend is therefore chosen once per evaluation
(:func:`resolve_engine`), never per batch.

:class:`Pages` hands the pages of a memory-mapped batch back to the OS once the
batch is done (they stay in the page cache), so reading a file larger than
memory grows the process by about one batch, not by the file.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from crossent._core import _validation as v
from crossent.fast import _dispatch

__all__ = [
    "Engine",
    "Pages",
    "fast_example_losses",
    "release_pages",
    "resolve_engine",
    "row_blocks",
]

Engine = Literal["fast", "exact", "numba", "numpy"]

_FN = "evaluate"


def resolve_engine(
    engine: object, *, from_logits: bool, host_numpy: bool, size: int
) -> str:
    """``"numba"``, ``"numpy"`` (the fused kernels) or ``"exact"`` (the core).

    ``"fast"`` takes the kernels where they apply (logits in host memory that
    NumPy can read) and the core otherwise; the backend follows
    :func:`crossent.fast._dispatch.select_backend` for the whole prediction set
    (``size`` logits), so every batch runs the same code.
    """
    v.check_choice(_FN, "engine", engine, get_args(Engine))
    if engine == "exact":
        return "exact"
    applies = from_logits and host_numpy
    if engine == "fast":
        if not applies:
            return "exact"
        return _dispatch.select_backend(_FN, "auto", size)
    if not from_logits:
        raise ValueError(
            f"{_FN}: `engine` {engine!r} computes from logits; got "
            f"from_logits=False. Use engine='fast' or 'exact' for probabilities."
        )
    return _dispatch.select_backend(_FN, str(engine), size)


def _host(x: Any, arg: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    from crossent.fast._api import _check_host

    _check_host(_FN, arg, x)
    return np.asarray(x)


def fast_example_losses(
    pred: Any,
    labels: Any,
    *,
    kind: str,
    axis: int,
    integer_labels: bool,
    ignore_index: int | None,
    backend: str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None]:
    """Per-example losses (float64, the loss shape) and the included mask (or None)."""
    x = _host(pred, "predictions")
    y = _host(labels, "labels")
    v.check_floating(_FN, "predictions", x)
    included = None if ignore_index is None else y != ignore_index
    if kind == "binary":
        return _binary(x, y, included, backend), included
    x = np.moveaxis(x, axis, -1)
    n_classes = x.shape[-1]
    loss_shape = x.shape[:-1]
    x2 = x.reshape(-1, n_classes)
    if integer_labels:
        v.check_integer_labels(_FN, y, n_classes, np, ignore_index=ignore_index)
        y64 = np.ascontiguousarray(y.reshape(-1), dtype=np.int64)
        loss = _dispatch.ce_int_rows(
            x2,
            y64,
            weight=None,
            ignore_index=ignore_index,
            label_smoothing=0.0,
            mode=0,
            scale=1.0,
            g2=None,
            backend=backend,
        )
        if included is not None:
            loss[~included.reshape(-1)] = 0.0
    else:
        t = _real(y)
        t2 = np.moveaxis(t, axis, -1).reshape(-1, n_classes)
        loss = _dispatch.ce_soft_rows(
            x2, t2, mode=0, scale=1.0, g2=None, backend=backend
        )
    return loss.reshape(loss_shape), included


def _real(y: np.ndarray) -> np.ndarray:
    if y.dtype.kind not in "biuf" and not v.is_floating_dtype(y.dtype):
        raise TypeError(f"{_FN}: `labels` must be real numbers; got {v.describe(y)}.")
    return y


def _binary(
    x: np.ndarray, y: np.ndarray, included: np.ndarray | None, backend: str
) -> npt.NDArray[np.float64]:
    """Elementwise sigmoid BCE with logits; ignored entries get label 0 (loss dropped)."""
    y = _real(y)
    if included is not None:
        y = np.where(included, y, 0)
    shape = x.shape
    x2 = x.reshape(-1, shape[-1]) if x.ndim > 1 else x.reshape(-1, 1)
    y2 = y.reshape(x2.shape)
    elem = np.empty(x2.shape, dtype=_dispatch.compute_dtype(x.dtype))
    _dispatch.bce_rows(
        x2, y2, pos_weight=None, mode=0, scale=1.0, g2=None, elem=elem, backend=backend
    )
    return elem.astype(np.float64).reshape(shape)


# ------------------------------------------------------------------------ pages


def _mapping(x: Any) -> tuple[mmap.mmap, str] | None:
    """The ``mmap`` under a memory-mapped array (or a view of one) and its mode."""
    obj = x
    while obj is not None:
        mm = getattr(obj, "_mmap", None)
        if isinstance(mm, mmap.mmap):
            return mm, str(getattr(obj, "mode", ""))
        obj = getattr(obj, "base", None)
    return None


class Pages:
    """Release (and prefetch) the pages of one memory map, batch by batch.

    Only for maps nothing has written to: read-only ones, or a copy-on-write map
    opened by crossent itself (``ours``); dropping a written private page would
    lose the write. Anything else (an ordinary array) is left alone.
    """

    def __init__(self, x: Any, *, ours: bool = False) -> None:
        self.mm: mmap.mmap | None = None
        self.base = 0
        self.size = 0
        found = _mapping(x)
        if found is None or not hasattr(found[0], "madvise"):
            return
        mm, mode = found
        if mode in ("r", "readonly") or (ours and mode in ("c", "copyonwrite")):
            view = np.frombuffer(mm, dtype=np.uint8)
            self.base = int(view.ctypes.data)
            self.size = int(view.size)
            del view
            self.mm = mm

    def _advise(self, option: int, block: np.ndarray, last: bool) -> None:
        if self.mm is None or block.size == 0:
            return
        page = mmap.PAGESIZE
        start = int(block.ctypes.data) - self.base
        if not 0 <= start < self.size:
            return
        end = start + block.nbytes
        lo = start // page * page
        # A page shared with the next block is kept until that block is done.
        hi = min(self.size if last else end // page * page, self.size)
        if hi > lo:
            self.mm.madvise(option, lo, hi - lo)

    def done(self, block: np.ndarray, *, last: bool = False) -> None:
        """Drop the resident pages of a processed block (they stay in the page cache)."""
        self._advise(mmap.MADV_DONTNEED, block, last)

    def next(self, block: np.ndarray) -> None:
        """Ask the kernel to read ``block`` ahead."""
        self._advise(mmap.MADV_WILLNEED, block, True)


def release_pages(x: Any, *, ours: bool = False) -> None:
    """Hand the pages of a finished memory-mapped batch back (see :class:`Pages`)."""
    if isinstance(x, np.ndarray):
        Pages(x, ours=ours).done(x, last=True)


def row_blocks(
    x2: np.ndarray, rows_per_block: int, *, ours: bool = False
) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(lo, hi, x2[lo:hi])`` in order; memory-mapped pages are read ahead one block
    early and released once the caller has moved on."""
    pages = Pages(x2, ours=ours)
    n = x2.shape[0]
    for lo in range(0, n, rows_per_block):
        hi = min(lo + rows_per_block, n)
        if hi < n:
            pages.next(x2[hi : min(hi + rows_per_block, n)])
        block = x2[lo:hi]
        yield lo, hi, block
        pages.done(block, last=hi == n)
