"""Plans of ``F.cross_entropy`` and ``F.nll_loss`` (``aten/src/ATen/native/LossNLL.cpp``).

``cross_entropy_loss_symint`` dispatches three ways:

* target shape == input shape → probability targets
  (``cross_entropy_loss_prob_target``): ``−Σ_c w_c·t_c·log p_c``, "mean" divides
  by the number of samples;
* ``label_smoothing > 0`` with class indices
  (``cross_entropy_loss_label_smoothing``):
  ``(1 − ls)·nll + (ls/C)·smooth``, each reduced on its own;
* otherwise ``nll_loss_nd(log_softmax(input, 1), target)``, whose "mean" divides
  by ``Σ w[y]`` over the non-ignored targets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.errors import (
    FrameworkIndexError,
    FrameworkNotImplementedError,
    FrameworkRuntimeError,
)
from crossent.frameworks._convert import as_torch
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks.torch import _ops

__all__ = ["plan_cross_entropy", "plan_nll_loss"]

_SRC = _ops.LOSS_NLL_CPP
_PATH = "torch.nn.functional."


def _class_dim(x: np.ndarray) -> int:
    return 0 if x.ndim == 1 else 1


def _check_input(fn: str, x: np.ndarray, kernel: str) -> None:
    if not _ops.is_float(x.dtype):
        raise FrameworkNotImplementedError(
            f"\"{kernel}\" not implemented for '{_ops.torch_dtype_name(x.dtype)}' "
            f"({_PATH}{fn}: `input` must be a floating tensor; got {x.dtype})"
        )


def _check_weight(fn: str, w: np.ndarray | None, n_classes: int, prefix: str) -> None:
    if w is not None and (w.ndim != 1 or w.size != n_classes):
        raise FrameworkRuntimeError(
            f"{prefix}weight tensor should be defined either for all {n_classes} "
            f"classes or no classes but got weight tensor of shape: {list(w.shape)} "
            f"({_PATH}{fn}: `weight` must have one entry per class)"
        )


def _check_index_target(fn: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``nll_loss_nd`` shape and dtype checks; returns the target to use."""
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim != 1 and (y.ndim == 0 or x.shape[0] != y.shape[0]):
        got = y.shape[0] if y.ndim else 0
        raise ValueError(
            f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
            f"({got})."
        )
    if x.ndim == 1 and y.ndim == 1:
        if y.size != 1:
            raise ValueError(
                "For 1D input, 1D target must have size 1, but got target size: "
                f"{y.size}"
            )
        y = y.reshape(())
    if x.ndim == 2 and y.ndim != 1:
        raise FrameworkRuntimeError(
            "0D or 1D target tensor expected, multi-target not supported"
        )
    if x.ndim > 2 and y.shape[1:] != x.shape[2:]:
        raise FrameworkRuntimeError(
            f"Expected target size {[x.shape[0], *x.shape[2:]]}, got {list(y.shape)}"
        )
    if y.dtype not in (np.dtype(np.int64), np.dtype(np.uint8)):
        raise FrameworkRuntimeError(
            "expected target dtype to be Long or Byte, but got "
            f"{_ops.torch_dtype_name(y.dtype)} ({_PATH}{fn}: `target` class indices "
            "must be int64 or uint8)"
        )
    if x.ndim > 2 and y.dtype == np.uint8:
        raise FrameworkRuntimeError("expected scalar type Long but found Byte")
    return y


