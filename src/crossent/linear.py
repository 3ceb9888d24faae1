"""Linear cross-entropy without the logits: ``CE(h @ W.T + b, y)`` and its gradients.

An LM head's logits are ``N × V`` (8192 tokens × a 256k vocabulary is 8 GB of float32
before the gradient). :func:`linear_cross_entropy` never holds more than one block of
them: each block of rows is multiplied out with the BLAS matmul, its loss and logit
gradient come from the fused kernel of :mod:`crossent.fast` (one ``exp`` per logit,
the gradient written over the block), and the block's gradient is folded into
``dh`` and ``dW`` (and ``db``) at once.

Numerics: float32 and float64 compute in their own dtype; float16 and bfloat16 inputs
are multiplied and accumulated in float32, and the gradients are returned in the
inputs' dtype. Losses are summed in float64 (the kernels' per-row losses), so the
result does not depend on the block size.
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from crossent._core import _validation as v
from crossent.fast import _api, _dispatch

__all__ = ["LinearCrossEntropy", "linear_cross_entropy"]

Arr = npt.NDArray[Any]

_FN = "linear_cross_entropy"

#: Default block: this many bytes of logits (and their gradient, written over them).
DEFAULT_BLOCK_BYTES = 64 * 2**20

#: dW is accumulated this many vocabulary rows at a time.
_VOCAB_SLICE = 8192


class LinearCrossEntropy(NamedTuple):
    """The loss and its gradients with respect to the hidden states and the head."""

    value: Arr
    """The loss, per row (``reduction="none"``) or a 0-d array."""
    grad_h: Arr
    """d(sum of ``value``)/dh, shape and dtype of ``h``."""
    grad_W: Arr
    """d(sum of ``value``)/dW, shape and dtype of ``W``."""
    grad_bias: Arr | None
    """d(sum of ``value``)/db, or None without a bias."""


def _compute_dtype(fn: str, *arrays: Arr) -> np.dtype[Any]:
    for name, a in zip(("h", "W", "bias"), arrays):
        v.check_floating(fn, name, a)
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) > 1:
        raise TypeError(
            f"{fn}: `h`, `W` and `bias` must share one dtype (as PyTorch requires); "
            f"got {', '.join(sorted(str(d) for d in dtypes))}."
        )
    dtype = next(iter(dtypes))
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def linear_cross_entropy(
    h: npt.ArrayLike,
    W: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    bias: npt.ArrayLike | None = None,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    weight: npt.ArrayLike | None = None,
    reduction: str = "mean",
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    backend: str = "auto",
    row_scale: npt.ArrayLike | None = None,
) -> LinearCrossEntropy:
    r"""Softmax cross-entropy of ``h @ W.T + bias`` and its gradients, in blocks.

    The same loss as ``torch.nn.functional.cross_entropy(h @ W.T + bias, labels,
    …)`` (PyTorch's ``F.linear_cross_entropy(h, W, labels, bias, …)``), with the
    gradients for a backward pass, never holding more than ``block_bytes`` of logits.

    Parameters
    ----------
    h : array_like
        Hidden states, shape ``(..., d)``.
    W : array_like
        The head's weight, shape ``(V, d)`` (PyTorch's ``nn.Linear.weight``).
    labels : array_like of int
        Class indices in ``[0, V)``, shape ``h.shape[:-1]``.
    bias : array_like, optional
        The head's bias, shape ``(V,)``.
    ignore_index : int, optional
        Label whose rows get loss 0 and gradient 0 and are left out of the mean.
    label_smoothing : float, default 0.0
        PyTorch's label smoothing.
    weight : array_like, optional
        Class weights, shape ``(V,)``; the mean divides by their sum over the rows.
    reduction : {"none", "sum", "mean"}, default "mean"
        PyTorch's reductions.
    block_bytes : int, default 64 MiB
        The most bytes of logits alive at once (at least one row).
    backend : {"auto", "numba", "numpy"}, default "auto"
        The fused kernel (:mod:`crossent.fast`).
    row_scale : array_like, optional
        A factor per row (shape ``h.shape[:-1]``) applied to the gradients only:
        the backward pass of ``reduction="none"`` given the upstream gradient.

    Returns
    -------
    LinearCrossEntropy
        ``value``, ``grad_h``, ``grad_W`` and ``grad_bias``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import linear_cross_entropy
    >>> rng = np.random.default_rng(0)
    >>> h, W = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    >>> r = linear_cross_entropy(h, W, [0, 4, 2, 1])
    >>> z = h @ W.T  # the two-step reference, logits materialised
    >>> import crossent
    >>> ref = crossent.softmax_cross_entropy_with_integer_labels(z, np.array([0, 4, 2, 1]))
    >>> bool(np.isclose(r.value, ref.mean(), rtol=1e-12))
    True
    >>> r.grad_h.shape, r.grad_W.shape
    ((4, 3), (5, 3))
    """
    for name, x in (("h", h), ("W", W), ("bias", bias)):
        if x is not None:
            _api._check_host(_FN, name, x)
    h_arr, w_arr = np.asarray(h), np.asarray(W)
    b_arr = None if bias is None else np.asarray(bias)
    cd = _compute_dtype(_FN, h_arr, w_arr, *([] if b_arr is None else [b_arr]))
    if w_arr.ndim != 2 or h_arr.ndim < 1 or h_arr.shape[-1] != w_arr.shape[1]:
        raise ValueError(
            f"{_FN}: `W` must have shape (V, d) with d = h.shape[-1]; got h "
            f"{h_arr.shape} and W {w_arr.shape}."
        )
    n_classes, d = w_arr.shape
    if n_classes == 0:
        raise ValueError(f"{_FN}: `W` must have at least one row (class); got 0.")
    if b_arr is not None and b_arr.shape != (n_classes,):
        raise ValueError(
            f"{_FN}: `bias` must have shape ({n_classes},); got {b_arr.shape}."
        )
    red = _api.check_reduction(_FN, reduction)
    ignore = _api.check_ignore_index(_FN, ignore_index)
    ls = _api.check_label_smoothing(_FN, label_smoothing)
    try:
        block_bytes = operator.index(block_bytes)
    except TypeError:
        raise TypeError(
            f"{_FN}: `block_bytes` must be a positive int; got {v.describe(block_bytes)}."
        ) from None
    if block_bytes < 1:
        raise ValueError(f"{_FN}: `block_bytes` must be positive; got {block_bytes}.")
    w_cls = (
        None if weight is None else _api.class_vector(_FN, "weight", weight, n_classes)
    )
    shape = h_arr.shape[:-1]
    h2 = h_arr.reshape(-1, d)
    # the labels are checked against the logits' shape, which is never allocated
    logits_shape = np.broadcast_to(np.zeros((), cd), (*shape, n_classes))
    y = _api.int_labels(_FN, labels, logits_shape, ignore).reshape(-1)
    scale_rows = None
    if row_scale is not None:
        scale_rows = np.asarray(row_scale, dtype=np.float64)
        if scale_rows.shape != shape:
            raise ValueError(
                f"{_FN}: `row_scale` must have shape {shape}; got {scale_rows.shape}."
            )
        scale_rows = scale_rows.reshape(-1)
    name = _dispatch.select_backend(_FN, backend, h2.shape[0] * n_classes)
    denominator = _api.int_denominator(y, ignore, w_cls)
    scale = 1.0 if red != "mean" else (1.0 / denominator if denominator else 0.0)

    wc = w_arr.astype(cd, copy=False)
    bc = None if b_arr is None else b_arr.astype(cd, copy=False)
    n_rows = h2.shape[0]
    grad_h = np.empty(h2.shape, dtype=cd)
    grad_w = np.zeros((n_classes, d), dtype=cd)
    grad_b = None if bc is None else np.zeros(n_classes, dtype=cd)
    loss = np.empty(n_rows)
    step = max(1, min(n_rows, block_bytes // (n_classes * cd.itemsize)))
    # Buffers made once: the block of logits (overwritten by its gradient) and a
    # slice of dW (dW accumulates a vocabulary slice at a time, so no second
    # V × d array is needed).
    zbuf = np.empty((step, n_classes), dtype=cd)
    vocab_step = min(n_classes, _VOCAB_SLICE)
    dw_part = np.empty((vocab_step, d), dtype=cd)
    for lo in range(0, n_rows, step):
        hb = h2[lo : lo + step].astype(cd, copy=False)
        n = hb.shape[0]
        z = zbuf[:n]
        np.matmul(hb, wc.T, out=z)
        if bc is not None:
            z += bc
        loss[lo : lo + n] = _dispatch.ce_int_rows(
            z,
            y[lo : lo + n],
            weight=w_cls,
            ignore_index=ignore,
            label_smoothing=ls,
            mode=2,
            scale=scale,
            g2=None,
            backend=name,
        )
        if scale_rows is not None:
            z *= scale_rows[lo : lo + n, None].astype(cd)
        # dh = dz @ W, computed as (W.T @ dz.T).T: OpenBLAS is 1.5-2.6x faster
        # this way round when the block has few rows and V is large.
        grad_h[lo : lo + n] = (wc.T @ z.T).T
        for v0 in range(0, n_classes, vocab_step):
            v1 = min(v0 + vocab_step, n_classes)
            part = dw_part[: v1 - v0]
            np.matmul(z[:, v0:v1].T, hb, out=part)
            grad_w[v0:v1] += part
        if grad_b is not None:
            grad_b += z.sum(axis=0)
    value = _api.reduce_rows(loss, red, denominator, h_arr.dtype, shape)
    return LinearCrossEntropy(
        value,
        grad_h.reshape(h_arr.shape).astype(h_arr.dtype, copy=False),
        grad_w.astype(w_arr.dtype, copy=False),
        None if grad_b is None else grad_b.astype(b_arr.dtype, copy=False),  # type: ignore[union-attr]
    )
