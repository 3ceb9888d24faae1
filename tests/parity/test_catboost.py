"""Live parity: the catboost.utils.eval_metric mirror against the installed
catboost (1.2.8), for Logloss, CrossEntropy and MultiClass, weighted or not.

Raw scores are handed as NumPy arrays (nested lists for MultiClass, the layout
CatBoost reads as (N, K)). Tolerance 1e-12 relative; where CatBoost raises, the
mirror raises a ValueError or TypeError.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

catboost_utils = pytest.importorskip("catboost.utils")

from crossent.frameworks.catboost import utils as mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(1777)


def check(label: Any, approx: Any, metric: str, weight: Any = None) -> None:
    try:
        theirs = catboost_utils.eval_metric(label, approx, metric, weight=weight)
    except Exception:  # CatBoostError is the expectation
        with pytest.raises((ValueError, TypeError)):
            mirror.eval_metric(label, approx, metric, weight=weight)
        return
    ours = mirror.eval_metric(label, np.asarray(approx), metric, weight=weight)
    assert isinstance(ours, list)
    assert len(ours) == len(theirs) == 1
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("weighted", [False, True])
def test_binary(weighted: bool) -> None:
    f = RNG.standard_normal(20) * 5
    f[:4] = [710.0, -800.0, 40.0, -40.0]
    y = RNG.integers(0, 2, 20).astype(float)
    y[:4] = [0, 1, 1, 0]
    w = RNG.uniform(0, 3, 20) if weighted else None
    check(y, f, "Logloss", w)
    check(np.where(y > 0, 0.7, 0.5), f, "Logloss", w)  # binarised at 0.5
    check(RNG.uniform(0, 1, 20), f, "CrossEntropy", w)
    check(y, f, "Logloss", np.zeros(20))  # Σw = 0 → 0


@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass(weighted: bool) -> None:
    f = RNG.standard_normal((8, 4)) * 3
    f[0] = [300.0, -300.0, 0.0, 1.0]
    y = RNG.integers(0, 4, 8).astype(float)
    w = list(RNG.uniform(0.1, 3, 8)) if weighted else None
    check(y, f.tolist(), "MultiClass", w)
    check(
        np.array([0.0, 4.0]), [[1.0, 2, 0.5, 0], [0, 0, 3, 1]], "MultiClass"
    )  # id ≥ K
