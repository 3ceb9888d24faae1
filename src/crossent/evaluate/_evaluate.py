"""``evaluate``: the cross-entropy of a whole prediction set, in bounded memory."""

from __future__ import annotations

import dataclasses
from typing import Any, get_args

import numpy as np

from crossent._core import _validation as v
from crossent.evaluate._engine import Engine, resolve_engine
from crossent.evaluate._plan import batch_rows, plan
from crossent.evaluate._result import Evaluation
from crossent.evaluate._sources import open_source
from crossent.evaluate._stream import Progress, run_local
from crossent.evaluate._totals import Kind, LossSpec

__all__ = ["evaluate"]

_FN = "evaluate"


def evaluate(
    predictions: Any,
    labels: Any,
    *,
    weights: Any = None,
    kind: Kind = "categorical",
    from_logits: bool = True,
    axis: int = -1,
    ignore_index: int | None = None,
    word_counts: Any = None,
    byte_counts: Any = None,
    engine: Engine = "fast",
    batch_bytes: int | None = None,
    client: Any = None,
    progress: Progress | None = None,
) -> Evaluation:
    r"""Cross-entropy, log-loss and perplexity of a whole prediction set.

    The rows (axis 0) are read a batch at a time, so a prediction set larger
    than memory is evaluated in bounded memory (the pages of a memory-mapped
    batch are handed back once it is done); with a
    ``dask.distributed.Client`` each batch is a task on its cluster, reading
    its own rows. Per-example losses come from the fused kernels (``engine``)
    and are summed exactly (:class:`Evaluation`), so the result does not
    depend on the batch size, the sharding, the number of workers or the
    order tasks finish in. Every common perplexity (token mean, sequence
    mean, mean of per-sequence perplexities, per document, per word and per
    byte) comes out of the same pass.

    Parameters
    ----------
    predictions : array or path
        Logits (or probabilities, see ``from_logits``) with the rows on axis 0:
        a NumPy array or memmap, any array-API array (PyTorch, JAX, CuPy: the
        core then runs in that library, on its device), a Dask array, or a path:
        ``.npy`` (memory-mapped), ``.npz``, a directory of ``.npy``/``.npz``
        shards (concatenated in natural name order), a Zarr store, or a Parquet
        file or directory. ``PATH:NAME`` picks an array of an ``.npz`` or Zarr
        group, or a column of a Parquet file.
    labels : array or path
        Integer class indices (the shape of ``predictions`` without ``axis``)
        or one-hot/soft targets (the shape of ``predictions``); any form above.
    weights : array or path, optional
        One weight per per-example loss (the shape of the loss).
    kind : {"categorical", "binary"}, default "categorical"
        Softmax over ``axis``, or independent sigmoids per element.
    from_logits : bool, default True
        Whether ``predictions`` are logits; if False, probabilities (log-loss).
    axis : int, default -1
        The class axis of ``predictions``; never 0, which holds the rows.
    ignore_index : int, optional
        Label value whose entries are left out of every sum and count
        (padding tokens). Integer labels and binary labels only.
    word_counts, byte_counts : array or path, optional
        Words and UTF-8 bytes of each row (document), integers of shape
        ``(rows,)``, for lm-evaluation-harness' ``word_perplexity``,
        ``byte_perplexity`` and ``bits_per_byte``.
    engine : {"fast", "exact", "numba", "numpy"}, default "fast"
        What computes the per-example losses. ``"fast"``: the fused kernels of
        :mod:`crossent.fast` (numba when installed and the set has at least
        ``NUMBA_MIN_ELEMENTS`` logits, else the row-blocked NumPy kernels) for
        logits in host memory, the core otherwise (probabilities, arrays of
        other libraries); ``"numba"``/``"numpy"`` force a backend;
        ``"exact"``: the float64 core everywhere. The kernels compute in the
        logits' precision (float32 for float32, float16 and bfloat16 logits)
        and stay within ``4·eps·(1 + |loss|)`` of the core per example, so
        every mean is within ``4·eps·(1 + mean)`` of ``engine="exact"``. Either
        way one engine runs every batch, and the result is the same for any
        batch size, shard layout or number of workers.
    batch_bytes : int, optional
        Size of one batch of predictions: as stored for the kernels (default
        32 MiB; they read a memory-mapped batch in place and allocate little
        more), in float64 for the core (default 8 MiB; peak memory about 5.5
        times this). Add one ``.npz`` shard or Parquet row group per input
        stored that way: those are decoded whole (once per shard on one
        machine, once per batch on Dask), so keep them small or prefer
        ``.npy`` and Zarr for large predictions. A batch holds at least one
        row.
    client : dask.distributed.Client, optional
        Run the batches as tasks on this client's cluster. The workers read
        file sources themselves, so paths must be visible to them; each task
        runs numba's kernels on one thread (Dask runs the tasks in parallel).
    progress : callable, optional
        Called as ``progress(rows_done, rows_total)``.

    Returns
    -------
    Evaluation
        Sum, token mean, weighted mean, perplexity and the sequence- and
        document-level aggregates, each computed from exact sums and rounded
        once; ``REPORTED_BY`` names the tool that reports each.

    Raises
    ------
    ValueError, TypeError
        For shapes, dtypes or label values the loss cannot take; errors found
        in a batch name its rows and source.
    RuntimeError
        If Dask workers keep dying on a batch (the scheduler's
        ``allowed-failures``): a partial result is never returned.

    See Also
    --------
    softmax_cross_entropy_with_integer_labels, softmax_cross_entropy,
    cross_entropy, sigmoid_binary_cross_entropy, binary_cross_entropy :
        the per-example losses, computed by the core on each batch.
    reduce_loss : the same reductions of an in-memory loss.

    Notes
    -----
    With per-example losses :math:`\ell_i`, weights :math:`w_i` (1 by default)
    and :math:`I` the included entries,

    .. math:: \text{mean} = \frac{\sum_{i \in I} w_i \ell_i}{|I|}, \qquad
              \text{weighted\_mean} = \frac{\sum_{i \in I} w_i \ell_i}{\sum_{i \in I} w_i},
              \qquad \text{perplexity} = e^{\text{weighted\_mean}}

    and, for a row (sequence) :math:`s` with mean loss :math:`\bar\ell_s`,
    ``sequence_mean`` is the mean of :math:`\bar\ell_s` and
    ``mean_sequence_perplexity`` the mean of :math:`e^{\bar\ell_s}`;
    ``document_mean`` is the total divided by the number of sequences
    (lm-eval's per-document mean), ``word_perplexity`` :math:`e^{\text{total}
    / \text{words}}`. The sums are exact, so each aggregate is the correctly
    rounded value of the exact ratio of the per-example losses (float64
    values, from the kernels or the core). An entry of weight 0 adds nothing,
    even where its loss is infinite.

    Examples
    --------
    docs/mistakes.md item 25: two sequences of 3 and 5 tokens whose summed losses are
    0.4 and 1.5, right-padded with ``-100``:

    >>> import numpy as np
    >>> import crossent
    >>> from crossent.evaluate import evaluate
    >>> nll = np.array([[0.1, 0.1, 0.2, 9, 9], [0.3, 0.3, 0.3, 0.3, 0.3]])
    >>> tokens = np.array([[0, 0, 0, -100, -100], [0, 0, 0, 0, 0]])
    >>> # logits whose loss on class 0 is exactly nll: z = [0, log(e**nll - 1)]
    >>> z = np.stack([np.zeros_like(nll), np.log(np.expm1(nll))], axis=-1)
    >>> result = evaluate(z, tokens, ignore_index=-100)
    >>> print(result.count, round(result.perplexity, 4))
    8 1.2681
    >>> print(round(result.mean_sequence_perplexity, 4))
    1.2462
    """
    _check_options(kind, from_logits, batch_bytes)
    from array_api_compat import is_dask_array

    if is_dask_array(predictions):
        # Dask arrays are evaluated block by block, by Dask (see _distributed).
        from crossent.evaluate._distributed import run_dask_arrays

        labels, weights = _with_shape(labels), _with_shape(weights)
        counts = (_with_shape(word_counts), _with_shape(byte_counts))
        spec = _loss_spec(
            predictions, labels, weights, kind, from_logits, axis, ignore_index
        )
        _check_counts(predictions, counts)
        spec = _with_engine(spec, engine, predictions, host_numpy=True)
        totals = run_dask_arrays(
            predictions, labels, weights, spec, client, progress, counts
        )
        return Evaluation(_loss_name(spec), totals, spec.engine)
    pred = open_source(predictions, "predictions")
    lab = open_source(labels, "labels")
    w = None if weights is None else open_source(weights, "weights")
    words = None if word_counts is None else open_source(word_counts, "word_counts")
    nbytes = None if byte_counts is None else open_source(byte_counts, "byte_counts")
    spec = _loss_spec(pred, lab, w, kind, from_logits, axis, ignore_index)
    _check_counts(pred, (words, nbytes))
    array = getattr(pred, "array", None)
    host = array is None or isinstance(array, np.ndarray)
    spec = _with_engine(spec, engine, pred, host_numpy=host)
    if batch_bytes is None:
        batch_bytes = _DEFAULT_BATCH_BYTES[spec.engine == "exact"]
    # The kernels read the predictions as stored; the core widens them to float64.
    itemsize = 8 if spec.engine == "exact" else np.dtype(pred.dtype).itemsize
    rows = batch_rows(pred.shape[1:], batch_bytes, itemsize)
    ranges = plan([pred, lab, w, words, nbytes], rows)
    if client is None:
        totals = run_local(pred, lab, w, spec, ranges, progress, (words, nbytes))
    else:
        from crossent.evaluate._distributed import run_on_client

        totals = run_on_client(
            client, pred, lab, w, spec, ranges, progress, (words, nbytes)
        )
    return Evaluation(_loss_name(spec), totals, spec.engine)


