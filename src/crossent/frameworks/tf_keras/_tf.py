"""TensorFlow op semantics shared by the Keras 2 family mirrors (tf_keras and keras2).

Both tf_keras and standalone Keras 2 run their cross-entropies as TensorFlow ops: no
dtype promotion between tensors (a float64 target times a float32 output is an
error), NumPy broadcasting, and Python constants converted to the tensor's dtype
(``output + 1e-7`` adds ``float32(1e-7)`` to a float32 tensor). The helpers here
reproduce those rules once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._validation import is_floating_dtype
from crossent.errors import FrameworkError

__all__ = [
    "EPSILON",
    "check_broadcast",
    "check_float",
    "check_same_dtype",
    "constant",
    "reduce_mean",
    "sigmoid",
    "softmax",
]

#: ``keras.backend.epsilon()``: the fuzz factor of every Keras 2 clip (a Python float).
EPSILON = 1e-7


def constant(x: Any, dtype: Any) -> np.ndarray:
    """``tf.constant(x, dtype)``: a Python number rounded to ``dtype``."""
    return np.asarray(x, dtype=dtype)


def check_float(fn: str, arg: str, x: np.ndarray) -> None:
    """TypeError unless ``x`` is floating point (TF cannot clip an integer tensor)."""
    if not is_floating_dtype(x.dtype):
        raise TypeError(
            f"{fn}: `{arg}` must be a floating-point tensor; got dtype {x.dtype}. "
            f"Convert it first, e.g. `{arg}.astype(np.float32)`."
        )


def check_same_dtype(fn: str, a: np.ndarray, b: np.ndarray, names: str) -> None:
    """TensorFlow's ``Mul`` needs equal dtypes: InvalidArgumentError otherwise."""
    if a.dtype != b.dtype:
        first, second = names.split(",")
        raise FrameworkError(
            f"{fn}: `{first}` and `{second}` must have the same dtype (TensorFlow "
            f"does not promote); got {a.dtype} and {b.dtype}. Cast `{first}` to "
            f"{b.dtype} first.",
            framework_type="InvalidArgumentError",
        )


def check_broadcast(fn: str, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape of ``a`` and ``b``; InvalidArgumentError if there is none."""
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        dims_a, dims_b = ",".join(map(str, a)), ",".join(map(str, b))
        raise FrameworkError(
            f"{fn}: Incompatible shapes: [{dims_a}] vs. [{dims_b}].",
            framework_type="InvalidArgumentError",
        ) from None


def reduce_mean(x: np.ndarray, axis: Any = None) -> np.ndarray:
    """``tf.reduce_mean``: sum / count in ``x``'s dtype (float16 accumulates in float32).

    An empty reduction gives NaN (``0 / 0``) without NumPy's "Mean of empty
    slice" warning.
    """
    x = np.asarray(x)
    count = (
        x.size if axis is None else np.prod([x.shape[a] for a in np.atleast_1d(axis)])
    )
    if count == 0:
        return np.full(np.sum(x, axis=axis).shape, np.nan, dtype=x.dtype)
    return np.asarray(np.mean(x, axis=axis), dtype=x.dtype)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``tf.sigmoid`` as ``1 / (1 + exp(-z))`` in ``z``'s dtype.

    TensorFlow's float32 kernel (Eigen) agrees with this to a few ulp; both round
    to exactly 1 from ``z = 16.635532`` on, the point where ``1 + exp(-z)``
    rounds to 1 in float32.
    """
    one = np.asarray(1, z.dtype)
    with np.errstate(over="ignore"):
        return np.asarray(one / (one + np.exp(-z)))


def softmax(z: np.ndarray, axis: int) -> np.ndarray:
    """``tf.nn.softmax`` (``SoftmaxEigenImpl``): ``exp(z - max) * (1 / Σ exp(z - max))``."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    one = np.asarray(1, e.dtype)
    return np.asarray(e * (one / np.sum(e, axis=axis, keepdims=True)))
