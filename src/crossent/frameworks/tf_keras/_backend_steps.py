"""The steps of ``tf_keras.backend``'s cross-entropies (Keras 2.4–2.21).

Source: keras-team/tf-keras ``tf_keras/backend.py``, read in the installed tf_keras
2.21.0, and the TensorFlow kernels it calls. :mod:`crossent.frameworks.tf_keras.backend`
declares the mirrors that run these steps; the ``losses`` functions and Keras 2's
TensorFlow backend (:mod:`crossent.frameworks.keras2`) reuse them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.errors import FrameworkError, FrameworkZeroDivisionError
from crossent.frameworks import _steps as st
from crossent.frameworks._plan import State, Step, reduced
from crossent.frameworks.tf import nn as tf_nn
from crossent.frameworks.tf_keras import _tf

__all__ = [
    "SPARSE",
    "SRC",
    "XENT",
    "binary_steps",
    "categorical_steps",
    "check_axis",
    "class_reduce",
    "clip_step",
    "output_step",
    "sigmoid_terms",
    "sparse_layout",
    "sparse_steps",
    "xent_activation",
]

SRC = "tf_keras/backend.py"
XENT = "tensorflow/core/kernels/xent_op.h"
SPARSE = "tensorflow/core/kernels/sparse_xent_op.h"
_HALF = ("float16", "bfloat16")


def clip_step(
    dtype: Any, fn: str, *, keep_unclipped: bool = False, source: str = SRC
) -> Step:
    """``clip_by_value(p, ε, 1 − ε)`` with ``ε = tf.constant(1e-7, dtype)``.

    ``1 - ε`` is computed in ``dtype`` (1 − 2⁻²³ in float32, 1.0 in float16).
    With ``keep_unclipped`` the input is kept as ``p_focal`` (the focal factor of
    ``binary_focal_crossentropy`` uses the unclipped probability).
    """
    eps = _tf.constant(_tf.EPSILON, dtype)
    step = st.clip(eps, np.asarray(1, dtype) - eps, source=f"{source} {fn}")
    if not keep_unclipped:
        return step

    def fn_keep(state: State) -> dict[str, Any]:
        return {**step.fn(state), "p_focal": state["y_pred"]}

    return Step("clip", step.formula, fn_keep, step.source, step.describe)


def _double_epsilon_log(fn: str) -> Step:
    """tf_keras' BCE logs: ``log(p + ε)`` and ``log(1 − p + ε)``, ε a Python 1e-7."""

    def fn_log(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        eps = _tf.constant(_tf.EPSILON, p.dtype)
        one = np.asarray(1, p.dtype)
        return {"log_p": np.log(p + eps), "log_1mp": np.log(one - p + eps)}

    return Step(
        "log", "log p ← log(p + ε); log(1 − p) ← log(1 − p + ε)", fn_log, f"{SRC} {fn}"
    )


def xent_activation(axis: int, compute: np.dtype[Any]) -> Step:
    """The softmax-CE kernel's log-softmax; float16/bfloat16 are computed in float32."""

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"].astype(compute, copy=False)
        log_p = st.framework_log_softmax(z, axis)
        return {
            "y_true": state["y_true"].astype(compute, copy=False),
            "y_pred": np.exp(log_p),
            "log_p": log_p,
        }

    formula = "log p ← (z − max z) − log Σ exp(z − max z) (float16 in float32)"
    return Step("activation", formula, fn, XENT)


def class_reduce(axis: int, how: str, out_dtype: Any, source: str) -> Step:
    """Sum or mean of the per-class terms, rounded to ``out_dtype``."""
    dt = np.dtype(out_dtype)

    def fn(state: State) -> dict[str, Any]:
        terms = state["terms"]
        if how == "sum":
            loss = np.sum(terms, axis=axis)
        else:
            loss = _tf.reduce_mean(terms, axis=axis)
        return {"loss": np.asarray(loss).astype(dt, copy=False)}

    symbol = "Σ_c" if how == "sum" else "mean"
    cast = "" if dt.name not in _HALF else f", rounded to {dt}"
    return Step("class_reduce", f"ℓ ← {symbol} t (axis {axis}{cast})", fn, source)


def _as_terms(step: Step) -> Step:
    """A step that sets ``loss`` (elementwise) turned into one that sets ``terms``."""

    def fn(state: State) -> dict[str, Any]:
        return {"terms": step.fn(state)["loss"]}

    return Step(step.name, step.formula, fn, step.source, step.describe)


def sigmoid_terms() -> Step:
    """``tf.nn.sigmoid_cross_entropy_with_logits``, elementwise, as ``terms``."""
    return _as_terms(tf_nn._sigmoid_terms())


def check_axis(fn: str, axis: int, ndim: int) -> None:
    """An axis outside ``[-ndim, ndim)`` is TensorFlow's InvalidArgumentError."""
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise FrameworkError(
            f"{fn}: `axis` must be in [-{ndim}, {ndim}) for a tensor of rank {ndim}; "
            f"got {axis!r}.",
            framework_type="InvalidArgumentError",
        )


def categorical_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    axis: int,
    fn: str = "tf_keras.backend.categorical_crossentropy",
) -> list[Step]:
    """Steps of ``backend.categorical_crossentropy`` (static checks done here)."""
    if target.shape != output.shape:
        raise ValueError(
            f"{fn}: `target` and `output` must have compatible shapes; got Shapes "
            f"{target.shape} and {output.shape} are incompatible."
        )
    _tf.check_float(fn, "output", output)
    check_axis(fn, axis, output.ndim)
    if from_logits:
        compute = np.dtype(np.float32) if output.dtype.name in _HALF else output.dtype
        return [
            xent_activation(axis, compute),
            st.categorical_terms(source=XENT),
            class_reduce(axis, "sum", output.dtype, XENT),
        ]
    _tf.check_same_dtype(fn, target, output, "target,output")
    src = f"{SRC} categorical_crossentropy"
    return [
        st.renormalize(axis, source=src),
        clip_step(output.dtype, "categorical_crossentropy"),
        st.log_of_probabilities(source=src),
        st.categorical_terms(source=src),
        class_reduce(axis, "sum", output.dtype, src),
    ]


