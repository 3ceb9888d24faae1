"""keras.metrics' cross-entropies and the fit/evaluate loss model (issue #14).

Expected values are computed here from the loss-function mirrors (a metric is the
weighted mean of their per-sample values); tests/parity/test_keras_training.py
holds them against Keras 3.15.1 and a real ``model.fit``/``evaluate``.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent.frameworks as fw
from crossent.frameworks import keras

Y1, P1 = np.eye(3)[[0, 1]], np.float32([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1]])
Y2, P2 = (
    np.eye(3)[[2, 2, 0]],
    np.float32([[0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]]),
)


def test_metric_is_the_mean_over_all_samples_of_all_batches() -> None:
    m = keras.metrics.CategoricalCrossentropy()
    w2 = np.float32([1.0, 0.0, 2.0])
    m.update_state(Y1, P1)
    m.update_state(Y2, P2, sample_weight=w2)
    l1 = keras.losses.categorical_crossentropy(Y1, P1)
    l2 = keras.losses.categorical_crossentropy(Y2, P2)
    expected = (l1.sum() + (w2 * l2).sum()) / (2 + w2.sum())
    result = m.result()
    assert result.dtype == np.float32
    assert result.shape == ()
    np.testing.assert_allclose(result, expected, rtol=1e-6)
    # the loss class averages each batch instead
    per_batch = np.mean(
        [
            keras.losses.CategoricalCrossentropy()(Y1, P1),
            keras.losses.CategoricalCrossentropy()(Y2, P2, w2),
        ]
    )
    assert not np.isclose(result, per_batch, rtol=1e-3)
    m.reset_state()
    assert m.result() == 0
    assert m.count == 0


def test_sparse_ignore_class_counts_unless_weighted() -> None:
    y, p = (
        np.array([0, 1, 2]),
        np.float32([[0.5, 0.3, 0.2], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]),
    )
    values = keras.losses.sparse_categorical_crossentropy(y, p, ignore_class=1)
    assert values[1] == 0
    m = keras.metrics.SparseCategoricalCrossentropy(ignore_class=1)
    m.update_state(y, p)
    np.testing.assert_allclose(m.result(), values.sum() / 3, rtol=1e-6)
    m.reset_state()
    m.update_state(y, p, sample_weight=np.ones(3, np.float32))
    np.testing.assert_allclose(m.result(), values.sum() / 2, rtol=1e-6)


def test_metrics_are_registered_and_bind_one_update() -> None:
    for name, y, p in (
        ("CategoricalCrossentropy", Y2, P2),
        ("SparseCategoricalCrossentropy", np.array([2, 2, 0]), P2),
        ("BinaryCrossentropy", np.float32([[0, 1, 1]] * 3), P2),
    ):
        imp = fw.get(f"keras.metrics.{name}")
        plan, state = imp.bind(y, p, sample_weight=np.float32([1, 2, 0]))
        m = getattr(keras.metrics, name)()
        m.update_state(y, p, sample_weight=np.float32([1, 2, 0]))
        np.testing.assert_array_equal(plan.run(state)["value"], m.result())
        assert plan.names[-3:] == ("weight", "reduce", "output")


def test_mean_weights_batches_by_size() -> None:
    m = keras.metrics.Mean()
    m.update_state(2.0, sample_weight=3)
    m.update_state(np.float32([1.0, 4.0]))
    np.testing.assert_allclose(m.result(), (6 + 5) / 5)


def test_class_weight_to_sample_weights() -> None:
    cw = {0: 0.5, 2: 3.0}
    to_sw = keras.training.class_weight_to_sample_weights
    expected = np.float32([0.5, 1.0, 3.0])
    np.testing.assert_array_equal(to_sw(np.array([0, 1, 2]), cw), expected)
    np.testing.assert_array_equal(to_sw(np.eye(3)[[0, 1, 2]], cw), expected)
    np.testing.assert_array_equal(to_sw(np.array([[0.4], [1.2], [1.6]]), cw), expected)


def test_epoch_loss_progress_is_the_running_size_weighted_mean() -> None:
    loss = keras.losses.CategoricalCrossentropy()
    log = keras.training.epoch_loss(
        loss, [(Y2, P2), (Y1, P1)], regularization=[0.5, 0.25]
    )
    b1, b2 = loss(Y2, P2) + 0.5, loss(Y1, P1) + 0.25
    np.testing.assert_allclose(log.batch_losses, [b1, b2], rtol=1e-6)
    np.testing.assert_allclose(log.progress, [b1, (3 * b1 + 2 * b2) / 5], rtol=1e-6)
    assert log.loss == log.progress[-1]
    assert log.batch_sizes == [3, 2]


def test_epoch_loss_class_weight() -> None:
    loss = keras.losses.CategoricalCrossentropy()
    cw = {0: 2.0, 2: 0.5}
    log = keras.training.epoch_loss(loss, [(Y2, P2)], class_weight=cw)
    sw = keras.training.class_weight_to_sample_weights(Y2, cw)
    np.testing.assert_allclose(log.loss, loss(Y2, P2, sample_weight=sw), rtol=1e-6)
    with pytest.raises(ValueError, match="`class_weight` and `sample_weight`"):
        keras.training.epoch_loss(loss, [(Y2, P2, np.ones(3))], class_weight=cw)