def _validate(n_classes: int, ignore_index: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        bad = (y != ignore_index) & ((y < 0) | (y >= n_classes))
        if np.any(bad):
            raise FrameworkIndexError(f"Target {int(y[bad].flat[0])} is out of bounds.")
        return {}

    formula = f"0 ≤ y < C or y = ignore_index ({ignore_index})"
    return Step("validate", formula, fn, f"{_SRC} nll_loss_out_frame")


def _activation(axis: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        log_p = _ops.log_softmax(state["y_pred"], axis)
        return {
            "log_p": log_p,
            "y_pred": np.exp(log_p.astype(_ops.opmath(log_p.dtype))),
        }

    formula = "log p ← (z − max z) − log Σ exp(z − max z)"
    return Step("activation", formula, fn, f"{_ops.SOFTMAX_CPP} log_softmax")


def _gather_terms(axis: int, ignore_index: int, smoothing: bool, w: Any) -> Step:
    """ℓ_i = −log p[i, y_i] (and the smoothing term −Σ_c w_c log p_ic)."""

    def fn(state: State) -> dict[str, Any]:
        log_p, y = state["log_p"], np.asarray(state["y_true"]).astype(np.int64)
        safe = np.where(y == ignore_index, 0, y)
        picked = np.take_along_axis(log_p, np.expand_dims(safe, axis), axis=axis)
        out: dict[str, Any] = {"loss": -np.squeeze(picked, axis=axis)}
        if smoothing:
            if w is None:
                out["smooth"] = -_ops.torch_sum(log_p, axis)
            else:
                shape = [1] * log_p.ndim
                shape[axis] = w.size
                out["smooth"] = -_ops.torch_sum(log_p * w.reshape(shape), axis)
        return out

    formula = "ℓ_i ← −log p[i, y_i]"
    if smoothing:
        formula += "; s_i ← −Σ_c w_c log p_ic"
    return Step("terms", formula, fn, f"{_SRC} nll_loss_out_frame")


def _ignore(ignore_index: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"])
        mask = y.astype(np.int64) != ignore_index
        loss = state["loss"]
        out: dict[str, Any] = {
            "mask": mask,
            "loss": np.where(mask, loss, np.zeros((), loss.dtype)).astype(loss.dtype),
        }
        if "smooth" in state:
            s = state["smooth"]
            out["smooth"] = np.where(mask, s, np.zeros((), s.dtype)).astype(s.dtype)
        return out

    def describe(before: State, after: State) -> str:
        n = int(np.size(after["mask"]) - np.count_nonzero(after["mask"]))
        return f"{n} target{'s' if n != 1 else ''} ignored" if n else ""

    return Step(
        "ignore",
        f"ℓ_i ← 0 where y_i = {ignore_index}; they leave the mean's denominator",
        fn,
        f"{_SRC} nll_loss_out_frame",
        describe,
    )


def _weight(w: np.ndarray, ignore_index: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        wy = w[np.where(y == ignore_index, 0, y)]
        return {
            "loss": (state["loss"] * wy).astype(state["loss"].dtype),
            "sample_weight": wy,
        }

    return Step("weight", "ℓ_i ← w[y_i]·ℓ_i", fn, f"{_SRC} nll_loss_out_frame")


def _nll_reduce(reduction: str, ls: float, n_classes: int, weighted: bool) -> Step:
    """nll_loss's cascade sums; the label-smoothing mix when ``ls > 0``."""

    def fn(state: State) -> dict[str, Any]:
        loss, mask = state["loss"], state["mask"]
        dt = loss.dtype
        if reduction == "none":
            nll = loss
        elif loss.size == 0:
            nll = np.asarray(np.nan if reduction == "mean" else 0.0, dt)
        else:
            flat_mask = mask.reshape(-1)
            pos = np.flatnonzero(flat_mask)
            nll = _ops.cascade_sum(loss.reshape(-1)[pos], pos)
            if reduction == "mean":
                if weighted:
                    wy = state["sample_weight"].reshape(-1)[pos].astype(dt)
                    total = _ops.cascade_sum(wy, pos)
                else:
                    total = np.asarray(pos.size, dt)
                nll = np.asarray(nll / total, dt)
        if ls <= 0.0:
            return {"value": nll}
        smooth = state["smooth"]
        if reduction == "none":
            ret = smooth
        elif reduction == "sum":
            ret = _ops.torch_sum(smooth)
        elif weighted:
            wy = state["sample_weight"][mask]
            ret = _div(_ops.torch_sum(smooth), _ops.torch_sum(wy.astype(dt)))
        else:
            ret = _div(_ops.torch_sum(smooth), np.asarray(np.count_nonzero(mask), dt))
        a = _ops.scalar_mul(np.asarray(nll, dt), 1.0 - ls)
        b = _ops.scalar_mul(np.asarray(ret, dt), ls / n_classes)
        return {"value": np.asarray(a + b, dt)}

    if reduction == "none":
        formula = "ℓ_i (no reduction)"
    elif reduction == "sum":
        formula = "Σ_i ℓ_i"
    else:
        formula = (
            "Σ_i ℓ_i / Σ_i w[y_i] (non-ignored)"
            if weighted
            else "Σ_i ℓ_i / #non-ignored"
        )
    if ls > 0.0:
        formula = f"(1 − {ls:g})·[{formula}] + ({ls:g}/{n_classes})·[same for s_i]"
    return Step("reduce", formula, fn, f"{_SRC} nll_loss_out_frame")


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    om = _ops.opmath(a.dtype)
    return np.asarray(a.astype(om) / b.astype(a.dtype).astype(om)).astype(a.dtype)


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"])}

    return Step("output", "result in the input's dtype", fn, _SRC)


def _index_plan(
    path: str,
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray | None,
    ignore_index: int,
    reduction: str,
    ls: float,
    log_softmax: bool,
) -> tuple[Plan, State]:
    axis = _class_dim(x)
    n_classes = x.shape[axis]
    steps: list[Step] = [_validate(n_classes, ignore_index)]
    if log_softmax:
        steps.append(_activation(axis))
    steps += [
        _gather_terms(axis, ignore_index, ls > 0.0, w),
        _ignore(ignore_index),
    ]
    if w is not None:
        steps.append(_weight(w, ignore_index))
    steps += [_nll_reduce(reduction, ls, n_classes, w is not None), _output()]
    state: dict[str, Any] = {"y_true": y, "y_pred": x}
    if not log_softmax:
        state["log_p"] = x
    options = {"reduction": reduction, "ignore_index": ignore_index}
    if log_softmax:
        options["label_smoothing"] = ls
    return Plan(path, tuple(steps), options), state


def _prob_plan(
    x: np.ndarray, t: np.ndarray, w: np.ndarray | None, reduction: str, ls: float
) -> tuple[Plan, State]:
    axis = _class_dim(x)
    n_classes = x.shape[axis]
    steps: list[Step] = []
    if ls > 0.0:

        def smooth(state: State) -> dict[str, Any]:
            y = state["y_true"]
            om = _ops.opmath(y.dtype)
            y1 = (y.astype(om) * om.type(1.0 - ls)).astype(y.dtype)
            return {"y_true": (y1.astype(om) + om.type(ls / n_classes)).astype(y.dtype)}

        steps.append(
            Step(
                "smooth",
                f"t ← t·(1 − {ls:g}) + {ls:g}/{n_classes}",
                smooth,
                f"{_SRC} cross_entropy_loss_prob_target",
            )
        )
    steps.append(_activation(axis))
    out_dtype = np.result_type(x.dtype, t.dtype, *(() if w is None else (w.dtype,)))

    def terms(state: State) -> dict[str, Any]:
        prod = state["log_p"].astype(out_dtype) * state["y_true"].astype(out_dtype)
        if w is not None:
            shape = [1] * prod.ndim
            shape[axis] = w.size
            prod = prod * w.reshape(shape).astype(out_dtype)
        return {"terms": prod}

    steps.append(
        Step(
            "terms",
            "t_c ← log p_c · t_c" + (" · w_c" if w is not None else ""),
            terms,
            f"{_SRC} cross_entropy_loss_prob_target",
        )
    )

    def class_reduce(state: State) -> dict[str, Any]:
        return {"loss": -_ops.torch_sum(state["terms"], axis)}

    steps.append(
        Step(
            "class_reduce",
            f"ℓ ← −Σ_c t_c (axis {axis})",
            class_reduce,
            f"{_SRC} cross_entropy_loss_prob_target",
        )
    )

    def reduce(state: State) -> dict[str, Any]:
        terms = state["terms"]
        if reduction == "none":
            return {"value": state["loss"]}
        total = -_ops.torch_sum(terms)
        if reduction == "sum":
            return {"value": total}
        if terms.size == 0:
            return {"value": np.asarray(np.nan, terms.dtype)}
        n = terms.size // n_classes
        om = _ops.opmath(terms.dtype)
        return {"value": np.asarray(total.astype(om) / om.type(n)).astype(terms.dtype)}

    formula = {
        "none": "ℓ_i (no reduction)",
        "sum": "−Σ_i Σ_c t_ic",
        "mean": "−Σ_i Σ_c t_ic / N   (N samples, not Σ weights)",
    }[reduction]
    steps += [
        Step(
            "reduce",
            formula,
            reduce,
            f"{_SRC} cross_entropy_loss_prob_target",
            reads=("terms",),  # one sum over every term, as torch does
        ),
        _output(),
    ]
    options = {"reduction": reduction, "label_smoothing": ls}
    path = _PATH + "cross_entropy"
    return Plan(path, tuple(steps), options), {"y_true": t, "y_pred": x}


def plan_cross_entropy(
    y_true: Any,
    y_pred: Any,
    *,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> tuple[Plan, State]:
    """Plan of ``F.cross_entropy(input=y_pred, target=y_true, ...)``."""
    fn = "cross_entropy"
    reduction = _ops.check_reduction(fn, reduction)
    x, y, w = as_torch(y_pred), as_torch(y_true), as_torch(weight)
    ls = float(label_smoothing)
    if x.shape == y.shape:
        if not _ops.is_float(y.dtype):
            raise FrameworkRuntimeError(
                "Expected floating point type for target with class probabilities, "
                f"got {_ops.torch_dtype_name(y.dtype)}"
            )
        if ignore_index >= 0:
            raise FrameworkRuntimeError(
                "ignore_index is not supported for floating point target"
            )
        _check_weight(fn, w, x.shape[_class_dim(x)] if x.ndim else 1, "cross_entropy: ")
        _check_input(fn, x, "log_softmax_lastdim_kernel_impl")
        if ls > 1.0:
            raise FrameworkRuntimeError(
                f"label_smoothing must be between 0.0 and 1.0. Got: {ls:g}"
            )
        return _prob_plan(x, y, w, reduction, ls)
    if ls > 1.0:
        raise FrameworkRuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {ls:g}"
        )
    _check_input(fn, x, "log_softmax_lastdim_kernel_impl")
    if ls > 0.0 and x.ndim == 1 and y.ndim == 1:
        raise FrameworkRuntimeError(
            "output with shape [] doesn't match the broadcast shape [1]"
        )
    y = _check_index_target(fn, x, y)
    _check_weight(fn, w, x.shape[_class_dim(x)], "")
    if w is not None and w.dtype != x.dtype:
        raise FrameworkRuntimeError(
            f"expected scalar type {_ops.torch_dtype_name(x.dtype)} but found "
            f"{_ops.torch_dtype_name(w.dtype)}"
        )
    return _index_plan(_PATH + fn, x, y, w, ignore_index, reduction, ls, True)


def plan_nll_loss(
    y_true: Any,
    y_pred: Any,
    *,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> tuple[Plan, State]:
    """Plan of ``F.nll_loss(input=y_pred, target=y_true, ...)`` (y_pred = log-probs)."""
    fn = "nll_loss"
    reduction = _ops.check_reduction(fn, reduction)
    x, y, w = as_torch(y_pred), as_torch(y_true), as_torch(weight)
    y = _check_index_target(fn, x, y)
    _check_weight(fn, w, x.shape[_class_dim(x)], "")
    _check_input(fn, x, "nll_loss_out_frame")
    if w is not None and w.dtype != x.dtype:
        raise FrameworkRuntimeError(
            f"expected scalar type {_ops.torch_dtype_name(x.dtype)} but found "
            f"{_ops.torch_dtype_name(w.dtype)}"
        )
    return _index_plan(_PATH + fn, x, y, w, ignore_index, reduction, 0.0, False)
