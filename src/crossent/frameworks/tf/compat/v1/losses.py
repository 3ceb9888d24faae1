"""Mirror of ``tf.compat.v1.losses``' cross-entropy losses (TensorFlow 1.x and the
``compat.v1`` API of 2.x; checked against 2.21).

Source: ``tensorflow/python/ops/losses/losses_impl.py`` (``compute_weighted_loss``,
``_num_present``, ``_safe_mean``, ``softmax_cross_entropy``,
``sparse_softmax_cross_entropy``, ``sigmoid_cross_entropy``, ``log_loss``). The
per-example losses are ``tf.nn``'s (the ``tf.nn`` mirror's steps); then every
reduction runs in **float32** — the losses and the weights are cast to float32,
weighted, summed, divided with ``div_no_nan`` (0/0 → 0) — and the result is cast
back to the per-example loss' dtype (float64 in, float64 out with float32
precision).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import keras_clip_texts
from crossent.frameworks._plan import STEP_ORDER, Plan, State, Step
from crossent.frameworks._registry import Divergence, get

__all__ = [
    "Reduction",
    "log_loss",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]

IMPL = "tensorflow/python/ops/losses/losses_impl.py"
_PATH = "tf.compat.v1.losses."
_REF = "https://www.tensorflow.org/api_docs/python/tf/compat/v1/losses/"


class Reduction:
    """``tf.compat.v1.losses.Reduction``: the reduction keys (strings)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        """Every key, in TensorFlow's order."""
        return (
            cls.NONE,
            cls.SUM,
            cls.MEAN,
            cls.SUM_OVER_BATCH_SIZE,
            cls.SUM_OVER_NONZERO_WEIGHTS,
            cls.SUM_BY_NONZERO_WEIGHTS,
        )

    @classmethod
    def validate(cls, key: Any) -> None:
        """ValueError for an unknown key, as TensorFlow raises it."""
        if key not in cls.all():
            raise ValueError(
                f"Invalid Reduction Key {key}. Key should be one of {cls.all()}."
            )


_REDUCTIONS = tuple(dict.fromkeys(Reduction.all()))
_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS

#: Shared by the four losses.
REDUCE = Divergence(
    "reduce",
    "the default SUM_BY_NONZERO_WEIGHTS divides Σ w·ℓ by the number of non-zero "
    "weights after broadcasting to the losses (a weight of 0.5 everywhere halves "
    "the loss; zero weights leave the denominator); MEAN by Σ w; all in float32, "
    "0/0 → 0",
    f"{IMPL} compute_weighted_loss, _num_present",
)
_CAST = Divergence(
    "cast",
    "the reduction runs in float32: float64 losses come back as float64 with "
    "float32 precision",
    f"{IMPL} compute_weighted_loss",
)
_v1 = functools.partial(
    Mirror,
    framework="tf.compat.v1",
    versions="TensorFlow 1.x and tf.compat.v1 of 2.x (losses_impl.py); run "
    "against 2.21",
    hidden=("scope", "loss_collection"),
    options={"reduction": _REDUCTIONS},
)


def _check_weights(weights: np.ndarray, shape: tuple[int, ...]) -> None:
    """``assert_broadcastable``: rank 0, or the losses' rank with dims 1 or equal."""
    if weights.ndim == 0:
        return
    if weights.ndim != len(shape) or any(
        w not in (1, s) for w, s in zip(weights.shape, shape)
    ):
        raise ValueError(
            f"weights can not be broadcast to values. values.rank={len(shape)}. "
            f"weights.rank={weights.ndim}. values.shape={list(shape)}. "
            f"weights.shape={list(weights.shape)}. ({_PATH}: `weights` must be a "
            "scalar or broadcast to the per-example losses)"
        )


def _weight(weights: np.ndarray, loss_dtype: Any = None) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = np.asarray(state["loss"])
        w = np.broadcast_to(weights.astype(np.float32), loss.shape)
        return {
            "loss_dtype": loss.dtype if loss_dtype is None else np.dtype(loss_dtype),
            "loss": loss.astype(np.float32) * w,
            "sample_weight": w,
        }

    return Step(
        "weight", "ℓ ← float32(ℓ)·float32(w)", fn, f"{IMPL} compute_weighted_loss"
    )


