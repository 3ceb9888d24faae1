"""Input checks shared by the core; the only place input-error texts are written.

Messages follow one template::

    {function}: `{argument}` {requirement}; got {received}. {hint}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "check_choice",
    "check_floating",
    "check_integer_labels",
    "check_nonempty_axis",
    "check_probabilities",
    "check_same_shape",
    "describe",
    "normalize_axis",
]


def describe(x: Any) -> str:
    """Short description of an array argument for error messages."""
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if shape is None:
        return repr(x)
    return f"array of shape {tuple(shape)} and dtype {dtype}"


def _dtype_name(dtype: Any) -> str:
    # NumPy, JAX, CuPy and Dask dtypes have ``.name``; PyTorch and array-api-strict
    # dtypes print with their module ("torch.float64"), which is dropped here.
    return str(getattr(dtype, "name", dtype)).rsplit(".", 1)[-1]


def is_floating_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a real floating dtype (ml_dtypes' bfloat16 included)."""
    name = _dtype_name(dtype)
    return name in {"float16", "float32", "float64", "bfloat16", "longdouble"} or (
        name.startswith("float") and "complex" not in name
    )


def is_integer_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer dtype."""
    name = _dtype_name(dtype)
    return name.startswith(("int", "uint"))


def check_floating(fn: str, arg: str, x: Any) -> None:
    """Raise TypeError unless ``x`` has a floating dtype."""
    if not is_floating_dtype(x.dtype):
        hint = ""
        if is_integer_dtype(x.dtype) or _dtype_name(x.dtype) == "bool":
            hint = f" Convert it first, e.g. `{arg}.astype(np.float32)`."
        raise TypeError(
            f"{fn}: `{arg}` must have a floating dtype (float16, bfloat16, float32 "
            f"or float64); got {describe(x)}.{hint}"
        )


def check_same_shape(fn: str, a_name: str, a: Any, b_name: str, b: Any) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same shape."""
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"{fn}: `{b_name}` must have the same shape as `{a_name}` "
            f"{tuple(a.shape)}; got shape {tuple(b.shape)}."
        )


def normalize_axis(fn: str, axis: int, ndim: int) -> int:
    """Return ``axis`` as a non-negative index, or raise a clear error."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{fn}: `axis` must be an int; got {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{fn}: `axis` must be in [{-ndim}, {ndim}) for an input of {ndim} "
            f"dimension(s); got {axis!r}."
        )
    return int(axis) % ndim


def check_nonempty_axis(fn: str, arg: str, x: Any, axis: int) -> None:
    """Raise ValueError if the class axis is empty (zero classes)."""
    if x.ndim == 0:
        raise ValueError(
            f"{fn}: `{arg}` must have at least one dimension (the class axis); "
            f"got a scalar."
        )
    if x.shape[axis] == 0:
        raise ValueError(
            f"{fn}: `{arg}` has an empty class axis (axis {axis}, shape "
            f"{tuple(x.shape)}); cross-entropy needs at least one class."
        )


def check_integer_labels(
    fn: str,
    labels: Any,
    num_classes: int,
    xp: Any,
    *,
    ignore_index: int | None = None,
) -> None:
    """Raise for non-integer labels or labels outside [0, num_classes)."""
    if not is_integer_dtype(labels.dtype):
        raise TypeError(
            f"{fn}: `labels` must be integer class indices; got "
            f"{describe(labels)}. For one-hot or soft targets use "
            f"`softmax_cross_entropy`."
        )
    if _size(labels) == 0:
        return
    bad = (labels < 0) | (labels >= num_classes)
    if ignore_index is not None:
        bad = bad & (labels != ignore_index)
    if bool(xp.any(bad)):
        values = np.unique(np.asarray(_to_numpy(labels[bad])))[:5].tolist()
        ignored = (
            "" if ignore_index is None else f" other than ignore_index={ignore_index}"
        )
        raise ValueError(
            f"{fn}: `labels` must be in [0, {num_classes}){ignored}; got "
            f"{values} (first out-of-range values). Labels that look 1-based "
            f"need `labels - 1`."
        )


def _size(x: Any) -> int:
    return int(np.prod(tuple(x.shape), dtype=np.int64))


def _to_numpy(x: Any) -> Any:
    try:
        return np.asarray(x)
    except Exception:  # pragma: no cover - exotic array types
        return np.asarray(x.tolist())


def check_probabilities(fn: str, arg: str, p: Any, xp: Any) -> None:
    """Raise ValueError if ``p`` has values outside [0, 1] (NaN passes through)."""
    if _size(p) == 0:
        return
    low = p < 0
    high = p > 1
    if bool(xp.any(low)) or bool(xp.any(high)):
        lo = float(xp.min(xp.where(xp.isnan(p), xp.asarray(0, dtype=p.dtype), p)))
        hi = float(xp.max(xp.where(xp.isnan(p), xp.asarray(0, dtype=p.dtype), p)))
        raise ValueError(
            f"{fn}: `{arg}` must be probabilities in [0, 1]; got values in "
            f"[{lo:.6g}, {hi:.6g}]. If these are logits, use the logits form "
            f"(`softmax_cross_entropy` / `sigmoid_binary_cross_entropy`)."
        )


def check_choice(fn: str, arg: str, value: Any, allowed: Iterable[Any]) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{fn}: `{arg}` must be one of {listed}; got {value!r}.")
