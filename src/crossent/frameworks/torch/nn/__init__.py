"""Mirror of ``torch.nn``'s cross-entropy loss modules and ``torch.nn.functional``.

Each class stores its constructor arguments, as the torch module does, and calling
it runs the matching :mod:`~crossent.frameworks.torch.nn.functional` mirror.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._guard import CORE_CHECKS, TORCH_LABEL_SMOOTHING, guard_module
from crossent.frameworks._convert import as_torch
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch.nn import functional

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "LinearCrossEntropyLoss",
    "NLLLoss",
    "functional",
]


class _Loss:
    """``torch.nn.modules.loss._Loss``: resolves the legacy reduction once."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        self.reduction = _ops.legacy_reduction(size_average, reduce, reduction)

    def __call__(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        return self.forward(input, target)

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class CrossEntropyLoss(_Loss):
    """Mirror of ``torch.nn.CrossEntropyLoss``; see ``functional.cross_entropy``.

    Parameters
    ----------
    weight : array_like, optional
        Per-class weights, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float, default 0.0

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html,
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch import nn
    >>> loss = nn.CrossEntropyLoss(weight=np.float32([2, 4, 6]))
    >>> print(loss(np.float32([[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]]), np.array([2, 1])))
    1.05983
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = as_torch(weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        """The loss of ``input`` (logits) against ``target``."""
        return np.asarray(
            functional.cross_entropy(
                input,
                target,
                weight=self.weight,
                ignore_index=self.ignore_index,
                reduction=self.reduction,
                label_smoothing=self.label_smoothing,
            )
        )


class NLLLoss(_Loss):
    """Mirror of ``torch.nn.NLLLoss``; see ``functional.nll_loss``.

    Parameters
    ----------
    weight : array_like, optional
        Per-class weights, shape ``(C,)``.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html,
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch import nn
    >>> print(nn.NLLLoss()(np.float32([[-0.5, -1.0]]), np.array([1])))
    1.0
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = as_torch(weight)
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        """The loss of ``input`` (log-probabilities) against ``target``."""
        return np.asarray(
            functional.nll_loss(
                input,
                target,
                weight=self.weight,
                ignore_index=self.ignore_index,
                reduction=self.reduction,
            )
        )


class BCELoss(_Loss):
    """Mirror of ``torch.nn.BCELoss``; see ``functional.binary_cross_entropy``.

    Parameters
    ----------
    weight : array_like, optional
        Per-element weight, broadcast to the target's shape.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    reduction : {"mean", "sum", "none"}, default "mean"

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html,
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch import nn
    >>> print(nn.BCELoss()(np.float32([0.0]), np.float32([1.0])))
    100.0
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = as_torch(weight)

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        """The loss of ``input`` (probabilities) against ``target``."""
        return np.asarray(
            functional.binary_cross_entropy(
                input, target, weight=self.weight, reduction=self.reduction
            )
        )


class BCEWithLogitsLoss(_Loss):
    """Mirror of ``torch.nn.BCEWithLogitsLoss``.

    See ``functional.binary_cross_entropy_with_logits``.

    Parameters
    ----------
    weight : array_like, optional
        Per-element weight, broadcast to the input's shape.
    size_average, reduce : bool, optional
        Deprecated legacy reduction arguments.
    reduction : {"mean", "sum", "none"}, default "mean"
    pos_weight : array_like, optional
        Weight of positive examples, broadcast along the last axis.

    References
    ----------
    https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html,
    PyTorch 1.11–2.13.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.torch import nn
    >>> loss = nn.BCEWithLogitsLoss(pos_weight=np.float32([3.0]))
    >>> print(loss(np.float32([-3.0]), np.float32([1.0])))
    9.14576
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = as_torch(weight)
        self.pos_weight = as_torch(pos_weight)

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        """The loss of ``input`` (logits) against ``target``."""
        return np.asarray(
            functional.binary_cross_entropy_with_logits(
                input,
                target,
                weight=self.weight,
                reduction=self.reduction,
                pos_weight=self.pos_weight,
            )
        )


class LinearCrossEntropyLoss:
    """Mirror of ``torch.nn.LinearCrossEntropyLoss`` (PyTorch 2.13).

    A ``Linear(in_features, num_classes · ∏ out_features, bias)`` head and
    :func:`functional.linear_cross_entropy` of its logits. The head's parameters
    are ``linear_weight`` (``(num_classes · ∏ out_features, in_features)``) and
    ``linear_bias``: drawn from U(−1/√in, 1/√in) as PyTorch draws them, but from
    NumPy's generator (``seed``), so copy a real module's
    (``module.linear.weight.detach().numpy()``) to reproduce its numbers.
    ``device`` is ignored.

    >>> import numpy as np
    >>> from crossent.frameworks.torch import nn
    >>> loss = nn.LinearCrossEntropyLoss(2, 3)
    >>> loss.linear_weight = np.float32([[0.5, 1.0], [-1.0, 0.5], [0.0, 0.25]])
    >>> print(loss(np.float32([[1.0, -0.5], [0.25, 2.0]]), np.array([0, 1])).round(4))
    1.2603
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device: Any = None,
        dtype: Any = None,
        reduction: str = "mean",
        weight: Any = None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: Any = None,
        seed: int | None = None,
    ) -> None:
        self.in_features, self.num_classes = int(in_features), int(num_classes)
        self.out_features = tuple(int(d) for d in out_features)
        self.reduction = _ops.check_reduction("linear_cross_entropy", reduction)
        self.weight = as_torch(weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing
        self.options = options
        rows = self.num_classes * int(np.prod(self.out_features, dtype=np.int64))
        bound = 1 / np.sqrt(self.in_features) if self.in_features else 0.0
        rng = np.random.default_rng(seed)
        dt = np.dtype(dtype or np.float32)
        self.linear_weight = rng.uniform(
            -bound, bound, (rows, self.in_features)
        ).astype(dt)
        self.linear_bias = rng.uniform(-bound, bound, rows).astype(dt) if bias else None

    def __call__(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        return self.forward(input, target)

    def forward(self, input: Any, target: Any) -> np.ndarray:  # noqa: A002
        """The loss of the head's logits of ``input`` against ``target``."""
        shape = (self.num_classes, *self.out_features)
        w = np.asarray(self.linear_weight).reshape((*shape, self.in_features))
        b = (
            None
            if self.linear_bias is None
            else np.asarray(self.linear_bias).reshape(shape)
        )
        return np.asarray(
            functional.linear_cross_entropy(
                input,
                w,
                target,
                linear_bias=b,
                weight=self.weight,
                reduction=self.reduction,
                ignore_index=self.ignore_index,
                label_smoothing=self.label_smoothing,
                options=self.options,
            )
        )

    def __repr__(self) -> str:
        return (
            f"LinearCrossEntropyLoss(in_features={self.in_features}, "
            f"num_classes={self.num_classes}, out_features={self.out_features}, "
            f"bias={self.linear_bias is not None})"
        )


guard_module(
    globals(),
    "torch.nn.",
    __all__,
    {
        "label_smoothing": TORCH_LABEL_SMOOTHING,
        "LinearCrossEntropyLoss.ignore_index": CORE_CHECKS["ignore_index"],
    },
)
