"""Array-namespace plumbing: accept any array-API array, compute in a wide dtype.

The core computes in float64 where the array library offers it on the array's
device (NumPy, array-api-strict, CPU PyTorch, JAX with x64), otherwise in
float32, and returns results in the floating dtype of the input.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_dask_namespace, is_numpy_namespace

from crossent._core._validation import check_floating, is_floating_dtype

__all__ = [
    "Namespace",
    "as_array",
    "index_dtype",
    "namespace",
    "quietly",
    "to_input_dtype",
    "wide_dtype",
    "working",
]

Namespace = Any

# NumPy 2.1 and later follow the array API in their main namespace (``np.astype``
# arrived in 2.1), so NumPy inputs use ``numpy`` itself. That skips importing
# ``array_api_compat.numpy``, which clones the whole NumPy namespace and so imports
# numpy.testing, numpy.f2py and more: 0.15 s of a command's start-up.
_NUMPY_IS_ARRAY_API = hasattr(np, "astype")


def namespace(*arrays: Any) -> Namespace:
    """The array-API namespace of ``arrays``; Python lists and scalars mean NumPy."""
    real = [
        a
        for a in arrays
        if a is not None and hasattr(a, "shape") and not isinstance(a, np.generic)
    ]
    if _NUMPY_IS_ARRAY_API and all(isinstance(a, np.ndarray) for a in real):
        return np
    if not real:
        return array_namespace(np.empty(0))
    return array_namespace(*real)


def as_array(x: Any, xp: Namespace) -> Any:
    """Convert lists and scalars to arrays of ``xp``; leave arrays untouched."""
    if isinstance(x, np.generic):
        return np.asarray(x)
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return x
    return xp.asarray(np.asarray(x)) if is_numpy_namespace(xp) else xp.asarray(x)


def wide_dtype(xp: Namespace, x: Any) -> Any:
    """float64 where ``xp`` supports it for ``x`` (NumPy always), else float32."""
    if is_numpy_namespace(xp) or xp.__name__.startswith("array_api_strict"):
        return xp.float64
    name = xp.__name__
    if "torch" in name:
        device = str(getattr(x, "device", "cpu"))
        return (
            xp.float64 if device.startswith("cpu") or "cuda" in device else xp.float32
        )
    if "jax" in name:
        return xp.float64 if _jax_x64() else xp.float32
    return getattr(xp, "float64", xp.float32)


def _jax_x64() -> bool:
    import jax

    return bool(jax.config.jax_enable_x64)


def index_dtype(xp: Namespace) -> Any:
    """int64 for indices, or int32 where ``xp`` has no int64 (JAX without x64)."""
    if "jax" in xp.__name__ and not _jax_x64():
        return xp.int32
    return xp.int64


def quietly(
    op: Callable[..., Any], *arrays: Any, xp: Namespace, **errstate: str
) -> Any:
    """``op(xp, *arrays)`` with the NumPy floating-point warnings in ``errstate`` off.

    ``op`` is elementwise and uses only operators and ufuncs (``xp.log``). Eager
    libraries run it inside ``np.errstate``. Dask evaluates when the graph runs,
    after any ``errstate`` block has exited, so there ``op`` becomes a blockwise
    task that enters ``np.errstate`` itself, on each chunk, wherever it runs.
    """
    if is_dask_namespace(xp):
        from dask.array.core import elemwise

        dtype = np.result_type(*(a.dtype for a in arrays))
        return elemwise(partial(_on_blocks, op, errstate), *arrays, dtype=dtype)
    with np.errstate(**errstate):  # type: ignore[arg-type]
        return op(xp, *arrays)


def _on_blocks(op: Callable[..., Any], errstate: dict[str, str], *blocks: Any) -> Any:
    with np.errstate(**errstate):  # type: ignore[arg-type]
        return op(namespace(*blocks), *blocks)


def working(fn: str, arg: str, x: Any, xp: Namespace) -> Any:
    """Check that ``x`` is floating and return it in the wide working dtype."""
    check_floating(fn, arg, x)
    return xp.astype(x, wide_dtype(xp, x)) if _needs_cast(x, xp) else x


def _needs_cast(x: Any, xp: Namespace) -> bool:
    return bool(x.dtype != wide_dtype(xp, x))


def labels_working(x: Any, like: Any, xp: Namespace) -> Any:
    """Labels (any real dtype) converted to the working dtype of ``like``."""
    if not is_floating_dtype(x.dtype) or x.dtype != like.dtype:
        return xp.astype(x, like.dtype)
    return x


def to_input_dtype(result: Any, dtype: Any, xp: Namespace) -> Any:
    """Round ``result`` to the caller's floating dtype."""
    if result.dtype == dtype:
        return result
    if is_numpy_namespace(xp):
        return np.asarray(result).astype(dtype)
    return xp.astype(result, dtype)


def result_dtype(*arrays: Any) -> Any:
    """The floating dtype of the first floating array (the logits/probabilities)."""
    for a in arrays:
        if a is not None and is_floating_dtype(a.dtype):
            return a.dtype
    return np.float64  # pragma: no cover - callers validate first
