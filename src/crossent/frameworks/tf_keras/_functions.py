"""The ``tf_keras.losses`` cross-entropy functions: cast ``y_true``, smooth, backend, mean.

Re-exported by :mod:`crossent.frameworks.tf_keras.losses`. Source:
keras-team/tf-keras ``tf_keras/losses.py`` (checked against tf_keras 2.21.0). The
signatures (and the single-class warning) are the Keras API both families share
(:mod:`crossent.frameworks._keras_common`); the sparse function's order
(``axis`` before ``ignore_class``) is tf_keras' own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.frameworks import _keras_common as api
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks.tf_keras import _focal, _tf
from crossent.frameworks.tf_keras import backend as kb

__all__ = [
    "Steps",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
]

LOSSES = "tf_keras/losses.py"

Steps = list[Step]


def _inputs(fn: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """``y_pred = tf.convert_to_tensor(y_pred)``; ``y_true`` as given (cast later)."""
    y_pred = as_tensorflow(y_pred)
    _tf.check_float(fn, "y_pred", y_pred)
    return as_tensorflow(y_true), y_pred


def _check_axis_type(fn: str, axis: Any) -> None:
    if isinstance(axis, bool):
        raise ValueError(
            f"{fn}: `axis` must be of type `int`; got {axis!r} of type {type(axis)}."
        )


def _cast_step(dtype: Any) -> Step:
    return st.cast(
        dtype,
        source=f"{LOSSES} (y_true = tf.cast(y_true, y_pred.dtype))",
        keys=("y_true",),
        why="y_true cast to y_pred's dtype",
    )


def _smooth_step(
    label_smoothing: Any, dtype: Any, num_classes: int | None
) -> Step | None:
    """``y(1 − ls) + ls/C`` (categorical) or ``y(1 − ls) + 0.5·ls`` (binary), in dtype.

    tf_keras converts ``label_smoothing`` to ``y_pred``'s dtype and smooths only if
    that value is truthy (``smart_cond``): 0 is skipped, negative values are not.
    """
    ls = _tf.constant(label_smoothing, dtype)
    if not ls:
        return None
    one = np.asarray(1, dtype)
    if num_classes is None:
        shift = np.asarray(0.5, dtype) * ls
        formula = f"y ← y·(1 − {st.fmt(ls)}) + 0.5·{st.fmt(ls)}"
    else:
        shift = ls / np.asarray(num_classes, dtype)
        formula = f"y ← y·(1 − {st.fmt(ls)}) + {st.fmt(ls)}/{num_classes}"

    def fn(state: State) -> dict[str, Any]:
        return {"y_true": state["y_true"] * (one - ls) + shift}

    return Step("smooth", formula, fn, LOSSES)


def _prefix(dtype: Any, smooth: Step | None) -> Steps:
    """The steps before the backend: cast ``y_true``, then smooth it."""
    return [_cast_step(dtype)] + ([smooth] if smooth is not None else [])


def categorical(
    y_true: Any, y_pred: Any, *, from_logits: bool, label_smoothing: Any, axis: int
) -> tuple[Steps, State]:
    """Steps and initial state of ``categorical_crossentropy`` (the function, no reduction)."""
    fn = "tf_keras.losses.categorical_crossentropy"
    _check_axis_type(fn, axis)
    y_true, y_pred = _inputs(fn, y_true, y_pred)
    target = y_true.astype(y_pred.dtype)
    core = kb.categorical_steps(
        target, y_pred, from_logits=from_logits, axis=axis, fn=fn
    )
    smooth = _smooth_step(label_smoothing, y_pred.dtype, y_true.shape[axis])
    return [*_prefix(y_pred.dtype, smooth), *core], {
        "y_true": y_true,
        "y_pred": y_pred,
    }


def sparse(
    y_true: Any, y_pred: Any, *, from_logits: bool, axis: int, ignore_class: Any
) -> tuple[Steps, State]:
    """Steps and initial state of ``sparse_categorical_crossentropy`` (the function, no reduction)."""
    fn = "tf_keras.losses.sparse_categorical_crossentropy"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    _tf.check_float(fn, "y_pred", output)
    labels, logits, shape = kb.sparse_layout(
        fn, target, output, axis, ignore_class is not None
    )
    steps = kb.sparse_steps(
        labels,
        logits,
        from_logits=from_logits,
        ignore_class=ignore_class,
        result_shape=shape,
        fn=fn,
    )
    return steps, {"y_true": labels, "y_pred": logits}


def _mean_step(axis: int, dtype: Any, fn: str) -> Step:
    return kb.class_reduce(axis, "mean", dtype, f"{LOSSES} {fn} (backend.mean)")


def binary(
    y_true: Any, y_pred: Any, *, from_logits: bool, label_smoothing: Any, axis: int
) -> tuple[Steps, State]:
    """Steps and initial state of ``binary_crossentropy`` (the function, no reduction)."""
    fn = "tf_keras.losses.binary_crossentropy"
    y_true, y_pred = _inputs(fn, y_true, y_pred)
    target = y_true.astype(y_pred.dtype)
    core = kb.binary_steps(target, y_pred, from_logits=from_logits, fn=fn)
    kb.check_axis(fn, axis, len(_tf.check_broadcast(fn, target.shape, y_pred.shape)))
    smooth = _smooth_step(label_smoothing, y_pred.dtype, None)
    steps = [
        *_prefix(y_pred.dtype, smooth),
        *core,
        _mean_step(axis, y_pred.dtype, fn),
    ]
    return steps, {"y_true": y_true, "y_pred": y_pred}


def binary_focal(
    y_true: Any, y_pred: Any, *, label_smoothing: Any, axis: int, **focal: Any
) -> tuple[Steps, State]:
    """Steps and initial state of ``binary_focal_crossentropy`` (the function, no reduction).

    ``focal`` (``apply_class_balancing``, ``alpha``, ``gamma``, ``from_logits``)
    goes to ``backend.binary_focal_crossentropy``.
    """
    fn = "tf_keras.losses.binary_focal_crossentropy"
    y_true, y_pred = _inputs(fn, y_true, y_pred)
    target = y_true.astype(y_pred.dtype)
    core = _focal.binary_focal_steps(target, y_pred, fn=fn, **focal)
    kb.check_axis(fn, axis, len(_tf.check_broadcast(fn, target.shape, y_pred.shape)))
    smooth = _smooth_step(label_smoothing, y_pred.dtype, None)
    steps = [
        *_prefix(y_pred.dtype, smooth),
        *core,
        _mean_step(axis, y_pred.dtype, fn),
    ]
    return steps, {"y_true": y_true, "y_pred": y_pred}


def categorical_focal(
    y_true: Any, y_pred: Any, *, label_smoothing: Any, axis: int, **focal: Any
) -> tuple[Steps, State]:
    """Steps and initial state of ``categorical_focal_crossentropy`` (the function, no reduction).

    ``focal`` (``alpha``, ``gamma``, ``from_logits``) goes to
    ``backend.categorical_focal_crossentropy``.
    """
    fn = "tf_keras.losses.categorical_focal_crossentropy"
    _check_axis_type(fn, axis)
    y_true, y_pred = _inputs(fn, y_true, y_pred)
    target = y_true.astype(y_pred.dtype)
    core = _focal.categorical_focal_steps(target, y_pred, axis=axis, fn=fn, **focal)
    # C is the last dimension here, whatever `axis` is (tf.shape(y_true)[-1]).
    smooth = _smooth_step(label_smoothing, y_pred.dtype, y_true.shape[-1])
    return [*_prefix(y_pred.dtype, smooth), *core], {
        "y_true": y_true,
        "y_pred": y_pred,
    }


def _function_plan(
    name: str, parts: tuple[Steps, State], options: dict[str, Any]
) -> tuple[Plan, State]:
    steps, state = parts
    return Plan(f"tf_keras.losses.{name}", (*steps, kb.output_step()), options), state


@api.loss_function(api.CATEGORICAL)
def categorical_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.losses.categorical_crossentropy``.

    Parameters
    ----------
    y_true : array_like
        One-hot or soft targets; cast to ``y_pred``'s dtype.
    y_pred : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + ls/C`` with ``C = y_true.shape[axis]``, in ``y_pred``'s dtype.
    axis : int, default -1
        The class axis (a bool raises ValueError).

    Returns
    -------
    numpy.ndarray
        Per-example loss, ``y_pred``'s dtype (float64 stays float64).

    See Also
    --------
    crossent.frameworks.tf_keras.backend.categorical_crossentropy : the backend op.
    CategoricalCrossentropy : the class, with sample weights and reduction.

    Notes
    -----
    Like tf_keras, warns (``SyntaxWarning``) when the last dimension is 1: the
    loss of a single class column is always 0.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/categorical_crossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    Seed question 000's second row does not sum to 1; Keras renormalises it:

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.eye(3)
    >>> p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    >>> print(tf_keras.losses.categorical_crossentropy(y, p).round(5))
    [0.10536 0.80467 0.06188]
    """
    parts = categorical(y_true, y_pred, **options)
    return _function_plan("categorical_crossentropy", parts, options)


@api.loss_function(api.SPARSE, order=("from_logits", "axis", "ignore_class"))
def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """Mirror of ``tf_keras.losses.sparse_categorical_crossentropy``.

    The labels go to ``tf_keras.backend.sparse_categorical_crossentropy`` unchanged
    (no cast to ``y_pred``'s dtype): clip, log, then the sparse softmax op, which
    renormalises the clipped row.

    Parameters
    ----------
    y_true : array_like
        Integer class ids (floats truncate toward zero).
    y_pred : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    axis : int, default -1
        The class axis of ``y_pred``.
    ignore_class : int, optional
        Entries with this label get loss 0 (and a mask the classes use).

    Returns
    -------
    numpy.ndarray
        Per-example loss, ``y_pred``'s dtype.

    Raises
    ------
    crossent.errors.FrameworkError
        ``InvalidArgumentError`` for a kept label outside ``[0, C)``.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/sparse_categorical_crossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> p = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> print(tf_keras.losses.sparse_categorical_crossentropy(np.array([1, 2]), p).round(4))
    [0.0513 2.3026]
    """
    parts = sparse(y_true, y_pred, **options)
    return _function_plan("sparse_categorical_crossentropy", parts, options)


@api.loss_function(api.BINARY)
def binary_crossentropy(y_true: Any, y_pred: Any, **options: Any) -> tuple[Plan, State]:
    """Mirror of ``tf_keras.losses.binary_crossentropy``: mean over ``axis`` of the backend BCE.

    Parameters
    ----------
    y_true : array_like
        Labels; cast to ``y_pred``'s dtype.
    y_pred : array_like
        Probabilities (or logits with ``from_logits=True``).
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + 0.5·ls``.
    axis : int, default -1
        The axis averaged over (1-D inputs average the whole batch).

    Returns
    -------
    numpy.ndarray
        ``y_pred``'s shape without ``axis``, ``y_pred``'s dtype.

    Notes
    -----
    The backend clips to ``[ε, 1 − ε]`` and adds ε again inside both logs (see
    :func:`crossent.frameworks.tf_keras.backend.binary_crossentropy`).

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/binary_crossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1], [0, 0]])
    >>> p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    >>> print(tf_keras.losses.binary_crossentropy(y, p).round(5))
    [0.91629 0.71356]
    """
    parts = binary(y_true, y_pred, **options)
    return _function_plan("binary_crossentropy", parts, options)


