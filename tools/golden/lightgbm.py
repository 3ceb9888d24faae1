"""LightGBM metric cases: ``binary_logloss`` and ``multi_logloss``.

The real metric is evaluated on a model with no trees whose raw scores are the
logits of the probabilities given (``init_score``, ``boost_from_average=False``,
``Booster.eval_train()``), so it sees the probabilities the mirror is given, up to
the rounding of logit -> sigmoid (or log -> softmax) in double.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import CallRunner, Case, CaseList, fn_case, rng

P = "lightgbm.metric."


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.clip(np.log(p) - np.log1p(-p), -700, 700)


def binary_problem(key: str, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities with extremes (1e-20, 1 - 1e-17, 1e-300)."""
    r = rng(key, "binary")
    p = r.uniform(0.001, 0.999, n)
    p[:4] = [1e-20, 1 - 1e-17, 0.5, 1e-300]
    y = r.integers(0, 2, n).astype(np.float64)
    y[:2] = [1, 0]
    return y, p


def multi_problem(key: str, n: int = 10, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Class ids (as floats) and probability rows, one of them nearly one-hot."""
    r = rng(key, "multi")
    p = r.dirichlet(np.ones(k), n)
    p[0] = [1e-30, 1 - 3e-30, 1e-30, 1e-30]
    y = r.integers(0, k, n).astype(np.float64)
    y[0] = 0
    return y, p


def build_for(prefix: str, binary: str, multi: str, key: str) -> CaseList:
    """Binary and multiclass cases, unweighted and weighted, for one library."""
    cl = CaseList()
    r = rng(key, "weights")
    for fn, (y, p) in ((binary, binary_problem(key)), (multi, multi_problem(key))):
        w = r.uniform(0.1, 3, len(y))
        cl.add(fn_case(prefix + fn, "float64", "random", [y, p]))
        cl.add(fn_case(prefix + fn, "float64", "weighted", [y, p, w]))
    y, p = multi_problem(key)
    y[1] = 4.0
    cl.add(
        fn_case(prefix + multi, "float64", "class-id-4-of-4", [y, p], {}, None, "error")
    )
    return cl


def build() -> CaseList:
    """The LightGBM cases."""
    return build_for(P, "binary_logloss", "multi_logloss", "lightgbm")


class LightGBMRunner(CallRunner):
    """LightGBM's metric on a Booster with no trees."""

    family = "lightgbm"

    def __init__(self) -> None:
        import lightgbm

        self.lgb = lightgbm

    def versions(self) -> dict[str, str]:
        return {"lightgbm": self.lgb.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return impl.rsplit(".", 1)[1]

    def make_target(self, case: Case) -> Callable[..., Any]:
        multi = self.resolve(case.impl) == "multi_logloss"
        return lambda y, p, w=None: self._metric(y, p, w, multi)

    def _metric(self, y: np.ndarray, p: np.ndarray, w: Any, multi: bool) -> float:
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
        ds = self.lgb.Dataset(
            x, label=y, weight=w, init_score=score, free_raw_data=False
        )
        booster = self.lgb.Booster(params=params, train_set=ds)
        return float(booster.eval_train()[0][2])

    def to_numpy(self, out: Any) -> np.ndarray:
        return np.asarray(out, dtype=np.float64)


runner = LightGBMRunner
