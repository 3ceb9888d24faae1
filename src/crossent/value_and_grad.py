"""Cross-entropy losses and their gradients with respect to the logits, fused.

Each function returns ``ValueAndGrad(value, grad)``: the loss reduced as asked
(PyTorch's reductions) and the gradient of that value with respect to the logits,
computed in the same sweep over the data (one ``exp`` per logit). The gradient is
written into a new array, into a caller's ``out``, or over the logits themselves
(``overwrite_logits=True``: no memory beyond the inputs). The class axis is the last
axis; ``(..., C)`` logits are processed as ``(N, C)`` rows.

The kernels are those of :mod:`crossent.fast` (numba when installed and the input
is large, else row-blocked NumPy); the values equal the core's within
``4·eps(float32)·(1 + |loss|)``.

Examples
--------
>>> import numpy as np
>>> from crossent import value_and_grad
>>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]], dtype=np.float32)
>>> loss, grad = value_and_grad.softmax_cross_entropy_with_integer_labels(z, [1, 2])
>>> print(loss)
0.839343
>>> print(grad.round(4))
[[ 0.1139 -0.1903  0.0764]
 [ 0.2484  0.101  -0.3494]]
"""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from crossent.fast import _api
from crossent.fast._api import FastReduction, ValueAndGrad
from crossent.fast._dispatch import Backend

__all__ = [
    "ValueAndGrad",
    "sigmoid_binary_cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
]


def _result(value: npt.NDArray[Any], grad: npt.NDArray[Any] | None) -> ValueAndGrad:
    if grad is None:  # pragma: no cover - the front ends always return one here
        raise AssertionError("gradient missing")
    return ValueAndGrad(value, grad)


def softmax_cross_entropy_with_integer_labels(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    weight: npt.ArrayLike | None = None,
    reduction: FastReduction = "mean",
    out: npt.NDArray[Any] | None = None,
    overwrite_logits: bool = False,
    backend: Backend = "auto",
) -> ValueAndGrad:
    r"""Softmax cross-entropy with integer labels and its gradient, fused.

    Parameters
    ----------
    logits : array_like
        Floating-point logits of shape ``(..., C)``.
    labels : array_like of int
        Class indices in ``[0, C)``, shape ``logits.shape[:-1]``.
    ignore_index : int, optional
        Label value whose examples get loss 0, gradient 0, and are left out of the
        mean (PyTorch's ``ignore_index``, which defaults to -100 there).
    label_smoothing : float, default 0.0
        Target ``(1 - ls)·onehot(y) + ls/C``, weighted by ``weight`` (PyTorch).
    weight : array_like, optional
        Class weights of shape ``(C,)`` (PyTorch's ``weight``).
    reduction : {"none", "sum", "mean"}, default "mean"
        ``"mean"`` divides by :math:`\sum_i w_{y_i}` over rows not ignored;
        when that is 0 the value is NaN and the gradient 0.
    out : numpy.ndarray, optional
        Writeable C-contiguous array of the shape and dtype of ``logits`` that
        receives the gradient.
    overwrite_logits : bool, default False
        Write the gradient over ``logits`` (which must then be a writeable
        C-contiguous array): no extra memory.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run (see :mod:`crossent.fast`).

    Returns
    -------
    ValueAndGrad
        ``value``: per-example losses (``"none"``) or a 0-d array; ``grad``: the
        gradient of ``value`` (of its sum for ``"none"``) with respect to the
        logits, the shape and dtype of ``logits`` (the ``out`` or ``logits``
        array itself when given).

    Raises
    ------
    TypeError
        If ``logits`` is not floating point or ``labels`` not integer.
    ValueError
        For mismatched shapes, labels out of range, an unknown ``reduction``,
        an ``out`` of the wrong shape or dtype, or ``out`` together with
        ``overwrite_logits``.

    See Also
    --------
    crossent.fast.softmax_cross_entropy_with_integer_labels : the loss only.
    softmax_cross_entropy : soft labels.

    Notes
    -----
    With target row :math:`T_i = (1-\varepsilon) w_{y_i} e_{y_i} + \tfrac{\varepsilon}{C} w`,
    the loss is :math:`\ell_i = \sum_c T_{ic}(\operatorname{lse}(z_i) - z_{ic})` and

    .. math:: \frac{\partial \ell_i}{\partial z_{ic}} = p_{ic} \sum_k T_{ik} - T_{ic},
              \qquad p_i = \operatorname{softmax}(z_i),

    times :math:`1 / \sum_i w_{y_i}` for the mean. The kernel stores
    :math:`e^{z - m}` while summing and rescales it once, so each logit costs one
    ``exp``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import value_and_grad
    >>> z = np.array([[2.0, 0.0, -np.inf]], dtype=np.float32)
    >>> r = value_and_grad.softmax_cross_entropy_with_integer_labels(
    ...     z, [0], overwrite_logits=True)
    >>> print(r.value, r.grad is z)
    0.126928 True
    >>> print(z.round(4))
    [[-0.1192  0.1192  0.    ]]
    """
    return _result(
        *_api.ce_int(
            "value_and_grad.softmax_cross_entropy_with_integer_labels",
            logits,
            labels,
            ignore_index=ignore_index,
            label_smoothing=label_smoothing,
            weight=weight,
            reduction=reduction,
            backend=backend,
            want_grad=True,
            out=out,
            overwrite_logits=overwrite_logits,
        )
    )


