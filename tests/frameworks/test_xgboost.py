"""The XGBoost log-loss metric mirrors (issue #17).

Expected numbers were printed by xgboost 3.1.3 (``Booster.eval`` after 0 rounds
with the logits of the probabilities below as base_margin; ``.venv-parity``, see
tests/parity/test_gbdt.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.xgboost import metric

Y = np.array([1, 0, 1, 0, 1.0])
P = np.array([0.9, 0.2, 0.0, 1.0, 0.6])
W = np.array([1, 2, 0.5, 1, 3.0])
F32 = 4 * float(np.finfo(np.float32).eps)


def test_logloss_numbers_of_xgboost_3_1() -> None:
    assert float(metric.logloss(Y, P)) == pytest.approx(14.904410754144191, rel=F32)
    assert float(metric.logloss(Y, P, W)) == pytest.approx(7.646155700087547, rel=F32)


def test_caps_differ_from_lightgbm() -> None:
    # −log(1e-16f) in float32 against LightGBM's −log(1e-15f)
    x = float(metric.logloss(np.array([1.0]), np.array([0.0])))
    l = float(
        crossent.frameworks.lightgbm.metric.binary_logloss(
            np.array([1.0]), np.array([0.0])
        )
    )
    assert x == pytest.approx(float(-np.log(np.float32(1e-16))), rel=F32)
    assert x - l == pytest.approx(np.log(10), rel=1e-6)


def test_soft_labels_and_zero_weights() -> None:
    soft = float(metric.logloss(np.array([0.5]), np.array([0.5])))
    assert soft == pytest.approx(np.log(2), rel=F32)
    # wsum = 0: esum is returned (0 here, every term weighted 0)
    assert float(metric.logloss(Y, P, np.zeros(5))) == 0.0


def test_mlogloss() -> None:
    # xgboost 3.1.3: 12.473726833860079
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]])
    y = np.array([0, 2, 0.0])
    assert float(metric.mlogloss(y, p)) == pytest.approx(12.473726833860079, rel=F32)
    impl = crossent.frameworks.get("xgboost.metric.mlogloss")
    plan, _ = impl.bind(y, p)
    assert plan.names == ("terms", "weight", "reduce", "output")
