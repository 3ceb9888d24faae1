"""``torch.nn.functional.linear_cross_entropy`` (PyTorch 2.13) as a plan.

The reference implementation (``options=None``) is ``cross_entropy(linear(input,
linear_weight, linear_bias), target, ...)`` with ``ignore_index=None`` read as
-100 (torch/nn/functional.py ``linear_cross_entropy``): the logits are
``input · Wᵀ + b`` in the inputs' dtype (float16/bfloat16 accumulated in float32
and rounded, as ATen's CPU matmul does), then the plan of
:func:`~crossent.frameworks.torch._nll.plan_cross_entropy` runs on them. A
``linear_weight`` of shape ``(C, d_1, …, d_K, H)`` gives ``(N, C, d_1, …, d_K)``
logits (the K-dimensional loss).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from crossent.errors import FrameworkRuntimeError
from crossent.frameworks._convert import as_torch
from crossent.frameworks._plan import Plan, State
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch._nll import plan_cross_entropy

__all__ = ["SOURCE", "linear_logits", "plan_linear_cross_entropy"]

SOURCE = "torch/nn/functional.py linear_cross_entropy"
_HALF = ("float16", "bfloat16")


def _name(dtype: np.dtype[Any]) -> str:
    names = {"float32": "float", "float64": "double", "float16": "c10::Half"}
    return names.get(dtype.name, str(dtype.name))


def linear_logits(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """``F.linear`` generalised to ``(C, d_1, …, d_K, H)`` weights, in ``x``'s dtype."""
    fn = "linear_cross_entropy"
    for name, a in (("input", x), ("linear_weight", w)):
        if not _ops.is_float(a.dtype):
            raise FrameworkRuntimeError(
                f"{fn}: `{name}` must be floating point; got "
                f"{_ops.torch_dtype_name(a.dtype)}."
            )
    if w.dtype != x.dtype or (b is not None and b.dtype != x.dtype):
        other = w.dtype if w.dtype != x.dtype else b.dtype  # type: ignore[union-attr]
        raise FrameworkRuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_name(x.dtype)} != "
            f"{_name(other)} ({fn}: `input`, `linear_weight` and `linear_bias` must "
            "share one dtype)"
        )
    if x.shape[-1:] != w.shape[-1:]:
        raise FrameworkRuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({fn}: `input` has "
            f"{x.shape[-1] if x.ndim else 0} features, `linear_weight` {w.shape[-1]})"
        )
    work = np.float32 if x.dtype.name in _HALF else x.dtype
    z = np.tensordot(x.astype(work), w.astype(work), axes=([-1], [-1]))
    if b is not None:
        z = z + b.astype(work)
    return np.asarray(z, x.dtype)


def plan_linear_cross_entropy(
    y_true: Any,
    y_pred: Any,
    *,
    linear_weight: Any,
    linear_bias: Any = None,
    weight: Any = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
) -> tuple[Plan, State]:
    """Plan of ``F.linear_cross_entropy(input=y_pred, linear_weight, target=y_true)``.

    The projection is done when the plan is bound (its state's ``y_pred`` are
    the logits); the plan is PyTorch's cross-entropy of them, under the linear
    loss's name.
    """
    x, w = as_torch(y_pred), as_torch(linear_weight)
    b = as_torch(linear_bias)
    logits = linear_logits(x, w, b)
    plan, state = plan_cross_entropy(
        y_true,
        logits,
        weight=weight,
        ignore_index=-100 if ignore_index is None else ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    linear = replace(
        plan,
        implementation="torch.nn.functional.linear_cross_entropy",
        options={**plan.options, "linear_bias": b is not None},
    )
    return linear, state