def softmax_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    reduction: FastReduction = "mean",
    out: npt.NDArray[Any] | None = None,
    overwrite_logits: bool = False,
    backend: Backend = "auto",
) -> ValueAndGrad:
    r"""Softmax cross-entropy with soft (probability) labels and its gradient.

    Parameters
    ----------
    logits : array_like
        Floating-point logits of shape ``(..., C)``.
    labels : array_like
        Target distributions of the same shape (any real dtype).
    reduction : {"none", "sum", "mean"}, default "mean"
        ``"mean"`` divides by the number of examples (PyTorch's rule for
        probability targets).
    out : numpy.ndarray, optional
        Array receiving the gradient (shape and dtype of ``logits``).
    overwrite_logits : bool, default False
        Write the gradient over ``logits``.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run.

    Returns
    -------
    ValueAndGrad
        The loss and its gradient with respect to the logits.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        For mismatched shapes, an unknown ``reduction``, or a bad ``out``.

    See Also
    --------
    crossent.fast.softmax_cross_entropy : the loss only.

    Notes
    -----
    .. math:: \frac{\partial \ell_i}{\partial z_{ic}} = p_{ic} \sum_k t_{ik} - t_{ic}

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import value_and_grad
    >>> z = np.array([[1.0, 1.0]])
    >>> print(value_and_grad.softmax_cross_entropy(z, [[0.5, 0.5]]))
    ValueAndGrad(value=array(0.69314718), grad=array([[0., 0.]]))
    """
    return _result(
        *_api.ce_soft(
            "value_and_grad.softmax_cross_entropy",
            logits,
            labels,
            reduction=reduction,
            backend=backend,
            want_grad=True,
            out=out,
            overwrite_logits=overwrite_logits,
        )
    )


def sigmoid_binary_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    pos_weight: npt.ArrayLike | None = None,
    reduction: FastReduction = "mean",
    out: npt.NDArray[Any] | None = None,
    overwrite_logits: bool = False,
    backend: Backend = "auto",
) -> ValueAndGrad:
    r"""Sigmoid binary cross-entropy with logits and its gradient, elementwise.

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        Targets in ``[0, 1]`` of the same shape.
    pos_weight : array_like, optional
        Weight of the positive term per class (last axis): scalar or ``(C,)``.
    reduction : {"none", "sum", "mean"}, default "mean"
        ``"mean"`` divides by the number of elements (PyTorch).
    out : numpy.ndarray, optional
        Array receiving the gradient.
    overwrite_logits : bool, default False
        Write the gradient over ``logits``.
    backend : {"auto", "numba", "numpy"}, default "auto"
        Which kernels to run.

    Returns
    -------
    ValueAndGrad
        ``value``: elementwise losses (``"none"``) or a 0-d array; ``grad``.

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        For mismatched shapes, a bad ``pos_weight`` or ``out``, or an unknown
        ``reduction``.

    See Also
    --------
    crossent.fast.sigmoid_binary_cross_entropy : the loss only.

    Notes
    -----
    .. math:: \frac{\partial \ell}{\partial z} = (1 + (p-1)y)\,\sigma(z) - p\,y

    computed as :math:`(1-y) - c\,e/(1+e)` for :math:`z \ge 0` and
    :math:`c\,e/(1+e) - p\,y` for :math:`z < 0`, with :math:`e = e^{-|z|}`.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent import value_and_grad
    >>> z = np.array([[0.0, 2.0]])
    >>> r = value_and_grad.sigmoid_binary_cross_entropy(z, [[1.0, 0.0]], reduction="sum")
    >>> print(round(float(r.value), 6), r.grad.round(6))
    2.820075 [[-0.5       0.880797]]
    """
    return _result(
        *_api.bce(
            "value_and_grad.sigmoid_binary_cross_entropy",
            logits,
            labels,
            pos_weight=pos_weight,
            reduction=reduction,
            backend=backend,
            want_grad=True,
            out=out,
            overwrite_logits=overwrite_logits,
        )
    )
