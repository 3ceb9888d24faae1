"""crossent's fused kernels inside a PyTorch training step (CPU tensors).

``cross_entropy``, ``binary_cross_entropy_with_logits`` and ``linear_cross_entropy``
take PyTorch's arguments and return a tensor with an autograd graph, like
``torch.nn.functional``'s. The forward pass reads the tensors' memory as NumPy
arrays (no copy for contiguous float32/float64 tensors) and computes the loss and
its gradient in one sweep with the fused kernels of :mod:`crossent.fast`; the
backward pass scales that gradient by the upstream one. The linear loss never
holds more than one block of logits (:func:`crossent.linear_cross_entropy`).

CUDA (or any non-CPU) tensors raise a ``ValueError``: the kernels are CPU kernels,
and a silent copy to the host would be slower than PyTorch's own op. float16 and
bfloat16 tensors are computed in float32 and the gradients returned in their dtype.

Importing this module imports torch; ``import crossent`` does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from crossent import value_and_grad as _vag
from crossent.linear import linear_cross_entropy as _linear

__all__ = ["binary_cross_entropy_with_logits", "cross_entropy", "linear_cross_entropy"]

_REDUCTIONS = ("none", "mean", "sum")


def _check(fn: str, reduction: str, **tensors: torch.Tensor | None) -> None:
    """CPU tensors and a known reduction, or a ValueError naming ``fn``."""
    for name, t in tensors.items():
        if t is not None and t.device.type != "cpu":
            raise ValueError(
                f"crossent.torch.{fn}: `{name}` is on {t.device}; crossent's fused "
                "kernels run on the CPU. Use torch.nn.functional's op for device "
                "tensors (no copy to the host is made for you)."
            )
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"crossent.torch.{fn}: `reduction` must be 'none', 'mean' or 'sum'; got "
            f"{reduction!r}."
        )


def _array(t: torch.Tensor) -> np.ndarray:
    """The tensor's memory as a NumPy array (float16/bfloat16 as float32)."""
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    out: np.ndarray = t.contiguous().numpy()
    return out


def _scaled(
    grad: torch.Tensor, grad_output: torch.Tensor, per_row: bool
) -> torch.Tensor:
    if per_row:  # reduction="none": rows are independent, so d out_i / dx_i is row i's
        shape = grad_output.shape + (1,) * (grad.dim() - grad_output.dim())
        return grad * grad_output.reshape(shape)
    return grad * grad_output


class _CrossEntropy(torch.autograd.Function):  # type: ignore[misc]
    @staticmethod
    def forward(
        ctx: Any,
        input: torch.Tensor,
        target: torch.Tensor,
        weight: torch.Tensor | None,
        ignore_index: int,
        reduction: str,
        label_smoothing: float,
    ) -> torch.Tensor:
        x = np.moveaxis(_array(input), 1, -1) if input.dim() > 1 else _array(input)
        if target.dtype.is_floating_point:  # class probabilities, input's shape
            if weight is not None:
                raise ValueError(
                    "crossent.torch.cross_entropy: `weight` with probability targets is "
                    "not supported by the fused kernel; use class indices or "
                    "torch.nn.functional.cross_entropy."
                )
            y = (
                np.moveaxis(_array(target), 1, -1)
                if target.dim() > 1
                else _array(target)
            )
            if label_smoothing:
                y = y * (1 - label_smoothing) + label_smoothing / y.shape[-1]
            value, grad = _vag.softmax_cross_entropy(x, y, reduction=reduction)  # type: ignore[arg-type]
        else:
            value, grad = _vag.softmax_cross_entropy_with_integer_labels(
                x,
                target.detach().numpy(),
                ignore_index=ignore_index,
                label_smoothing=label_smoothing,
                weight=None if weight is None else _array(weight),
                reduction=reduction,  # type: ignore[arg-type]
            )
        if input.dim() > 1:
            grad = np.moveaxis(grad, -1, 1)
        ctx.save_for_backward(torch.from_numpy(np.ascontiguousarray(grad)))
        ctx.per_row = reduction == "none"
        ctx.dtype = input.dtype
        return torch.from_numpy(np.asarray(value)).to(input.dtype)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> tuple[Any, ...]:
        (grad,) = ctx.saved_tensors
        out = _scaled(grad, grad_output.to(grad.dtype), ctx.per_row).to(ctx.dtype)
        return out, None, None, None, None, None


def cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """``torch.nn.functional.cross_entropy`` on crossent's fused CPU kernel.

    Examples
    --------
    >>> import torch
    >>> import crossent.torch as ct
    >>> z = torch.tensor([[2.0, 1.0, 0.1], [0.5, 0.2, 3.0]], requires_grad=True)
    >>> loss = ct.cross_entropy(z, torch.tensor([0, 2]))
    >>> loss.backward()
    >>> ref = torch.nn.functional.cross_entropy(z, torch.tensor([0, 2]))
    >>> bool(torch.isclose(loss, ref))
    True
    """
    _check("cross_entropy", reduction, input=input, target=target, weight=weight)
    out: torch.Tensor = _CrossEntropy.apply(
        input, target, weight, ignore_index, reduction, label_smoothing
    )
    return out


