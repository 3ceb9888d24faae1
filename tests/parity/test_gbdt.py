"""Live parity: the LightGBM and XGBoost log-loss metric mirrors against the
installed lightgbm (4.6.0) and xgboost (3.1.3).

The real metric is evaluated on a model with no trees whose raw scores are the
logits of the probabilities given (LightGBM: ``init_score`` with
``boost_from_average=False``, ``Booster.eval_train()``; XGBoost: ``base_margin``
and ``Booster.eval`` after 0 rounds), so it sees the probabilities the mirror is
given, up to the rounding of logit → sigmoid (double in LightGBM, float32 in
XGBoost). Tolerance: 1e-12 relative (LightGBM), 4·eps(float32) relative
(XGBoost).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

lgb = pytest.importorskip("lightgbm")
xgb = pytest.importorskip("xgboost")

from crossent.frameworks.lightgbm import metric as lgb_mirror  # noqa: E402
from crossent.frameworks.xgboost import metric as xgb_mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(5)


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.clip(np.log(p) - np.log1p(-p), -700, 700)


def lgb_metric(y: np.ndarray, p: np.ndarray, w: Any, multi: bool) -> float:
    x = np.zeros((len(y), 1))
    params: dict[str, Any] = {"boost_from_average": False, "verbose": -1}
    if multi:
        params.update(
            objective="multiclass", metric="multi_logloss", num_class=p.shape[1]
        )
        score = np.log(p).T.reshape(-1)  # class-major; softmax(log p) = p
    else:
        params.update(objective="binary", metric="binary_logloss")
        score = _logit(p)
    ds = lgb.Dataset(x, label=y, weight=w, init_score=score, free_raw_data=False)
    booster = lgb.Booster(params=params, train_set=ds)
    return float(booster.eval_train()[0][2])


def xgb_metric(y: np.ndarray, p: np.ndarray, w: Any, multi: bool) -> float:
    x = np.zeros((len(y), 1))
    if multi:
        params = {
            "objective": "multi:softprob",
            "eval_metric": "mlogloss",
            "num_class": p.shape[1],
        }
        margin = np.log(p)
    else:
        params = {"objective": "binary:logistic", "eval_metric": "logloss"}
        margin = _logit(p)
    d = xgb.DMatrix(x, label=y, weight=w, base_margin=margin)
    booster = xgb.train(params, d, num_boost_round=0)
    text = booster.eval(d)
    return float(re.search(r":(\S+)$", text).group(1))  # type: ignore[union-attr]


def _binary() -> tuple[np.ndarray, np.ndarray]:
    p = RNG.uniform(0.001, 0.999, 12)
    p[:4] = [1e-20, 1 - 1e-17, 0.5, 1e-300]
    y = RNG.integers(0, 2, 12).astype(float)
    y[:2] = [1, 0]
    return y, p


@pytest.mark.parametrize("weighted", [False, True])
def test_binary(weighted: bool) -> None:
    y, p = _binary()
    w = RNG.uniform(0.1, 3, 12) if weighted else None
    theirs = lgb_metric(y, p, w, False)
    ours = float(lgb_mirror.binary_logloss(y, p, w))
    assert ours == pytest.approx(theirs, rel=1e-12)
    with np.errstate(over="ignore"):  # XGBoost's float32 sigmoid of the margin
        p32 = (1 / (1 + np.exp(-_logit(p).astype(np.float32)))).astype(np.float32)
    theirs = xgb_metric(y, p, w, False)
    ours = float(xgb_mirror.logloss(y, p32, w))
    assert ours == pytest.approx(theirs, rel=4 * float(np.finfo(np.float32).eps))


@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass(weighted: bool) -> None:
    p = RNG.dirichlet(np.ones(4), 10)
    p[0] = [1e-30, 1 - 3e-30, 1e-30, 1e-30]
    y = RNG.integers(0, 4, 10).astype(float)
    y[0] = 0
    w = RNG.uniform(0.1, 3, 10) if weighted else None
    theirs = lgb_metric(y, p, w, True)
    assert float(lgb_mirror.multi_logloss(y, p, w)) == pytest.approx(theirs, rel=1e-9)
    theirs = xgb_metric(y, p, w, True)
    ours = float(xgb_mirror.mlogloss(y, p, w))
    assert ours == pytest.approx(theirs, rel=8 * float(np.finfo(np.float32).eps))
