"""Softmax and probability cross-entropies over a class axis (one-hot, soft, integer labels)."""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import is_numpy_namespace

from crossent._core import _exact_softmax as exact
from crossent._core import _validation as v
from crossent._core._blocks import by_rows
from crossent._core._exact_prob import probability_loss
from crossent._core._logsumexp import shifted_and_log1p_rest
from crossent._core._namespace import (
    as_array,
    index_dtype,
    labels_working,
    namespace,
    quietly,
    to_input_dtype,
    wide_dtype,
    working,
)

__all__ = [
    "cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
    "xlogy",
]


_NUMPY_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def xlogy(y: Any, p: Any, xp: Any) -> Any:
    """``y * log(p)`` with ``0 * log(0) = 0`` (``0 * log(p) = 0`` for every non-NaN p)."""
    if is_numpy_namespace(xp):
        return _xlogy_numpy(y, p)
    zero = xp.zeros_like(y)
    log_p = quietly(
        lambda xp, p: xp.log(p), p, xp=xp, divide="ignore", invalid="ignore"
    )
    term = quietly(lambda _, y, lp: y * lp, y, log_p, xp=xp, invalid="ignore")
    # A zero label removes its term, but a NaN probability still propagates.
    return xp.where((y == 0) & ~xp.isnan(log_p), zero, term)