#: Default ``batch_bytes``: (kernels, exact core).
_DEFAULT_BATCH_BYTES = (32 * 2**20, 8 * 2**20)


def _with_engine(
    spec: LossSpec, engine: object, pred: Any, host_numpy: bool
) -> LossSpec:
    import math

    size = math.prod(int(s) for s in pred.shape)
    name = resolve_engine(
        engine, from_logits=spec.from_logits, host_numpy=host_numpy, size=size
    )
    return dataclasses.replace(spec, engine=name)


def _check_counts(pred: Any, counts: tuple[Any, Any]) -> None:
    """Word and byte counts: one integer per row (document), checked from metadata."""
    rows = (int(pred.shape[0]),)
    for arg, c in zip(("word_counts", "byte_counts"), counts):
        if c is None:
            continue
        if tuple(c.shape) != rows:
            raise ValueError(
                f"{_FN}: `{arg}` must hold one count per row of `predictions`, shape "
                f"{rows}; got shape {tuple(c.shape)}."
            )
        if not v.is_integer_dtype(c.dtype):
            raise TypeError(
                f"{_FN}: `{arg}` must be integer counts; got dtype {c.dtype}."
            )


def _with_shape(x: Any) -> Any:
    """``x`` itself if it is an array (NumPy, Dask, ...), else as a NumPy array."""
    if x is None or (hasattr(x, "shape") and hasattr(x, "dtype")):
        return x
    return np.asarray(x)


