"""Live parity: keras.metrics' cross-entropies and what fit/evaluate report (#14).

The metric mirrors against ``keras.metrics`` across several ``update_state``
calls; :func:`class_weight_to_sample_weights` against Keras'; and
:func:`epoch_loss` against a real ``model.fit``/``evaluate`` of a small softmax
model whose weights do not move (SGD with learning rate 0), so every batch sees
the predictions ``model.predict`` gives. float32 tolerance.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

pytestmark = pytest.mark.parity

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    real = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")

from crossent.frameworks import keras as mirror  # noqa: E402

RTOL = 4 * float(np.finfo(np.float32).eps)
R = np.random.default_rng(14)


def _close(ours: Any, theirs: Any, rtol: float = RTOL) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-7)


def _batches(kind: str, dtype: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for n, weighted in ((4, False), (3, True), (1, True), (5, False)):
        labels = R.integers(0, 3, n)
        probs = R.dirichlet(np.ones(3), n).astype(dtype)
        y: Any = {
            "categorical": np.eye(3, dtype=dtype)[labels],
            "sparse": labels,
            "binary": R.integers(0, 2, (n, 3)).astype(dtype),
        }[kind]
        sw = R.uniform(0, 2, n).astype(np.float32) if weighted else None
        out.append((y, probs, sw))
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    ("kind", "name", "kwargs"),
    [
        ("categorical", "CategoricalCrossentropy", {}),
        ("categorical", "CategoricalCrossentropy", {"label_smoothing": 0.1}),
        ("categorical", "CategoricalCrossentropy", {"from_logits": True}),
        ("sparse", "SparseCategoricalCrossentropy", {}),
        ("sparse", "SparseCategoricalCrossentropy", {"ignore_class": 1}),
        ("binary", "BinaryCrossentropy", {}),
        ("binary", "BinaryCrossentropy", {"label_smoothing": 0.2}),
    ],
)
def test_metric_running_mean(kind: str, name: str, kwargs: dict, dtype: str) -> None:
    theirs = getattr(real.metrics, name)(**kwargs)
    ours = getattr(mirror.metrics, name)(**kwargs)
    for y, p, sw in _batches(kind, dtype):
        theirs.update_state(y, p, sample_weight=sw)
        ours.update_state(y, p, sample_weight=sw)
        _close(ours.result(), theirs.result())
    theirs.reset_state()
    ours.reset_state()
    _close(ours.result(), theirs.result())
    y, p, _ = _batches(kind, dtype)[0]
    theirs.update_state(y, p)
    ours.update_state(y, p)
    _close(ours.result(), theirs.result())


def test_mean_tracker() -> None:
    theirs, ours = real.metrics.Mean(), mirror.metrics.Mean()
    for values, sw in ((np.float32([1.5, 2.0]), None), (3.25, 7), (np.float32(0.5), 2)):
        theirs.update_state(values, sample_weight=sw)
        ours.update_state(values, sample_weight=sw)
        _close(ours.result(), theirs.result())


def test_class_weight_to_sample_weights() -> None:
    from keras.src.trainers.data_adapters import data_adapter_utils

    weights = {0: 0.5, 2: 3.0}
    for y in (
        np.array([0, 1, 2, 2]),
        np.eye(3)[[2, 0, 1]],
        np.array([[1.0], [2.2], [0.4]]),
    ):
        theirs = data_adapter_utils.class_weight_to_sample_weights(y, weights)
        ours = mirror.training.class_weight_to_sample_weights(y, weights)
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == theirs.dtype


def _model(l2: float) -> Any:
    real.utils.set_random_seed(3)
    reg = real.regularizers.L2(l2) if l2 else None
    model = real.Sequential(
        [
            real.Input((4,)),
            real.layers.Dense(3, activation="softmax", kernel_regularizer=reg),
        ]
    )
    model.compile(
        optimizer=real.optimizers.SGD(learning_rate=0.0),
        loss=real.losses.CategoricalCrossentropy(),
    )
    return model


@pytest.mark.parametrize("l2", [0.0, 0.01])
@pytest.mark.parametrize("class_weight", [None, {0: 0.5, 1: 2.0, 2: 1.0}])
def test_fit_and_evaluate_report_the_batch_size_weighted_mean(
    class_weight: Any, l2: float
) -> None:
    x = R.normal(0, 1, (7, 4)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[R.integers(0, 3, 7)]
    model = _model(l2)
    probs = model.predict(x, verbose=0)
    reg = float(l2 * np.sum(np.square(model.layers[0].kernel.numpy()))) if l2 else 0.0
    history = model.fit(
        x,
        y,
        batch_size=3,
        epochs=1,
        shuffle=False,
        class_weight=class_weight,
        verbose=0,
    )
    batches = [(y[i : i + 3], probs[i : i + 3]) for i in range(0, 7, 3)]
    loss = mirror.losses.CategoricalCrossentropy()
    fitted = mirror.training.epoch_loss(
        loss, batches, class_weight=class_weight, regularization=reg
    )
    assert fitted.batch_sizes == [3, 3, 1]
    _close(fitted.loss, np.float32(history.history["loss"][0]), rtol=1e-5)
    evaluated = model.evaluate(x, y, batch_size=3, verbose=0)
    ours = mirror.training.epoch_loss(loss, batches, regularization=reg)
    _close(ours.loss, np.float32(evaluated), rtol=1e-5)
    if class_weight is None and not l2:
        # the short last batch: the epoch value is not the mean of batch losses
        assert not np.isclose(ours.loss, ours.batch_losses.mean(), rtol=1e-4)
