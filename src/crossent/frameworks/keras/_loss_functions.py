"""The ``keras.losses`` cross-entropy functions (Keras 3.13–3.15, TensorFlow backend).

Each function converts ``y_pred`` (Python floats → float32, NumPy arrays keep their
dtype), casts ``y_true`` to it, and computes per-sample losses
(``keras/src/losses/losses.py``, 3.15.1). Each function here returns its plan and
first state; :mod:`crossent.frameworks.keras.losses` declares it (``Mirror``), which
makes the public function that runs the plan. Their signatures (and the
single-class warning) are the Keras API both families share
(:mod:`crossent.frameworks._keras_common`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from crossent.errors import FrameworkAttributeError
from crossent.frameworks import _keras_common as api
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._plan import Plan, State
from crossent.frameworks.keras import _functions as fns
from crossent.frameworks.keras import _tf_ops as tfo
from crossent.frameworks.keras._loss import assemble

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "plan_binary_fn",
    "plan_categorical_fn",
    "plan_sparse_fn",
    "sparse_categorical_crossentropy",
]

_P = "keras.losses."


def _plan(
    path: str,
    y_true: Any,
    y_pred: Any,
    steps_of: Callable[..., fns.Steps],
    options: dict[str, Any],
) -> tuple[Plan, State]:
    """``y_pred = convert_to_tensor(y_pred)``, ``y_true`` cast to it, the steps."""
    yt, yp = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps, dtype = steps_of(yt.astype(yp.dtype), yp, fn=path, **options)
    cast = (fns.y_true_cast(yp.dtype, path),) if yt.dtype != yp.dtype else ()
    plan = assemble(path, (*cast, *steps, tfo.output_step(dtype)), options)
    return plan, {"y_true": yt, "y_pred": yp}


def plan_categorical_fn(
    y_true: Any,
    y_pred: Any,
    *,
    _path: str = _P + "categorical_crossentropy",
    **options: Any,
) -> tuple[Plan, State]:
    """Plan of ``keras.losses.categorical_crossentropy(y_true, y_pred, **options)``."""
    opts = api.CATEGORICAL.complete(options)
    fns.check_axis_is_int(_path, opts["axis"])
    return _plan(_path, y_true, y_pred, fns.categorical_fn_steps, opts)


@api.loss_function(api.CATEGORICAL)
def categorical_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """Mirror of ``keras.losses.categorical_crossentropy`` (TensorFlow backend).

    ``y_pred`` keeps its dtype (Python floats become float32) and ``y_true`` is
    cast to it. With ``label_smoothing``, ``y ← y(1 − ls) + ls/C`` where, in keras
    3.15.1, ``C`` is the size of the LAST axis even when ``axis`` is another one.
    Then :func:`crossent.frameworks.keras.ops.categorical_crossentropy`:
    renormalise, clip to ``[1e-7, 1 − 1e-7]``, ``−Σ y log p``.

    Parameters
    ----------
    y_true : array_like
        One-hot or soft targets.
    y_pred : array_like
        Probabilities (rows need not sum to 1), or logits with ``from_logits``.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        Any value is accepted; 0 (falsy) skips smoothing.
    axis : int, default -1
        The class axis (``bool`` is rejected).

    Returns
    -------
    numpy.ndarray
        Per-sample loss in ``y_pred``'s dtype.

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#categorical_crossentropy-function
    (Keras 3.13–3.15, ``keras/src/losses/losses.py``; checked against 3.15.1).

    Examples
    --------
    Seed 000: the second row does not sum to 1 and is renormalised.

    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    >>> print(keras.losses.categorical_crossentropy(y, p).round(5))
    [0.10536 0.80467 0.06188]
    """
    return plan_categorical_fn(y_true, y_pred, **options)


def _require_shape(path: str, y_true: Any, y_pred: Any) -> None:
    for arg, x in (("y_true", y_true), ("y_pred", y_pred)):
        if not hasattr(x, "shape"):
            raise FrameworkAttributeError(
                f"{path}: `{arg}` must be an array (it reads `{arg}.shape` before "
                f"converting it); got a {type(x).__name__}. Pass np.asarray({arg})."
            )


def plan_sparse_fn(y_true: Any, y_pred: Any, **options: Any) -> tuple[Plan, State]:
    """Plan of ``keras.losses.sparse_categorical_crossentropy(y_true, y_pred, ...)``."""
    path = _P + "sparse_categorical_crossentropy"
    _require_shape(path, y_true, y_pred)
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    opts = api.SPARSE.complete(options)
    steps, dtype = fns.sparse_fn_steps(yt, yp, fn=path, **opts)
    plan = assemble(path, (*steps, tfo.output_step(dtype)), opts)
    return plan, {"y_true": yt, "y_pred": yp}


@api.loss_function(api.SPARSE)
def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """Mirror of ``keras.losses.sparse_categorical_crossentropy`` (TensorFlow backend).

    Both arguments must already be arrays (Keras reads ``.shape`` first; lists
    raise ``AttributeError``). A trailing size-1 label axis is squeezed. With
    ``ignore_class``, matching entries get loss 0 (and a Keras mask, which the
    loss class uses to average over the valid entries only). Then
    :func:`crossent.frameworks.keras.ops.sparse_categorical_crossentropy`.

    Parameters
    ----------
    y_true : numpy.ndarray
        Class ids (floats are truncated).
    y_pred : numpy.ndarray
        Probabilities, or logits with ``from_logits``.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    ignore_class : int, optional
        A label whose entries are ignored.
    axis : int, default -1
        Must be the last axis on the TensorFlow backend.

    Returns
    -------
    numpy.ndarray
        Per-sample loss in ``y_pred``'s dtype.

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#sparse_categorical_crossentropy-function
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> p = np.float32([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    >>> print(keras.losses.sparse_categorical_crossentropy(np.array([0, -1, 2]), p, ignore_class=-1).round(4))
    [0.3567 0.     0.2231]
    """
    return plan_sparse_fn(y_true, y_pred, **options)


def plan_binary_fn(
    y_true: Any, y_pred: Any, *, _path: str = _P + "binary_crossentropy", **options: Any
) -> tuple[Plan, State]:
    """Plan of ``keras.losses.binary_crossentropy(y_true, y_pred, **options)``."""
    opts = api.BINARY.complete(options)
    return _plan(_path, y_true, y_pred, fns.binary_fn_steps, opts)


@api.loss_function(api.BINARY)
def binary_crossentropy(y_true: Any, y_pred: Any, **options: Any) -> tuple[Plan, State]:
    """Mirror of ``keras.losses.binary_crossentropy`` (TensorFlow backend).

    The elementwise :func:`crossent.frameworks.keras.ops.binary_crossentropy`,
    then the MEAN over ``axis``: ``(B, C)`` inputs give ``(B,)``, and 1-D ``(B,)``
    inputs are averaged over the whole batch into a scalar. Smoothing pulls
    targets toward 0.5: ``y(1 − ls) + 0.5·ls``.

    Parameters
    ----------
    y_true : array_like
        Targets (not checked: ``y=2`` works).
    y_pred : array_like
        Probabilities, or logits with ``from_logits``.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        Smoothing toward 0.5.
    axis : int, default -1
        The axis averaged over.

    Returns
    -------
    numpy.ndarray
        The mean loss over ``axis``, in ``y_pred``'s dtype.

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#binary_crossentropy-function
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.float32([[0, 1], [0, 0]])
    >>> p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    >>> print(keras.losses.binary_crossentropy(y, p).round(5))
    [0.91629 0.71356]
    """
    return plan_binary_fn(y_true, y_pred, **options)


@api.loss_function(api.BINARY_FOCAL)
def binary_focal_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """Mirror of ``keras.losses.binary_focal_crossentropy`` (TensorFlow backend).

    ``(1 − p_t)^γ · bce`` averaged over ``axis``; ``alpha`` weighs the classes
    only with ``apply_class_balancing=True``. The BCE term is clipped for
    probabilities; with ``from_logits`` the TensorFlow backend computes it from
    the logits (``ops.sigmoid`` keeps them), so it is not capped at 16.118.

    Parameters
    ----------
    y_true : array_like
        Binary targets.
    y_pred : array_like
        Probabilities, or logits with ``from_logits``.
    apply_class_balancing : bool, default False
        Multiply by ``y·α + (1 − y)(1 − α)``.
    alpha : float, default 0.25
        The weight of class 1 when balancing.
    gamma : float, default 2.0
        The focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        Smoothing toward 0.5.
    axis : int, default -1
        The axis averaged over.

    Returns
    -------
    numpy.ndarray
        The mean focal loss over ``axis``.

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#binary_focal_crossentropy-function
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.float32([[0, 1], [0, 0]])
    >>> p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    >>> print(keras.losses.binary_focal_crossentropy(y, p, gamma=2).round(4))
    [0.3299 0.2058]
    """
    path = _P + "binary_focal_crossentropy"
    return _plan(path, y_true, y_pred, fns.binary_focal_fn_steps, options)


@api.loss_function(api.CATEGORICAL_FOCAL)
def categorical_focal_crossentropy(
    y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """Mirror of ``keras.losses.categorical_focal_crossentropy`` (TensorFlow backend).

    ``Σ_c α (1 − p_c)^γ (−y_c log p_c)`` on renormalised, clipped probabilities
    (softmax first with ``from_logits``). ``alpha`` is ALWAYS applied, so
    ``gamma=0`` gives ``0.25 × CCE``, not CCE.

    Parameters
    ----------
    y_true : array_like
        One-hot or soft targets.
    y_pred : array_like
        Probabilities, or logits with ``from_logits``.
    alpha : float or sequence of float, default 0.25
        A scalar or one weight per class (last axis).
    gamma : float, default 2.0
        The focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y(1 − ls) + ls/C`` (``C`` from the last axis, as for CCE).
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Per-sample loss.

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#categorical_focal_crossentropy-function
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.float32([[0, 1, 0], [0, 0, 1]])
    >>> p = np.float32([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])
    >>> print(keras.losses.categorical_focal_crossentropy(y, p))
    [2.63401e-04 6.75912e-01]
    """
    path = _P + "categorical_focal_crossentropy"
    fns.check_axis_is_int(path, options["axis"])
    return _plan(path, y_true, y_pred, fns.categorical_focal_fn_steps, options)