class _BCEWithLogits(torch.autograd.Function):  # type: ignore[misc]
    @staticmethod
    def forward(
        ctx: Any,
        input: torch.Tensor,
        target: torch.Tensor,
        weight: torch.Tensor | None,
        reduction: str,
        pos_weight: torch.Tensor | None,
    ) -> torch.Tensor:
        x = _array(input)
        y = np.broadcast_to(_array(target), x.shape)
        pw = None if pos_weight is None else _array(pos_weight)
        value, grad = _vag.sigmoid_binary_cross_entropy(
            x, y, pos_weight=pw, reduction="none"
        )
        if weight is not None:  # an elementwise rescaling, as in PyTorch
            w = np.broadcast_to(_array(weight), x.shape)
            value, grad = value * w, grad * w
        if reduction == "mean":
            value, grad = np.asarray(value.mean()), grad / max(x.size, 1)
        elif reduction == "sum":
            value = np.asarray(value.sum())
        ctx.save_for_backward(torch.from_numpy(np.ascontiguousarray(grad)))
        ctx.per_row = reduction == "none"
        ctx.dtype = input.dtype
        return torch.from_numpy(np.asarray(value, dtype=x.dtype)).to(input.dtype)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> tuple[Any, ...]:
        (grad,) = ctx.saved_tensors
        g = grad_output.to(grad.dtype)
        out = (grad * g).to(ctx.dtype)  # elementwise: the same for every reduction
        return out, None, None, None, None


def binary_cross_entropy_with_logits(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    pos_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """``torch.nn.functional.binary_cross_entropy_with_logits`` on the fused kernel."""
    _check(
        "binary_cross_entropy_with_logits", reduction, input=input, target=target,
        weight=weight, pos_weight=pos_weight,
    )  # fmt: skip
    out: torch.Tensor = _BCEWithLogits.apply(
        input, target, weight, reduction, pos_weight
    )
    return out


class _LinearCrossEntropy(torch.autograd.Function):  # type: ignore[misc]
    @staticmethod
    def forward(
        ctx: Any,
        input: torch.Tensor,
        linear_weight: torch.Tensor,
        target: torch.Tensor,
        linear_bias: torch.Tensor | None,
        weight: torch.Tensor | None,
        reduction: str,
        ignore_index: int,
        label_smoothing: float,
    ) -> torch.Tensor:
        args: dict[str, Any] = {
            "bias": None if linear_bias is None else _array(linear_bias),
            "weight": None if weight is None else _array(weight),
            "ignore_index": ignore_index,
            "label_smoothing": label_smoothing,
        }
        h, w, y = _array(input), _array(linear_weight), target.detach().numpy()
        r = _linear(h, w, y, reduction=reduction, **args)
        ctx.per_row = reduction == "none"
        ctx.dtypes = (input.dtype, linear_weight.dtype,
                      None if linear_bias is None else linear_bias.dtype)  # fmt: skip
        if ctx.per_row:  # the gradient needs the upstream one per row: recomputed
            ctx.inputs = (h, w, y, args)
        else:
            grads = [torch.from_numpy(g) for g in (r.grad_h, r.grad_W)]
            if r.grad_bias is not None:
                grads.append(torch.from_numpy(r.grad_bias))
            ctx.save_for_backward(*grads)
        return torch.from_numpy(np.asarray(r.value)).to(input.dtype)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> tuple[Any, ...]:
        if ctx.per_row:
            h, w, y, args = ctx.inputs
            r = _linear(h, w, y, reduction="none", row_scale=grad_output.double().numpy(), **args)  # fmt: skip
            grads = [torch.from_numpy(r.grad_h), torch.from_numpy(r.grad_W)]
            if r.grad_bias is not None:
                grads.append(torch.from_numpy(r.grad_bias))
        else:
            grads = [g * grad_output.to(g.dtype) for g in ctx.saved_tensors]
        dh, dw = grads[0].to(ctx.dtypes[0]), grads[1].to(ctx.dtypes[1])
        db = grads[2].to(ctx.dtypes[2]) if len(grads) > 2 else None
        return dh, dw, None, db, None, None, None, None


def linear_cross_entropy(
    input: torch.Tensor,
    linear_weight: torch.Tensor,
    target: torch.Tensor,
    *,
    linear_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """``torch.nn.functional.linear_cross_entropy`` without the logits in memory.

    Examples
    --------
    >>> import torch
    >>> import crossent.torch as ct
    >>> h = torch.randn(6, 4, dtype=torch.float64, requires_grad=True)
    >>> W = torch.randn(10, 4, dtype=torch.float64, requires_grad=True)
    >>> y = torch.tensor([1, 0, 9, 3, 3, 7])
    >>> torch.autograd.gradcheck(lambda h, W: ct.linear_cross_entropy(h, W, y), (h, W))
    True
    """
    _check(
        "linear_cross_entropy", reduction, input=input, linear_weight=linear_weight,
        target=target, linear_bias=linear_bias, weight=weight,
    )  # fmt: skip
    out: torch.Tensor = _LinearCrossEntropy.apply(
        input, linear_weight, target, linear_bias, weight, reduction, ignore_index,
        label_smoothing,
    )  # fmt: skip
    return out
