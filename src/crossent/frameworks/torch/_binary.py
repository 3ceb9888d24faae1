"""Plans of ``F.binary_cross_entropy`` and ``F.binary_cross_entropy_with_logits``.

Source: ``aten/src/ATen/native/Loss.cpp`` (``binary_cross_entropy_out_cpu``,
``binary_cross_entropy_with_logits``, ``apply_loss_reduction``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.errors import FrameworkNotImplementedError, FrameworkRuntimeError
from crossent.frameworks._convert import as_torch
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks.torch import _ops

__all__ = ["plan_binary_cross_entropy", "plan_binary_cross_entropy_with_logits"]

_SRC = _ops.LOSS_CPP
_PATH = "torch.nn.functional."


def _size(shape: tuple[int, ...]) -> str:
    return f"torch.Size({list(shape)})"


def _broadcast_weight(w: np.ndarray, shape: tuple[int, ...], what: str) -> np.ndarray:
    try:
        full = np.broadcast_shapes(shape, w.shape)
    except ValueError:
        raise FrameworkRuntimeError(
            f"The size of tensor a ({shape[-1] if shape else 1}) must match the size "
            f"of tensor b ({w.shape[-1] if w.shape else 1}) at non-singleton "
            f"dimension {max(len(shape) - 1, 0)} ({what} must broadcast to the "
            f"input's shape {shape})"
        ) from None
    if full != shape:
        raise FrameworkRuntimeError(
            f"output with shape {list(shape)} doesn't match the broadcast shape "
            f"{list(full)}"
        )
    return np.broadcast_to(w, shape)


def _weight_step(w: np.ndarray) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        wf = _broadcast_weight(w, loss.shape, "`weight`")
        # in-place ``loss.mul_(weight)``: computed in the common dtype, stored
        # in the loss dtype
        common = np.result_type(_ops.opmath(loss.dtype), _ops.opmath(wf.dtype))
        return {
            "loss": (loss.astype(common) * wf.astype(common)).astype(loss.dtype),
            "sample_weight": wf,
        }

    return Step("weight", "ℓ ← w·ℓ (per element)", fn, f"{_SRC} loss.mul_(weight)")


def _reduce_step(reduction: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if reduction == "none":
            return {"value": loss}
        if reduction == "sum":
            return {"value": _ops.torch_sum(loss)}
        if loss.size == 0:
            return {"value": np.asarray(np.nan, loss.dtype)}
        return {"value": _ops.torch_mean(loss)}

    formula = {
        "none": "ℓ (no reduction)",
        "sum": "Σ ℓ",
        "mean": "Σ ℓ / numel   (all elements, not Σ weights)",
    }[reduction]
    return Step("reduce", formula, fn, f"{_SRC} apply_loss_reduction")


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"])}

    return Step("output", "result in the input's dtype", fn, _SRC)


def plan_binary_cross_entropy(
    y_true: Any, y_pred: Any, *, weight: Any = None, reduction: str = "mean"
) -> tuple[Plan, State]:
    """Plan of ``F.binary_cross_entropy(input=y_pred, target=y_true, ...)``."""
    fn = "binary_cross_entropy"
    reduction = _ops.check_reduction(fn, reduction)
    p, y, w = as_torch(y_pred), as_torch(y_true), as_torch(weight)
    if y.shape != p.shape:
        raise ValueError(
            f"Using a target size ({_size(y.shape)}) that is different to the input "
            f"size ({_size(p.shape)}) is deprecated. Please ensure they have the "
            "same size."
        )
    if w is not None:
        _broadcast_weight(w, y.shape, "`weight`")
    if not _ops.is_float(p.dtype):
        raise FrameworkNotImplementedError(
            f'"binary_cross_entropy" not implemented for '
            f"'{_ops.torch_dtype_name(p.dtype)}'"
        )
    if y.dtype != p.dtype:
        raise FrameworkRuntimeError(
            f"Found dtype {_ops.torch_dtype_name(y.dtype)} but expected "
            f"{_ops.torch_dtype_name(p.dtype)}"
        )

    def validate(state: State) -> dict[str, Any]:
        pp, yy = state["y_pred"], state["y_true"]
        if not np.all((pp >= 0) & (pp <= 1)):
            raise FrameworkRuntimeError(
                "all elements of input should be between 0 and 1"
            )
        if not np.all((yy >= 0) & (yy <= 1)):
            raise FrameworkRuntimeError(
                "all elements of target should be between 0 and 1"
            )
        return {}

    def log(state: State) -> dict[str, Any]:
        pp = state["y_pred"]
        om = _ops.opmath(pp.dtype)
        floor = np.asarray(-100, pp.dtype)
        # scalar_t(std::log(x)): computed in float, rounded to the dtype
        log_p = np.log(pp.astype(om)).astype(pp.dtype)
        log_1mp = np.log1p(-pp.astype(om)).astype(pp.dtype)
        return {
            "log_p": np.maximum(log_p, floor),
            "log_1mp": np.maximum(log_1mp, floor),
        }

    def terms(state: State) -> dict[str, Any]:
        yy, log_p, log_1mp = state["y_true"], state["log_p"], state["log_1mp"]
        one = np.asarray(1, yy.dtype)
        return {"loss": (yy - one) * log_1mp - yy * log_p}

    steps: list[Step] = [
        Step(
            "validate",
            "0 ≤ p ≤ 1 and 0 ≤ y ≤ 1 (NaN fails)",
            validate,
            f"{_SRC} binary_cross_entropy_out_cpu",
        ),
        Step(
            "log",
            "log p ← max(log p, −100); log(1 − p) ← max(log1p(−p), −100)",
            log,
            f"{_SRC} binary_cross_entropy_out_cpu",
        ),
        Step(
            "terms",
            "ℓ ← (y − 1)·log(1 − p) − y·log p",
            terms,
            f"{_SRC} binary_cross_entropy_out_cpu",
        ),
    ]
    if w is not None:
        steps.append(_weight_step(w))
    steps += [_reduce_step(reduction), _output()]
    plan = Plan(_PATH + fn, tuple(steps), {"reduction": reduction})
    return plan, {"y_true": y, "y_pred": p}


def plan_binary_cross_entropy_with_logits(
    y_true: Any,
    y_pred: Any,
    *,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> tuple[Plan, State]:
    """Plan of ``F.binary_cross_entropy_with_logits(input=y_pred, target=y_true, ...)``."""
    fn = "binary_cross_entropy_with_logits"
    reduction = _ops.check_reduction(fn, reduction)
    x, y = as_torch(y_pred), as_torch(y_true)
    w, pw = as_torch(weight), as_torch(pos_weight)
    if y.shape != x.shape:
        raise ValueError(
            f"Target size ({_size(y.shape)}) must be the same as input size "
            f"({_size(x.shape)})"
        )
    if not _ops.is_float(x.dtype):
        raise FrameworkNotImplementedError(
            f"\"log_sigmoid_cpu\" not implemented for '{_ops.torch_dtype_name(x.dtype)}'"
        )
    if y.dtype == np.bool_:
        raise FrameworkRuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    dtype = np.result_type(x.dtype, y.dtype)
    if not _ops.is_float(dtype):
        dtype = x.dtype
    if pw is not None:
        _broadcast_weight(pw, x.shape, "`pos_weight`")
    if w is not None:
        _broadcast_weight(w, x.shape, "`weight`")

    def activation(state: State) -> dict[str, Any]:
        return {"log_p": _ops.log_sigmoid(state["y_pred"])}

    def terms(state: State) -> dict[str, Any]:
        xx, yy = state["y_pred"], state["y_true"]
        log_sig = state["log_p"]
        if pw is not None:
            log_weight = (pw - np.asarray(1, pw.dtype)) * yy
            log_weight = log_weight + np.asarray(1, log_weight.dtype)
            log_sig = (log_sig * log_weight).astype(log_sig.dtype)
        loss = (np.asarray(1, yy.dtype) - yy) * xx
        return {"loss": (loss - log_sig).astype(dtype)}

    if pw is None:
        formula = "ℓ ← (1 − y)·x − log σ(x)"
    else:
        formula = "ℓ ← (1 − y)·x − (1 + (w₊ − 1)·y)·log σ(x)"
    steps: list[Step] = [
        Step(
            "activation",
            "log σ(x) ← min(x, 0) − log1p(exp(−|x|))",
            activation,
            "aten/src/ATen/native/cpu/Activation.cpp log_sigmoid",
        ),
        Step("terms", formula, terms, f"{_SRC} binary_cross_entropy_with_logits"),
    ]
    if w is not None:
        steps.append(_weight_step(w))
    steps += [_reduce_step(reduction), _output()]
    options: dict[str, Any] = {"reduction": reduction}
    plan = Plan(_PATH + fn, tuple(steps), options)
    return plan, {"y_true": y, "y_pred": x}
