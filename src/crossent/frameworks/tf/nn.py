"""Mirror of ``tf.nn``'s cross-entropy ops (TensorFlow 2.x; checked against 2.21).

Sources: ``tensorflow/python/ops/nn_ops.py``
(``softmax_cross_entropy_with_logits_v2_helper``,
``sparse_softmax_cross_entropy_with_logits``), ``nn_impl.py``
(``sigmoid_cross_entropy_with_logits``, ``weighted_cross_entropy_with_logits_v2``)
and the kernels ``core/kernels/xent_op.h`` and ``sparse_xent_op.h``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.errors import FrameworkError
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step, reduced
from crossent.frameworks._registry import Divergence

__all__ = [
    "sigmoid_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
    "weighted_cross_entropy_with_logits",
]

_VERSIONS = "TensorFlow 2.0–2.21"
_NN_OPS = "tensorflow/python/ops/nn_ops.py"
_NN_IMPL = "tensorflow/python/ops/nn_impl.py"
_HALF = ("float16", "bfloat16")
_LOGITS_DIV = Divergence(
    "activation",
    "exact log-softmax (max-shifted); a +inf logit gives NaN, and a −inf logit "
    "with label 0 gives NaN (0·inf) where the core gives a finite loss",
    "tensorflow/core/kernels/xent_op.h XentEigenImpl",
)
_REF = "https://www.tensorflow.org/api_docs/python/tf/nn/"
_tf_nn = functools.partial(
    Mirror,
    framework="tf.nn",
    versions=_VERSIONS,
    expects="logits",
    y_true="labels",
    y_pred="logits",
    hidden=("name",),
)


def _compute_dtype(logits: np.ndarray, upcast: tuple[str, ...]) -> np.dtype[Any]:
    if logits.dtype.name in upcast:
        return np.dtype(np.float32)
    return logits.dtype


def _check_float(fn: str, logits: np.ndarray) -> None:
    if logits.dtype.kind != "f" and logits.dtype.name != "bfloat16":
        raise FrameworkError(
            f"tf.nn.{fn}: `logits` must be float16, bfloat16, float32 or float64; "
            f"got {logits.dtype}.",
            framework_type="InvalidArgumentError",
        )


def _output(dtype: np.dtype[Any]) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(reduced(state, "loss")).astype(dtype)}

    return Step("output", f"result cast to {dtype}", fn, _NN_OPS)


@_tf_nn(
    reference=_REF + "softmax_cross_entropy_with_logits",
    summary="softmax CE from logits, soft labels used as given, float16/bfloat16 upcast",
    labels="one_hot",
    divergences=(
        _LOGITS_DIV,
        Divergence(
            "cast", "float16/bfloat16 computed in float32 and rounded back", _NN_OPS
        ),
    ),
)
def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: str | None = None
) -> tuple[Plan, State]:
    """Mirror of ``tf.nn.softmax_cross_entropy_with_logits`` (the v2 op).

    Labels are used as given (no check that rows are distributions); a ``-inf``
    logit with label 0 gives NaN (``0 · inf``), as in TensorFlow.

    References
    ----------
    https://www.tensorflow.org/api_docs/python/tf/nn/softmax_cross_entropy_with_logits

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    >>> y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> print(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z))
    [0.4790107  1.19967598]
    """
    logits = as_tensorflow(logits)
    _check_float("softmax_cross_entropy_with_logits", logits)
    labels = as_tensorflow(labels)
    if labels.shape != logits.shape:
        try:
            labels = np.broadcast_to(labels, logits.shape)
        except ValueError:
            raise FrameworkError(
                "tf.nn.softmax_cross_entropy_with_logits: `labels` and `logits` must "
                f"be broadcastable; got shapes {labels.shape} and {logits.shape}.",
                framework_type="InvalidArgumentError",
            ) from None
    dtype = _compute_dtype(logits, _HALF)
    steps = (
        st.cast(dtype, source=_NN_OPS, why="float16/bfloat16 logits are upcast"),
        st.framework_softmax_activation(axis, source="core/kernels/xent_op.h"),
        st.categorical_terms(source="core/kernels/xent_op.h"),
        st.class_reduce(axis, source="core/kernels/xent_op.h"),
        _output(logits.dtype),
    )
    state = {"y_true": labels, "y_pred": logits}
    return Plan("tf.nn.softmax_cross_entropy_with_logits", steps, {"axis": axis}), state


@_tf_nn(
    reference=_REF + "sparse_softmax_cross_entropy_with_logits",
    summary="softmax CE from logits and integer labels; out-of-range labels raise "
    "(NaN on GPU)",
    labels="integer",
    divergences=(
        Divergence("cast", "only float16 is upcast; bfloat16 runs natively", _NN_OPS),
    ),
)
def sparse_softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, name: str | None = None
) -> tuple[Plan, State]:
    """Mirror of ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    The class axis is the last one. Out-of-range labels raise
    ``InvalidArgumentError`` (as a :class:`crossent.errors.FrameworkError`), as
    on CPU; on GPU TensorFlow returns NaN for them instead.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf
    >>> z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    >>> print(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.array([1, 2]), logits=z))
    [0.4790107  1.19967598]
    """
    fn = "tf.nn.sparse_softmax_cross_entropy_with_logits"
    logits = as_tensorflow(logits)
    _check_float("sparse_softmax_cross_entropy_with_logits", logits)
    labels = as_tensorflow(labels)
    if labels.dtype.kind not in "iu":
        raise FrameworkError(
            f"{fn}: `labels` must be int32 or int64 class ids; got {labels.dtype}.",
            framework_type="InvalidArgumentError",
        )
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"{fn}: `labels` must have the shape of `logits` without the last axis, "
            f"{logits.shape[:-1]}; got {labels.shape}."
        )
    num_classes = logits.shape[-1]
    dtype = _compute_dtype(logits, ("float16",))

    def check(state: State) -> dict[str, Any]:
        y = state["y_true"]
        bad = (y < 0) | (y >= num_classes)
        if np.any(bad):
            raise FrameworkError(
                f"{fn}: Received a label value of {int(y[bad].flat[0])} which is "
                f"outside the valid range of [0, {num_classes}) (CPU raises; the GPU "
                f"kernel returns NaN instead).",
                framework_type="InvalidArgumentError",
            )
        return {}

    steps = (
        Step(
            "validate", "0 ≤ y < C (CPU kernel)", check, "core/kernels/sparse_xent_op.h"
        ),
        st.cast(
            dtype, source=_NN_OPS, keys=("y_pred",), why="float16 logits are upcast"
        ),
        st.framework_softmax_activation(-1, source="core/kernels/sparse_xent_op.h"),
        st.gather_terms(-1, source="core/kernels/sparse_xent_op.h"),
        _output(logits.dtype),
    )
    return Plan(fn, steps), {"y_true": labels, "y_pred": logits}


def _sigmoid_terms(pos_weight: Any = None) -> Step:
    if pos_weight is None:
        formula = "t ← max(z, 0) − z·y + log1p(exp(−|z|))"
    else:
        formula = "t ← (1 − y)·z + (1 + (w₊ − 1)·y)·(log1p(exp(−|z|)) + max(−z, 0))"

    def fn(state: State) -> dict[str, Any]:
        x, z = state["y_pred"], state["y_true"]
        zero = np.zeros_like(x)
        if pos_weight is None:
            cond = x >= zero
            relu_logits = np.where(cond, x, zero)
            neg_abs_logits = np.where(cond, -x, x)
            return {"loss": relu_logits - x * z + np.log1p(np.exp(neg_abs_logits))}
        one = np.asarray(1, x.dtype)
        log_weight = one + (np.asarray(pos_weight, x.dtype) - one) * z
        return {
            "loss": (one - z) * x
            + log_weight * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, zero))
        }

    return Step("terms", formula, fn, _NN_IMPL)


def _sigmoid_plan(
    y_true: Any, y_pred: Any, pos_weight: Any, path: str
) -> tuple[Plan, State]:
    logits = as_tensorflow(y_pred)
    _check_float(path.split(".")[-1], logits)
    labels = as_tensorflow(y_true).astype(logits.dtype)
    if labels.shape != logits.shape:
        raise ValueError(
            f"{path}: `logits` and `labels` must have the same shape; got "
            f"{logits.shape} and {labels.shape}."
        )
    steps = (_sigmoid_terms(pos_weight), _output(logits.dtype))
    return Plan(path, steps), {"y_true": labels, "y_pred": logits}


@_tf_nn(
    reference=_REF + "sigmoid_cross_entropy_with_logits",
    summary="elementwise sigmoid BCE from logits, max(z,0) − z·y + log1p(exp(−|z|))",
    labels="binary",
    divergences=(
        Divergence("terms", "infinite logits give NaN (inf − inf, 0·inf)", _NN_IMPL),
    ),
)
def sigmoid_cross_entropy_with_logits(
    labels: Any = None, logits: Any = None, name: str | None = None
) -> tuple[Plan, State]:
    """Mirror of ``tf.nn.sigmoid_cross_entropy_with_logits``, elementwise.

    Labels are not validated (``labels=2, logits=1`` gives a negative loss).
    Infinite logits give NaN except ``(−inf, 1)`` which gives ``inf``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf
    >>> print(tf.nn.sigmoid_cross_entropy_with_logits(labels=np.float32([0, 1]), logits=np.float32([-20, 20])))
    [2.06115e-09 2.06115e-09]
    """
    return _sigmoid_plan(
        labels, logits, None, "tf.nn.sigmoid_cross_entropy_with_logits"
    )


@_tf_nn(
    reference=_REF + "weighted_cross_entropy_with_logits",
    summary="sigmoid BCE with a positive-class weight",
    labels="binary",
    defaults={"pos_weight": 1.0},
    options={"pos_weight": (1.0,)},
)
def weighted_cross_entropy_with_logits(
    labels: Any, logits: Any, pos_weight: Any, name: str | None = None
) -> tuple[Plan, State]:
    """Mirror of ``tf.nn.weighted_cross_entropy_with_logits`` (the v2 signature).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf
    >>> out = tf.nn.weighted_cross_entropy_with_logits(np.float32([1.0]), np.float32([-3.0]), 3.0)
    >>> print(out.round(3))
    [9.146]
    """
    return _sigmoid_plan(
        labels, logits, pos_weight, "tf.nn.weighted_cross_entropy_with_logits"
    )


guard_module(globals(), "tf.nn.", __all__)
