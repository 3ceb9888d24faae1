"""Mirror of ``keras.ops``' cross-entropies (Keras 3.3–3.15, TensorFlow backend).

``keras.ops.*_crossentropy`` call the backend directly and cast nothing: float64
stays float64, Python floats become float32 (``tf.convert_to_tensor``). Sources:
``keras/src/ops/nn.py`` and ``keras/src/backend/tensorflow/nn.py``; the other
backends' sparse path is registered as ``keras.ops.sparse_categorical_crossentropy[jax]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.frameworks import _keras_common as api
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_jax, as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import keras_clip_texts
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.keras import _tf_ops as tfo
from crossent.frameworks.keras._loss import assemble

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]

_VERSIONS = (
    "Keras 3.3–3.15 (TensorFlow backend; tf.keras in TensorFlow ≥ 2.16): the "
    "backend code is unchanged from 3.3.3 to 3.15.1, run against 3.15.1"
)
_REF = "https://keras.io/api/ops/nn/#"
_CCE = "keras.ops.categorical_crossentropy"
_SCCE = "keras.ops.sparse_categorical_crossentropy"
_BCE = "keras.ops.binary_crossentropy"
# what every mirror of this module shares (the JAX one has its own versions)
_keras = functools.partial(Mirror, framework="keras", versions=_VERSIONS)
# the TensorFlow ops' declaration fields, shared with tf_keras.backend
_keras_op = functools.partial(_keras, **api.BACKEND_OP)


def _op_plan(
    path: str,
    steps_of: Callable[..., tuple[Any, np.dtype[Any]]],
    y_true: Any,
    y_pred: Any,
    output_key: str = "loss",
    **options: Any,
) -> tuple[Plan, State]:
    """Plan of ``keras.ops.<path>(y_true, y_pred, **options)``: the op's steps."""
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps, dtype = steps_of(target, output, fn=path, **options)
    plan = assemble(path, (*steps, tfo.output_step(dtype, key=output_key)), options)
    return plan, {"y_true": target, "y_pred": output}


_SRC = "keras/src/backend/tensorflow/nn.py"
_COST = keras_clip_texts()
_CLIP_F32 = (
    "probabilities clipped to [1e-7, 1 − 1e-7] in their dtype: in float32 a true "
    f"class predicted 0 costs {_COST['true_at_0']} and a perfect prediction "
    f"{_COST['perfect']}"
)
_LOGITS = Divergence(
    "activation",
    "from_logits uses tf.nn's max-shifted log-softmax: a +inf logit gives NaN, a "
    "−inf logit with label 0 gives NaN (0·inf)",
    "tensorflow/core/kernels/xent_op.h",
)


@_keras_op(
    path=_CCE,
    reference=_REF + "categorical_crossentropy-function",
    summary="renormalise, clip to [ε, 1−ε], −Σ y log p; logits via tf.nn softmax CE",
    labels="one_hot",
    divergences=(
        Divergence(
            "renormalize",
            "probabilities divided by their sum along the class axis",
            f"{_SRC} categorical_crossentropy",
        ),
        Divergence("clip", _CLIP_F32, f"{_SRC} categorical_crossentropy"),
        Divergence(
            "terms",
            "soft or unnormalised targets used as given",
            f"{_SRC} categorical_crossentropy",
        ),
        _LOGITS,
    ),
)
def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Mirror of ``keras.ops.categorical_crossentropy`` (TensorFlow backend).

    Probabilities are renormalised along ``axis`` (rows need not sum to 1),
    clipped to ``[1e-7, 1 − 1e-7]`` in their own dtype, then
    ``−Σ target · log(output)``; targets are used as given.

    Parameters
    ----------
    target : array_like
        One-hot or soft targets, the shape of ``output``.
    output : array_like
        Probabilities, or logits with ``from_logits=True``.
    from_logits : bool, default False
        Whether ``output`` holds logits (then ``tf.nn.softmax_cross_entropy_with_logits``).
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Per-sample loss, ``output``'s shape without ``axis``, in ``output``'s dtype.

    Raises
    ------
    ValueError
        Ranks or shapes differ, or the inputs are scalars.
    crossent.errors.FrameworkError
        ``InvalidArgumentError``: ``target`` and ``output`` dtypes differ.

    References
    ----------
    https://keras.io/api/ops/nn/#categorical_crossentropy-function (Keras 3.3–3.15,
    ``keras/src/backend/tensorflow/nn.py``; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.float32([[1, 0, 0], [0, 1, 0]])
    >>> p = np.float32([[0.2, 0.2, 0.2], [1.0, 0.0, 0.0]])
    >>> print(keras.ops.categorical_crossentropy(y, p).round(3))  # renormalised, clipped
    [ 1.099 16.118]
    """
    return _op_plan(
        _CCE, tfo.categorical_steps, target, output, from_logits=from_logits, axis=axis
    )


def plan_sparse(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Plan of ``keras.ops.sparse_categorical_crossentropy(y_true, y_pred, ...)``."""
    output = as_tensorflow(y_pred)
    if axis != -1 and axis != output.ndim - 1:
        raise ValueError(
            f"{_SCCE}: `axis`: Only axis=-1 is currently supported. Received: "
            f"axis={axis} (Keras' TensorFlow backend; move the class axis last "
            "with np.moveaxis)."
        )
    target = as_tensorflow(y_true)
    steps: list[Step] = []
    if target.dtype.kind not in "iu":
        steps.append(tfo.sparse_label_cast())
    shape = target.shape
    if target.ndim == output.ndim and target.shape[-1] == 1:
        steps.append(_squeeze_last())
        shape = shape[:-1]
    if output.ndim < 1:
        raise ValueError(
            f"{_SCCE}: `output` must be at least rank 1; got shape {output.shape}."
        )
    op_steps, dtype = tfo.sparse_steps(
        shape, output, from_logits=from_logits, axis=-1, fn=_SCCE
    )
    validate = tfo.sparse_validate(output.shape[-1], fn=_SCCE)
    options = {"from_logits": from_logits, "axis": axis}
    plan = assemble(
        _SCCE, (validate, *steps, *op_steps, tfo.output_step(dtype)), options
    )
    return plan, {"y_true": target, "y_pred": output}


