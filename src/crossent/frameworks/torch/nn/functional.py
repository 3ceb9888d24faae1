"""Mirror of ``torch.nn.functional``'s cross-entropy losses (PyTorch 2.x; checked 2.13).

Same names, arguments, defaults and positional order as torch; NumPy arrays in
and out (Python lists become float32 / int64 tensors, as ``torch.tensor`` does).
Computed with torch's CPU arithmetic in the input's dtype (float16 and bfloat16
as the CPU kernels do them). The deprecated ``size_average``/``reduce`` are
honoured, with torch's warning.
"""

from __future__ import annotations

import functools
from typing import Any

from crossent._core._guard import CORE_CHECKS, TORCH_LABEL_SMOOTHING, guard_module
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch._binary import (
    plan_binary_cross_entropy,
    plan_binary_cross_entropy_with_logits,
)
from crossent.frameworks.torch._linear import SOURCE as _LINEAR_SOURCE
from crossent.frameworks.torch._linear import plan_linear_cross_entropy
from crossent.frameworks.torch._nll import plan_cross_entropy, plan_nll_loss

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "linear_cross_entropy",
    "nll_loss",
]

_VERSIONS = "PyTorch 1.11–2.13"
_DOCS = "https://pytorch.org/docs/stable/generated/torch.nn.functional.{}.html"
_REDUCTION_OPTIONS = ("mean", "sum", "none")
_LEGACY = Divergence(
    "reduce",
    "the deprecated size_average/reduce arguments are honoured "
    "(legacy_get_string) and not exposed as identify options",
    "torch/nn/_reduction.py legacy_get_string",
)
_torch = functools.partial(
    Mirror,
    framework="torch",
    versions=_VERSIONS,
    y_true="target",
    y_pred="input",
    hidden=("size_average", "reduce"),
    options={"reduction": _REDUCTION_OPTIONS},
)


