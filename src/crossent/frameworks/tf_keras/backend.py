"""Mirror of ``tf_keras.backend``'s cross-entropies (Keras 2.4–2.21).

Source: keras-team/tf-keras ``tf_keras/backend.py`` (``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``binary_crossentropy``,
``binary_focal_crossentropy``, ``categorical_focal_crossentropy``), read in the
installed tf_keras 2.21.0; docs/semantics.md §3.1 finds the same code in keras-team/keras
``keras/backend.py`` v2.6.0–v2.15.0, the ``tf.keras`` of TensorFlow 2.6–2.15.

The step builders here are shared with :mod:`crossent.frameworks.tf_keras.losses`,
whose functions cast and smooth the labels and then call these backend functions.
Inputs are NumPy arrays, so TensorFlow's logits shortcut (``_get_logits``, which
reads the logits back from a ``Softmax``/``Sigmoid`` op or ``_keras_logits``) never
applies: pass ``from_logits=True`` with the logits instead.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.errors import FrameworkError, FrameworkZeroDivisionError
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import (
    keras_clip_costs,
    keras_clip_texts,
    show,
    tf_keras_bce_caps,
)
from crossent.frameworks._plan import Plan, State, Step, reduced
from crossent.frameworks._registry import Divergence
from crossent.frameworks.tf import nn as tf_nn
from crossent.frameworks.tf_keras import _tf

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
]

VERSIONS = "Keras 2.4–2.21 (tf_keras; tf.keras of TensorFlow 2.4–2.15)"
_SRC = "tf_keras/backend.py"
_XENT = "tensorflow/core/kernels/xent_op.h"
_SPARSE = "tensorflow/core/kernels/sparse_xent_op.h"
_HALF = ("float16", "bfloat16")
REF = "https://github.com/keras-team/tf-keras/blob/master/tf_keras/backend.py"

# what every mirror of tf_keras.backend shares (its focal losses are in _focal.py)
_tf_keras = functools.partial(
    Mirror, framework="tf_keras", versions=VERSIONS, reference=REF
)


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


def clip_step(
    dtype: Any, fn: str, *, keep_unclipped: bool = False, source: str = _SRC
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
        "log", "log p ← log(p + ε); log(1 − p) ← log(1 − p + ε)", fn_log, f"{_SRC} {fn}"
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
    return Step("activation", formula, fn, _XENT)


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
            st.categorical_terms(source=_XENT),
            class_reduce(axis, "sum", output.dtype, _XENT),
        ]
    _tf.check_same_dtype(fn, target, output, "target,output")
    src = f"{_SRC} categorical_crossentropy"
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
        st.binary_terms(source=f"{_SRC} binary_crossentropy"),
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
    source: str = _SRC,
) -> list[Step]:
    """Steps of ``backend.sparse_categorical_crossentropy`` on the laid-out arrays.

    ``source`` names the Python file for the trace (Keras 2's TF backend shares
    these steps).
    """
    _tf.check_float(fn, "output", output)
    num_classes = output.shape[-1]
    dtype = output.dtype
    compute = np.dtype(np.float32) if dtype.name == "float16" else dtype

    def validate(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        out: dict[str, Any] = {}
        valid = np.ones(y.shape, bool)
        if ignore_class is not None:
            valid = y != np.int64(ignore_class)
            out["mask"] = valid.reshape(result_shape)
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
        return {"loss": loss.reshape(result_shape)}

    steps = [
        Step("validate", "0 ≤ y < C for every label kept", validate, _SPARSE),
        Step("cast", "y ← int64(y) (float labels truncate toward 0)", cast, source),
    ]
    if from_logits:
        formula = "log p ← (z − max z) − log Σ exp(z − max z)"
        steps.append(Step("activation", formula, activation, _SPARSE))
    else:
        src = f"{source} sparse_categorical_crossentropy"
        steps.append(clip_step(dtype, "sparse_categorical_crossentropy", source=source))
        formula = "log p ← log_softmax(log p) = log p − log Σ_c p_c (after the clip)"
        steps.append(Step("log", formula, log, f"{src}; {_SPARSE}"))
    steps.append(Step("terms", "ℓ ← −log p_y", terms, _SPARSE))
    if ignore_class is not None:

        def ignore(state: State) -> dict[str, Any]:
            loss = state["loss"]
            return {"loss": np.where(state["mask"], loss, np.zeros_like(loss))}

        formula = f"ℓ ← 0 where y = {ignore_class} (rows removed, zeros scattered back)"
        steps.append(
            Step("ignore", formula, ignore, f"{source} sparse_categorical_crossentropy")
        )
    return steps


def output_step(key: str = "loss", source: str = _SRC) -> Step:
    """``value ← state[key]``, the array the function returns."""

    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(reduced(state, key))}

    return Step("output", "return ℓ", fn, source)


# ---------------------------------------------------------------------------
# Binders and mirrors
# ---------------------------------------------------------------------------


def plan_categorical(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Plan of ``categorical_crossentropy(target=y_true, output=y_pred, ...)``."""
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = categorical_steps(target, output, from_logits=from_logits, axis=axis)
    plan = Plan(
        "tf_keras.backend.categorical_crossentropy",
        (*steps, output_step()),
        {"from_logits": from_logits, "axis": axis},
    )
    return plan, {"y_true": target, "y_pred": output}


