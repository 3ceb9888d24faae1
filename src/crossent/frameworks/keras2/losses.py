"""Mirror of standalone Keras 2.0–2.3's ``keras.losses`` cross-entropies.

Source: keras-team/keras ``keras/losses.py`` (tags 2.0.x–2.2.5), quoted in seed
question 002::

    def binary_crossentropy(y_true, y_pred):
        return K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)

The categorical losses call the backend directly. The functions take
``(y_true, y_pred)`` in every 2.x release (only the backend's order changed, in
2.0.7); ``from_logits`` and ``label_smoothing`` arrived with Keras 2.3.
"""

from __future__ import annotations

import functools
from typing import Any

from crossent._core._guard import guard_module
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State
from crossent.frameworks.keras2 import backend as k2
from crossent.frameworks.tf_keras import backend as kb

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]

_SRC = "keras/losses.py"
_REF = "https://github.com/keras-team/keras/blob/2.2.5/keras/losses.py"
_keras2 = functools.partial(
    Mirror,
    framework="keras2",
    versions=k2.VERSIONS,
    reference=_REF,
    expects="probabilities",
)


def _plan_categorical_crossentropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Plan of ``categorical_crossentropy(y_true, y_pred)``."""
    fn = "keras2.losses.categorical_crossentropy"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = k2.categorical_steps(target, output, from_logits=False, axis=-1, fn=fn)
    return Plan(fn, (*steps, k2.output_step())), {"y_true": target, "y_pred": output}


@_keras2(
    summary="K.categorical_crossentropy(y_true, y_pred): renormalise, clip, −Σ y log p",
    labels="one_hot",
    divergences=(kb.DIV_RENORM, k2.DIV_CLIP),
)
def categorical_crossentropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Mirror of Keras 2's ``keras.losses.categorical_crossentropy``.

    ``K.categorical_crossentropy(y_true, y_pred)``: renormalise, clip, ``−Σ y log p``.

    Parameters
    ----------
    y_true : array_like
        One-hot or soft targets, in ``y_pred``'s dtype.
    y_pred : array_like
        Probabilities.

    Returns
    -------
    numpy.ndarray
        Per-example loss in ``y_pred``'s dtype.

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/losses.py

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> p = np.float32([[0.2, 0.2, 0.2]])
    >>> print(keras2.losses.categorical_crossentropy(np.float32([[1, 0, 0]]), p).round(4))
    [1.0986]
    """
    return _plan_categorical_crossentropy(y_true, y_pred)


def _plan_sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any
) -> tuple[Plan, State]:
    """Plan of ``sparse_categorical_crossentropy(y_true, y_pred)``."""
    plan, state = k2.plan_sparse(y_true, y_pred)
    return Plan("keras2.losses.sparse_categorical_crossentropy", plan.steps), state


@_keras2(
    summary="K.sparse_categorical_crossentropy: clip, log, sparse softmax op",
    labels="integer",
    divergences=(k2.DIV_CLIP, kb.DIV_SPARSE_RENORM, kb.DIV_LABEL_RANGE),
)
def sparse_categorical_crossentropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Mirror of Keras 2's ``keras.losses.sparse_categorical_crossentropy``.

    ``K.sparse_categorical_crossentropy(y_true, y_pred)``: clip, log, flatten the
    labels, then the sparse softmax op.

    Parameters
    ----------
    y_true : array_like
        Class ids (a model feeds them as floats of shape ``(B, 1)``).
    y_pred : array_like
        Probabilities.

    Returns
    -------
    numpy.ndarray
        Per-example loss (flat for 2-D ``y_pred``).

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/losses.py

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> p = np.float32([[1.0, 0.0, 0.0]])
    >>> print(keras2.losses.sparse_categorical_crossentropy(np.float32([[0]]), p))
    [2.38419e-07]
    """
    return _plan_sparse_categorical_crossentropy(y_true, y_pred)


def _plan_binary_crossentropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Plan of ``binary_crossentropy(y_true, y_pred)``."""
    fn = "keras2.losses.binary_crossentropy"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    steps = k2.binary_steps(target, output, from_logits=False, fn=fn)
    mean = kb.class_reduce(-1, "mean", output.dtype, f"{_SRC} binary_crossentropy")
    return Plan(fn, (*steps, mean, k2.output_step())), {
        "y_true": target,
        "y_pred": output,
    }


@_keras2(
    summary="mean over the last axis of the logit round trip BCE (clip, log(p/(1−p)))",
    labels="binary",
    divergences=(k2.DIV_CLIP, k2.DIV_LOGITS),
)
def binary_crossentropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    r"""Mirror of Keras 2's ``keras.losses.binary_crossentropy``.

    ``K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)``: clip, back to
    logits, sigmoid cross-entropy, mean over the last axis.

    Parameters
    ----------
    y_true : array_like
        Labels, same shape and dtype as ``y_pred``.
    y_pred : array_like
        Probabilities.

    Returns
    -------
    numpy.ndarray
        ``y_pred``'s shape without its last axis.

    See Also
    --------
    crossent.frameworks.keras2.backend.binary_crossentropy : the elementwise loss.
    crossent.frameworks.keras2.engine.evaluate_loss : what ``model.evaluate`` reports.

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/losses.py

    Examples
    --------
    Seed question 002 at ``a = 20``: ``sigmoid(±20)`` is clipped, so Keras reports
    about 1.1e-7 where the exact loss is 2.06e-9:

    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> p = np.float32([[2.0611537e-09], [1.0]])
    >>> print(keras2.losses.binary_crossentropy(np.float32([[0], [1]]), p))
    [1.00000e-07 1.19209e-07]
    """
    return _plan_binary_crossentropy(y_true, y_pred)


guard_module(globals(), "keras2.losses.", __all__)
