"""Cross-entropy over logits that do not fit in memory: a ``.npy`` file, row blocks.

A thin call into the engine of :mod:`crossent.evaluate`: its row blocks
(:func:`crossent.evaluate._engine.row_blocks`) read the memory-mapped file a
block at a time, announce the next block to the kernel (``MADV_WILLNEED``) and
release each finished block's pages from the process (``MADV_DONTNEED``; they
stay in the page cache), so the resident memory grows by about one block, not
by the file; each block goes through the same fused row kernels. For whole
prediction sets with exact totals and every perplexity, use
:func:`crossent.evaluate.evaluate`.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from crossent.fast import _api, _dispatch
from crossent.fast._api import FastReduction
from crossent.fast._dispatch import Backend

__all__ = ["chunked_softmax_cross_entropy_with_integer_labels"]

#: Default bytes of logits per block.
DEFAULT_BLOCK_BYTES = 32 << 20


def _positive_int(fn: str, arg: str, value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value <= 0
    ):
        raise ValueError(f"{fn}: `{arg}` must be a positive int; got {value!r}.")
    return int(value)


def chunked_softmax_cross_entropy_with_integer_labels(
    logits: str | os.PathLike[str] | npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    weight: npt.ArrayLike | None = None,
    reduction: FastReduction = "mean",
    max_block_bytes: int = DEFAULT_BLOCK_BYTES,
    backend: Backend = "auto",
) -> npt.NDArray[Any]:
    r"""Integer-label softmax cross-entropy over a ``.npy`` file, in row blocks.

    Parameters
    ----------
    logits : str, os.PathLike or array_like
        Path of a ``.npy`` file of logits with the classes on the last axis, or
        an array (typically ``np.load(path, mmap_mode="r")``).
    labels : array_like of int
        Class indices, shape of the logits without the last axis.
    ignore_index : int, optional
        Label value whose examples get loss 0 and are left out of the mean.
    label_smoothing : float, default 0.0
        PyTorch's label smoothing.
    weight : array_like, optional
        Class weights of shape ``(C,)``.
    reduction : {"none", "sum", "mean"}, default "mean"
        As in :func:`crossent.fast.softmax_cross_entropy_with_integer_labels`.
    max_block_bytes : int, default 32 MiB
        Logits per block (at least one row). The process's memory grows by about
        this much (plus 8 MiB of float32 scratch for float16/bfloat16 files).
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run.

    Returns
    -------
    numpy.ndarray
        Per-example losses or a 0-d array, in the dtype of the logits.

    Raises
    ------
    TypeError, ValueError
        As :func:`crossent.fast.softmax_cross_entropy_with_integer_labels`, and a
        ValueError for a ``max_block_bytes`` that is not a positive int.
    FileNotFoundError
        If the path does not exist.

    See Also
    --------
    crossent.fast.softmax_cross_entropy_with_integer_labels : in-memory logits.

    Notes
    -----
    For a 4096 × 128256 float32 file (2.1 GB) the peak resident memory of the
    process grows by about ``max_block_bytes``: pages of a finished block are
    released with ``madvise(MADV_DONTNEED)`` and stay in the OS page cache.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from crossent import fast
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]], dtype=np.float32)
    >>> path = os.path.join(tempfile.mkdtemp(), "logits.npy")
    >>> np.save(path, z)
    >>> print(fast.chunked_softmax_cross_entropy_with_integer_labels(
    ...     path, [1, 2], reduction="none", max_block_bytes=12).round(4))
    [0.479  1.1997]
    """
    fn = "fast.chunked_softmax_cross_entropy_with_integer_labels"
    ours = isinstance(logits, (str, os.PathLike))
    if isinstance(logits, (str, os.PathLike)):
        # Copy-on-write, never written: the kernels see an ordinary writeable
        # array (no separate compilation for read-only arrays).
        loaded = np.load(logits, mmap_mode="c", allow_pickle=False)
        if not isinstance(loaded, np.ndarray):
            raise ValueError(
                f"{fn}: `logits` must name a .npy file holding one array; got "
                f"{os.fspath(logits)!r}."
            )
        logits = loaded
    block_bytes = _positive_int(fn, "max_block_bytes", max_block_bytes)
    x = _api.as_logits(fn, logits)
    red = _api.check_reduction(fn, reduction)
    ignore = _api.check_ignore_index(fn, ignore_index)
    ls = _api.check_label_smoothing(fn, label_smoothing)
    n_classes = x.shape[-1]
    w = None if weight is None else _api.class_vector(fn, "weight", weight, n_classes)
    y = _api.int_labels(fn, labels, x, ignore)
    name = _dispatch.select_backend(fn, backend, x.size)
    from crossent.evaluate._engine import row_blocks

    x2 = _api.rows(x)
    step = max(1, block_bytes // (n_classes * x.dtype.itemsize))
    loss = np.empty(x2.shape[0])
    for lo, hi, block in row_blocks(x2, step, ours=ours):
        loss[lo:hi] = _dispatch.ce_int_rows(
            np.asarray(block),
            y[lo:hi],
            weight=w,
            ignore_index=ignore,
            label_smoothing=ls,
            mode=0,
            scale=1.0,
            g2=None,
            backend=name,
        )
    denominator = _api.int_denominator(y, ignore, w)
    return _api.reduce_rows(loss, red, denominator, x.dtype, x.shape[:-1])