_COST = keras_clip_texts()
_CAPS = {name: show(value) for name, value in tf_keras_bce_caps().items()}
DIV_CLIP: Divergence = Divergence(
    "clip",
    "probabilities clipped to [1e-7, 1 − 1e-7] in the output dtype (float32: "
    f"[{show(keras_clip_costs()['epsilon32'], 11)}, 1 − 2⁻²³]; float16: upper "
    "bound 1.0, no clip)",
    f"{_SRC} categorical_crossentropy",
)
DIV_RENORM: Divergence = Divergence(
    "renormalize",
    "each row of probabilities divided by its sum before the clip",
    f"{_SRC} categorical_crossentropy",
)
DIV_DOUBLE_EPS = Divergence(
    "log",
    "ε added again inside the logs: log(p + 1e-7), log(1 − p + 1e-7); float32 caps "
    f"{_CAPS['true_at_0']} (y=1, p=0) and {_CAPS['false_at_1']} (y=0, p=1), "
    "perfect prediction 0",
    f"{_SRC} binary_crossentropy",
)
DIV_SPARSE_RENORM = Divergence(
    "log",
    "log(clip(p)) passed as logits to the sparse softmax op, which renormalises "
    "the clipped row (clip-then-renormalise; p=[1,0,0], y=0 → "
    f"{_COST['sparse_perfect']})",
    f"{_SRC} sparse_categorical_crossentropy; {_SPARSE}",
)
DIV_LABEL_RANGE = Divergence(
    "validate",
    "labels outside [0, C) raise InvalidArgumentError on CPU (NaN on GPU)",
    _SPARSE,
)
DIV_HALF_UPCAST = Divergence(
    "activation",
    "float16/bfloat16 logits computed in float32 and rounded back; ±inf logits "
    "give NaN",
    _XENT,
)


