"""Fast forward cross-entropies for large arrays: fused kernels, bounded memory.

The functions here compute the same losses as the core (:mod:`crossent`) within
``4·eps(float32)·(1 + |loss|)`` per example, in one pass over the logits and without
any ``N × C`` temporary. Two back-ends give the same results:

* ``"numba"``: parallel fused kernels (one-sweep log-sum-exp, vectorised polynomial
  ``exp``); numba is imported on the first call that uses it, never by
  ``import crossent``;
* ``"numpy"``: row blocks of about 256 KiB with in-place ufuncs.

``backend="auto"`` (the default) takes numba when it is installed and the input
has at least :data:`NUMBA_MIN_ELEMENTS` logits. float16 and bfloat16 inputs are
computed in float32 row blocks, float64 inputs in float64. The loss *and* its
gradient in one pass are in :mod:`crossent.value_and_grad`;
:func:`chunked_softmax_cross_entropy_with_integer_labels` evaluates logits stored
in a ``.npy`` file larger than memory.
"""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from crossent.fast import _api
from crossent.fast._api import FastReduction
from crossent.fast._chunked import chunked_softmax_cross_entropy_with_integer_labels
from crossent.fast._dispatch import NUMBA_MIN_ELEMENTS, Backend, numba_available

__all__ = [
    "NUMBA_MIN_ELEMENTS",
    "Backend",
    "FastReduction",
    "chunked_softmax_cross_entropy_with_integer_labels",
    "numba_available",
    "sigmoid_binary_cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
]


def softmax_cross_entropy_with_integer_labels(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    axis: int = -1,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    weight: npt.ArrayLike | None = None,
    reduction: FastReduction = "none",
    backend: Backend = "auto",
) -> npt.NDArray[Any]:
    r"""Softmax cross-entropy with integer class labels, in one pass.

    Parameters
    ----------
    logits : array_like
        Floating-point logits (float16, bfloat16, float32 or float64).
    labels : array_like of int
        Class indices in ``[0, C)``, shape of ``logits`` without ``axis``.
    axis : int, default -1
        The class axis. Any other axis is moved last (logits that are then not
        contiguous are processed in converted row blocks).
    ignore_index : int, optional
        Label value whose examples get loss 0 and are left out of the mean.
    label_smoothing : float, default 0.0
        PyTorch's smoothing: the target is ``(1 - ls)·onehot(y) + ls/C``.
    weight : array_like, optional
        Class weights of shape ``(C,)``, as PyTorch's ``weight``: they scale each
        class's term, the smoothing term included.
    reduction : {"none", "sum", "mean"}, default "none"
        ``"mean"`` divides by :math:`\sum_i w_{y_i}` over rows not ignored (the
        row count without ``weight``), as PyTorch does; NaN when that is 0.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run (see the module docstring).

    Returns
    -------
    numpy.ndarray
        Per-example losses (shape of ``labels``) or a 0-d array, in the dtype of
        ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point or ``labels`` not integer.
    ValueError
        For mismatched shapes, labels out of range (other than
        ``ignore_index``), an unknown ``reduction`` or ``backend``, or
        ``label_smoothing`` outside ``[0, 1]``.
    ImportError
        For ``backend="numba"`` without numba.

    See Also
    --------
    crossent.softmax_cross_entropy_with_integer_labels : the exact reference.
    crossent.value_and_grad.softmax_cross_entropy_with_integer_labels : with the
        gradient, fused.

    Notes
    -----
    .. math:: \ell_i = (1 - \varepsilon)\, w_{y_i} (\operatorname{lse}(z_i) - z_{iy_i})
              + \frac{\varepsilon}{C} \sum_c w_c (\operatorname{lse}(z_i) - z_{ic})

    computed as :math:`(m - z_{iy}) + \log s` with the row maximum :math:`m` and
    :math:`s = \sum_c e^{z_{ic} - m}` accumulated in one sweep over chunks. Rows with a
    ``+inf`` or NaN logit, or only ``-inf`` logits, are recomputed exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import fast
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]], dtype=np.float32)
    >>> print(fast.softmax_cross_entropy_with_integer_labels(z, [1, 2]).round(4))
    [0.479  1.1997]
    >>> print(fast.softmax_cross_entropy_with_integer_labels(
    ...     z, [1, -100], ignore_index=-100, reduction="mean"))
    0.479011
    """
    value, _ = _api.ce_int(
        "fast.softmax_cross_entropy_with_integer_labels",
        logits,
        labels,
        axis=axis,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
        weight=weight,
        reduction=reduction,
        backend=backend,
    )
    return value


