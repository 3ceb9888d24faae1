"""PyTorch CPU arithmetic, reproduced in NumPy (checked against torch 2.13).

Each helper names the ATen kernel whose order of operations it follows. float16
and bfloat16 are computed the way the CPU kernels compute them: elementwise ops
round to the tensor dtype after every operation (``c10::Half`` arithmetic),
reductions accumulate in float32 (``at::opmath_type``) and round once.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

__all__ = [
    "LOSS_CPP",
    "LOSS_NLL_CPP",
    "REDUCTIONS",
    "cascade_sum",
    "check_reduction",
    "is_float",
    "is_reduced",
    "legacy_reduction",
    "log_sigmoid",
    "log_softmax",
    "opmath",
    "scalar_mul",
    "torch_dtype_name",
    "torch_mean",
    "torch_sum",
]

LOSS_NLL_CPP = "aten/src/ATen/native/LossNLL.cpp"
LOSS_CPP = "aten/src/ATen/native/Loss.cpp"
SOFTMAX_CPP = "aten/src/ATen/native/cpu/SoftMaxKernel.cpp"

#: The values ``torch.nn._reduction.get_enum`` accepts.
REDUCTIONS = ("none", "mean", "sum")

_TORCH_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "complex64": "ComplexFloat",
    "complex128": "ComplexDouble",
}


def torch_dtype_name(dtype: Any) -> str:
    """The name torch's C++ messages give a dtype (``Float``, ``Long``...)."""
    name = str(np.dtype(dtype).name)
    return _TORCH_NAMES.get(name, name)


def is_reduced(dtype: Any) -> bool:
    """float16 or bfloat16: computed in float32 inside kernels, rounded after."""
    # bfloat16 is known by name: importing ml_dtypes only to compare would cost
    # up to a second of start-up (ml_dtypes 0.7).
    dt = np.dtype(dtype)
    return bool(dt == np.float16 or dt.name == "bfloat16")


def is_float(dtype: Any) -> bool:
    """A floating dtype torch accepts for losses (float16/32/64, bfloat16)."""
    dt = np.dtype(dtype)
    return bool(dt.kind == "f" or dt.name == "bfloat16")


def opmath(dtype: Any) -> np.dtype[Any]:
    """``at::opmath_type``: float32 for float16/bfloat16, else the dtype itself."""
    return np.dtype(np.float32) if is_reduced(dtype) else np.dtype(dtype)


def check_reduction(fn: str, reduction: Any) -> str:
    """``_Reduction.get_enum``: ValueError for anything but none/mean/sum."""
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. "
            "Please use reduction='mean' instead.",
            stacklevel=3,
        )
        return "mean"
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{reduction} is not a valid value for reduction "
            f"({fn}: `reduction` must be one of {REDUCTIONS}; got {reduction!r})"
        )
    return str(reduction)