def _check_options(kind: object, from_logits: object, batch_bytes: object) -> None:
    v.check_choice(_FN, "kind", kind, get_args(Kind))
    if not isinstance(from_logits, bool):
        raise TypeError(
            f"{_FN}: `from_logits` must be True or False; got {from_logits!r}."
        )
    if batch_bytes is not None and (
        isinstance(batch_bytes, bool)
        or not isinstance(batch_bytes, int)
        or batch_bytes < 1
    ):
        raise ValueError(
            f"{_FN}: `batch_bytes` must be a positive int; got {batch_bytes!r}."
        )


def _shape_without(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    return tuple(s for i, s in enumerate(shape) if i != axis)


def _loss_spec(
    pred: Any,
    labels: Any,
    weights: Any,
    kind: Kind,
    from_logits: bool,
    axis: int,
    ignore_index: int | None,
) -> LossSpec:
    """Check the shapes and dtypes once, from the metadata, before reading data."""
    shape, label_shape = tuple(pred.shape), tuple(labels.shape)
    ndim = len(shape)
    v.check_floating(_FN, "predictions", pred)
    if kind == "binary":
        if ndim < 1 or label_shape != shape:
            raise ValueError(
                f"{_FN}: `labels` must have the shape of `predictions` {shape} "
                f"for kind='binary'; got shape {label_shape}."
            )
        loss_shape, integer = shape, False
    else:
        if ndim < 2:
            raise ValueError(
                f"{_FN}: `predictions` must have a row axis and a class axis; got "
                f"shape {shape}. For one probability per row use kind='binary'."
            )
        axis = v.normalize_axis(_FN, axis, ndim)
        if axis == 0:
            raise ValueError(
                f"{_FN}: `axis` must not be 0, the row axis; got {axis!r}. Move the "
                f"rows to axis 0."
            )
        loss_shape = _shape_without(shape, axis)
        integer = label_shape == loss_shape
        if not integer and label_shape != shape:
            raise ValueError(
                f"{_FN}: `labels` must have the shape of `predictions` without axis "
                f"{axis}, {loss_shape} (class indices), or {shape} (one-hot or soft "
                f"targets); got shape {label_shape}."
            )
        if integer and not v.is_integer_dtype(labels.dtype):
            raise TypeError(
                f"{_FN}: `labels` of shape {label_shape} must be integer class "
                f"indices; got dtype {labels.dtype}."
            )
        if not integer and ignore_index is not None:
            raise ValueError(
                f"{_FN}: `ignore_index` needs integer class labels; got one-hot or "
                f"soft `labels` of shape {label_shape}. Give zero `weights` instead."
            )
    if weights is not None and tuple(weights.shape) != loss_shape:
        raise ValueError(
            f"{_FN}: `weights` must have the shape of the per-example loss "
            f"{loss_shape}; got shape {tuple(weights.shape)}."
        )
    return LossSpec(
        kind, from_logits, axis if kind == "categorical" else -1, integer, ignore_index
    )


def _loss_name(spec: LossSpec) -> str:
    if spec.kind == "binary":
        return (
            "sigmoid_binary_cross_entropy"
            if spec.from_logits
            else "binary_cross_entropy"
        )
    if not spec.from_logits:
        return "cross_entropy"
    if spec.integer_labels:
        return "softmax_cross_entropy_with_integer_labels"
    return "softmax_cross_entropy"