def binary_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    fn: str = "tf_keras.backend.binary_crossentropy",
    keep_unclipped: bool = False,
) -> list[Step]:
    """Steps of ``backend.binary_crossentropy`` (elementwise ``terms``)."""
    _tf.check_float(fn, "output", output)
    if from_logits:
        if target.shape != output.shape:
            raise ValueError(
                f"{fn}: `logits` and `labels` must have the same shape, received "
                f"({output.shape} vs {target.shape})."
            )
        _tf.check_same_dtype(fn, output, target, "output,target")
        return [sigmoid_terms()]
    _tf.check_same_dtype(fn, target, output, "target,output")
    _tf.check_broadcast(fn, target.shape, output.shape)
    return [
        clip_step(output.dtype, "binary_crossentropy", keep_unclipped=keep_unclipped),
        _double_epsilon_log("binary_crossentropy"),
        st.binary_terms(source=f"{SRC} binary_crossentropy"),
    ]


def sparse_layout(
    fn: str, target: np.ndarray, output: np.ndarray, axis: int, ignore: bool
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Move the class axis last and flatten as tf_keras does; the result's shape."""
    rank = output.ndim
    if rank == 0:
        raise FrameworkZeroDivisionError(
            f"integer modulo by zero ({fn}: `output` must have a class axis; got a "
            f"scalar)"
        )
    axis %= rank  # tf_keras: `axis %= output_rank`, so any integer is accepted
    logits = np.moveaxis(output, axis, -1)
    full = logits.shape
    update_shape = target.ndim != rank - 1
    labels = target
    if update_shape:
        labels = target.reshape(-1)
        logits = logits.reshape(-1, full[-1])
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"{fn}: `labels.shape` must equal `logits.shape` except for the last "
            f"dimension. Received: labels.shape={labels.shape} and "
            f"logits.shape={logits.shape}"
        )
    if ignore or (update_shape and rank >= 3):
        result_shape: tuple[int, ...] = full[:-1]
    else:
        result_shape = labels.shape
    return labels, logits, result_shape


