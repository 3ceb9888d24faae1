"""How each framework turns Python lists and NumPy arrays into tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_jax", "as_numpy", "as_tensorflow", "as_torch", "float_dtype_name"]


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def as_tensorflow(x: Any, dtype: Any = None) -> Any:
    """``tf.convert_to_tensor``: Python floats become float32, ints int32."""
    if x is None:
        return x
    if _is_array(x):
        arr = np.asarray(x)
    else:
        arr = np.asarray(x)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        elif arr.dtype == np.int64:
            arr = arr.astype(np.int32)
    return arr if dtype is None else arr.astype(dtype)


def as_torch(x: Any) -> Any:
    """``torch.as_tensor``: Python floats become float32, ints int64; arrays keep dtype."""
    if x is None:
        return x
    arr = np.asarray(x)
    if not _is_array(x) and arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return arr


def as_jax(x: Any) -> Any:
    """``jnp.asarray`` with x64 disabled (JAX's default): 64-bit types become 32-bit."""
    if x is None:
        return x
    arr = np.asarray(x)
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif arr.dtype == np.int64:
        arr = arr.astype(np.int32)
    elif arr.dtype == np.uint64:
        arr = arr.astype(np.uint32)
    return arr


def as_numpy(x: Any) -> Any:
    """``np.asarray``: Python floats stay float64."""
    return x if x is None else np.asarray(x)


def float_dtype_name(x: Any) -> str:
    """The dtype name of an array, for messages."""
    return str(np.asarray(x).dtype)
