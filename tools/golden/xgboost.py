"""XGBoost metric cases: ``logloss`` and ``mlogloss``.

The real metric is evaluated after 0 boosting rounds on a DMatrix whose
``base_margin`` is the logits (binary) or log-probabilities (multiclass) of the
probabilities drawn. XGBoost turns the margins into float32 predictions itself;
the probabilities recorded in a case are those predictions
(``Booster.predict`` on the same DMatrix), so the mirror gets what the metric saw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import CallRunner, Case, CaseList
from .lightgbm import _logit, build_for

P = "xgboost.metric."


def build() -> CaseList:
    """The XGBoost cases."""
    return build_for(P, "logloss", "mlogloss", "xgboost")


class XGBoostRunner(CallRunner):
    """XGBoost's eval metric after 0 rounds; records the predictions it evaluated."""

    family = "xgboost"

    def __init__(self) -> None:
        import xgboost

        self.xgb = xgboost

    def versions(self) -> dict[str, str]:
        return {"xgboost": self.xgb.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return impl.rsplit(".", 1)[1]

    def make_target(self, case: Case) -> Callable[..., Any]:
        return lambda *a: None  # unused: call() runs the booster

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        multi = self.resolve(case.impl) == "mlogloss"
        y, p = case.args[0], case.args[1]
        w = case.args[2] if len(case.args) > 2 else None
        x = np.zeros((len(y), 1))
        if multi:
            params: dict[str, Any] = {
                "objective": "multi:softprob",
                "eval_metric": "mlogloss",
                "num_class": p.shape[1],
            }
            margin = np.log(p)
        else:
            params = {"objective": "binary:logistic", "eval_metric": "logloss"}
            margin = _logit(p)
        d = self.xgb.DMatrix(x, label=y, weight=w, base_margin=margin)
        booster = self.xgb.train(params, d, num_boost_round=0)
        try:
            text = booster.eval(d)
        except self.xgb.core.XGBoostError as e:  # drop the time stamp "[03:09:59] "
            raise type(e)(re.sub(r"^\[[0-9:]+\] ", "", str(e))) from None
        found = re.search(r":(\S+)$", text)
        assert found, text
        # the probabilities XGBoost evaluated (float32) become the case's input
        case.args[1] = np.asarray(booster.predict(d)).reshape(p.shape)
        return np.asarray(float(found.group(1)), dtype=np.float64), None


runner = XGBoostRunner
