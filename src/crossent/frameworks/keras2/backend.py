"""Mirror of standalone Keras 2.0–2.3's TensorFlow backend cross-entropies.

Source: keras-team/keras ``keras/backend/tensorflow_backend.py`` (tags 2.0.x–2.2.5):
``categorical_crossentropy``, ``sparse_categorical_crossentropy`` and
``binary_crossentropy``, the last quoted verbatim in seed question 002. Keras 2.3.x
delegated these functions to ``tf.keras.backend`` of the installed TensorFlow
(docs/semantics.md §3.3): with TensorFlow 1.x that is the same logit round trip, with
TensorFlow 2.x it is :mod:`crossent.frameworks.tf_keras.backend`.

Argument order: Keras 2.0.0–2.0.6 had ``categorical_crossentropy(output, target,
from_logits=False)`` and ``binary_crossentropy(output, target, from_logits=False)``;
2.0.7 swapped them to ``(target, output, ...)``, the order mirrored here. Old
snippets calling ``K.categorical_crossentropy(y_pred, y_true)`` are right only for
≤ 2.0.6. Run in TensorFlow 1.x graphs, mismatched dtypes fail when the graph is
built (``TypeError``); the mirrors raise ``TypeError`` too.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import keras_clip_costs, keras_clip_texts, show
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.tf_keras import _tf
from crossent.frameworks.tf_keras import backend as kb

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]

VERSIONS = "Keras 2.0–2.3 (TensorFlow backend)"
SRC = "keras/backend/tensorflow_backend.py"
_XENT = "tensorflow/core/kernels/xent_op.h"
_REF = (
    "https://github.com/keras-team/keras/blob/2.2.5/keras/backend/tensorflow_backend.py"
)
# what every mirror of this module shares
_keras2 = functools.partial(
    Mirror, framework="keras2", versions=VERSIONS, reference=_REF
)


def check_same_dtype(fn: str, a: np.ndarray, b: np.ndarray, names: str) -> None:
    """TensorFlow 1.x refuses to multiply tensors of different dtypes (TypeError)."""
    if a.dtype != b.dtype:
        first, second = names.split(",")
        raise TypeError(
            f"{fn}: `{first}` and `{second}` must have the same dtype; got {a.dtype} "
            f"and {b.dtype}. Cast `{first}` to {b.dtype} first (a Keras model feeds "
            "targets in the output's dtype)."
        )


def _check_axis(fn: str, axis: int, ndim: int) -> None:
    # Keras 2.x: `if axis != -1 and axis not in range(ndim)` → ValueError
    if axis != -1 and axis not in range(ndim):
        raise ValueError(
            f"{fn}: `axis` must be -1 or one of the axes of `output`, which has {ndim} "
            f"dimensions; got {axis!r}. (Keras: Unexpected channels axis {axis}.)"
        )


def to_logits_step(*, clipped: bool, source: str) -> Step:
    """``z ← log(p / (1 − p))`` in ``p``'s dtype: back from probabilities to logits.

    Unclipped, ``p = 1`` gives ``z = +inf`` and ``p = 0`` gives ``z = −inf``.
    """

    def fn(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        one = np.asarray(1, p.dtype)
        return {"y_pred": np.log(p / (one - p))}

    def describe(before: State, after: State) -> str:
        z = np.asarray(after["y_pred"])
        bad = ~np.isfinite(z)
        if not np.any(bad):
            return ""
        n = int(np.count_nonzero(bad))
        return f"{n} logit{'s' if n > 1 else ''} not finite (p rounded to 0 or 1)"

    formula = "z ← log(p / (1 − p))" + ("" if clipped else " (p not clipped)")
    return Step("to_logits", formula, fn, source, describe)


def sigmoid_terms(source: str) -> Step:
    """``tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z)`` as ``terms``."""
    step = kb.sigmoid_terms()
    return Step(step.name, step.formula, step.fn, f"{source}; {step.source}")


def _clip(dtype: Any, fn: str) -> Step:
    return kb.clip_step(dtype, fn, source=SRC)


def categorical_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    axis: int,
    fn: str = "keras2.backend.categorical_crossentropy",
) -> list[Step]:
    """Steps of Keras 2's ``categorical_crossentropy``."""
    _tf.check_float(fn, "output", output)
    _check_axis(fn, axis, output.ndim)
    if from_logits:
        # tf.nn.softmax_cross_entropy_with_logits(labels, logits): the class axis is
        # the last one whatever `axis` says.
        if target.shape != output.shape:
            raise ValueError(
                f"{fn}: `labels` and `logits` must have the same shape; got "
                f"{target.shape} and {output.shape}."
            )
        compute = (
            np.dtype(np.float32) if output.dtype.name == "float16" else output.dtype
        )
        return [
            kb.xent_activation(-1, compute),
            st.categorical_terms(source=_XENT),
            kb.class_reduce(-1, "sum", output.dtype, _XENT),
        ]
    check_same_dtype(fn, target, output, "target,output")
    _tf.check_broadcast(fn, target.shape, output.shape)
    src = f"{SRC} categorical_crossentropy"
    return [
        st.renormalize(axis, source=src),
        _clip(output.dtype, "categorical_crossentropy"),
        st.log_of_probabilities(source=src),
        st.categorical_terms(source=src),
        kb.class_reduce(axis, "sum", output.dtype, src),
    ]


