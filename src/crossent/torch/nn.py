"""``torch.nn`` loss modules on crossent's fused CPU kernels."""

from __future__ import annotations

from typing import Any

import torch

from crossent.torch import cross_entropy, linear_cross_entropy

__all__ = ["CrossEntropyLoss", "LinearCrossEntropyLoss"]


class CrossEntropyLoss(torch.nn.Module):  # type: ignore[misc]
    """``torch.nn.CrossEntropyLoss`` with :func:`crossent.torch.cross_entropy`."""

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__()
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = reduction
        self.label_smoothing = label_smoothing

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> Any:
        return cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class LinearCrossEntropyLoss(torch.nn.Module):  # type: ignore[misc]
    """An LM head and its cross-entropy in one module: ``CE(h @ W.T + b, y)``.

    Holds the head's ``weight`` (``out_features × in_features``, as ``nn.Linear``)
    and optional ``bias``; the logits are never materialised in full
    (:func:`crossent.torch.linear_cross_entropy`).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = False,
        *,
        weight: torch.Tensor | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        head = torch.nn.Linear(in_features, out_features, bias=bias, dtype=dtype)
        self.linear_weight = head.weight
        self.linear_bias = head.bias
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = reduction
        self.label_smoothing = label_smoothing

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> Any:
        return linear_cross_entropy(
            input,
            self.linear_weight,
            target,
            linear_bias=self.linear_bias,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )
