"""Mirror of ``tf_keras.backend``'s cross-entropies (Keras 2.4–2.21).

Source: keras-team/tf-keras ``tf_keras/backend.py`` (``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``binary_crossentropy``,
``binary_focal_crossentropy``, ``categorical_focal_crossentropy``), read in the
installed tf_keras 2.21.0; docs/semantics.md §3.1 finds the same code in keras-team/keras
``keras/backend.py`` v2.6.0–v2.15.0, the ``tf.keras`` of TensorFlow 2.6–2.15.

The step builders are in :mod:`crossent.frameworks.tf_keras._backend_steps` (and
re-exported here), shared with :mod:`crossent.frameworks.tf_keras.losses`, whose
functions cast and smooth the labels and then call these backend functions.
Inputs are NumPy arrays, so TensorFlow's logits shortcut (``_get_logits``, which
reads the logits back from a ``Softmax``/``Sigmoid`` op or ``_keras_logits``) never
applies: pass ``from_logits=True`` with the logits instead.
"""

from __future__ import annotations

import functools
from typing import Any

from crossent._core._guard import guard_module
from crossent.frameworks import _keras_common as api
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import (
    keras_clip_costs,
    keras_clip_texts,
    show,
    tf_keras_bce_caps,
)
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.tf_keras import _backend_steps as _steps
from crossent.frameworks.tf_keras import _tf

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
]

VERSIONS = "Keras 2.4–2.21 (tf_keras; tf.keras of TensorFlow 2.4–2.15)"
REF = "https://github.com/keras-team/tf-keras/blob/master/tf_keras/backend.py"

_SRC, _XENT, _SPARSE = _steps.SRC, _steps.XENT, _steps.SPARSE
# the step builders (in _backend_steps.py), for the modules built on them here
binary_steps = _steps.binary_steps
categorical_steps = _steps.categorical_steps
check_axis = _steps.check_axis
class_reduce = _steps.class_reduce
clip_step = _steps.clip_step
output_step = _steps.output_step
sigmoid_terms = _steps.sigmoid_terms
sparse_layout = _steps.sparse_layout
sparse_steps = _steps.sparse_steps
xent_activation = _steps.xent_activation

# what every mirror of tf_keras.backend shares (its focal losses are in _focal.py)
_tf_keras = functools.partial(
    Mirror, framework="tf_keras", versions=VERSIONS, reference=REF, **api.BACKEND_OP
)


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
    labels="one_hot",
    divergences=(DIV_RENORM, DIV_CLIP, DIV_HALF_UPCAST),
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
    labels="integer",
    divergences=(DIV_CLIP, DIV_SPARSE_RENORM, DIV_LABEL_RANGE),
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
    labels="binary",
    divergences=(DIV_CLIP, DIV_DOUBLE_EPS),
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
