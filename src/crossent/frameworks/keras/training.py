"""What Keras 3's ``fit``/``evaluate`` report as "loss" (TensorFlow backend, 3.13–3.15).

Each batch's loss is the compiled loss object called on the batch
(``Loss.__call__``: ``sum_over_batch_size`` by default, so the mean over the
batch's loss elements) plus the model's regularisation losses
(``Trainer._compute_loss``). The progress bar and ``History`` show a
``keras.metrics.Mean`` of those batch losses *weighted by the batch size* (the
first input's first dimension, ``trainer.py`` ``train_step``/``test_step``): the
running value after batch ``k`` is ``Σ_{b≤k} n_b L_b / Σ_{b≤k} n_b`` in float32,
and the epoch's value is the last one. With a short last batch this differs from
the mean of the batch losses, and from the loss of the whole data set in one
call whenever sample weights or ``class_weight`` make batches unequal.

``class_weight`` (``fit`` only, never ``evaluate``) becomes per-sample weights
(:func:`class_weight_to_sample_weights`) that the *training* loss uses; giving
``sample_weight`` too is an error.

A softmax/sigmoid output layer with ``from_logits=False`` hands its cached
logits to the loss on this backend: pass the loss mirror that reads them
(``keras.losses.categorical_crossentropy[softmax_logits]`` in the registry) or
the probabilities, as the model does.

>>> import numpy as np
>>> from crossent.frameworks import keras
>>> y = np.eye(3)[[0, 1, 2, 0, 1]]
>>> p = np.float32([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6],
...                 [0.5, 0.3, 0.2], [0.3, 0.3, 0.4]])
>>> batches = [(y[:2], p[:2]), (y[2:4], p[2:4]), (y[4:], p[4:])]
>>> log = keras.training.epoch_loss(keras.losses.CategoricalCrossentropy(), batches)
>>> print(np.round(log.batch_losses, 4), log.batch_sizes)
[0.2899 0.602  1.204 ] [2, 2, 1]
>>> print(round(float(log.loss), 4))  # (2·0.2899 + 2·0.602 + 1·1.204) / 5
0.5976
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.frameworks.keras.metrics import Mean

__all__ = ["EpochLog", "class_weight_to_sample_weights", "epoch_loss"]

_F32 = np.dtype(np.float32)


def class_weight_to_sample_weights(
    y: Any, class_weight: Mapping[int, float]
) -> np.ndarray:
    """Mirror of Keras' ``class_weight_to_sample_weights`` (data_adapter_utils.py).

    One-hot (or probability) rows are read by ``argmax``; a trailing axis of 1 is
    squeezed; class ids are rounded to int32; a class absent from
    ``class_weight`` weighs 1. float32 weights, one per sample.

    >>> class_weight_to_sample_weights(np.array([0, 2, 1, 2]), {2: 3.0, 0: 0.5})
    array([0.5, 3. , 1. , 3. ], dtype=float32)
    """
    y_numpy = np.asarray(y)
    sample_weight = np.ones((y_numpy.shape[0],), _F32)
    if y_numpy.ndim > 1:
        if y_numpy.shape[-1] != 1:
            y_numpy = np.argmax(y_numpy, axis=-1)
        else:
            y_numpy = np.squeeze(y_numpy, axis=-1)
    ids = np.round(y_numpy).astype(np.int32)
    for i in range(ids.shape[0]):
        sample_weight[i] = class_weight.get(int(ids[i]), 1.0)
    return sample_weight


@dataclass(frozen=True)
class EpochLog:
    """What one epoch of ``fit`` (or one ``evaluate``) reports.

    Attributes
    ----------
    batch_losses : numpy.ndarray
        Each batch's loss (the loss object's value plus regularisation), float32.
    batch_sizes : list of int
        The weight of each batch in the running mean.
    progress : numpy.ndarray
        The value the progress bar shows after each batch (running weighted mean).
    loss : numpy.ndarray
        The epoch's value, as in ``History.history["loss"]`` (0-d, float32).
    """

    batch_losses: np.ndarray
    batch_sizes: list[int]
    progress: np.ndarray
    loss: np.ndarray


Batch = Sequence[Any]


def epoch_loss(
    loss: Callable[..., Any],
    batches: Iterable[Batch],
    *,
    class_weight: Mapping[int, float] | None = None,
    regularization: float | Sequence[float] = 0.0,
) -> EpochLog:
    """The loss ``fit`` (with ``class_weight``) or ``evaluate`` reports for ``batches``.

    Parameters
    ----------
    loss : callable
        The compiled loss object, ``loss(y_true, y_pred, sample_weight=None)``
        (a :mod:`crossent.frameworks.keras.losses` class instance).
    batches : iterable of (y_true, y_pred) or (y_true, y_pred, sample_weight)
        The model's outputs per batch, in order.
    class_weight : mapping, optional
        ``fit``'s ``class_weight``: per-sample weights from each batch's labels.
        Not with sample weights (ValueError, as Keras).
    regularization : float or sequence of float
        The sum of the model's regularisation losses added to each batch's loss
        (one number for every batch, or one per batch).

    Returns
    -------
    EpochLog
    """
    tracker = Mean(name="loss")
    losses, sizes, progress = [], [], []
    for index, batch in enumerate(batches):
        y_true, y_pred, *rest = batch
        sample_weight = rest[0] if rest else None
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "keras.training.epoch_loss: `class_weight`: You cannot "
                    "`class_weight` and `sample_weight` at the same time."
                )
            sample_weight = class_weight_to_sample_weights(y_true, class_weight)
        value = np.asarray(loss(y_true, y_pred, sample_weight=sample_weight))
        extra = (
            regularization[index]
            if isinstance(regularization, Sequence)
            else regularization
        )
        if extra:
            value = np.asarray(value + np.asarray(extra, value.dtype))
        size = int(np.shape(y_pred)[0])
        tracker.update_state(value, sample_weight=size)
        losses.append(np.asarray(value, _F32))
        sizes.append(size)
        progress.append(tracker.result())
    return EpochLog(
        batch_losses=np.asarray(losses, _F32),
        batch_sizes=sizes,
        progress=np.asarray(progress, _F32),
        loss=tracker.result(),
    )


guard_module(globals(), "keras.training.", __all__)