def legacy_reduction(
    size_average: bool | None, reduce: bool | None, reduction: str
) -> str:
    """``torch.nn._reduction.legacy_get_string`` when a legacy argument is set.

    ``None`` counts as True; both true → "mean"; ``reduce`` alone → "sum";
    otherwise "none". Emits torch's UserWarning, as torch does.
    """
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    warnings.warn(
        "size_average and reduce args will be deprecated, please use "
        f"reduction='{ret}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return ret


def scalar_mul(x: np.ndarray, c: float) -> np.ndarray:
    """``tensor * python_scalar``: the scalar in opmath precision, one rounding."""
    om = opmath(x.dtype)
    return np.asarray((x.astype(om) * om.type(c)).astype(x.dtype))


def torch_sum(x: np.ndarray, axis: int | None = None) -> np.ndarray:
    """``Tensor.sum``: float32 accumulation for float16/bfloat16, rounded once.

    torch's CPU sum is a vectorised cascade; NumPy's pairwise sum differs from
    it only in the last bits.
    """
    om = opmath(x.dtype)
    return np.asarray(np.sum(x.astype(om), axis=axis)).astype(x.dtype)


def torch_mean(x: np.ndarray) -> np.ndarray:
    """``Tensor.mean`` on CPU: ``sum / numel`` in opmath, rounded to the dtype."""
    om = opmath(x.dtype)
    total = np.sum(x.astype(om))
    return np.asarray(total / om.type(x.size)).astype(x.dtype)


def log_softmax(z: np.ndarray, axis: int) -> np.ndarray:
    """``at::log_softmax`` on CPU, in ``z``'s dtype.

    ``(z − max) − log Σ exp(z − max)``. float16/bfloat16 work in float32; when
    the class axis is the last one (``_vec_log_softmax_lastdim``) the sum and its
    log are rounded to the dtype before the subtraction, as torch does.
    """
    om = opmath(z.dtype)
    x = z.astype(om)
    m = np.max(x, axis=axis, keepdims=True) if x.size else x
    sh = x - m
    s = np.sum(np.exp(sh), axis=axis, keepdims=True)
    if is_reduced(z.dtype) and axis in (-1, z.ndim - 1):
        lse = np.log(s.astype(z.dtype).astype(om)).astype(z.dtype).astype(om)
    else:
        lse = np.log(s)
    return np.asarray((sh - lse).astype(z.dtype))


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """``at::log_sigmoid`` (CPU): ``min(x, 0) − log1p(exp(−|x|))`` in opmath."""
    om = opmath(x.dtype)
    xf = x.astype(om)
    log_sig = np.minimum(xf, om.type(0)) - np.log1p(np.exp(-np.abs(xf)))
    return np.asarray(log_sig.astype(x.dtype))


def _sequential_segment_sums(
    values: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sums ``((0 + v_a) + v_a+1) + …`` of each segment that ends at an index in ``ends``.

    Returns the closed segments' sums and the sum of the open tail.
    """
    starts = np.concatenate(([0], ends[:-1] + 1)) if ends.size else ends
    tail = values[ends[-1] + 1 :] if ends.size else values
    closed = np.zeros(0, values.dtype)
    if ends.size:
        lengths = ends - starts + 1
        grid = np.zeros((ends.size, int(lengths.max())), values.dtype)
        cols = np.arange(values[: ends[-1] + 1].size) - np.repeat(starts, lengths)
        grid[np.repeat(np.arange(ends.size), lengths), cols] = values[: ends[-1] + 1]
        # np.cumsum is sequential, one rounding per addition, as the C++ loop.
        closed = np.cumsum(grid, axis=1)[:, -1]
    open_sum = np.cumsum(tail)[-1] if tail.size else np.zeros((), values.dtype)
    return closed, np.asarray(open_sum, values.dtype)


def cascade_sum(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The 8-level cascade sum of ``nll_loss_out_frame`` / ``nll_loss2d``.

    ``values`` are the contributions of the non-ignored elements, in order, and
    ``positions`` their linear indices in the target. Level ``j`` is flushed
    into level ``j + 1`` after an element whose index is a multiple of
    ``16**(j+1)`` (``level_power`` is 4 for fewer than 2**32 elements); the
    eight partial sums are then added in order. Every addition is rounded to
    the dtype, as in the C++ loop.
    """
    levels = 8
    level_power = 4
    partials: list[np.ndarray] = []
    items, where = values, positions
    for j in range(levels - 1):
        flush = np.flatnonzero(where % (1 << (level_power * (j + 1))) == 0)
        closed, open_sum = _sequential_segment_sums(items, flush)
        partials.append(open_sum)
        items, where = closed, where[flush]
    partials.append(
        np.asarray(np.cumsum(items)[-1], values.dtype)
        if items.size
        else np.zeros((), values.dtype)
    )
    total = np.zeros((), values.dtype)
    for p in partials:
        total = np.asarray(total + p, values.dtype)
    return total