@api.loss_function(api.BINARY_FOCAL)
def binary_focal_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.losses.binary_focal_crossentropy``.

    Parameters
    ----------
    y_true : array_like
        Labels; cast to ``y_pred``'s dtype.
    y_pred : array_like
        Probabilities (or logits with ``from_logits=True``).
    apply_class_balancing : bool, default False
        Multiply by ``α`` for class 1 and ``1 − α`` for class 0.
    alpha : float, default 0.25
        Only used with ``apply_class_balancing``.
    gamma : float, default 2.0
        Focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + 0.5·ls``.
    axis : int, default -1
        The axis averaged over.

    Returns
    -------
    numpy.ndarray
        ``y_pred``'s shape without ``axis``, ``y_pred``'s dtype.

    Notes
    -----
    .. math:: \ell = \operatorname{mean}\big[(1 - p_t)^\gamma \cdot
              \mathrm{bce}(y, p)\big], \quad p_t = y p + (1 - y)(1 - p)

    with the unclipped ``p`` (``sigmoid(z)`` for logits) in the focal factor and
    the backend BCE (double epsilon; exact for logits) as ``bce``.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/binary_focal_crossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1], [0, 0]])
    >>> p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    >>> print(tf_keras.losses.binary_focal_crossentropy(y, p, gamma=2.0))
    [0.329865 0.205798]
    """
    parts = binary_focal(y_true, y_pred, **options)
    return _function_plan("binary_focal_crossentropy", parts, options)


@api.loss_function(api.CATEGORICAL_FOCAL)
def categorical_focal_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    r"""Mirror of ``tf_keras.losses.categorical_focal_crossentropy``.

    Parameters
    ----------
    y_true : array_like
        One-hot or soft targets; cast to ``y_pred``'s dtype.
    y_pred : array_like
        Probabilities (or logits with ``from_logits=True``).
    alpha : float or sequence of float, default 0.25
        Always applied (per class when a sequence, along the last axis).
    gamma : float, default 2.0
        Focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits (``tf.nn.softmax`` first).
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + ls/C`` with ``C`` the *last* dimension.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Per-example loss, ``y_pred``'s dtype.

    Notes
    -----
    .. math:: \ell = \sum_c \alpha (1 - p_c)^\gamma \, (-y_c \log p_c)

    with ``p`` renormalised and clipped as in ``categorical_crossentropy``; so
    ``gamma=0`` gives ``alpha`` times the categorical cross-entropy.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/categorical_focal_crossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1, 0], [0, 0, 1]])
    >>> p = np.float32([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])
    >>> print(tf_keras.losses.categorical_focal_crossentropy(y, p))
    [2.634e-04 6.759e-01]
    """
    parts = categorical_focal(y_true, y_pred, **options)
    return _function_plan("categorical_focal_crossentropy", parts, options)