def _div_no_nan(total: Any, den: Any) -> Any:
    """``div_no_nan``: 0 when the denominator is 0, whatever the numerator."""
    if den == 0:
        return np.float32(0.0)
    return np.float32(total / den)


def _reduce(reduction: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss, w = state["loss"], state["sample_weight"]
        if reduction == Reduction.NONE:
            return {"value": loss}
        total = np.float32(np.sum(loss, dtype=np.float32))
        if reduction == Reduction.SUM:
            value = total
        elif reduction == Reduction.MEAN:
            value = _div_no_nan(total, np.float32(np.sum(w, dtype=np.float32)))
        elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
            value = _div_no_nan(total, np.float32(loss.size))
        else:
            value = _div_no_nan(total, np.float32(np.count_nonzero(w)))
        return {"value": np.asarray(value)}

    formula = {
        Reduction.NONE: "w·ℓ",
        Reduction.SUM: "Σ w·ℓ",
        Reduction.MEAN: "Σ w·ℓ / Σ w (0/0 → 0)",
        Reduction.SUM_OVER_BATCH_SIZE: "Σ w·ℓ / #elements (0/0 → 0)",
        Reduction.SUM_BY_NONZERO_WEIGHTS: "Σ w·ℓ / #(w ≠ 0), w broadcast (0/0 → 0)",
    }[reduction]
    return Step("reduce", formula + ", in float32", fn, f"{IMPL} compute_weighted_loss")


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        dtype = state.get("loss_dtype", np.dtype(np.float32))
        return {"value": np.asarray(state["value"]).astype(dtype)}

    return Step("output", "cast back to the losses' dtype", fn, IMPL)


def _plan(
    name: str,
    inner: Plan,
    front: list[Step],
    loss_shape: tuple[int, ...],
    weights: Any,
    reduction: str,
    state: State,
    loss_dtype: Any = None,
) -> tuple[Plan, State]:
    """``loss_dtype``: the dtype of TensorFlow's losses, the result's dtype (default:
    the inner plan's loss, which for float16 softmax is float32 inside)."""
    Reduction.validate(reduction)
    if weights is None or (
        np.ndim(weights) == 0 and np.asarray(weights).item() is None
    ):
        # TensorFlow cannot convert None to a tensor (ValueError in TF 2.21 and in
        # its losses_test.py)
        raise ValueError(
            f"{_PATH}{name}: Attempt to convert a value (None) with an unsupported "
            "type (<class 'NoneType'>) to a Tensor: `weights` must be numbers."
        )
    w = as_tensorflow(weights)
    w = np.asarray(w)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{_PATH}{name}: `weights` must be numbers; got {w.dtype}")
    _check_weights(w, loss_shape)
    kept = [s for s in inner.steps if s.name != "output"]
    steps = sorted(
        [*front, *kept, _weight(w, loss_dtype), _reduce(reduction), _output()],
        key=lambda s: STEP_ORDER.index(s.name),
    )
    return Plan(_PATH + name, tuple(steps), {"reduction": reduction}), state


def _smooth(formula: str, fn: Any) -> Step:
    return Step("smooth", formula, fn, IMPL)


def _same_shape(name: str, arg: str, labels: Any, logits: Any) -> tuple[Any, Any]:
    """The logits and the labels (in the logits' dtype), which must have one shape;
    TensorFlow's messages for None and for a shape mismatch."""
    if labels is None:
        raise ValueError(f"Argument `{arg}` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    x = as_tensorflow(logits)
    y = np.asarray(as_tensorflow(labels)).astype(x.dtype)
    if x.shape != y.shape:
        raise ValueError(
            f"Shapes {list(x.shape)} and {list(y.shape)} are incompatible "
            f"({_PATH}{name}: `{arg}` must have the logits' shape)"
        )
    return x, y


@_v1(
    reference=_REF + "softmax_cross_entropy",
    summary="tf.nn softmax CE of (smoothed) one-hot labels, then float32 weights and "
    "the SUM_BY_NONZERO_WEIGHTS mean",
    expects="logits",
    labels="one_hot",
    y_true="onehot_labels",
    y_pred="logits",
    divergences=(
        Divergence(
            "smooth",
            "onehot·(1 − ls) + ls/C, C the last axis",
            f"{IMPL} softmax_cross_entropy",
        ),
        REDUCE,
        _CAST,
    ),
)
def softmax_cross_entropy(
    onehot_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = "losses",
    reduction: str = _DEFAULT,
) -> tuple[Plan, State]:
    """Mirror of ``tf.compat.v1.losses.softmax_cross_entropy``.

    Examples
    --------
    [RUN] in docs/semantics.md §4.5: the per-sample losses [1.4076059, 0.1698460,
    1.0986123] with weights [0.5, 0, 2] give 1.4505138 by default, 1.1604111 with
    MEAN.

    >>> import numpy as np
    >>> from crossent.frameworks.tf.compat.v1 import losses
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> y = np.eye(3, dtype=np.float32)[[1, 0, 2]]
    >>> print(losses.softmax_cross_entropy(y, z, weights=np.float32([0.5, 0, 2])).round(4))
    1.4505
    >>> print(losses.softmax_cross_entropy(y, z, np.float32([0.5, 0, 2]), reduction="weighted_mean").round(4))
    1.1604
    """
    x, y = _same_shape("softmax_cross_entropy", "onehot_labels", onehot_labels, logits)
    inner, state = get("tf.nn.softmax_cross_entropy_with_logits").bind(y, x)
    front: list[Step] = []
    ls = float(label_smoothing)
    if ls > 0:
        c = x.shape[-1]

        def smooth(state: State) -> dict[str, Any]:
            t = state["y_true"]
            dt = t.dtype.type
            return {"y_true": t * dt(1.0 - ls) + dt(ls) / dt(c)}

        front.append(_smooth(f"y ← y·(1 − {ls:g}) + {ls:g}/{c}", smooth))
    return _plan(
        "softmax_cross_entropy",
        inner,
        front,
        x.shape[:-1],
        weights,
        reduction,
        state,
        x.dtype,  # TensorFlow's float16 softmax losses are float16
    )


@_v1(
    reference=_REF + "sparse_softmax_cross_entropy",
    summary="tf.nn sparse softmax CE of class ids, then float32 weights and the "
    "SUM_BY_NONZERO_WEIGHTS mean; no label smoothing",
    expects="logits",
    labels="integer",
    y_true="labels",
    y_pred="logits",
    divergences=(REDUCE, _CAST),
)
def sparse_softmax_cross_entropy(
    labels: Any,
    logits: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = "losses",
    reduction: str = _DEFAULT,
) -> tuple[Plan, State]:
    """Mirror of ``tf.compat.v1.losses.sparse_softmax_cross_entropy``.

    A trailing axis of size 1 is squeezed from the labels (and from weights of
    one more rank than the losses).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.tf.compat.v1 import losses
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> print(losses.sparse_softmax_cross_entropy(np.array([1, 0, 2]), z, weights=np.float32([0.5, 0, 2])).round(4))
    1.4505
    """
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    x = as_tensorflow(logits)
    y = np.asarray(as_tensorflow(labels))
    if y.ndim == x.ndim and y.ndim > 0 and y.shape[-1] == 1:
        y = y[..., 0]
    w = np.asarray(as_tensorflow(weights))
    if w.ndim == y.ndim + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    inner, state = get("tf.nn.sparse_softmax_cross_entropy_with_logits").bind(y, x)
    return _plan(
        "sparse_softmax_cross_entropy", inner, [], y.shape, w, reduction, state, x.dtype
    )


@_v1(
    reference=_REF + "sigmoid_cross_entropy",
    summary="tf.nn sigmoid CE of (smoothed toward 1/2) labels, then float32 weights "
    "and the SUM_BY_NONZERO_WEIGHTS mean over every element",
    expects="logits",
    labels="binary",
    y_true="multi_class_labels",
    y_pred="logits",
    divergences=(
        Divergence("smooth", "y·(1 − ls) + ls/2", f"{IMPL} sigmoid_cross_entropy"),
        REDUCE,
        _CAST,
    ),
)
def sigmoid_cross_entropy(
    multi_class_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = "losses",
    reduction: str = _DEFAULT,
) -> tuple[Plan, State]:
    """Mirror of ``tf.compat.v1.losses.sigmoid_cross_entropy``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.tf.compat.v1 import losses
    >>> print(losses.sigmoid_cross_entropy(np.float32([[1, 0]]), np.float32([[0, 0]])).round(4))
    0.6931
    """
    x, y = _same_shape(
        "sigmoid_cross_entropy", "multi_class_labels", multi_class_labels, logits
    )
    inner, state = get("tf.nn.sigmoid_cross_entropy_with_logits").bind(y, x)
    front: list[Step] = []
    ls = float(label_smoothing)
    if ls > 0:

        def smooth(state: State) -> dict[str, Any]:
            t = state["y_true"]
            dt = t.dtype.type
            return {"y_true": t * dt(1.0 - ls) + dt(0.5 * ls)}

        front.append(_smooth(f"y ← y·(1 − {ls:g}) + {ls:g}/2", smooth))
    return _plan(
        "sigmoid_cross_entropy", inner, front, x.shape, weights, reduction, state
    )


@_v1(
    reference=_REF + "log_loss",
    summary="−y·log(p + ε) − (1 − y)·log(1 − p + ε) in float32, no clip (ε = 1e-7), "
    "then weights and the SUM_BY_NONZERO_WEIGHTS mean",
    expects="probabilities",
    labels="binary",
    y_true="labels",
    y_pred="predictions",
    divergences=(
        Divergence(
            "log",
            "ε added inside both logs, no clip: y=1, p=0 and y=0, p=1 both cost "
            f"{keras_clip_texts()['true_at_0']} (−log ε in float32); p outside "
            "[0, 1] gives NaN",
            f"{IMPL} log_loss",
        ),
        REDUCE,
    ),
)
def log_loss(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    epsilon: float = 1e-7,
    scope: Any = None,
    loss_collection: Any = "losses",
    reduction: str = _DEFAULT,
) -> tuple[Plan, State]:
    """Mirror of ``tf.compat.v1.losses.log_loss``.

    Examples
    --------
    docs/semantics.md §4.5 [RUN]: y=1, p=0 costs 16.118095.

    >>> import numpy as np
    >>> from crossent.frameworks.tf.compat.v1 import losses
    >>> print(losses.log_loss(np.float32([1.0]), np.float32([0.0])).round(4))
    16.1181
    """
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError("Argument `predictions` must not be None.")
    p = np.asarray(as_tensorflow(predictions)).astype(np.float32, copy=False)
    y = np.asarray(as_tensorflow(labels)).astype(np.float32, copy=False)
    if p.shape != y.shape:
        raise ValueError(
            f"Shapes {list(p.shape)} and {list(y.shape)} are incompatible "
            f"({_PATH}log_loss: `labels` must have the predictions' shape)"
        )
    eps = np.float32(epsilon)

    def log(state: State) -> dict[str, Any]:
        q = state["y_pred"]
        one = np.float32(1)
        return {"log_p": np.log(q + eps), "log_1mp": np.log(one - q + eps)}

    def terms(state: State) -> dict[str, Any]:
        t = state["y_true"]
        one = np.float32(1)
        return {"loss": -(t * state["log_p"]) - (one - t) * state["log_1mp"]}

    inner = Plan(
        "log_loss",
        (
            Step("log", f"log(p + {epsilon:g}), log(1 − p + {epsilon:g})", log, IMPL),
            Step("terms", "ℓ ← −y·log(p + ε) − (1 − y)·log(1 − p + ε)", terms, IMPL),
        ),
    )
    state = {"y_true": y, "y_pred": p}
    return _plan("log_loss", inner, [], p.shape, weights, reduction, state)


guard_module(
    globals(),
    _PATH,
    [n for n in __all__ if n != "Reduction"],
    {
        "onehot_labels": CHECKS["labels"],
        "multi_class_labels": CHECKS["labels"],
        "predictions": CHECKS["logits"],
        "weights": CHECKS["sample_weight"],
    },
)
