"""Keras 3's TensorFlow-backend cross-entropy ops, as plan steps.

Source: ``keras/src/backend/tensorflow/nn.py`` (``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``binary_crossentropy``, ``_get_logits``) in
keras 3.15.1, identical on master ``3422977a``. Each ``*_steps`` function checks
its arguments as the backend does (raising the same exception classes) and returns
the steps that follow, without the final ``output`` step, so that the loss
functions and loss classes can put their own steps around them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from crossent.errors import FrameworkError
from crossent.frameworks import _steps as st
from crossent.frameworks._plan import State, Step, reduced

__all__ = [
    "EPSILON",
    "NN",
    "binary_steps",
    "categorical_steps",
    "class_sum",
    "invalid_argument",
    "output_step",
    "renormalize",
    "sparse_steps",
    "tf_sum",
]

#: ``keras.config.epsilon()``: a Python float, converted to the tensor's dtype by
#: ``tf.clip_by_value``; ``1.0 - EPSILON`` is computed in double, then converted.
EPSILON = 1e-7
NN = "keras/src/backend/tensorflow/nn.py"
_HALF = ("float16", "bfloat16")


def invalid_argument(message: str) -> FrameworkError:
    """TensorFlow's ``InvalidArgumentError``, as crossent raises it."""
    return FrameworkError(message, framework_type="InvalidArgumentError")


def is_float(x: np.ndarray) -> bool:
    """Whether ``x`` holds floating-point numbers (bfloat16 included)."""
    return x.dtype.kind == "f" or x.dtype.name == "bfloat16"


def truediv_dtype(x: np.ndarray) -> np.dtype[Any]:
    """The dtype of ``x / y`` in TensorFlow: small ints → float32, others → float64."""
    if is_float(x):
        return x.dtype
    return np.dtype(np.float32 if x.dtype.itemsize <= 2 else np.float64)


def _check_axis(fn: str, axis: int, ndim: int) -> None:
    if not -ndim <= axis < ndim:
        raise invalid_argument(
            f"{fn}: `axis` must be in [{-ndim}, {ndim}) for rank-{ndim} inputs; "
            f"got {axis!r}."
        )


def _check_same_dtype(fn: str, target: np.ndarray, output: np.dtype[Any]) -> None:
    # ``target * log(output)`` is a TensorFlow Mul: both operands need one dtype.
    if target.dtype != output:
        raise invalid_argument(
            f"{fn}: `target` must have the dtype of `output`, {output}; got "
            f"{target.dtype}. (TensorFlow cannot compute Mul across dtypes; cast "
            f"the targets first.)"
        )


def _check_same_shape(fn: str, target: np.ndarray, output: np.ndarray) -> None:
    if target.ndim != output.ndim:
        raise ValueError(
            f"{fn}: `target` and `output` must have the same rank (ndim); got "
            f"target.shape={target.shape}, output.shape={output.shape}."
        )
    if target.shape != output.shape:
        raise ValueError(
            f"{fn}: `target` and `output` must have the same shape; got "
            f"target.shape={target.shape}, output.shape={output.shape}."
        )


