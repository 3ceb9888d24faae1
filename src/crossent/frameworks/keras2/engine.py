"""Mirror of Keras 2's training-time loss reduction (``keras/engine/training_utils.py``).

``model.compile(loss=fn)`` wraps ``fn`` in ``weighted_masked_objective``; the
wrapped value is what ``fit`` minimises and what ``evaluate`` reports, batch by
batch. Source: keras-team/keras ``keras/engine/training_utils.py`` (Keras 2.2.x;
the same function lived in ``keras/engine/training.py`` in 2.0–2.1). Keras 2.3
replaced it with tf.keras-style ``Loss`` objects (``sum_over_batch_size``), so with
sample weights that contain zeros 2.3 divides by the number of samples instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

import numpy as np

from crossent._core._guard import guard_module
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks.keras2 import losses
from crossent.frameworks.tf_keras import _tf

__all__ = ["evaluate_loss", "weighted_masked_objective"]

#: ``K.floatx()``: masks and sample weights are float32 in a Keras 2 model.
FLOATX = np.dtype(np.float32)

Objective = Callable[[Any, Any], Any]
Weighted = Callable[..., np.ndarray]


def _same_dtype(score: np.ndarray, other: np.ndarray, what: str) -> None:
    if score.dtype != other.dtype:
        raise TypeError(
            f"keras2.engine.weighted_masked_objective: the loss ({score.dtype}) and "
            f"`{what}` ({other.dtype}, K.floatx()) must have the same dtype; got "
            f"{score.dtype!s} and {other.dtype!s}. Keras 2 models compute in float32."
        )


@overload
def weighted_masked_objective(fn: None) -> None: ...


@overload
def weighted_masked_objective(fn: Objective) -> Weighted: ...


def weighted_masked_objective(fn: Objective | None) -> Weighted | None:
    r"""Mirror of Keras 2's ``weighted_masked_objective``: masking and sample weights.

    Parameters
    ----------
    fn : callable or None
        The objective ``fn(y_true, y_pred)`` (a loss of
        :mod:`crossent.frameworks.keras2.losses`, or any function returning an
        array).

    Returns
    -------
    callable or None
        ``weighted(y_true, y_pred, weights, mask=None)``, returning a 0-d array:

        1. ``score = fn(y_true, y_pred)``;
        2. with a mask: ``score *= mask; score /= mean(mask)``;
        3. with weights: ``score`` averaged over its axes beyond the weights' rank,
           ``score *= weights; score /= mean(weights != 0)``;
        4. ``mean(score)``.

    Notes
    -----
    With per-sample weights the result is

    .. math:: \frac{\sum_i w_i \ell_i}{\#\{i : w_i \neq 0\}}

    (TF v1's ``SUM_BY_NONZERO_WEIGHTS``), not Keras 3's :math:`\sum w \ell / N`.
    All weights zero gives NaN (0/0); a mask of all zeros gives NaN too.

    References
    ----------
    https://github.com/keras-team/keras/blob/2.2.5/keras/engine/training_utils.py

    Examples
    --------
    docs/semantics.md D4: losses [1.4076059, 0.1698460, 1.0986123] with weights
    [0.5, 0, 2] give Σwℓ / #(w ≠ 0) = 1.4505138:

    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> per_sample = lambda y_true, y_pred: y_pred
    >>> weighted = keras2.engine.weighted_masked_objective(per_sample)
    >>> loss = np.float32([1.4076059, 0.1698460, 1.0986123])
    >>> print(weighted(None, loss, np.float32([0.5, 0, 2])))
    1.45051
    """
    if fn is None:
        return None
    objective = fn

    def weighted(
        y_true: Any, y_pred: Any, weights: Any, mask: Any = None
    ) -> np.ndarray:
        score = np.asarray(objective(y_true, y_pred))
        with np.errstate(divide="ignore", invalid="ignore"):
            if mask is not None:
                m = np.asarray(mask).astype(FLOATX)
                _same_dtype(score, m, "mask")
                score = score * m
                score = score / _tf.reduce_mean(m)
            if weights is not None:
                w = as_tensorflow(weights)
                _same_dtype(score, w, "weights")
                if score.ndim > w.ndim:
                    score = _tf.reduce_mean(
                        score, axis=tuple(range(w.ndim, score.ndim))
                    )
                score = score * w
                score = score / _tf.reduce_mean((w != 0).astype(FLOATX))
            return np.asarray(_tf.reduce_mean(score))

    return weighted


_LOSSES: dict[str, Objective] = {
    "categorical_crossentropy": losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
    "binary_crossentropy": losses.binary_crossentropy,
}


def evaluate_loss(
    loss: str | Objective, y_true: Any, y_pred: Any, sample_weight: Any = None
) -> np.ndarray:
    """The loss ``model.evaluate`` reports for one batch in Keras 2.0–2.2 (TF backend).

    Parameters
    ----------
    loss : str or callable
        A name of :mod:`crossent.frameworks.keras2.losses` (``"binary_crossentropy"``
        as in ``model.compile(loss=...)``) or an objective ``fn(y_true, y_pred)``,
        e.g. :func:`crossent.frameworks.keras2.custom.logit_round_trip`.
    y_true : array_like
        The targets as given to ``evaluate``; 1-D targets become ``(B, 1)`` and
        are cast to ``y_pred``'s dtype, as Keras feeds its target placeholder.
    y_pred : array_like
        The model's output for the batch (float32 in a Keras 2 model).
    sample_weight : array_like, optional
        Per-sample weights (default: ones, float32).

    Returns
    -------
    numpy.ndarray
        0-d, ``y_pred``'s dtype: the mean over the batch of the weighted loss
        (``weighted_masked_objective``). ``evaluate`` prints this float32 value as
        a Python float; over several batches it averages these values weighted by
        batch size (not mirrored).

    Raises
    ------
    ValueError
        For an unknown loss name.

    See Also
    --------
    weighted_masked_objective : the reduction used here.

    Examples
    --------
    Seed question 002 at ``a = 20``: the model ``Dense(1, sigmoid)`` with weight 1
    and bias 0 maps ``x = [-20, 20]`` to ``sigmoid(x)`` in float32, and Keras 2's
    clipped BCE reports about 1.1e-7 where the exact loss is 2.06e-9:

    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> z = np.float32([[-20.0], [20.0]])
    >>> p = np.float32(1) / (np.float32(1) + np.exp(-z))
    >>> print(keras2.engine.evaluate_loss("binary_crossentropy", np.array([0, 1]), p))
    1.09605e-07
    """
    if isinstance(loss, str):
        if loss not in _LOSSES:
            raise ValueError(
                f"keras2.engine.evaluate_loss: `loss` must be one of {sorted(_LOSSES)} "
                f"or a callable; got {loss!r}."
            )
        fn = _LOSSES[loss]
    else:
        fn = loss
    output = as_tensorflow(y_pred)
    _tf.check_float("keras2.engine.evaluate_loss", "y_pred", output)
    target = np.asarray(y_true)
    if target.ndim == 1:  # standardize_single_array
        target = target[:, None]
    target = target.astype(output.dtype)
    if sample_weight is None:
        weights = np.ones((target.shape[0],), FLOATX)
    else:
        weights = np.asarray(sample_weight).astype(FLOATX)
    return weighted_masked_objective(fn)(target, output, weights)


guard_module(globals(), "keras2.engine.", __all__)