def _squeeze_last() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"y_true": np.squeeze(state["y_true"], axis=-1)}

    return Step("squeeze", "y ← squeeze(y, -1)", fn, tfo.NN)


@_keras_op(
    path=_SCCE,
    reference=_REF + "sparse_categorical_crossentropy-function",
    summary="clip, log, then sparse softmax CE: rows renormalised after clipping",
    labels="integer",
    divergences=(
        Divergence(
            "clip",
            "clipped without renormalising first; the softmax of log(clip(p)) "
            "renormalises after clipping (p=[.5,0,0], y=1 → "
            f"{_COST['sparse_half']}, not {_COST['true_at_0']}; a perfect "
            f"prediction costs {_COST['sparse_perfect']})",
            f"{_SRC} sparse_categorical_crossentropy",
        ),
        Divergence("cast", "float labels truncated toward zero (1.7 → 1)", _SRC),
        Divergence(
            "validate",
            "labels outside [0, C) raise InvalidArgumentError on CPU (NaN on GPU)",
            "tensorflow/core/kernels/sparse_xent_op.h",
        ),
    ),
)
def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Mirror of ``keras.ops.sparse_categorical_crossentropy`` (TensorFlow backend).

    Labels are cast to int64 (float labels truncate toward zero). Probabilities
    are clipped and logged, then fed to ``tf.nn.sparse_softmax_cross_entropy_with_logits``:
    the rows are renormalised *after* clipping, so ``p=[.5, 0, 0], y=1`` costs
    15.424948 here and 16.118095 on the JAX/torch/numpy backends.

    Parameters
    ----------
    target : array_like
        Integer class ids, ``output``'s shape without the last axis (a trailing
        size-1 axis is squeezed).
    output : array_like
        Probabilities, or logits with ``from_logits=True``.
    from_logits : bool, default False
        Whether ``output`` holds logits.
    axis : int, default -1
        Must be the last axis on the TensorFlow backend.

    Returns
    -------
    numpy.ndarray
        Per-sample loss in ``output``'s dtype.

    Raises
    ------
    ValueError
        ``axis`` is not the last axis, or the shapes do not line up.
    crossent.errors.FrameworkError
        ``InvalidArgumentError`` for a label outside ``[0, C)`` (as on CPU; the
        GPU kernel returns NaN instead).

    References
    ----------
    https://keras.io/api/ops/nn/#sparse_categorical_crossentropy-function (Keras
    3.3–3.15, ``keras/src/backend/tensorflow/nn.py``; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> p = np.float32([[0.5, 0.0, 0.0], [0.2, 0.2, 0.2]])
    >>> print(keras.ops.sparse_categorical_crossentropy(np.array([1, 0]), p).round(3))
    [15.425  1.099]
    """
    return plan_sparse(target, output, from_logits=from_logits, axis=axis)


@_keras_op(
    path=_BCE,
    reference=_REF + "binary_crossentropy-function",
    summary="elementwise: clip to [ε, 1−ε], −[y log p + (1−y) log(1−p)]; logits via tf.nn",
    labels="binary",
    divergences=(
        Divergence(
            "clip",
            f"asymmetric caps in float32: {_COST['true_at_0']} (y=1, p=0), "
            f"{_COST['false_at_1']} (y=0, p=1); in float16 1 − 1e-7 rounds to 1 "
            "and y=0, p=1 gives inf",
            f"{_SRC} binary_crossentropy",
        ),
        Divergence(
            "terms",
            "from_logits: tf.nn.sigmoid_cross_entropy_with_logits; (z=+inf, y=0) "
            "gives NaN; targets are not checked",
            "tensorflow/python/ops/nn_impl.py",
        ),
    ),
)
def binary_crossentropy(
    target: Any, output: Any, from_logits: bool = False
) -> tuple[Plan, State]:
    """Mirror of ``keras.ops.binary_crossentropy`` (TensorFlow backend), elementwise.

    Probabilities are clipped to ``[1e-7, 1 − 1e-7]`` in their dtype; in float32
    the caps are asymmetric (16.118095 for ``y=1, p=0``, 15.942385 for
    ``y=0, p=1``), in float16 the upper clip is a no-op (``inf``). Targets are
    not checked (``y=2`` works). Logits use ``tf.nn.sigmoid_cross_entropy_with_logits``.

    Parameters
    ----------
    target : array_like
        Targets, the shape of ``output``.
    output : array_like
        Probabilities, or logits with ``from_logits=True``.
    from_logits : bool, default False
        Whether ``output`` holds logits.

    Returns
    -------
    numpy.ndarray
        Elementwise loss, ``output``'s shape and dtype.

    Raises
    ------
    ValueError
        Shapes differ.
    crossent.errors.FrameworkError
        ``InvalidArgumentError``: ``target`` and ``output`` dtypes differ.

    References
    ----------
    https://keras.io/api/ops/nn/#binary_crossentropy-function (Keras 3.3–3.15;
    checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> print(keras.ops.binary_crossentropy(np.float32([1, 0]), np.float32([0, 1])).round(3))
    [16.118 15.942]
    """
    return _op_plan(
        _BCE, tfo.binary_steps, target, output, "terms", from_logits=from_logits
    )


# ---------------------------------------------------------------------------
# The JAX / torch / numpy backends' sparse path (bind only)

_JAX_NN = "keras/src/backend/jax/nn.py"


def _one_hot_terms() -> Step:
    def fn(state: State) -> dict[str, Any]:
        log_p, y = state["log_p"], np.asarray(state["y_true"])
        classes = np.arange(log_p.shape[-1])
        # an out-of-range label gives an all-zero one-hot row: loss 0, silently
        one_hot = (y[..., None] == classes).astype(log_p.dtype)
        return {"terms": -(one_hot * log_p)}

    return Step("terms", "t_c ← −one_hot(y)_c · log p_c", fn, _JAX_NN)


@_keras(
    path="keras.ops.sparse_categorical_crossentropy[jax]",
    versions="Keras 3.3–3.15 (JAX backend; torch/numpy backends agree for valid labels)",
    reference="keras/src/backend/jax/nn.py sparse_categorical_crossentropy",
    summary="renormalise, then clip, log and gather; out-of-range labels give 0 on JAX",
    expects="probabilities",
    labels="integer",
    divergences=(
        Divergence(
            "renormalize",
            "renormalised before clipping (the TensorFlow backend clips first)",
            _JAX_NN,
        ),
        Divergence(
            "terms",
            "labels outside [0, C) give an all-zero one-hot: loss 0, silently",
            _JAX_NN,
        ),
    ),
    options={"from_logits": (False, True)},
)
def bind_sparse_jax(
    y_true: Any, y_pred: Any, *, from_logits: bool = False
) -> tuple[Plan, State]:
    """Plan of the JAX backend's ``sparse_categorical_crossentropy`` (x64 disabled).

    Probabilities are renormalised *then* clipped (torch and numpy backends do
    the same for in-range labels).
    """
    path = "keras.ops.sparse_categorical_crossentropy[jax]"
    output = as_jax(y_pred)
    target = as_jax(y_true).astype(np.int32)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = np.squeeze(target, -1)
    if target.shape != output.shape[:-1]:
        raise ValueError(
            f"{path}: `target` must have the shape of `output` without the last "
            f"axis, {output.shape[:-1]}; got {target.shape}."
        )
    if from_logits:
        first: tuple[Step, ...] = (st.framework_softmax_activation(-1, source=_JAX_NN),)
    else:
        first = (
            st.renormalize(-1, source=_JAX_NN),
            st.clip(tfo.EPSILON, 1.0 - tfo.EPSILON, source=_JAX_NN),
            st.log_of_probabilities(source=_JAX_NN),
        )
    steps = (
        *first,
        _one_hot_terms(),
        st.class_reduce(-1, source=_JAX_NN),
        tfo.output_step(output.dtype, source=_JAX_NN),
    )
    plan = assemble(path, steps, {"from_logits": from_logits})
    return plan, {"y_true": target, "y_pred": output}


# ---------------------------------------------------------------------------


guard_module(globals(), "keras.ops.", __all__)
