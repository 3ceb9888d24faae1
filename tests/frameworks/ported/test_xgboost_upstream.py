"""XGBoost's own C++ metric tests for ``logloss`` / ``mlogloss``, ported to the mirrors.

Ported from:
    repository: dmlc/xgboost
    paths: tests/cpp/metric/test_elementwise_metric.h (``VerifyLogLoss``, commit
        06282d654d4591a2b8b0ebb8cc584f1625855ee6) and
        tests/cpp/metric/test_multiclass_metric.h (``TestMultiClassLogLoss``,
        commit 1d9a71db7a2f098df6bbc70a3cf73b7a16e52502)
    license: Apache-2.0 (Copyright 2018-2026, XGBoost contributors)

``GetMetricEval(metric, preds, labels, weights, groups)`` becomes
``metric.logloss(labels, preds, weights)``; multiclass predictions, flat and
row-major upstream, are reshaped to ``(N, K)``.  Expected values and
tolerances (``EXPECT_NEAR``) are upstream's, single-process values (the
distributed branch multiplies by the world size).  The determinism checks
(``CheckDeterministicMetric*``: eight evaluations compare equal) are ported on
a seeded uniform draw in place of XGBoost's ``SimpleLCG``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from crossent.frameworks.xgboost import metric

F32 = np.float32


def near(actual: Any, expected: float, tol: float) -> None:
    assert abs(float(actual) - expected) <= tol


# --- VerifyLogLoss --------------------------------------------------------------
P4 = F32([0.1, 0.9, 0.1, 0.9])
Y4 = F32([0, 0, 1, 1])


@pytest.mark.parametrize(
    ("preds", "labels", "weights", "expected", "tol"),
    [
        (F32([0, 1]), F32([0, 1]), None, 0.0, 1e-10),
        (F32([0.5, 1e-17, 1.0 + 1e-17, 0.9]), Y4, None, 0.1996, 0.001),
        (P4, Y4, None, 1.2039, 0.001),
        pytest.param(
            P4,
            Y4,
            F32([-1, 1, 9, -9]),
            21.9722,
            0.001,
            marks=pytest.mark.xfail(
                strict=True,
                raises=ValueError,
                reason="the C++ test sets negative weights on MetaInfo directly "
                "(Σw = 0, so the metric returns esum); the mirror rejects "
                "negative weights, as XGBoost's DMatrix does (xgboost 3.1.3: "
                "'Check failed: valid: Weights must be positive values')",
            ),
        ),
        (P4, Y4, F32([1, 2, 9, 8]), 1.3138, 0.001),
    ],
    ids=["perfect", "clamped", "plain", "signed_weights", "weights"],
)
def test_logloss(
    preds: np.ndarray, labels: np.ndarray, weights: Any, expected: float, tol: float
) -> None:
    near(metric.logloss(labels, preds, weights), expected, tol)


def test_logloss_deterministic() -> None:
    rng = np.random.default_rng(0)
    preds, labels = rng.random(2048, dtype=F32), rng.random(2048, dtype=F32)
    first = metric.logloss(labels, preds)
    for _ in range(8):
        assert metric.logloss(labels, preds) == first


# --- TestMultiClassLogLoss ---------------------------------------------------------
def test_mlogloss_prediction_size_mismatch_throws() -> None:
    # GetMetricEval(metric, {0}, {0, 0}): one prediction for two labels
    with pytest.raises(ValueError):
        metric.mlogloss(F32([0, 0]), F32([[0]]))


@pytest.mark.parametrize(
    ("preds", "labels", "weights", "expected", "tol"),
    [
        (np.eye(3, dtype=F32), F32([0, 1, 2]), None, 0.0, 1e-10),
        (np.full((3, 3), 0.1, F32), F32([0, 1, 2]), None, 2.302, 0.001),
        (
            F32([[0.8, 0.2], [0.6, 0.4]]),
            F32([0, 1]),
            F32([1, 3]),
            (-math.log(0.8) - 3.0 * math.log(0.4)) / 4.0,
            1e-6,
        ),
        (F32([[0, 1]]), F32([0]), None, -math.log(1e-16), 1e-5),
        (F32([[1, 0]]), F32([0]), None, 0.0, 1e-6),
    ],
    ids=["perfect", "uniform_tenth", "weights", "impossible", "certain"],
)
def test_mlogloss(
    preds: np.ndarray, labels: np.ndarray, weights: Any, expected: float, tol: float
) -> None:
    near(metric.mlogloss(labels, preds, weights), expected, tol)


@pytest.mark.parametrize("label", [-1.0, 2.0])
def test_mlogloss_label_out_of_range_throws(label: float) -> None:
    with pytest.raises(ValueError):
        metric.mlogloss(F32([label]), F32([[0.9, 0.1]]))


def test_mlogloss_deterministic() -> None:
    rng = np.random.default_rng(1)
    labels = np.floor(rng.uniform(0, 4, 2048)).astype(F32)
    preds = rng.random((2048, 4), dtype=F32)
    first = metric.mlogloss(labels, preds)
    for _ in range(8):
        assert metric.mlogloss(labels, preds) == first
