"""The LightGBM log-loss metric mirrors (issue #17).

Expected numbers were printed by lightgbm 4.6.0 (``Booster.eval_train()`` on a
model without trees whose init_score is the logit of the probabilities below;
``.venv-parity``, see tests/parity/test_gbdt.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.lightgbm import metric

Y = np.array([1, 0, 1, 0, 1.0])
P = np.array([0.9, 0.2, 0.0, 1.0, 0.6])
W = np.array([1, 2, 0.5, 1, 3.0])


def test_binary_logloss_numbers_of_lightgbm_4_6() -> None:
    assert float(metric.binary_logloss(Y, P)) == pytest.approx(
        13.983376497229637, rel=1e-12
    )
    assert float(metric.binary_logloss(Y, P, W)) == pytest.approx(
        7.185638544818912, rel=1e-12
    )


def test_cap_is_a_float32_number() -> None:
    # lightgbm 4.6.0 gives 34.53877639770508 for a certain wrong prediction
    out = metric.binary_logloss(np.array([1.0]), np.array([0.0]))
    assert float(out) == 34.53877639770508
    assert float(out) == float(np.float32(out))


def test_multi_logloss() -> None:
    # lightgbm 4.6.0: 11.706198297652675
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]])
    y = np.array([0, 2, 0.0])
    assert float(metric.multi_logloss(y, p)) == pytest.approx(
        11.706198297652675, rel=1e-12
    )
    with pytest.raises(ValueError, match="`label`"):
        metric.multi_logloss(np.array([3]), np.array([[0.5, 0.25, 0.25]]))
    with pytest.raises(ValueError, match="`weight`"):
        metric.multi_logloss(y, p, weight=np.ones(2))


def test_registered_with_steps() -> None:
    impl = crossent.frameworks.get("lightgbm.metric.binary_logloss")
    plan, _ = impl.bind(Y, P, weight=W)
    assert plan.names == ("terms", "weight", "reduce", "output")