def tf_sum(x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
    """``tf.reduce_sum`` on CPU, including its half-precision rounding.

    float16/bfloat16 sums over fewer than 8 numbers are accumulated one number at
    a time in the half dtype (checked against TensorFlow 2.21); longer ones, like
    NumPy, in float32, which is close but not always bit-identical.
    """
    x = np.asarray(x)
    if x.dtype.name not in _HALF:
        return np.sum(x, axis=axis, keepdims=keepdims)
    if axis is None:
        x, axis = x.reshape(-1), 0
    n = x.shape[axis]
    if n == 0 or n >= 8:
        total = np.sum(x.astype(np.float32), axis=axis, keepdims=keepdims)
        return np.asarray(total).astype(x.dtype)
    parts = np.moveaxis(x, axis, 0)
    total = parts[0].copy()
    for part in parts[1:]:
        total = total + part
    return np.expand_dims(total, axis) if keepdims else total


def renormalize(axis: int, *, source: str) -> Step:
    """``p ← p / reduce_sum(p, axis)``; the shared step's description."""
    base = st.renormalize(axis, source=source)

    def fn(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        return {"y_pred": p / tf_sum(p, axis, keepdims=True)}

    return replace(base, fn=fn)


def class_sum(axis: int, *, source: str) -> Step:
    """``ℓ ← Σ_c t_c`` with :func:`tf_sum`."""
    base = st.class_reduce(axis, source=source)

    def fn(state: State) -> dict[str, Any]:
        t = np.asarray(state["terms"])
        return {"loss": np.asarray(tf_sum(t, axis)).astype(t.dtype, copy=False)}

    return replace(base, fn=fn)


def negated_sum(axis: int, *, source: str) -> Step:
    """``ℓ = −Σ_c y_c log p_c``: TensorFlow sums ``y·log p``, then negates the sum.

    The terms hold ``−y·log p``; negating them back is exact, and the order keeps
    TensorFlow's signed zero (a perfect float16 prediction gives ``−0``).
    """

    def fn(state: State) -> dict[str, Any]:
        t = np.asarray(state["terms"])
        return {"loss": -np.asarray(tf_sum(-t, axis)).astype(t.dtype, copy=False)}

    return Step("class_reduce", f"ℓ ← −Σ_c (y_c log p_c) (axis {axis})", fn, source)


def output_step(dtype: Any, *, key: str = "loss", source: str = NN) -> Step:
    """``value ← ℓ`` in ``dtype`` (TensorFlow casts half-precision results back)."""
    dt = np.dtype(dtype)

    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(reduced(state, key)).astype(dt, copy=False)}

    return Step("output", f"value ← ℓ ({dt})", fn, source)


def tf_log_softmax_step(
    name: str, axis: int, *, upcast: tuple[str, ...], source: str, dtype: Any = None
) -> Step:
    """``log p ← log_softmax(z)`` as TensorFlow's kernels compute it.

    Half-precision logits listed in ``upcast`` are computed in float32 (the
    ``output`` step casts the loss back), as ``tf.nn.*softmax_cross_entropy*`` do.
    """

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        if z.dtype.name in upcast:
            z = z.astype(np.float32)
        log_p = st.framework_log_softmax(z, axis)
        out: dict[str, Any] = {"log_p": log_p}
        if name == "activation":
            out["y_pred"] = np.exp(log_p)
        return out

    formula = "log p ← (z − max z) − log Σ exp(z − max z)"
    if dtype is not None and np.dtype(dtype).name in upcast:
        formula += f" ({np.dtype(dtype).name} computed in float32)"
    return Step(name, formula, fn, source)  # type: ignore[arg-type]


def sigmoid_logits_terms(*, source: str = "tensorflow/python/ops/nn_impl.py") -> Step:
    """``tf.nn.sigmoid_cross_entropy_with_logits`` elementwise, into ``terms``."""

    def fn(state: State) -> dict[str, Any]:
        z, y = state.get("logits", state["y_pred"]), state["y_true"]
        return {"terms": sigmoid_cross_entropy(y, z)}

    return Step("terms", "t ← max(z, 0) − z·y + log1p(exp(−|z|))", fn, source)


def sigmoid_cross_entropy(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``max(z, 0) − z·y + log1p(exp(−|z|))`` in TensorFlow's order of operations."""
    zero = np.zeros_like(z)
    cond = z >= zero
    relu_logits = np.where(cond, z, zero)
    neg_abs_logits = np.where(cond, -z, z)
    return np.asarray(relu_logits - z * y + np.log1p(np.exp(neg_abs_logits)))


# ---------------------------------------------------------------------------
# categorical_crossentropy


def categorical_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    axis: int,
    fn: str = "keras.ops.categorical_crossentropy",
) -> tuple[tuple[Step, ...], np.dtype[Any]]:
    """Steps of the backend's ``categorical_crossentropy(target, output)``.

    Returns the steps (``loss`` set by the last one) and the result dtype.
    """
    if target.ndim < 1:
        raise ValueError(
            f"{fn}: `target` and `output` must be at least rank 1; got "
            f"target.shape={target.shape}, output.shape={output.shape}."
        )
    _check_same_shape(fn, target, output)
    _check_axis(fn, axis, output.ndim)
    if from_logits:
        # tf.nn.softmax_cross_entropy_with_logits: labels cast to the logits' dtype
        if not is_float(output):
            raise invalid_argument(
                f"{fn}: `output` (logits) must be float16, bfloat16, float32 or "
                f"float64; got {output.dtype}."
            )
        src = "tensorflow/core/kernels/xent_op.h"
        compute = np.dtype(np.float32) if output.dtype.name in _HALF else output.dtype
        label_cast: tuple[Step, ...] = ()
        if target.dtype != compute:
            label_cast = (
                st.cast(
                    compute,
                    source="tensorflow/python/ops/nn_ops.py",
                    keys=("y_true",),
                    why="labels cast to the logits' compute dtype",
                ),
            )
        steps: tuple[Step, ...] = (
            *label_cast,
            tf_log_softmax_step(
                "activation", axis, upcast=_HALF, source=src, dtype=output.dtype
            ),
            st.categorical_terms(source=src),
            class_sum(axis, source=src),
        )
        return steps, output.dtype
    dtype = truediv_dtype(output)
    _check_same_dtype(fn, target, dtype)
    src = f"{NN} categorical_crossentropy"
    steps = (
        *(() if dtype == output.dtype else (_promote_output(dtype),)),
        renormalize(axis, source=src),
        st.clip(EPSILON, 1.0 - EPSILON, source=src),
        st.log_of_probabilities(source=src),
        st.categorical_terms(source=src),
        negated_sum(axis, source=src),
    )
    return steps, dtype


def _promote_output(dtype: np.dtype[Any]) -> Step:
    # Integer "probabilities": TensorFlow's truediv turns them into floats.
    return st.cast(dtype, source=NN, keys=("y_pred",), why="integer / integer")


# ---------------------------------------------------------------------------
# sparse_categorical_crossentropy


def sparse_validate(
    num_classes: int,
    *,
    fn: str,
    label_dtype: Any = None,
    ignore_class: Any = None,
) -> Step:
    """The CPU kernel's label check, on the labels as they will reach it.

    Labels are first converted to ``label_dtype`` (the loss classes' float32),
    ignored entries replaced by 0, then truncated to int64 as ``tf.cast`` does.
    """

    def check(state: State) -> dict[str, Any]:
        labels = np.asarray(state["y_true"])
        if label_dtype is not None:
            labels = labels.astype(label_dtype)
        if ignore_class is not None:
            labels = np.where(labels != ignore_class, labels, 0)
        ids = labels.astype(np.int64)
        bad = (ids < 0) | (ids >= num_classes)
        if np.any(bad):
            raise invalid_argument(
                f"{fn}: `target` must hold class ids in [0, {num_classes}); got "
                f"a label value of {int(ids[bad].flat[0])}. (TensorFlow's CPU "
                f"kernel raises InvalidArgumentError; the GPU kernel returns NaN.)"
            )
        return {}

    formula = f"0 ≤ int64(y) < {num_classes} (CPU kernel)"
    return Step("validate", formula, check, "tensorflow/core/kernels/sparse_xent_op.h")


def sparse_label_cast() -> Step:
    """``target = tf.cast(target, "int64")``: float labels truncate toward zero."""
    return st.cast(
        np.int64, source=NN, keys=("y_true",), why="float labels truncate toward 0"
    )


def sparse_steps(
    target_shape: tuple[int, ...],
    output: np.ndarray,
    *,
    from_logits: bool,
    axis: int,
    fn: str = "keras.ops.sparse_categorical_crossentropy",
) -> tuple[tuple[Step, ...], np.dtype[Any]]:
    """Steps of the backend's sparse CE after the label cast and squeeze.

    ``target_shape`` is the labels' shape after the trailing-1 squeeze.
    """
    if len(target_shape) != output.ndim - 1:
        raise ValueError(
            f"{fn}: `output` must have rank (ndim) `target.ndim + 1`; got "
            f"target.shape={target_shape}, output.shape={output.shape}."
        )
    if target_shape != output.shape[:-1]:
        raise ValueError(
            f"{fn}: `target` and `output` must have the same shape up until the "
            f"last dimension; got target.shape={target_shape}, "
            f"output.shape={output.shape}."
        )
    if not is_float(output):
        raise invalid_argument(
            f"{fn}: `output` must be float16, bfloat16, float32 or float64; got "
            f"{output.dtype}."
        )
    kernel = "tensorflow/core/kernels/sparse_xent_op.h"
    if from_logits:
        steps: tuple[Step, ...] = (
            tf_log_softmax_step(
                "activation", -1, upcast=("float16",), source=kernel, dtype=output.dtype
            ),
            st.gather_terms(-1, source=kernel),
        )
        return steps, output.dtype
    src = f"{NN} sparse_categorical_crossentropy"
    steps = (
        st.clip(EPSILON, 1 - EPSILON, source=src),
        _to_logits(src),
        tf_log_softmax_step(
            "log", -1, upcast=("float16",), source=kernel, dtype=output.dtype
        ),
        st.gather_terms(-1, source=kernel),
    )
    return steps, output.dtype


def _to_logits(source: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"y_pred": np.log(state["y_pred"])}

    def describe(before: State, after: State) -> str:
        # The softmax that follows renormalises the rows *after* clipping.
        p = np.asarray(before["y_pred"])
        if p.ndim == 0 or p.size == 0:
            return ""
        sums = np.sum(p.astype(np.float64), axis=-1)
        off = [(i, s) for i, s in np.ndenumerate(sums) if not abs(s - 1.0) <= 1e-6]
        if not off:
            return ""
        shown = "; ".join(f"row {list(i)} sums to {st.fmt(s)}" for i, s in off[:4])
        more = f" (and {len(off) - 4} more rows)" if len(off) > 4 else ""
        return f"{shown}{more}: the softmax that follows divides by it"

    return Step("to_logits", "z ← log(clip(p))", fn, source, describe)


# ---------------------------------------------------------------------------
# binary_crossentropy


def binary_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    fn: str = "keras.ops.binary_crossentropy",
) -> tuple[tuple[Step, ...], np.dtype[Any]]:
    """Steps of the backend's elementwise ``binary_crossentropy`` (into ``terms``)."""
    _check_same_shape(fn, target, output)
    if from_logits:
        _check_same_dtype(fn, target, output.dtype)
        return (sigmoid_logits_terms(),), output.dtype
    if not is_float(output):
        raise TypeError(
            f"{fn}: `output` must be floating point to be clipped to "
            f"[{EPSILON}, {1 - EPSILON}]; got {output.dtype}. (TensorFlow cannot "
            f"convert the clip bounds to an integer tensor.)"
        )
    _check_same_dtype(fn, target, output.dtype)
    src = f"{NN} binary_crossentropy"
    steps = (
        st.clip(EPSILON, 1.0 - EPSILON, source=src),
        st.log_of_probabilities(
            source=src, complement="log", formula="log p, log(1 − p)"
        ),
        st.binary_terms(source=src),
    )
    return steps, output.dtype