def binary_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    from_logits: bool,
    fn: str = "keras2.backend.binary_crossentropy",
) -> list[Step]:
    """Steps of Keras 2's ``binary_crossentropy`` (elementwise ``terms``)."""
    _tf.check_float(fn, "output", output)
    check_same_dtype(fn, target, output, "target,output")
    if target.shape != output.shape:
        raise ValueError(
            f"{fn}: `logits` and `labels` must have the same shape; got "
            f"{output.shape} and {target.shape} (tf.nn.sigmoid_cross_entropy_with_logits)."
        )
    src = f"{SRC} binary_crossentropy"
    if from_logits:
        return [sigmoid_terms(src)]
    return [
        _clip(output.dtype, "binary_crossentropy"),
        to_logits_step(clipped=True, source=src),
        sigmoid_terms(src),
    ]


def sparse_layout(
    fn: str, target: np.ndarray, output: np.ndarray, axis: int
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Class axis last, labels flattened, logits ``(-1, C)``; and the result's shape."""
    _check_axis(fn, axis, output.ndim)
    logits = np.moveaxis(output, axis, -1)
    labels = target.reshape(-1)
    full = logits.shape
    logits = logits.reshape(-1, full[-1])
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"{fn}: `target` must hold one label per row of `output`; got "
            f"{target.size} labels for {logits.shape[0]} rows."
        )
    # `if len(output_shape) >= 3: reshape(res, shape(output)[:-1])`
    shape = full[:-1] if len(full) >= 3 else labels.shape
    return labels, logits, shape


def output_step(key: str = "loss") -> Step:
    """``value ← state[key]``."""
    return kb.output_step(key, source=SRC)