def softmax_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    axis: int = -1,
    reduction: FastReduction = "none",
    backend: Backend = "auto",
) -> npt.NDArray[Any]:
    r"""Softmax cross-entropy with one-hot or soft labels, in one pass.

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        Target distributions of the shape of ``logits`` (any real dtype, used in
        the compute dtype). Rows need not sum to 1.
    axis : int, default -1
        The class axis.
    reduction : {"none", "sum", "mean"}, default "none"
        ``"mean"`` divides by the number of examples (PyTorch's rule for
        probability targets).
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run.

    Returns
    -------
    numpy.ndarray
        Per-example losses or a 0-d array, in the dtype of ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        For mismatched shapes or an unknown ``reduction`` or ``backend``.

    See Also
    --------
    crossent.softmax_cross_entropy : the exact reference.
    crossent.value_and_grad.softmax_cross_entropy : with the gradient, fused.

    Notes
    -----
    .. math:: \ell_i = \sum_c t_{ic} (m_i - z_{ic}) + \Bigl(\sum_c t_{ic}\Bigr) \log s_i

    Every term of the first sum is non-negative, so nothing cancels, and a label
    of exactly 0 costs 0 even against a ``-inf`` logit.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import fast
    >>> z = np.array([[0.5, 1.5, -np.inf]])
    >>> print(fast.softmax_cross_entropy(z, [[0.25, 0.75, 0.0]]).round(5))
    [0.56326]
    """
    value, _ = _api.ce_soft(
        "fast.softmax_cross_entropy",
        logits,
        labels,
        axis=axis,
        reduction=reduction,
        backend=backend,
    )
    return value


def sigmoid_binary_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    pos_weight: npt.ArrayLike | None = None,
    reduction: FastReduction = "none",
    backend: Backend = "auto",
) -> npt.NDArray[Any]:
    r"""Sigmoid (binary) cross-entropy with logits, elementwise, in one pass.

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        Targets in ``[0, 1]`` of the shape of ``logits`` (bool, int or float).
    pos_weight : array_like, optional
        Weight of the positive term per class (last axis), as PyTorch's
        ``pos_weight``: a scalar or shape ``(C,)``.
    reduction : {"none", "sum", "mean"}, default "none"
        ``"mean"`` divides by the number of elements.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run.

    Returns
    -------
    numpy.ndarray
        Elementwise losses (shape of ``logits``) or a 0-d array, in the dtype of
        ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        For mismatched shapes, a ``pos_weight`` that is not per class, or an
        unknown ``reduction`` or ``backend``.

    See Also
    --------
    crossent.sigmoid_binary_cross_entropy : the exact reference.
    crossent.value_and_grad.sigmoid_binary_cross_entropy : with the gradient.

    Notes
    -----
    .. math:: \ell = [z \ge 0\ ?\ (1-y) z : -p\,y\,z] + (1 + (p-1) y) \log(1 + e^{-|z|})

    which equals :math:`p\,y \operatorname{softplus}(-z) + (1-y)\operatorname{softplus}(z)`
    without cancelling large terms; a zero coefficient times an infinite logit
    counts as 0.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import fast
    >>> z = np.array([[-3.0, 0.0, 40.0]], dtype=np.float32)
    >>> print(fast.sigmoid_binary_cross_entropy(z, [[1, 0, 1]]))
    [[3.04859e+00 6.93147e-01 4.24835e-18]]
    """
    value, _ = _api.bce(
        "fast.sigmoid_binary_cross_entropy",
        logits,
        labels,
        pos_weight=pos_weight,
        reduction=reduction,
        backend=backend,
    )
    return value