@_tf_keras(
    summary="categorical CE: renormalise, clip to [ε, 1−ε], −Σ y log p (logits: tf.nn)",
    expects="probabilities",
    labels="one_hot",
    divergences=(DIV_RENORM, DIV_CLIP, DIV_HALF_UPCAST),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.backend.categorical_crossentropy``.

    Parameters
    ----------
    target : array_like
        One-hot or soft targets, the same shape as ``output``.
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Per-example loss: ``output``'s shape without ``axis``, ``output``'s dtype.

    Raises
    ------
    ValueError
        If the shapes differ.
    crossent.errors.FrameworkError
        ``InvalidArgumentError``: ``target`` and ``output`` dtypes differ, or
        ``axis`` is out of range.

    Notes
    -----
    Probabilities are renormalised, clipped and logged in ``output``'s dtype:

    .. math:: \ell = -\sum_c y_c \log \operatorname{clip}(p_c / \textstyle\sum_k p_k,
              \varepsilon, 1 - \varepsilon), \qquad \varepsilon = 10^{-7}

    Logits go to ``tf.nn.softmax_cross_entropy_with_logits`` (exact log-softmax;
    float16/bfloat16 computed in float32).

    References
    ----------
    https://github.com/keras-team/tf-keras/blob/master/tf_keras/backend.py
    (checked against tf_keras 2.21.0).

    Examples
    --------
    Seed question 000: the clipped prediction of a true class gives
    ``-log(1e-7)``, not ``-log(1e-11)``:

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.array([[0.0, 1.0]])
    >>> p = np.array([[0.99999999999, 0.00000000001]])
    >>> print(tf_keras.backend.categorical_crossentropy(y, p).round(3))
    [16.118]
    """
    return plan_categorical(target, output, from_logits=from_logits, axis=axis)


def plan_sparse(
    y_true: Any,
    y_pred: Any,
    *,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: Any = None,
) -> tuple[Plan, State]:
    """Plan of ``sparse_categorical_crossentropy(target=y_true, output=y_pred, ...)``."""
    fn = "tf_keras.backend.sparse_categorical_crossentropy"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    _tf.check_float(fn, "output", output)
    labels, logits, shape = sparse_layout(
        fn, target, output, axis, ignore_class is not None
    )
    steps = sparse_steps(
        labels,
        logits,
        from_logits=from_logits,
        ignore_class=ignore_class,
        result_shape=shape,
    )
    options = {"from_logits": from_logits, "axis": axis, "ignore_class": ignore_class}
    plan = Plan(fn, (*steps, output_step()), options)
    return plan, {"y_true": labels, "y_pred": logits}


@_tf_keras(
    summary="sparse CE: clip, log, then the sparse softmax op (renormalises after the clip)",
    expects="probabilities",
    labels="integer",
    divergences=(DIV_CLIP, DIV_SPARSE_RENORM, DIV_LABEL_RANGE),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def sparse_categorical_crossentropy(
    target: Any,
    output: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.backend.sparse_categorical_crossentropy``.

    Parameters
    ----------
    target : array_like
        Integer class ids (float ids are truncated toward zero).
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.
    axis : int, default -1
        The class axis of ``output``; any integer is taken modulo the rank.
    ignore_class : int, optional
        A label whose entries give loss 0 (and are marked invalid for the
        reduction of :class:`~crossent.frameworks.tf_keras.losses.SparseCategoricalCrossentropy`).

    Returns
    -------
    numpy.ndarray
        Per-example loss in ``output``'s dtype. When ``target``'s rank is not
        ``output``'s rank minus one, ``target`` is flattened (rank-2 ``output``
        then gives a flat result).

    Raises
    ------
    ValueError
        If the labels do not match ``output`` without its class axis.
    crossent.errors.FrameworkError
        ``InvalidArgumentError`` for a label outside ``[0, C)`` (TensorFlow's
        CPU kernel; on GPU it returns NaN).

    Notes
    -----
    Probabilities are clipped to ``[ε, 1 − ε]``, logged, and passed as logits to
    ``tf.nn.sparse_softmax_cross_entropy_with_logits``; its log-softmax renormalises
    the clipped row, so :math:`\ell = -\log \tilde p_y + \log \sum_c \tilde p_c` with
    :math:`\tilde p = \operatorname{clip}(p, \varepsilon, 1 - \varepsilon)`
    (clip-then-renormalise, docs/semantics.md D11).

    References
    ----------
    https://github.com/keras-team/tf-keras/blob/master/tf_keras/backend.py
    (checked against tf_keras 2.21.0).

    Examples
    --------
    A perfect prediction costs 2.4e-07, twice the categorical floor: the clip
    lifts the two zeros to 1e-7 and the op renormalises the row afterwards:

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> p = np.float32([[1.0, 0.0, 0.0]])
    >>> print(tf_keras.backend.sparse_categorical_crossentropy(np.array([0]), p))
    [2.38419e-07]
    """
    return plan_sparse(
        target, output, from_logits=from_logits, axis=axis, ignore_class=ignore_class
    )


def plan_binary(
    y_true: Any, y_pred: Any, *, from_logits: bool = False
) -> tuple[Plan, State]:
    """Plan of ``binary_crossentropy(target=y_true, output=y_pred, ...)``."""
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = binary_steps(target, output, from_logits=from_logits)
    plan = Plan(
        "tf_keras.backend.binary_crossentropy",
        (*steps, output_step("terms")),
        {"from_logits": from_logits},
    )
    return plan, {"y_true": target, "y_pred": output}


@_tf_keras(
    summary="elementwise BCE with the double epsilon: clip, then log(p + ε), log(1 − p + ε)",
    expects="probabilities",
    labels="binary",
    divergences=(DIV_CLIP, DIV_DOUBLE_EPS),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def binary_crossentropy(
    target: Any, output: Any, from_logits: bool = False
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.backend.binary_crossentropy``: the "double epsilon" BCE.

    Parameters
    ----------
    target : array_like
        Labels, broadcastable against ``output``, same dtype.
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.

    Returns
    -------
    numpy.ndarray
        Elementwise loss, the broadcast shape, ``output``'s dtype.

    Raises
    ------
    crossent.errors.FrameworkError
        ``InvalidArgumentError``: dtypes differ or shapes do not broadcast.
    ValueError
        With ``from_logits=True``, if the shapes differ.

    Notes
    -----
    The probability is clipped *and* ε is added again inside the logs:

    .. math:: \ell = -[y \log(\tilde p + \varepsilon) + (1 - y)\log(1 - \tilde p + \varepsilon)],
              \quad \tilde p = \operatorname{clip}(p, \varepsilon, 1 - \varepsilon)

    so in float32 a true class predicted 0 costs 15.424949 (``-log 2e-7``), a
    false class predicted 1 costs 15.333239, and a perfect prediction 0 (unlike
    Keras 3: 16.118095, 15.942385, 1.19e-7). float64 stays float64. Logits go to
    ``tf.nn.sigmoid_cross_entropy_with_logits`` (exact).

    References
    ----------
    https://github.com/keras-team/tf-keras/blob/master/tf_keras/backend.py
    (checked against tf_keras 2.21.0); tensorflow/tensorflow#41595.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([1, 0, 1])
    >>> p = np.float32([0, 1, 1])
    >>> print(tf_keras.backend.binary_crossentropy(y, p).round(3))
    [15.425 15.333 -0.   ]
    """
    return plan_binary(target, output, from_logits=from_logits)


# the focal losses, declared next to their steps (they use this module's steps)
from crossent.frameworks.tf_keras._focal import (  # noqa: E402
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
)

guard_module(globals(), "tf_keras.backend.", __all__)