def plan_categorical(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Plan of ``categorical_crossentropy(target=y_true, output=y_pred, ...)``."""
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = categorical_steps(target, output, from_logits=from_logits, axis=axis)
    plan = Plan(
        "keras2.backend.categorical_crossentropy",
        (*steps, output_step()),
        {"from_logits": from_logits, "axis": axis},
    )
    return plan, {"y_true": target, "y_pred": output}


DIV_ARG_ORDER = Divergence(
    "validate",
    "Keras 2.0.0–2.0.6 took (output, target); 2.0.7 swapped to (target, output), so "
    "snippets written for ≤ 2.0.6 pass the arguments the wrong way round",
    f"{SRC} (Keras 2.0.7)",
)
_COST = keras_clip_texts()
DIV_CLIP = Divergence(
    "clip",
    "probabilities clipped to [1e-7, 1 − 1e-7] in the output dtype",
    f"{SRC} categorical_crossentropy, binary_crossentropy",
)
DIV_LOGITS = Divergence(
    "to_logits",
    "BCE goes back to logits: z = log(p/(1 − p)) of the clipped p, then "
    f"tf.nn.sigmoid_cross_entropy_with_logits; float32 caps {_COST['true_at_0']} "
    f"(y=1, p=0) and {_COST['false_at_1']} (y=0, p=1), perfect prediction "
    f"{show(keras_clip_costs()['perfect'], 3)}",
    f"{SRC} binary_crossentropy",
)
DIV_AXIS_LOGITS = Divergence(
    "activation",
    "categorical from_logits ignores `axis` (class axis last)",
    f"{SRC} categorical_crossentropy",
)


@_keras2(
    summary="categorical CE: renormalise, clip to [ε, 1−ε], −Σ y log p (logits: tf.nn)",
    expects="probabilities",
    labels="one_hot",
    divergences=(kb.DIV_RENORM, DIV_CLIP, DIV_AXIS_LOGITS, DIV_ARG_ORDER),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    r"""Mirror of Keras 2's ``keras.backend.categorical_crossentropy`` (TF backend).

    Parameters
    ----------
    target : array_like
        One-hot or soft targets, same dtype as ``output``.
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.
    axis : int, default -1
        The class axis for probabilities: -1 or a non-negative axis (other
        negative values raise, as in Keras 2). With ``from_logits=True`` Keras 2
        passes the logits to ``tf.nn.softmax_cross_entropy_with_logits`` without
        ``axis``, so the class axis is the last one.

    Returns
    -------
    numpy.ndarray
        Per-example loss in ``output``'s dtype.

    Raises
    ------
    ValueError
        For an invalid ``axis``.
    TypeError
        If ``target`` and ``output`` dtypes differ.

    Notes
    -----
    Same arithmetic as today's Keras: renormalise the rows, clip to
    ``[ε, 1 − ε]`` with ``ε = 1e-7`` in ``output``'s dtype, ``−Σ y log p``.

    .. versionchanged:: Keras 2.0.7
       The argument order changed from ``(output, target)`` to ``(target, output)``.

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/backend/tensorflow_backend.py

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> y = np.float32([[0, 1, 0]])
    >>> print(keras2.backend.categorical_crossentropy(y, np.float32([[1, 0, 0]])).round(3))
    [16.118]
    """
    return plan_categorical(target, output, from_logits=from_logits, axis=axis)


def plan_sparse(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Plan of ``sparse_categorical_crossentropy(target=y_true, output=y_pred, ...)``."""
    fn = "keras2.backend.sparse_categorical_crossentropy"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    _tf.check_float(fn, "output", output)
    labels, logits, shape = sparse_layout(fn, target, output, axis)
    steps = kb.sparse_steps(
        labels,
        logits,
        from_logits=from_logits,
        ignore_class=None,
        result_shape=shape,
        fn=fn,
        source=SRC,
    )
    plan = Plan(fn, (*steps, output_step()), {"from_logits": from_logits, "axis": axis})
    return plan, {"y_true": labels, "y_pred": logits}


@_keras2(
    summary="sparse CE: clip, log, flatten, sparse softmax op (renormalises after the clip)",
    expects="probabilities",
    labels="integer",
    divergences=(DIV_CLIP, kb.DIV_SPARSE_RENORM, kb.DIV_LABEL_RANGE),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> tuple[Plan, State]:
    """Mirror of Keras 2's ``keras.backend.sparse_categorical_crossentropy`` (TF backend).

    Probabilities are clipped and logged, the labels flattened and cast to int64,
    and ``tf.nn.sparse_softmax_cross_entropy_with_logits`` does the rest (so the
    clipped row is renormalised, as in tf_keras).

    Parameters
    ----------
    target : array_like
        Class ids, any shape with one label per row of ``output`` (flattened).
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.
    axis : int, default -1
        The class axis (-1 or non-negative), moved last before the op.

    Returns
    -------
    numpy.ndarray
        Flat ``(N,)`` loss for 2-D ``output``; ``output``'s shape without its
        class axis for 3-D and more.

    Raises
    ------
    crossent.errors.FrameworkError
        ``InvalidArgumentError`` for labels outside ``[0, C)`` (TensorFlow CPU).

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/backend/tensorflow_backend.py

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> p = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> print(keras2.backend.sparse_categorical_crossentropy(np.float32([[1], [2]]), p).round(4))
    [0.0513 2.3026]
    """
    return plan_sparse(target, output, from_logits=from_logits, axis=axis)


def plan_binary(
    y_true: Any, y_pred: Any, *, from_logits: bool = False
) -> tuple[Plan, State]:
    """Plan of ``binary_crossentropy(target=y_true, output=y_pred, ...)``."""
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = binary_steps(target, output, from_logits=from_logits)
    plan = Plan(
        "keras2.backend.binary_crossentropy",
        (*steps, output_step("terms")),
        {"from_logits": from_logits},
    )
    return plan, {"y_true": target, "y_pred": output}


@_keras2(
    summary="elementwise BCE: clip, back to logits log(p/(1−p)), sigmoid CE with logits",
    expects="probabilities",
    labels="binary",
    divergences=(DIV_CLIP, DIV_LOGITS, DIV_ARG_ORDER),
    options={"from_logits": (False, True)},
    y_true="target",
    y_pred="output",
)
def binary_crossentropy(
    target: Any, output: Any, from_logits: bool = False
) -> tuple[Plan, State]:
    r"""Mirror of Keras 2's ``keras.backend.binary_crossentropy``: the logit round trip.

    Parameters
    ----------
    target : array_like
        Labels, same shape and dtype as ``output``.
    output : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``output`` holds logits.

    Returns
    -------
    numpy.ndarray
        Elementwise loss in ``output``'s dtype.

    Raises
    ------
    ValueError
        If the shapes differ.
    TypeError
        If the dtypes differ.

    Notes
    -----
    Probabilities are turned back into logits and handed to
    ``tf.nn.sigmoid_cross_entropy_with_logits``:

    .. math:: \tilde p = \operatorname{clip}(p, \varepsilon, 1 - \varepsilon), \quad
              z = \log\frac{\tilde p}{1 - \tilde p}, \quad
              \ell = \max(z, 0) - z y + \log(1 + e^{-|z|})

    In float32 the caps are 16.118095 (y=1, p=0) and 15.942385 (y=0, p=1); a
    perfect prediction costs 1.1920933e-07 (y=1) or 1.0000002e-07 (y=0)
    (docs/semantics.md §3.3). The clip keeps ``z`` finite; without it (seed question
    002's custom loss, :func:`crossent.frameworks.keras2.custom.logit_round_trip`)
    ``p = 1`` gives ``z = inf`` and the loss is NaN.

    .. versionchanged:: Keras 2.0.7
       The argument order changed from ``(output, target)`` to ``(target, output)``.

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/backend/tensorflow_backend.py

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> y = np.float32([1, 0, 1, 0])
    >>> p = np.float32([0, 1, 1, 0])
    >>> print(keras2.backend.binary_crossentropy(y, p))
    [1.61181e+01 1.59424e+01 1.19209e-07 1.00000e-07]
    """
    return plan_binary(target, output, from_logits=from_logits)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------


guard_module(globals(), "keras2.backend.", __all__)
