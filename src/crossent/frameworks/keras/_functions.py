"""The ``keras.losses`` cross-entropy functions as plan steps (TensorFlow backend).

Source: ``keras/src/losses/losses.py`` (``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``binary_crossentropy``,
``binary_focal_crossentropy``, ``categorical_focal_crossentropy``), keras 3.15.1.
Each builder takes ``y_true``/``y_pred`` as the function holds them after its own
conversion and returns the steps that follow (in run order, without ``output``)
and the dtype of the per-sample loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.errors import FrameworkIndexError
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._plan import State, Step
from crossent.frameworks.keras import _tf_ops as tfo

__all__ = [
    "FN",
    "binary_fn_steps",
    "binary_focal_fn_steps",
    "categorical_fn_steps",
    "categorical_focal_fn_steps",
    "check_axis_is_int",
    "sparse_fn_steps",
    "y_true_cast",
]

FN = "keras/src/losses/losses.py"

Steps = tuple[tuple[Step, ...], np.dtype[Any]]


def check_axis_is_int(fn: str, axis: Any) -> None:
    """Keras rejects ``axis=True``/``False`` explicitly."""
    if isinstance(axis, bool):
        raise ValueError(f"{fn}: `axis` must be of type `int`; got {axis!r}.")


def y_true_cast(dtype: np.dtype[Any], fn: str) -> Step:
    """``y_true = ops.cast(y_true, y_pred.dtype)``."""
    return st.cast(
        dtype,
        source=f"{FN} {fn.rsplit('.', 1)[-1]}",
        keys=("y_true",),
        why="y_true cast to the dtype of y_pred",
    )


def _categorical_smooth(label_smoothing: float, axis: int, fn: str) -> Step:
    ls = label_smoothing

    def smooth(state: State) -> dict[str, Any]:
        y = state["y_true"]
        dt = y.dtype.type
        # 3.15.1: the class count is the LAST axis whatever `axis` is (fixed on master)
        num_classes = dt(y.shape[-1])
        return {"y_true": y * dt(1.0 - ls) + dt(ls) / num_classes}

    def describe(before: State, after: State) -> str:
        y = np.asarray(before["y_true"])
        text = f"label_smoothing={st.fmt(ls)} with C={y.shape[-1]}"
        if axis % y.ndim != y.ndim - 1 and y.shape[axis] != y.shape[-1]:
            text += (
                f" taken from the last axis, not from axis {axis} "
                f"({y.shape[axis]} classes; keras 3.15.1 bug)"
            )
        return text

    formula = "y ← y·(1 − ls) + ls/C  (C = shape(y)[-1])"
    return Step("smooth", formula, smooth, f"{FN} {fn}", describe)


def _binary_smooth(label_smoothing: float, fn: str) -> Step:
    ls = label_smoothing

    def smooth(state: State) -> dict[str, Any]:
        y = state["y_true"]
        dt = y.dtype.type
        return {"y_true": y * dt(1.0 - ls) + dt(0.5 * ls)}

    def describe(before: State, after: State) -> str:
        return f"label_smoothing={st.fmt(ls)}: targets pulled toward 0.5"

    return Step("smooth", "y ← y·(1 − ls) + 0.5·ls", smooth, f"{FN} {fn}", describe)


def _mean_step(axis: int, source: str) -> Step:
    """``ops.mean(x, axis)``: half precision is averaged in float32, cast back."""

    def fn(state: State) -> dict[str, Any]:
        t = np.asarray(state["terms"])
        ct = np.float32 if t.dtype.name in ("float16", "bfloat16") else t.dtype
        n = t.shape[axis]
        mean = np.sum(t.astype(ct), axis=axis) / np.asarray(n, ct)
        return {"loss": np.asarray(mean).astype(t.dtype)}

    return Step("class_reduce", f"ℓ ← mean t (axis {axis})", fn, source)


def _check_reduction_axis(fn: str, axis: int, ndim: int) -> None:
    if not -ndim <= axis < ndim:
        raise tfo.invalid_argument(
            f"{fn}: `axis` must be in [{-ndim}, {ndim}) for rank-{ndim} inputs; "
            f"got {axis!r}. (TensorFlow: invalid reduction dimension.)"
        )


def _require_float(fn: str, y_pred: np.ndarray) -> None:
    if not tfo.is_float(y_pred):
        raise TypeError(
            f"{fn}: `y_pred` must be floating point; got {y_pred.dtype}. "
            f"Pass probabilities or logits as floats."
        )


# ---------------------------------------------------------------------------


def categorical_fn_steps(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    from_logits: bool,
    label_smoothing: float,
    axis: int,
    fn: str,
) -> Steps:
    """``categorical_crossentropy`` after its conversions."""
    check_axis_is_int(fn, axis)
    smooth: tuple[Step, ...] = ()
    if label_smoothing:
        if y_true.ndim == 0:
            raise FrameworkIndexError(
                f"{fn}: `y_true` must have a class axis for label smoothing; got a "
                f"scalar."
            )
        smooth = (_categorical_smooth(label_smoothing, axis, fn),)
    steps, dtype = tfo.categorical_steps(
        y_true, y_pred, from_logits=from_logits, axis=axis, fn=fn
    )
    return (*smooth, *steps), dtype


def binary_fn_steps(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    from_logits: bool,
    label_smoothing: float,
    axis: int,
    fn: str,
) -> Steps:
    """``binary_crossentropy``: elementwise op, then the mean over ``axis``."""
    smooth = (_binary_smooth(label_smoothing, fn),) if label_smoothing else ()
    steps, dtype = tfo.binary_steps(y_true, y_pred, from_logits=from_logits, fn=fn)
    _check_reduction_axis(fn, axis, y_pred.ndim)
    return (*smooth, *steps, _mean_step(axis, f"{FN} binary_crossentropy")), dtype


def _label_squeeze(axis: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"y_true": np.squeeze(state["y_true"], axis=axis)}

    def describe(before: State, after: State) -> str:
        return f"y_true {np.shape(before['y_true'])} → {np.shape(after['y_true'])}"

    return Step(
        "squeeze",
        f"y ← squeeze(y, {axis}) (labels given as a column)",
        fn,
        f"{FN} sparse_categorical_crossentropy",
        describe,
    )


def _ignore_inputs(ignore_class: Any, axis: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y, p = np.asarray(state["y_true"]), np.asarray(state["y_pred"])
        valid = y != np.asarray(ignore_class).astype(p.dtype)
        return {
            "y_true": np.where(valid, y, 0).astype(y.dtype),
            "y_pred": np.where(np.expand_dims(valid, axis), p, 0).astype(p.dtype),
            "mask": valid,
        }

    def describe(before: State, after: State) -> str:
        n = int(np.sum(~np.asarray(after["mask"])))
        return f"{n} entr{'y' if n == 1 else 'ies'} with y = {ignore_class!r} ignored"

    return Step(
        "squeeze",
        f"valid ← y ≠ {ignore_class!r}; ignored labels → 0, their rows of p → 0",
        fn,
        f"{FN} sparse_categorical_crossentropy",
        describe,
    )


def _ignore_outputs(ignore_class: Any) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = np.asarray(state["loss"])
        valid = np.reshape(state["mask"], loss.shape)
        return {"loss": np.where(valid, loss, 0).astype(loss.dtype), "mask": valid}

    def describe(before: State, after: State) -> str:
        n = int(np.sum(~np.asarray(after["mask"])))
        return f"{n} ignored entr{'y' if n == 1 else 'ies'} set to 0 and masked"

    return Step(
        "ignore",
        "ℓ ← where(valid, ℓ, 0); Keras mask ← valid (means count valid entries)",
        fn,
        f"{FN} sparse_categorical_crossentropy",
        describe,
    )


def sparse_fn_steps(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    from_logits: bool,
    ignore_class: Any,
    axis: int,
    fn: str,
    label_dtype: Any = None,
) -> Steps:
    """``sparse_categorical_crossentropy`` (labels as given to the function).

    ``label_dtype`` is the dtype the labels were converted to before the
    function (the loss classes' float32), for the label check.
    """
    if y_pred.ndim < 1:
        raise ValueError(
            f"{fn}: `y_pred` must be at least rank 1; got shape {y_pred.shape}."
        )
    steps: list[Step] = []
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        steps.append(_label_squeeze(axis))
        y_true = np.squeeze(y_true, axis=axis)
    if ignore_class is not None:
        if not -y_pred.ndim <= axis < y_pred.ndim:
            raise ValueError(
                f"{fn}: `axis` must be in [{-y_pred.ndim}, {y_pred.ndim}); got "
                f"{axis!r}."
            )
        steps.append(_ignore_inputs(ignore_class, axis))
    elif y_true.dtype.kind not in "iu":
        steps.append(tfo.sparse_label_cast())
    if axis != -1 and axis != y_pred.ndim - 1:
        raise ValueError(
            f"{fn}: `axis`: Only axis=-1 is currently supported. Received: "
            f"axis={axis} (Keras' TensorFlow backend; move the class axis last "
            "with np.moveaxis)."
        )
    op_steps, dtype = tfo.sparse_steps(
        y_true.shape, y_pred, from_logits=from_logits, axis=-1, fn=fn
    )
    validate = tfo.sparse_validate(
        y_pred.shape[-1], fn=fn, label_dtype=label_dtype, ignore_class=ignore_class
    )
    ignore = (_ignore_outputs(ignore_class),) if ignore_class is not None else ()
    return (validate, *steps, *op_steps, *ignore), dtype


# ---------------------------------------------------------------------------
# focal losses


def _sigmoid_activation() -> Step:
    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        one = z.dtype.type(1)
        # keras' tf sigmoid keeps the logits (`_keras_logits`) for the BCE term
        return {"y_pred": one / (one + np.exp(-z)), "logits": z}

    return Step(
        "activation",
        "p ← σ(z) (the logits are kept: TF's BCE reads them back)",
        fn,
        f"{tfo.NN} sigmoid",
    )


def _focal_clip() -> Step:
    base = st.clip(
        tfo.EPSILON, 1.0 - tfo.EPSILON, source=f"{tfo.NN} binary_crossentropy"
    )

    def fn(state: State) -> dict[str, Any]:
        # the focal factor uses the UNclipped probabilities, kept as `p`
        return {**base.fn(state), "p": state["y_pred"]}

    return Step(
        "clip", base.formula + " (BCE term only)", fn, base.source, base.describe
    )


def _binary_focal_terms(
    *, gamma: Any, alpha: Any, apply_class_balancing: bool, from_logits: bool
) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = state["y_true"]
        dt = y.dtype.type
        if from_logits:
            bce = tfo.sigmoid_cross_entropy(y, state["logits"])
            p = state["y_pred"]
        else:
            log_p, log_1mp = state["log_p"], state["log_1mp"]
            bce = y * log_p
            bce = bce + (dt(1) - y) * log_1mp
            bce = -bce
            p = state.get("p", state["y_pred"])
        p_t = y * p + (dt(1) - y) * (dt(1) - p)
        focal_bce = np.power(dt(1.0) - p_t, dt(gamma)) * bce
        if apply_class_balancing:
            weight = y * dt(alpha) + (dt(1) - y) * dt(1 - alpha)
            focal_bce = weight * focal_bce
        return {"terms": focal_bce}

    formula = "t ← (1 − p_t)^γ · bce" + (
        ", × (y·α + (1 − y)(1 − α))" if apply_class_balancing else ""
    )
    if from_logits:
        formula += "; bce from the logits (TF shortcut), p_t from σ(z)"
    return Step("terms", formula, fn, f"{FN} binary_focal_crossentropy")


def binary_focal_fn_steps(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    apply_class_balancing: bool,
    alpha: Any,
    gamma: Any,
    from_logits: bool,
    label_smoothing: float,
    axis: int,
    fn: str,
) -> Steps:
    """``binary_focal_crossentropy`` on the TensorFlow backend."""
    _require_float(fn, y_pred)
    tfo.binary_steps(y_true, y_pred, from_logits=from_logits, fn=fn)  # its checks
    _check_reduction_axis(fn, axis, y_pred.ndim)
    steps: list[Step] = []
    if label_smoothing:
        steps.append(_binary_smooth(label_smoothing, fn))
    src = f"{tfo.NN} binary_crossentropy"
    if from_logits:
        steps.append(_sigmoid_activation())
    else:
        steps += [
            _focal_clip(),
            st.log_of_probabilities(
                source=src, complement="log", formula="log p, log(1 − p)"
            ),
        ]
    steps.append(
        _binary_focal_terms(
            gamma=gamma,
            alpha=alpha,
            apply_class_balancing=apply_class_balancing,
            from_logits=from_logits,
        )
    )
    steps.append(_mean_step(axis, f"{FN} binary_focal_crossentropy"))
    return tuple(steps), y_pred.dtype


def _softmax_activation(axis: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
        # TensorFlow's kernel multiplies by the reciprocal of the sum
        one = z.dtype.type(1)
        return {"y_pred": e * (one / tfo.tf_sum(e, axis, keepdims=True))}

    return Step(
        "activation",
        "p ← exp(z − max z) · (1 / Σ exp(z − max z))",
        fn,
        "tensorflow/core/kernels/softmax_op_functor.h",
    )


def _alpha_operand(alpha: Any) -> Any:
    # a list becomes a float32 tensor (and promotes); a Python number stays weak
    if isinstance(alpha, (int, float)) and not isinstance(alpha, bool):
        return float(alpha)
    return as_tensorflow(alpha)


def _categorical_focal_terms(*, gamma: Any, alpha: Any) -> Step:
    a = _alpha_operand(alpha)

    def fn(state: State) -> dict[str, Any]:
        y, p, log_p = state["y_true"], state["y_pred"], state["log_p"]
        dt = p.dtype.type
        cce = -y * log_p
        modulating = np.power(dt(1.0) - p, dt(gamma))
        weighting = modulating * a
        return {"terms": weighting * cce}

    return Step(
        "terms",
        "t_c ← α · (1 − p_c)^γ · (−y_c · log p_c)  (α always applied)",
        fn,
        f"{FN} categorical_focal_crossentropy",
    )


def categorical_focal_fn_steps(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    alpha: Any,
    gamma: Any,
    from_logits: bool,
    label_smoothing: float,
    axis: int,
    fn: str,
) -> Steps:
    """``categorical_focal_crossentropy`` (no backend CE call: no logits shortcut)."""
    check_axis_is_int(fn, axis)
    _require_float(fn, y_pred)
    _check_reduction_axis(fn, axis, y_pred.ndim)
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise tfo.invalid_argument(
            f"{fn}: `y_true` and `y_pred` must broadcast; got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        ) from None
    steps: list[Step] = []
    if label_smoothing:
        steps.append(_categorical_smooth(label_smoothing, axis, fn))
    if from_logits:
        steps.append(_softmax_activation(axis))
    src = f"{FN} categorical_focal_crossentropy"
    steps += [
        tfo.renormalize(axis, source=src),
        st.clip(tfo.EPSILON, 1.0 - tfo.EPSILON, source=src),
        st.log_of_probabilities(source=src),
        _categorical_focal_terms(gamma=gamma, alpha=alpha),
        tfo.class_sum(axis, source=src),
    ]
    a = _alpha_operand(alpha)
    dtype = y_pred.dtype if isinstance(a, float) else np.result_type(y_pred, a)
    return tuple(steps), np.dtype(dtype)
