"""The catboost.utils.eval_metric mirror (issue #17).

Expected numbers were printed by catboost 1.2.8 (``.venv-parity``); the live
comparison is in tests/parity/test_catboost.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.errors import FrameworkError
from crossent.frameworks.catboost import utils


def test_numbers_of_catboost_1_2() -> None:
    # catboost 1.2.8: eval_metric([0, 1], [1, 2], "Logloss", weight=[0.3, 0.7])
    # = 0.48282812812774717 (float32 weights); MultiClass weighted = 0.4372844133427069
    out = utils.eval_metric(
        np.array([0.0, 1]), np.array([1.0, 2.0]), "Logloss", weight=[0.3, 0.7]
    )
    assert out == [pytest.approx(0.48282812812774717, rel=1e-14)]
    f = np.array([[1.0, 2, 0.5], [0, 0, 3]])
    out = utils.eval_metric(np.array([0.0, 2]), f, "MultiClass", weight=[1.0, 3.0])
    assert out == [pytest.approx(0.4372844133427069, rel=1e-14)]


def test_no_epsilon_and_border() -> None:
    # catboost 1.2.8: a margin of 710 against the label costs 710; −40 with label 0
    # costs exactly 0; labels are binarised at 0.5 (0.5 is negative)
    assert utils.eval_metric(np.array([0.0]), np.array([710.0]), "Logloss") == [710.0]
    assert utils.eval_metric(np.array([0.0]), np.array([-40.0]), "Logloss") == [0.0]
    half = utils.eval_metric(np.array([0.5, 0.7]), np.array([2.0, -1.0]), "Logloss")
    assert half == utils.eval_metric(
        np.array([0.0, 1.0]), np.array([2.0, -1.0]), "Logloss"
    )
    soft = utils.eval_metric(
        np.array([0.5, 0.7]), np.array([2.0, -1.0]), "CrossEntropy"
    )
    assert soft != half
    assert utils.eval_metric(
        np.array([0.0]), np.array([1.0]), "Logloss", weight=[0.0]
    ) == [0.0]


def test_errors() -> None:
    with pytest.raises(ValueError, match="`metric`"):
        utils.eval_metric(np.array([0.0]), np.array([1.0]), "AUC")
    with pytest.raises(FrameworkError, match="same sizes"):
        utils.eval_metric(np.array([0.0, 1.0]), np.array([1.0]), "Logloss")
    with pytest.raises(FrameworkError, match="class ids"):
        utils.eval_metric(np.array([3.0]), np.array([[1.0, 2.0, 0.0]]), "MultiClass")


def test_three_registered_entries() -> None:
    paths = [p for p in crossent.frameworks.registry() if p.startswith("catboost.")]
    assert paths == [
        "catboost.utils.eval_metric[Logloss]",
        "catboost.utils.eval_metric[CrossEntropy]",
        "catboost.utils.eval_metric[MultiClass]",
    ]
    plan, _ = crossent.frameworks.get(paths[0]).bind(np.array([1.0]), np.array([0.0]))
    assert plan.names == ("cast", "terms", "weight", "reduce", "output")
