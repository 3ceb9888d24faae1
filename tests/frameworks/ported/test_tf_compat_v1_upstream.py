"""TensorFlow's own ``tf.compat.v1.losses`` tests, ported to the v1 losses mirror.

Ported from:
    repository: tensorflow/tensorflow
    path: tensorflow/python/kernel_tests/losses_test.py
    commit: 078b9386749812159867e700997049ec6913649a
    license: Apache-2.0 (Copyright 2016 The TensorFlow Authors)

The cross-entropy cases of ``SoftmaxCrossEntropyLossTest``,
``SparseSoftmaxCrossEntropyLossTest``, ``SigmoidCrossEntropyLossTest`` and
``LogLossTest``: inputs and expected values as upstream states them, compared
as upstream does with ``assertAlmostEqual(..., 3)`` (|difference| < 5e-4).
Placeholder variants feed the same numbers as their constant twins and are
folded into them; the op-name assertions have no NumPy counterpart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from crossent.frameworks.tf.compat.v1 import losses


def almost(actual: Any, expected: float) -> None:
    assert float(actual) == pytest.approx(expected, abs=5e-4)


EYE10 = np.float32([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]])
E100 = np.float32(
    [[100.0, -100.0, -100.0], [-100.0, 100.0, -100.0], [-100.0, -100.0, 100.0]]
)
RIGHT = np.int32([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
WRONG = np.int32([[0, 0, 1], [1, 0, 0], [0, 1, 0]])


# --- SoftmaxCrossEntropyLossTest ------------------------------------------------
def test_softmax_none_weight_raises_value_error() -> None:
    with pytest.raises(ValueError):
        losses.softmax_cross_entropy(RIGHT, EYE10, weights=None)


@pytest.mark.parametrize(
    ("labels", "weights", "expected"),
    [
        (RIGHT, 1.0, 0.0),  # testAllCorrect
        (WRONG, 1.0, 10.0),  # testAllWrong
        (WRONG, 2.3, 2.3 * 10.0),  # testNonZeroLossWithPythonScalarWeight
        (WRONG, np.float32(2.3), 2.3 * 10.0),  # ...WithScalarTensorWeight
        (WRONG, np.float32([1.2, 3.4, 5.6]), (1.2 + 3.4 + 5.6) * 10.0 / 3.0),
        (WRONG, np.int32([0, 0, 0]), 0.0),  # testAllWrongAllWeightsMissing
        (WRONG, np.float32([1.2, 0, 0]), 12.0),  # testSomeWeightsMissing
    ],
)
def test_softmax_cross_entropy(
    labels: np.ndarray, weights: Any, expected: float
) -> None:
    almost(losses.softmax_cross_entropy(labels, EYE10, weights), expected)


def test_softmax_measurement_specific_weights_raise() -> None:
    with pytest.raises(ValueError):
        losses.softmax_cross_entropy(
            RIGHT, E100, weights=np.int32([[3, 4, 5], [2, 6, 0], [8, 0, 1]])
        )


def test_softmax_label_smoothing() -> None:
    # upstream: log softmax of [100, -100, -100] is [0, -200, -200], so the loss
    # is 400 L / n
    loss = losses.softmax_cross_entropy(
        np.int32([[1, 0, 0]]),
        np.float32([[100.0, -100.0, -100.0]]),
        label_smoothing=0.1,
    )
    almost(loss, 400.0 * 0.1 / 3.0)


# --- SparseSoftmaxCrossEntropyLossTest --------------------------------------------
def test_sparse_none_weight_raises_value_error() -> None:
    with pytest.raises(ValueError):
        losses.sparse_softmax_cross_entropy(
            np.int32([[0], [1], [2]]), EYE10, weights=None
        )


BATCH = (1.2 + 3.4 + 5.6) * 10.0 / 3.0


@pytest.mark.parametrize(
    ("labels", "weights", "expected"),
    [
        (np.int32([[0], [1], [2]]), 1.0, 0.0),  # testAllCorrectInt32Labels
        (np.int64([[0], [1], [2]]), 1.0, 0.0),  # testAllCorrectInt64Labels
        (np.int32([0, 1, 2]), 1.0, 0.0),  # testAllCorrectNonColumnLabels
        (np.int32([[2], [0], [1]]), 1.0, 10.0),  # testAllWrongInt32Labels
        (np.int64([[2], [0], [1]]), 1.0, 10.0),  # testAllWrongInt64Labels
        (np.int32([2, 0, 1]), 1.0, 10.0),  # testAllWrongNonColumnLabels
        (np.int32([[2], [0], [1]]), 2.3, 23.0),  # ...WithPythonScalarWeight
        (np.int32([[2], [0], [1]]), np.float32(2.3), 23.0),  # ...ScalarTensorWeight
        (np.int32([[2], [0], [1]]), np.float32([2.3]), 23.0),  # ...1DTensorWeight
        # testNonZeroLossWithPlaceholderForWeights (and ...LogitsLabelsAndWeights)
        (np.int32([[2], [0], [1]]), np.float32([[1.2], [3.4], [5.6]]), BATCH),
        # testNonZeroLossWithOneDimBatchSpecificWeights
        (np.int32([[2], [0], [1]]), np.float32([1.2, 3.4, 5.6]).reshape(3, 1), BATCH),
        (np.int32([[2], [0], [1]]), np.int32([0, 0, 0]).reshape(3, 1), 0.0),
        (np.int32([[2], [0], [1]]), np.float32([1.2, 0, 0]).reshape(3, 1), 12.0),
    ],
)
def test_sparse_softmax_cross_entropy(
    labels: np.ndarray, weights: Any, expected: float
) -> None:
    almost(losses.sparse_softmax_cross_entropy(labels, EYE10, weights), expected)


E100_4 = np.float32(
    [
        [100.0, -100.0, -100.0, -100.0],
        [-100.0, 100.0, -100.0, -100.0],
        [-100.0, -100.0, 100.0, -100.0],
        [-100.0, -100.0, -100.0, 100.0],
    ]
)


@pytest.mark.parametrize(
    ("logits", "labels", "weights"),
    [
        # testMeasurementSpecificWeightsRaisesException
        (E100, np.int32([[0], [1], [2]]), np.int32([[3, 4, 5], [2, 6, 0], [8, 0, 1]])),
        # testInconsistentWeightSizeRaisesException
        (E100, np.int32([[0], [1], [2]]), np.float32([1.2, 3.4, 5.6, 7.8])),
        # testInconsistentLabelSizeRaisesException
        (E100, np.int32([[0], [1], [2], [3]]), np.float32([1.2, 3.4, 5.6])),
        # testInconsistentWeightShapeRaisesException
        (E100_4, np.int32([[0], [1], [2], [3]]), np.float32([[1.2, 3.4], [5.6, 7.8]])),
    ],
)
def test_sparse_inconsistent_shapes_raise(
    logits: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> None:
    with pytest.raises(ValueError):
        losses.sparse_softmax_cross_entropy(labels, logits, weights=weights)


def test_sparse_inconsistent_label_shape_raises() -> None:
    # upstream also matches 'dimension', the wording of TF 1.x; TF 2.21 says
    # "rank", so only the ValueError is kept
    with pytest.raises(ValueError):
        losses.sparse_softmax_cross_entropy(
            np.int32([[0, 1], [2, 3]]), E100_4, weights=np.float32(1.2)
        )


# --- SigmoidCrossEntropyLossTest ---------------------------------------------------
@pytest.mark.parametrize(
    ("logits", "labels", "weights", "expected"),
    [
        (E100, RIGHT, 1.0, 0.0),  # testAllCorrectSigmoid
        (E100, WRONG, 1.0, 600.0 / 9.0),  # testAllWrongSigmoid
        # testAllWrongSigmoidWithMeasurementSpecificWeights
        (E100, WRONG, np.int32([[3, 4, 5], [2, 6, 0], [8, 0, 1]]), 1700.0 / 7.0),
        # testMultiCorrectSigmoid
        (
            np.float32(
                [[100.0, -100.0, 100.0], [100.0, 100.0, -100.0], [-100.0, 100.0, 100.0]]
            ),
            np.int32([[1, 0, 1], [1, 1, 0], [0, 1, 1]]),
            1.0,
            0.0,
        ),
    ],
)
def test_sigmoid_cross_entropy(
    logits: np.ndarray, labels: np.ndarray, weights: Any, expected: float
) -> None:
    almost(losses.sigmoid_cross_entropy(labels, logits, weights), expected)


@pytest.mark.parametrize("width", [1, 2])
def test_sigmoid_single_dim_placeholder_for_logits_and_weights(width: int) -> None:
    ones = np.ones((32, width), np.float32)
    almost(losses.sigmoid_cross_entropy(ones, ones, np.ones_like(ones)), 0.313)


def test_sigmoid_label_smoothing_correct() -> None:
    # upstream: z' = z (1 - L) + 0.5 L, so the loss is (100 + 50 L) / 3
    loss = losses.sigmoid_cross_entropy(
        np.int32([[1, 0, 1]]),
        np.float32([[100.0, -100.0, -100.0]]),
        label_smoothing=0.1,
    )
    almost(loss, (100.0 + 50.0 * 0.1) / 3.0)


def test_sigmoid_label_smoothing_equals_softmax_two_label() -> None:
    sigmoid_loss = losses.sigmoid_cross_entropy(
        np.int32([[1, 0, 1]]),
        np.float32([[100.0, -100.0, -100.0]]),
        label_smoothing=0.1,
    )
    softmax_loss = losses.softmax_cross_entropy(
        np.int32([[0, 1], [1, 0], [0, 1]]),
        np.float32([[0.0, 100.0], [100.0, 0.0], [100.0, 0.0]]),
        label_smoothing=0.1,
    )
    almost(sigmoid_loss, float(softmax_loss))


# --- LogLossTest --------------------------------------------------------------------
PRED = np.asarray([0.9, 0.2, 0.2, 0.8, 0.4, 0.6]).reshape((2, 3))
LAB = np.asarray([1.0, 0.0, 1.0, 1.0, 0.0, 0.0]).reshape((2, 3))
EXPECTED_LOSSES = np.multiply(LAB, np.log(PRED + 1e-7)) + np.multiply(
    1 - LAB, np.log(1 - PRED + 1e-7)
)


def test_log_loss_none_weight_raises_value_error() -> None:
    with pytest.raises(ValueError):
        losses.log_loss(LAB, LAB, weights=None)


def test_log_loss_all_correct() -> None:
    almost(losses.log_loss(LAB, LAB), 0.0)
    almost(losses.log_loss(LAB, LAB.astype(np.float32)), 0.0)  # ...WithPlaceholder


BY_ROW = np.asarray([1.2, 1.2, 1.2, 3.4, 3.4, 3.4]).reshape((2, 3))
BY_ROW_ZERO = np.asarray([1.2, 1.2, 1.2, 0, 0, 0]).reshape((2, 3))
MEASURE = np.array([3, 6, 5, 0, 4, 2]).reshape((2, 3))
MOST_ZERO = np.array([0, 0, 0, 0, 0, 2]).reshape((2, 3))


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (1.0, -np.sum(EXPECTED_LOSSES) / 6.0),  # testNonZeroLoss
        (2.3, 2.3 * -np.sum(EXPECTED_LOSSES) / 6.0),  # ...WithPythonScalarWeight
        (np.float32(2.3), 2.3 * -np.sum(EXPECTED_LOSSES) / 6.0),  # ...TensorWeight
        (np.float32([1.2, 3.4]).reshape(2, 1), -np.sum(EXPECTED_LOSSES * BY_ROW) / 6.0),
        (
            np.float32([1.2, 0]).reshape(2, 1),
            -np.sum(EXPECTED_LOSSES * BY_ROW_ZERO) / 3.0,
        ),
        (MEASURE.astype(np.float32), -np.sum(EXPECTED_LOSSES * MEASURE) / 5.0),
        (MOST_ZERO.astype(np.float32), -np.sum(EXPECTED_LOSSES * MOST_ZERO)),
    ],
)
def test_log_loss(weights: Any, expected: float) -> None:
    almost(losses.log_loss(LAB, PRED, weights), expected)
    # the placeholder variants feed float32 predictions
    almost(losses.log_loss(LAB, PRED.astype(np.float32), weights), expected)


def test_log_loss_weights_with_same_num_dims_but_wrong_shape_raise() -> None:
    weights = np.random.default_rng(0).normal(size=(2, 4))
    with pytest.raises(ValueError):
        losses.log_loss(LAB, PRED, weights)
