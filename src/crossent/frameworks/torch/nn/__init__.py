"""Mirror of ``torch.nn``'s cross-entropy loss modules and ``torch.nn.functional``.

Each class stores its constructor arguments, as the torch module does, and calling
it runs the matching :mod:`~crossent.frameworks.torch.nn.functional` mirror.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._guard import TORCH_LABEL_SMOOTHING, guard_module
from crossent.frameworks._convert import as_torch
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch.nn import functional

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
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


guard_module(
    globals(), "torch.nn.", __all__, {"label_smoothing": TORCH_LABEL_SMOOTHING}
)
