"""Mirror of XGBoost's log-loss metrics (XGBoost 2.x–3.x; checked against 3.1.3).

``logloss`` and ``mlogloss`` are C++ metrics (``src/metric/elementwise_metric.cu``
``EvalRowLogLoss``, ``src/metric/multiclass_metric.cu`` ``EvalMultiLogLoss``)
that XGBoost evaluates on its float32 predictions (``Booster.eval``,
``evals_result``). The mirrors take the predicted probabilities. Every row's loss
is computed in **float32**: ``xlogy(−y, p) + xlogy(−(1 − y), 1 − p)`` with
``xlogy(x, y) = 0 if x == 0 else x·log(max(y, 1e-16f))`` (soft labels allowed),
or ``−log(max(p[label], 1e-16f))``; an impossible prediction costs
−log(1e-16f) ≈ 36.84. The value is ``esum / wsum`` (``esum`` when ``wsum`` is 0),
the sums in double. XGBoost 1.x wrote the binary loss with branches at
``p < eps`` and ``1 − p < eps``; for 0/1 labels the numbers agree.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.errors import FrameworkError
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence

__all__ = ["logloss", "mlogloss"]

ELEMENTWISE = "src/metric/elementwise_metric.cu"
MULTICLASS = "src/metric/multiclass_metric.cu"
EPS = np.float32(1e-16)
_PATH = "xgboost.metric."
_REF = (
    "https://xgboost.readthedocs.io/en/stable/parameter.html#learning-task-parameters"
)

_CAP = Divergence(
    "terms",
    f"probabilities floored at 1e-16f inside the log, in float32: an impossible "
    f"prediction costs {-np.log(EPS):.7g}",
    f"{ELEMENTWISE} EvalRowLogLoss; {MULTICLASS} EvalMultiLogLoss",
)
_CAST = Divergence(
    "reduce",
    "labels, predictions, weights and each row's loss in float32; the sums in "
    "double; wsum = 0 gives esum",
    f"{ELEMENTWISE} EvalRowLogLoss::GetFinal",
)
_xgb = functools.partial(
    Mirror,
    framework="xgboost",
    versions="XGBoost 2.0–3.1 (xlogy form), run against 3.1.3",
    reference=_REF,
    expects="probabilities",
    y_true="label",
    y_pred="prob",
    divergences=(_CAP, _CAST),
)


def _weights(weight: Any, n: int) -> np.ndarray:
    """The row weights as XGBoost stores them: float32, ones when absent."""
    w = (
        np.ones(n, np.float32)
        if weight is None
        else np.asarray(weight).astype(np.float32)
    )
    if w.shape != (n,):
        raise ValueError(
            f"xgboost.metric: `weight` must have one entry per row ({n}); got shape "
            f"{w.shape}"
        )
    return w


def _weighted_mean(stored: np.ndarray, source: str) -> tuple[Step, Step]:
    def weigh(state: State) -> dict[str, Any]:
        # the state's weights (a block's rows of them), else the stored ones (the
        # step in another implementation's plan)
        w = state.get("sample_weight", stored)
        return {"loss": (state["loss"] * w).astype(np.float32), "sample_weight": w}

    def reduce(state: State) -> dict[str, Any]:
        esum = np.sum(state["loss"], dtype=np.float64)
        wsum = np.sum(state["sample_weight"], dtype=np.float64)
        return {"value": np.float64(esum if wsum == 0 else esum / wsum)}

    return (
        Step("weight", "ℓ ← float32(ℓ·w)", weigh, source),
        Step("reduce", "esum / wsum in double (esum when wsum = 0)", reduce, source),
    )


def _output(source: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"], np.float64)}

    return Step("output", "a double", fn, source)


@_xgb(
    summary="mean over rows of the float32 xlogy BCE, probabilities floored at "
    "1e-16f (cap 36.84); esum / wsum",
    labels="binary",
)
def logloss(label: Any, prob: Any, weight: Any = None) -> tuple[Plan, State]:
    """Mirror of XGBoost's ``logloss`` metric (``binary:logistic``).

    Parameters
    ----------
    label : array_like
        ``(N,)`` labels in [0, 1] (soft labels allowed).
    prob : array_like
        ``(N,)`` predicted probabilities (float32 in XGBoost).
    weight : array_like, optional
        ``(N,)`` row weights.

    Returns
    -------
    numpy.ndarray
        A 0-d float64.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.xgboost import metric
    >>> print(metric.logloss(np.array([1, 0]), np.array([0.0, 0.25])).round(4))
    18.5645
    """
    y = np.asarray(label).astype(np.float32)
    p = np.asarray(prob).astype(np.float32, copy=False)  # read only
    if y.ndim != 1 or p.shape != y.shape:
        raise ValueError(
            f"{_PATH}logloss: `label` and `prob` must be 1-D of one shape; got "
            f"{y.shape} and {p.shape}"
        )

    def terms(state: State) -> dict[str, Any]:
        t, q = state["y_true"], state["y_pred"]
        one, zero = np.float32(1), np.float32(0)

        def xlogy(a: np.ndarray, b: np.ndarray) -> Any:
            return np.where(a == zero, zero, a * np.log(np.maximum(b, EPS)))

        loss = xlogy(-t, q) + xlogy(-(one - t), one - q)
        return {"loss": loss.astype(np.float32)}

    w = _weights(weight, y.size)
    weigh, reduce = _weighted_mean(w, f"{ELEMENTWISE} EvalRowLogLoss")
    steps = (
        Step(
            "terms",
            "ℓ ← xlogy(−y, p) + xlogy(−(1 − y), 1 − p), log(max(·, 1e-16f)), float32",
            terms,
            f"{ELEMENTWISE} EvalRowLogLoss",
        ),
        weigh,
        reduce,
        _output(ELEMENTWISE),
    )
    return Plan(_PATH + "logloss", steps), {
        "y_true": y,
        "y_pred": p,
        "sample_weight": w,
    }


@_xgb(
    summary="mean over rows of −log(max(p[label], 1e-16f)) in float32; esum / wsum",
    labels="integer",
)
def mlogloss(label: Any, prob: Any, weight: Any = None) -> tuple[Plan, State]:
    """Mirror of XGBoost's ``mlogloss`` metric (``multi:softprob``).

    Parameters
    ----------
    label : array_like
        ``(N,)`` class ids.
    prob : array_like
        ``(N, K)`` predicted class probabilities.
    weight : array_like, optional
        ``(N,)`` row weights.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.xgboost import metric
    >>> print(metric.mlogloss(np.array([1]), np.array([[0.5, 0.25, 0.25]])).round(4))
    1.3863
    """
    y = np.asarray(label).astype(np.float32)
    p = np.asarray(prob).astype(np.float32, copy=False)  # read only
    if y.ndim != 1 or p.ndim != 2 or p.shape[0] != y.size:
        raise ValueError(
            f"{_PATH}mlogloss: `label` must be (N,) and `prob` (N, K); got {y.shape} "
            f"and {p.shape}"
        )
    k = y.astype(np.int64)
    if np.any((k < 0) | (k >= p.shape[1])):
        raise FrameworkError(
            f"{_PATH}mlogloss: `label` must be in [0, num_class) = [0, {p.shape[1]})",
            framework_type="XGBoostError",  # the library's own class
        )

    def terms(state: State) -> dict[str, Any]:
        q = state["y_pred"]
        pk = q[np.arange(q.shape[0]), state["y_true"].astype(np.int64)]
        return {"loss": np.where(pk > EPS, -np.log(np.maximum(pk, EPS)), -np.log(EPS))}

    w = _weights(weight, y.size)
    weigh, reduce = _weighted_mean(w, f"{MULTICLASS} EvalMultiLogLoss")
    steps = (
        Step(
            "terms",
            "ℓ ← −log p[label], −log(1e-16f) when ≤ 1e-16f, float32",
            terms,
            f"{MULTICLASS} EvalMultiLogLoss",
        ),
        weigh,
        reduce,
        _output(MULTICLASS),
    )
    return Plan(_PATH + "mlogloss", steps), {
        "y_true": y,
        "y_pred": p,
        "sample_weight": w,
    }


guard_module(
    globals(),
    _PATH,
    __all__,
    {
        "label": CHECKS["labels"],
        "prob": CHECKS["y_pred"],
        "weight": CHECKS["sample_weight"],
    },
)
