"""LightGBM's own metric checks, ported to the ``binary_logloss`` / ``multi_logloss`` mirrors.

Ported from:
    repository: microsoft/LightGBM
    path: tests/python_package_test/test_engine.py
    commit: 0050954c85f8df08ce43c6c0c85204328ebdb057
    license: MIT (Copyright (c) Microsoft Corporation)

Upstream trains a booster (``test_binary``, ``test_rf`` on breast_cancer;
``test_multiclass``, ``test_multiclass_rf`` on digits, 10 classes) and asserts
that the metric LightGBM logs equals an independent computation on
``gbm.predict(X_test)``, ``assertAlmostEqual(..., places=5)``: sklearn's
``log_loss`` for the binary metric and the file's ``multi_logloss`` helper for
the multiclass one.  Training is not reproducible without LightGBM, so the
predictions here are seeded draws of the upstream test-set shapes (57 rows;
180 rows × 10 classes); the metric mirrors are held to the same independent
computations with the same tolerance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from crossent.frameworks.lightgbm import metric


def multi_logloss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Upstream helper, verbatim in substance."""
    return float(np.mean([-math.log(y_pred[i][y]) for i, y in enumerate(y_true)]))


def sklearn_log_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """sklearn.metrics.log_loss for 0/1 labels and probabilities inside (0, 1)."""
    return float(-np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)))


def places5(actual: Any, expected: float) -> None:
    # unittest's assertAlmostEqual(places=5): round(a - b, 5) == 0
    assert round(float(actual) - expected, 5) == 0


@pytest.mark.parametrize("seed", [0, 1], ids=["test_binary", "test_rf"])
def test_binary_logloss_matches_sklearn_log_loss(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y_test = rng.integers(0, 2, 57)
    # a fitted booster: mostly confident, mostly right
    logit = np.where(y_test == 1, 1.0, -1.0) * rng.uniform(0.5, 6.0, 57)
    pred = 1.0 / (1.0 + np.exp(-logit))
    places5(metric.binary_logloss(y_test, pred), sklearn_log_loss(y_test, pred))


@pytest.mark.parametrize("seed", [2, 3], ids=["test_multiclass", "test_multiclass_rf"])
def test_multi_logloss_matches_upstream_helper(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y_test = rng.integers(0, 10, 180)
    scores = rng.normal(size=(180, 10))
    scores[np.arange(180), y_test] += 4.0
    pred = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    places5(metric.multi_logloss(y_test, pred), multi_logloss(y_test, pred))