@_torch(
    reference=_DOCS.format("cross_entropy"),
    summary="softmax CE from logits, class axis 1; class indices or probabilities; "
    "mean over Σ w[y] of non-ignored targets",
    expects="logits",
    labels="integer",
    divergences=(
        Divergence(
            "activation",
            "torch's log-softmax arithmetic; a +inf logit gives NaN, and with "
            "probability targets a −inf logit with target 0 gives NaN (0·−inf)",
            "aten/src/ATen/native/cpu/SoftMaxKernel.cpp",
        ),
        Divergence(
            "ignore",
            "targets equal to ignore_index (default −100) are dropped from the "
            "sum and from the mean's denominator; all ignored → NaN",
            f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame",
        ),
        Divergence(
            "reduce",
            "with class weights, 'mean' divides by Σ w[y_i] (index targets) but "
            "by N (probability targets); reductions use an 8-level cascade sum",
            f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame, cross_entropy_loss_prob_target",
        ),
        Divergence(
            "validate",
            "class indices outside [0, C) raise IndexError (CPU)",
            f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame",
        ),
        _LEGACY,
    ),
    options={"reduction": _REDUCTION_OPTIONS, "label_smoothing": (0.0, 0.1)},
)
def cross_entropy(
    input: Any,  # noqa: A002  (torch's argument name)
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> tuple[Plan, State]:
    r"""Mirror of ``torch.nn.functional.cross_entropy``: softmax CE from logits.

    Parameters
    ----------
    input : array_like
        Logits of shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dK)``; the class
        axis is 1 (0 for unbatched input).
    target : array_like
        Class indices (int64 or uint8; int32 raises ``RuntimeError``) of shape
        ``()``, ``(N,)`` or ``(N, d1, ..., dK)``, or class probabilities of the
        input's shape.
    weight : array_like, optional
        Per-class weights, shape ``(C,)``, in the input's dtype.
    size_average, reduce : bool, optional
        Deprecated; mapped as ``torch.nn._reduction.legacy_get_string`` does.
    ignore_index : int, default -100
        Class-index targets equal to it contribute 0 and leave the mean's
        denominator. Must be negative with probability targets.
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float, default 0.0
        In ``[0, 1]``; values ≤ 0 are ignored, values > 1 raise ``RuntimeError``.

    Returns
    -------
    numpy.ndarray
        The loss, in the input's dtype: a 0-d array, or the per-element losses.

    Raises
    ------
    IndexError
        A class index outside ``[0, C)`` that is not ``ignore_index``.
    RuntimeError, ValueError
        Where torch raises them (target dtype, shapes, weight size).

    Notes
    -----
    Index targets, "mean":

    .. math:: \frac{\sum_i -w_{y_i} \log p_{i, y_i}}{\sum_{i: y_i \ne \text{ignore}} w_{y_i}}

    so an all-ignored or empty batch gives NaN ("sum": 0). Probability targets
    divide by the number of samples instead, whatever the weights. With label
    smoothing and class indices, ``(1 − ls)·nll + (ls/C)·Σ_c −w_c log p_c``,
    each part reduced with the same Σ w[y] denominator.

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
    (``aten/src/ATen/native/LossNLL.cpp``, ``cross_entropy_loss_symint``),
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch.nn import functional as F
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> y = np.array([1, 0, 2])
    >>> print(F.cross_entropy(z, y, reduction="none").round(4))
    [1.4076 0.1698 1.0986]
    >>> print(F.cross_entropy(z, y, weight=np.float32([1, 2, 3])).round(4))
    1.0468
    """
    reduction = _ops.legacy_reduction(size_average, reduce, reduction)
    return plan_cross_entropy(
        target,
        input,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@_torch(
    reference=_DOCS.format("nll_loss"),
    summary="−w[y]·input[y] on log-probabilities, mean over Σ w[y] of non-ignored "
    "targets; probabilities passed as input give a negative loss",
    expects="logits",
    labels="integer",
    divergences=(
        Divergence(
            "activation",
            "no log or softmax: the input is used as log-probabilities as given",
            f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame",
        ),
        Divergence(
            "ignore",
            "targets equal to ignore_index (default −100) are dropped; all "
            "ignored → NaN for 'mean'",
            f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame",
        ),
        _LEGACY,
    ),
)
def nll_loss(
    input: Any,  # noqa: A002  (torch's argument name)
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> tuple[Plan, State]:
    r"""Mirror of ``torch.nn.functional.nll_loss``: ``−w[y]·input[y]``, reduced.

    ``input`` is taken as log-probabilities and used as given: passing
    probabilities silently gives a negative "loss". Arguments, shapes, errors
    and the Σ w[y] mean denominator are those of :func:`cross_entropy` with
    class-index targets.

    Parameters
    ----------
    input : array_like
        Log-probabilities, ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dK)``.
    target : array_like
        Class indices (int64 or uint8).
    weight : array_like, optional
        Per-class weights, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    numpy.ndarray
        The loss in the input's dtype.

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html
    (``LossNLL.cpp`` ``nll_loss_out_frame``), PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch.nn import functional as F
    >>> print(F.nll_loss(np.log(np.float32([[0.2, 0.2, 0.2]])), np.array([0])).round(4))
    1.6094
    """
    reduction = _ops.legacy_reduction(size_average, reduce, reduction)
    return plan_nll_loss(
        target, input, weight=weight, ignore_index=ignore_index, reduction=reduction
    )


@_torch(
    reference=_DOCS.format("binary_cross_entropy"),
    summary="elementwise BCE on probabilities, each log clamped at −100, mean over "
    "all elements",
    expects="probabilities",
    labels="binary",
    divergences=(
        Divergence(
            "validate",
            "p or y outside [0, 1] (or NaN) raise RuntimeError",
            f"{_ops.LOSS_CPP} binary_cross_entropy_out_cpu",
        ),
        Divergence(
            "log",
            "log p and log1p(−p) clamped at −100: a certain wrong prediction "
            "costs 100, not inf",
            f"{_ops.LOSS_CPP} binary_cross_entropy_out_cpu",
        ),
        Divergence(
            "reduce",
            "'mean' divides by the number of elements, not by Σ weight",
            f"{_ops.LOSS_CPP} apply_loss_reduction",
        ),
        _LEGACY,
    ),
)
def binary_cross_entropy(
    input: Any,  # noqa: A002  (torch's argument name)
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> tuple[Plan, State]:
    r"""Mirror of ``torch.nn.functional.binary_cross_entropy`` on probabilities.

    Parameters
    ----------
    input : array_like
        Probabilities in ``[0, 1]`` (anything else, NaN included, raises
        ``RuntimeError``).
    target : array_like
        Same shape and dtype as ``input``, values in ``[0, 1]``.
    weight : array_like, optional
        Per-element weight, broadcast to the target's shape.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    reduction : {"mean", "sum", "none"}, default "mean"
        "mean" divides by the number of elements, whatever the weights.

    Returns
    -------
    numpy.ndarray
        The loss in the input's dtype.

    Notes
    -----
    .. math:: \ell = (y - 1)\max(\log(1 - p), -100) - y \max(\log p, -100)

    with ``log1p(−p)`` for ``log(1 − p)``: a certain, wrong prediction costs
    exactly 100.

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy.html
    (``aten/src/ATen/native/Loss.cpp`` ``binary_cross_entropy_out_cpu``),
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch.nn import functional as F
    >>> print(F.binary_cross_entropy(np.float32([0.0, 0.3]), np.float32([1, 1]), reduction="none").round(3))
    [100.      1.204]
    """
    reduction = _ops.legacy_reduction(size_average, reduce, reduction)
    return plan_binary_cross_entropy(target, input, weight=weight, reduction=reduction)


@_torch(
    reference=_DOCS.format("binary_cross_entropy_with_logits"),
    summary="elementwise sigmoid BCE from logits, (1 − y)·x − log σ(x), optional "
    "pos_weight; mean over all elements",
    expects="logits",
    labels="binary",
    divergences=(
        Divergence(
            "terms",
            "(1 − y)·x − log σ(x): infinite logits give NaN except (+inf, y=0) "
            "→ inf; (−inf, y=1) gives NaN where the exact loss is inf",
            f"{_ops.LOSS_CPP} binary_cross_entropy_with_logits",
        ),
        Divergence(
            "reduce",
            "'mean' divides by the number of elements, not by Σ weight",
            f"{_ops.LOSS_CPP} apply_loss_reduction",
        ),
        _LEGACY,
    ),
)
def binary_cross_entropy_with_logits(
    input: Any,  # noqa: A002  (torch's argument name)
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> tuple[Plan, State]:
    r"""Mirror of ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Parameters
    ----------
    input : array_like
        Logits.
    target : array_like
        Same shape as ``input``; not validated (``y = 2`` gives a negative loss).
    weight : array_like, optional
        Per-element weight, broadcast to the input's shape.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    reduction : {"mean", "sum", "none"}, default "mean"
    pos_weight : array_like, optional
        Weight of the positive term, broadcast along the last (class) axis.

    Returns
    -------
    numpy.ndarray
        The loss, in the input's dtype (promoted with the target's).

    Notes
    -----
    .. math:: \ell = (1 - y)\,x - (1 + (w_+ - 1)\,y)\,\log\sigma(x)

    with ``log σ(x) = min(x, 0) − log1p(exp(−|x|))``. Infinite logits give NaN
    except ``(+inf, 0)`` (inf).

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html
    (``Loss.cpp`` ``binary_cross_entropy_with_logits``), PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch.nn import functional as F
    >>> print(F.binary_cross_entropy_with_logits(np.float32([-3.0]), np.float32([1.0]), pos_weight=np.float32([3.0])).round(3))
    9.146
    """
    reduction = _ops.legacy_reduction(size_average, reduce, reduction)
    return plan_binary_cross_entropy_with_logits(
        target, input, weight=weight, reduction=reduction, pos_weight=pos_weight
    )


@_torch(
    versions="PyTorch 2.13 (reference path; the chunked `options` path computed alike)",
    reference=_DOCS.format("linear_cross_entropy"),
    summary="cross_entropy(input · Wᵀ + b, target): softmax CE of a linear head's "
    "logits; ignore_index None means -100",
    expects="logits",
    labels="integer",
    hidden=("options",),
    divergences=(
        Divergence(
            "activation",
            "the logits are input · Wᵀ + b in input's dtype (float32 matmul "
            "rounding); with `options` PyTorch chunks the batch and accumulates per "
            "acc_policy, here the reference path computes every case",
            _LINEAR_SOURCE,
        ),
    ),
)
def linear_cross_entropy(
    input: Any,  # noqa: A002  (torch's argument name)
    linear_weight: Any,
    target: Any,
    *,
    linear_bias: Any = None,
    weight: Any = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: Any = None,
) -> tuple[Plan, State]:
    """Mirror of ``torch.nn.functional.linear_cross_entropy`` (PyTorch 2.13).

    ``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``:
    the logits ``input · Wᵀ + b`` are computed in ``input``'s dtype (float16 and
    bfloat16 accumulate in float32), then :func:`cross_entropy` with the same
    ``weight``, ``reduction``, ``label_smoothing`` and ``ignore_index`` (``None``
    is -100). ``linear_weight`` of shape ``(C, d_1, …, d_K, H)`` gives the
    K-dimensional loss. ``options`` (``LinearCrossEntropyOptions``: chunking,
    ``acc_policy``) changes how PyTorch computes, not what: the mirror computes
    the reference path for every ``options``. ``input``, ``linear_weight`` and
    ``linear_bias`` must share one dtype (RuntimeError otherwise, as PyTorch).
    For the memory-bounded computation of large vocabulary heads, see
    :func:`crossent.linear_cross_entropy`.

    >>> import numpy as np
    >>> from crossent.frameworks.torch.nn import functional as F
    >>> h = np.float32([[1.0, -0.5], [0.25, 2.0]])
    >>> W = np.float32([[0.5, 1.0], [-1.0, 0.5], [0.0, 0.25]])
    >>> print(F.linear_cross_entropy(h, W, np.array([0, 1])).round(4))
    1.2603
    """
    return plan_linear_cross_entropy(
        target,
        input,
        linear_weight=linear_weight,
        linear_bias=linear_bias,
        weight=weight,
        reduction=reduction,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
    )


guard_module(
    globals(),
    "torch.nn.functional.",
    __all__,
    {
        "label_smoothing": TORCH_LABEL_SMOOTHING,
        "linear_cross_entropy.ignore_index": CORE_CHECKS["ignore_index"],
    },
)