def _xlogy_numpy(y: Any, p: Any, dtype: Any = None) -> Any:
    """NumPy's :func:`xlogy`: the log is taken only where the label is not 0.

    One-hot labels make that one element per row, so the log costs 1/C of the
    dense version (scipy.special.xlogy does the same per element). With
    ``dtype`` (wider than the inputs), each element is converted as the ufuncs
    read it: the same numbers as converting the inputs first, without the copies.
    """
    import numpy as np

    keep = (y != 0) | np.isnan(p)
    if dtype is None:
        dtype = np.result_type(y, p)
    out = np.zeros(np.broadcast_shapes(y.shape, p.shape), dtype=dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        # ``dtype=`` picks the ufunc loop: without it NumPy would take the inputs'
        # (float16 or float32) loop and only widen its result into ``out``.
        np.log(p, out=out, where=keep, dtype=dtype)
        np.multiply(y, out, out=out, where=keep, dtype=dtype)
    return out


def softmax_cross_entropy(
    logits: Any, labels: Any, *, axis: int = -1, where: Any = None
) -> Any:
    r"""Cross-entropy between ``softmax(logits)`` and (one-hot or soft) ``labels``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities, floating dtype, class axis ``axis``.
    labels : array_like
        Target distributions, same shape as ``logits``. Rows need not sum to 1
        and are used as given (the loss then scales with the row sum).
    axis : int, default -1
        The class axis.
    where : array_like of bool, optional
        Classes to include, broadcastable to ``logits``. Excluded classes take
        no part in the softmax or the sum; a row with no class included gives 0.

    Returns
    -------
    array
        Per-example loss: ``logits`` without ``axis``, in the dtype of ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        If the shapes differ or the class axis is empty.

    See Also
    --------
    softmax_cross_entropy_with_integer_labels : the same loss for class indices.
    cross_entropy : the loss from probabilities instead of logits.

    Notes
    -----
    .. math:: \ell = -\sum_c y_c \log\operatorname{softmax}(z)_c
              = \sum_c y_c \bigl[(m - z_c) + \log(1 + \textstyle\sum_{j \ne j^*} e^{z_j - m})\bigr]

    Both bracketed terms are non-negative, so nothing cancels. A label of
    exactly 0 contributes 0 even against a ``-inf`` logit (no ``0 · inf``);
    NaN in either input propagates.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative for labels >= 0, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    Seed question 003 (``tf.nn.softmax_cross_entropy_with_logits``):

    >>> import numpy as np
    >>> import crossent
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    >>> y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> print(crossent.softmax_cross_entropy(z, y))
    [0.4790107  1.19967598]
    """
    fn = "softmax_cross_entropy"
    xp = namespace(logits, labels, where)
    logits, labels = as_array(logits, xp), as_array(labels, xp)
    v.check_same_shape(fn, "logits", logits, "labels", labels)
    axis = v.normalize_axis(fn, axis, max(logits.ndim, 1))
    v.check_nonempty_axis(fn, "logits", logits, axis)
    v.check_floating(fn, "logits", logits)
    mask = None
    if where is not None:
        mask = xp.broadcast_to(xp.astype(as_array(where, xp), xp.bool), logits.shape)
    last = axis == logits.ndim - 1

    def compute(logits: Any, labels: Any, mask: Any) -> Any:
        ax = logits.ndim - 1 if last else axis
        z = working(fn, "logits", logits, xp)
        y = labels_working(labels, z, xp)
        if logits.ndim and exact.applies(xp, z):
            keep = None if mask is None else exact.to_rows(mask, ax)
            z2 = exact.to_rows(z, ax)
            out = exact.patched(
                exact.soft_label_loss,
                lambda z, y, k: _plain_softmax_ce(z, y, k, 1, xp),
                z2 if keep is None else np.where(keep, z2, -np.inf),
                exact.to_rows(y, ax),
                keep,
            )
            loss = exact.from_rows(out, z, ax, per_class=False)
        else:
            loss = _plain_softmax_ce(z, y, mask, ax, xp)
        return to_input_dtype(loss, logits.dtype, xp)

    if not last or not is_numpy_namespace(xp):
        return compute(logits, labels, mask)
    return by_rows(
        compute,
        (logits, labels, mask),
        classes=int(logits.shape[-1]),
        out_shape=tuple(logits.shape[:-1]),
        out_dtype=logits.dtype,
    )


def _plain_softmax_ce(z: Any, y: Any, mask: Any, ax: int, xp: Any) -> Any:
    """The softmax cross-entropy in the working dtype (any array library)."""
    sh, log1p_rest = shifted_and_log1p_rest(z, ax, xp, where=mask)
    terms = xlogy_shifted(y, sh, log1p_rest, xp)
    if mask is not None:
        terms = xp.where(mask, terms, xp.zeros_like(terms))
        any_class = xp.any(mask, axis=ax, keepdims=True)
        terms = xp.where(any_class, terms, xp.zeros_like(terms))
    return xp.sum(terms, axis=ax)


def xlogy_shifted(y: Any, sh: Any, log1p_rest: Any, xp: Any) -> Any:
    """Per-class ``-y_c log softmax_c`` from the split of :func:`shifted_and_log1p_rest`."""
    term = quietly(
        lambda _, y, sh, lr: y * ((-sh) + lr),
        y,
        sh,
        log1p_rest,
        xp=xp,
        divide="ignore",
        invalid="ignore",
    )
    # A zero label removes its term (also against a -inf logit), but a NaN logit
    # or an all -inf row (sh is NaN there) still gives NaN.
    return xp.where((y == 0) & ~xp.isnan(sh), xp.zeros_like(term), term)


def softmax_cross_entropy_with_integer_labels(
    logits: Any, labels: Any, *, axis: int = -1, ignore_index: int | None = None
) -> Any:
    r"""Cross-entropy between ``softmax(logits)`` and integer class ``labels``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities, floating dtype.
    labels : array_like of int
        Class indices in ``[0, C)``, shape of ``logits`` without ``axis``.
    axis : int, default -1
        The class axis of ``logits``.
    ignore_index : int, optional
        Label value whose examples get loss 0 (PyTorch's ``ignore_index``).

    Returns
    -------
    array
        Per-example loss, shape of ``labels``, dtype of ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating or ``labels`` not integer.
    ValueError
        If shapes disagree or a label is outside ``[0, C)`` (and is not
        ``ignore_index``).

    See Also
    --------
    softmax_cross_entropy : one-hot or soft labels.

    Notes
    -----
    .. math:: \ell = \operatorname{lse}(z) - z_y = (m - z_y) + \log\bigl(1 + \textstyle\sum_{j \ne j^*} e^{z_j - m}\bigr)

    A ``-inf`` logit on a class other than ``y`` is harmless (finite loss).

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    >>> print(crossent.softmax_cross_entropy_with_integer_labels(z, np.array([1, 2])))
    [0.4790107  1.19967598]
    """
    fn = "softmax_cross_entropy_with_integer_labels"
    xp = namespace(logits, labels)
    logits, labels = as_array(logits, xp), as_array(labels, xp)
    axis = v.normalize_axis(fn, axis, max(logits.ndim, 1))
    v.check_nonempty_axis(fn, "logits", logits, axis)
    expected = tuple(s for i, s in enumerate(logits.shape) if i != axis)
    if tuple(labels.shape) != expected:
        raise ValueError(
            f"{fn}: `labels` must have the shape of `logits` without axis {axis}, "
            f"{expected}; got shape {tuple(labels.shape)}. For one-hot or soft "
            f"targets of the same shape as `logits` use `softmax_cross_entropy`."
        )
    v.check_floating(fn, "logits", logits)
    num_classes = int(logits.shape[axis])
    v.check_integer_labels(fn, labels, num_classes, xp, ignore_index=ignore_index)
    last = axis == logits.ndim - 1

    def compute(logits: Any, labels: Any) -> Any:
        ax = logits.ndim - 1 if last else axis
        z = working(fn, "logits", logits, xp)
        ignored = None
        safe = labels
        if ignore_index is not None:
            ignored = labels == ignore_index
            safe = xp.where(ignored, xp.zeros_like(labels), labels)
        if logits.ndim and exact.applies(xp, z):
            out = exact.patched(
                exact.integer_label_loss,
                lambda z, k: _plain_integer_labels(z, k, 1, xp),
                exact.to_rows(z, ax),
                np.asarray(safe).reshape(-1).astype(np.intp),
            )
            loss = out.reshape(tuple(labels.shape))
        else:
            loss = _plain_integer_labels(z, safe, ax, xp)
        if ignored is not None:
            loss = xp.where(ignored, xp.zeros_like(loss), loss)
        return to_input_dtype(loss, logits.dtype, xp)

    if not last or not is_numpy_namespace(xp) or logits.ndim < 2:
        return compute(logits, labels)
    return by_rows(
        compute,
        (logits, labels),
        classes=num_classes,
        out_shape=tuple(labels.shape),
        out_dtype=logits.dtype,
    )


def _plain_integer_labels(z: Any, labels: Any, ax: int, xp: Any) -> Any:
    """``-log softmax(z)_label`` in the working dtype (any array library)."""
    sh, log1p_rest = shifted_and_log1p_rest(z, ax, xp)
    return -_take_class(sh, labels, ax, xp) + xp.squeeze(log1p_rest, axis=ax)


def _take_class(x: Any, labels: Any, axis: int, xp: Any) -> Any:
    """``x`` at index ``labels`` along ``axis`` (the class axis is removed)."""
    idx = xp.expand_dims(xp.astype(labels, index_dtype(xp)), axis=axis)
    if hasattr(xp, "take_along_axis"):
        return xp.squeeze(xp.take_along_axis(x, idx, axis=axis), axis=axis)
    classes = xp.arange(x.shape[axis], dtype=idx.dtype)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    onehot = xp.reshape(classes, tuple(shape)) == idx  # pragma: no cover
    return xp.sum(xp.where(onehot, x, xp.zeros_like(x)), axis=axis)  # pragma: no cover


def cross_entropy(probs: Any, labels: Any, *, axis: int = -1) -> Any:
    r"""Cross-entropy :math:`-\sum_c y_c \log p_c` from probabilities, exactly.

    No clipping and no renormalisation: ``0 · log 0 = 0`` and a true class
    predicted with probability 0 costs ``inf``.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities in ``[0, 1]``, floating dtype.
    labels : array_like
        Target distributions, same shape. Rows that are not distributions are
        allowed and used as given.
    axis : int, default -1
        The class axis.

    Returns
    -------
    array
        Per-example loss, ``probs`` without ``axis``, dtype of ``probs``.

    Raises
    ------
    TypeError
        If ``probs`` is not floating point.
    ValueError
        If shapes differ, the class axis is empty or ``probs`` leaves ``[0, 1]``
        (NaN propagates instead).

    See Also
    --------
    softmax_cross_entropy : from logits, which is more accurate.
    binary_cross_entropy : independent binary problems.

    Notes
    -----
    .. math:: \ell = -\sum_c \operatorname{xlogy}(y_c, p_c)

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative for labels >= 0, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    Seed question 000 with normalised rows:

    >>> import numpy as np
    >>> import crossent
    >>> y = np.eye(3)
    >>> p = np.array([[.9, .05, .05], [.05, .89, .06], [.05, .01, .94]])
    >>> print(crossent.cross_entropy(p, y))
    [0.10536052 0.11653382 0.0618754 ]
    """
    fn = "cross_entropy"
    xp = namespace(probs, labels)
    probs, labels = as_array(probs, xp), as_array(labels, xp)
    v.check_same_shape(fn, "probs", probs, "labels", labels)
    axis = v.normalize_axis(fn, axis, max(probs.ndim, 1))
    v.check_nonempty_axis(fn, "probs", probs, axis)
    if is_numpy_namespace(xp) and probs.dtype in _NUMPY_FLOATS:
        # float64 per element inside the ufuncs, not float64 copies of the inputs
        v.check_floating(fn, "probs", probs)
        v.check_probabilities(fn, "probs", probs, xp)
        wide = wide_dtype(xp, probs)
        last = axis == probs.ndim - 1

        def compute(probs: Any, labels: Any) -> Any:
            ax = probs.ndim - 1 if last else axis
            if probs.ndim and wide == np.float64 and not exact.plain_only():
                out = exact.patched(
                    probability_loss,
                    lambda p, y: -np.sum(_xlogy_numpy(y, p, wide), axis=1),
                    exact.to_rows(probs.astype(wide, copy=False), ax),
                    exact.to_rows(labels, ax).astype(wide, copy=False),
                )
                loss = exact.from_rows(out, probs, ax, per_class=False)
            else:
                loss = -np.sum(_xlogy_numpy(labels, probs, wide), axis=ax)
            return to_input_dtype(loss, probs.dtype, xp)

        if not last or probs.ndim < 2:
            return compute(probs, labels)
        return by_rows(
            compute,
            (probs, labels),
            classes=int(probs.shape[-1]),
            out_shape=tuple(probs.shape[:-1]),
            out_dtype=probs.dtype,
        )
    p = working(fn, "probs", probs, xp)
    v.check_probabilities(fn, "probs", p, xp)
    y = labels_working(labels, p, xp)
    loss = -xp.sum(xlogy(y, p, xp), axis=axis)
    return to_input_dtype(loss, probs.dtype, xp)
