"""Binary (sigmoid) cross-entropies: each element is its own two-class problem."""

from __future__ import annotations

from typing import Any

from array_api_compat import is_numpy_namespace

from crossent._core import _validation as v
from crossent._core._blocks import elementwise_blocks
from crossent._core._exact_prob import binary_loss, elementwise, sigmoid_loss
from crossent._core._exact_softmax import applies
from crossent._core._logsumexp import softplus_working
from crossent._core._namespace import (
    as_array,
    labels_working,
    namespace,
    quietly,
    to_input_dtype,
    working,
)

__all__ = ["binary_cross_entropy", "sigmoid_binary_cross_entropy", "times"]


def times(w: Any, term: Any, xp: Any) -> Any:
    """``w * term`` with ``0 * inf = 0``: a zero weight removes the term (NaN stays)."""
    if is_numpy_namespace(xp):  # in place, without a zero array the size of the input
        import numpy as np

        with np.errstate(invalid="ignore"):
            prod = np.asarray(np.multiply(w, term))
        np.copyto(prod, 0, where=(w == 0) & ~np.isnan(term))
        return prod
    prod = quietly(lambda _, w, t: w * t, w, term, xp=xp, invalid="ignore")
    return xp.where((w == 0) & ~xp.isnan(term), xp.zeros_like(prod), prod)


def sigmoid_binary_cross_entropy(
    logits: Any, labels: Any, *, pos_weight: Any = None
) -> Any:
    r"""Binary cross-entropy between ``sigmoid(logits)`` and ``labels``, elementwise.

    Parameters
    ----------
    logits : array_like
        Floating-point logits.
    labels : array_like
        Targets in ``[0, 1]`` (soft targets allowed), same shape as ``logits``.
    pos_weight : array_like, optional
        Weight of the positive term, broadcast against ``logits`` (per class
        along the last axis, as PyTorch's ``pos_weight``).

    Returns
    -------
    array
        Elementwise loss, same shape and dtype as ``logits`` (no reduction).

    Raises
    ------
    TypeError
        If ``logits`` is not floating point.
    ValueError
        If the shapes differ.

    See Also
    --------
    binary_cross_entropy : from probabilities.
    log_sigmoid

    Notes
    -----
    .. math:: \ell = w_+\, y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z)

    since :math:`-\log\sigma(z) = \operatorname{softplus}(-z)` and
    :math:`-\log(1-\sigma(z)) = \operatorname{softplus}(z)`. No probability is
    formed, so nothing rounds to 0 or 1.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative for labels in [0, 1] and
    ``pos_weight >= 0``, down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    Seed question 002: the exact loss for logit ``a`` and label 1 is
    ``log(1 + exp(-a))``, finite far beyond where ``sigmoid(a)`` rounds to 1:

    >>> import numpy as np
    >>> import crossent
    >>> a = np.array([10.0, 20.0, 40.0], dtype=np.float32)
    >>> print(crossent.sigmoid_binary_cross_entropy(a, np.ones(3, np.float32)))
    [4.5398898e-05 2.0611537e-09 4.2483541e-18]
    """
    fn = "sigmoid_binary_cross_entropy"
    xp = namespace(logits, labels, pos_weight)
    logits, labels = as_array(logits, xp), as_array(labels, xp)
    v.check_same_shape(fn, "logits", logits, "labels", labels)
    v.check_floating(fn, "logits", logits)
    weight = None if pos_weight is None else as_array(pos_weight, xp)

    def compute(logits: Any, labels: Any, weight: Any) -> Any:
        z = working(fn, "logits", logits, xp)
        y = labels_working(labels, z, xp)
        w = None if weight is None else labels_working(weight, z, xp)
        if applies(xp, z):
            loss = elementwise(sigmoid_loss, _plain_sigmoid, z, y, w)
        else:
            loss = _plain_sigmoid(z, y, w)
        return to_input_dtype(loss, logits.dtype, xp)

    return elementwise_blocks(compute, logits, labels, weight, xp=xp)


def _plain_sigmoid(z: Any, y: Any, w: Any = None) -> Any:
    """The sigmoid cross-entropy in the working dtype (any array library)."""
    xp = namespace(z, y, w)
    pos_term = times(y, softplus_working(-z, xp), xp)
    if w is not None:
        # Weight the term, not the label: y * pos_weight may underflow to 0 and
        # would then remove an infinite term.
        pos_term = times(w, pos_term, xp)
    return pos_term + times(1 - y, softplus_working(z, xp), xp)


def _plain_binary(p: Any, y: Any, _: Any = None) -> Any:
    """The binary cross-entropy from probabilities in the working dtype."""
    xp = namespace(p, y)
    log_p = quietly(lambda xp, p: xp.log(p), p, xp=xp, divide="ignore")
    log_not_p = quietly(lambda xp, p: xp.log1p(-p), p, xp=xp, divide="ignore")
    return -(times(y, log_p, xp) + times(1 - y, log_not_p, xp))


def binary_cross_entropy(probs: Any, labels: Any) -> Any:
    r"""Binary cross-entropy from probabilities, exactly and elementwise.

    Parameters
    ----------
    probs : array_like
        Probabilities of the positive class in ``[0, 1]``.
    labels : array_like
        Targets in ``[0, 1]``, same shape.

    Returns
    -------
    array
        Elementwise loss, same shape and dtype as ``probs``: no clipping, so a
        certain wrong prediction costs ``inf``.

    Raises
    ------
    TypeError
        If ``probs`` is not floating point.
    ValueError
        If the shapes differ or ``probs`` leaves ``[0, 1]``.

    See Also
    --------
    sigmoid_binary_cross_entropy : from logits, which is more accurate.
    cross_entropy : one distribution over classes.

    Notes
    -----
    .. math:: \ell = -\operatorname{xlogy}(y, p) - \operatorname{xlogy}(1-y, 1-p)

    with :math:`\log(1-p)` computed as ``log1p(-p)``.

    Accuracy: on NumPy arrays the float64 result is within 1 ulp of the exact
    value, relative for labels in [0, 1], down to subnormal results; float32 and lower
    precisions get that result rounded once. Other array libraries compute the
    same formula with their own ``exp``/``log`` (within 4 ulp, absolute below 1).

    Examples
    --------
    Seed question 003, the binary formula summed over the classes of a softmax
    output:

    >>> import numpy as np
    >>> import crossent
    >>> p = np.array([[0.227863, 0.61939586, 0.15274114],
    ...               [0.49674623, 0.20196195, 0.30129182]])
    >>> y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> print(crossent.binary_cross_entropy(p, y).sum(axis=-1))
    [0.90335299 2.11193571]
    """
    fn = "binary_cross_entropy"
    xp = namespace(probs, labels)
    probs, labels = as_array(probs, xp), as_array(labels, xp)
    v.check_same_shape(fn, "probs", probs, "labels", labels)
    v.check_floating(fn, "probs", probs)
    v.check_probabilities(fn, "probs", probs, xp)

    def compute(probs: Any, labels: Any, _: Any) -> Any:
        p = working(fn, "probs", probs, xp)
        y = labels_working(labels, p, xp)
        if applies(xp, p):
            loss = elementwise(binary_loss, _plain_binary, p, y, None)
        else:
            loss = _plain_binary(p, y)
        return to_input_dtype(loss, probs.dtype, xp)

    return elementwise_blocks(compute, probs, labels, None, xp=xp)