def sparse_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    ignore_class: Any,
    result_shape: tuple[int, ...],
    fn: str = "tf_keras.backend.sparse_categorical_crossentropy",
    source: str = SRC,
) -> list[Step]:
    """Steps of ``backend.sparse_categorical_crossentropy`` on the laid-out arrays.

    ``source`` names the Python file for the trace (Keras 2's TF backend shares
    these steps).
    """
    _tf.check_float(fn, "output", output)
    num_classes = output.shape[-1]
    dtype = output.dtype
    compute = np.dtype(np.float32) if dtype.name == "float16" else dtype
    # labels flattened from (N, T): the loss goes back to (N, T), a shape a block
    # of the flattened rows does not have; otherwise the loss has the labels' shape
    flat = tuple(result_shape) != np.shape(target)

    def shaped(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return a.reshape(result_shape if flat else y.shape)

    def validate(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        out: dict[str, Any] = {}
        valid = np.ones(y.shape, bool)
        if ignore_class is not None:
            valid = y != np.int64(ignore_class)
            out["mask"] = shaped(valid, y)
        bad = valid & ((y < 0) | (y >= num_classes))
        if np.any(bad):
            raise FrameworkError(
                f"{fn}: Received a label value of {int(y[bad].flat[0])} which is "
                f"outside the valid range of [0, {num_classes}) (CPU raises; the GPU "
                "kernel returns NaN instead).",
                framework_type="InvalidArgumentError",
            )
        return out

    def cast(state: State) -> dict[str, Any]:
        return {"y_true": np.asarray(state["y_true"]).astype(np.int64)}

    def log(state: State) -> dict[str, Any]:
        # The sparse op takes log(clip(p)) as logits and applies log-softmax to
        # it: -log p_y + log Σ p, i.e. the rows are renormalised *after* the clip.
        log_p = np.log(state["y_pred"]).astype(compute, copy=False)
        return {"log_p": st.framework_log_softmax(log_p, -1)}

    def activation(state: State) -> dict[str, Any]:
        z = state["y_pred"].astype(compute, copy=False)
        log_p = st.framework_log_softmax(z, -1)
        return {"log_p": log_p, "y_pred": np.exp(log_p)}

    def terms(state: State) -> dict[str, Any]:
        y = state["y_true"]
        if ignore_class is not None:
            y = np.where(y == np.int64(ignore_class), 0, y)
        picked = np.take_along_axis(state["log_p"], y[..., None], axis=-1)
        loss = (-picked[..., 0]).astype(dtype, copy=False)
        return {"loss": shaped(loss, y)}

    steps = [
        Step(
            "validate",
            "0 ≤ y < C for every label kept",
            validate,
            SPARSE,
            rowwise=not flat,
        ),
        Step("cast", "y ← int64(y) (float labels truncate toward 0)", cast, source),
    ]
    if from_logits:
        formula = "log p ← (z − max z) − log Σ exp(z − max z)"
        steps.append(Step("activation", formula, activation, SPARSE))
    else:
        src = f"{source} sparse_categorical_crossentropy"
        steps.append(clip_step(dtype, "sparse_categorical_crossentropy", source=source))
        formula = "log p ← log_softmax(log p) = log p − log Σ_c p_c (after the clip)"
        steps.append(Step("log", formula, log, f"{src}; {SPARSE}"))
    steps.append(Step("terms", "ℓ ← −log p_y", terms, SPARSE, rowwise=not flat))
    if ignore_class is not None:

        def ignore(state: State) -> dict[str, Any]:
            loss = state["loss"]
            return {"loss": np.where(state["mask"], loss, np.zeros_like(loss))}

        formula = f"ℓ ← 0 where y = {ignore_class} (rows removed, zeros scattered back)"
        steps.append(
            Step("ignore", formula, ignore, f"{source} sparse_categorical_crossentropy")
        )
    return steps


def output_step(key: str = "loss", source: str = SRC) -> Step:
    """``value ← state[key]``, the array the function returns."""

    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(reduced(state, key))}

    return Step("output", "return ℓ", fn, source)
