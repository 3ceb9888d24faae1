"""Mirror of LightGBM's log-loss metrics (LightGBM 3.x–4.x; checked against 4.6.0).

``binary_logloss`` and ``multi_logloss`` are C++ metrics (``src/metric/
binary_metric.hpp`` ``BinaryLoglossMetric``, ``multiclass_metric.hpp``
``MultiSoftmaxLoglossMetric``) that LightGBM evaluates on the predicted
probabilities of a dataset: ``Booster.eval_train()``, ``evals_result_`` and the
training log print them. The mirrors take those probabilities (what
``predict()`` returns). LightGBM stores labels and weights as float32
(``label_t``) and computes the losses in double; a probability at most
``kEpsilon = 1e-15f`` is capped, so an impossible prediction costs
−log(1e-15f) ≈ 34.54; the value is Σ w·ℓ / Σ w.
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

__all__ = ["binary_logloss", "multi_logloss"]

BINARY = "src/metric/binary_metric.hpp"
MULTI = "src/metric/multiclass_metric.hpp"
#: ``kEpsilon``: a float (1e-15f), promoted to double in the comparison.
K_EPSILON = float(np.float32(1e-15))
#: ``-std::log(kEpsilon)`` is the float overload: the cap is a float32 number.
CAP = float(-np.log(np.float32(K_EPSILON)))
_PATH = "lightgbm.metric."
_REF = "https://lightgbm.readthedocs.io/en/latest/Parameters.html#metric-parameters"

_CAP = Divergence(
    "terms",
    f"a probability ≤ kEpsilon = 1e-15f ({K_EPSILON:.10g}) costs −log(kEpsilon) "
    f"computed in float32, {CAP:.10g}",
    f"{BINARY} BinaryLoglossMetric::LossOnPoint; {MULTI} MultiSoftmaxLoglossMetric",
)
_WEIGHTS = Divergence(
    "weight",
    "labels and weights stored as float32 (label_t); Σ w·ℓ / Σ w in double",
    f"{BINARY} BinaryMetric::Eval",
)
_lgb = functools.partial(
    Mirror,
    framework="lightgbm",
    versions="LightGBM 3.0–4.6 (metric C++ code unchanged), run against 4.6.0",
    reference=_REF,
    expects="probabilities",
    y_true="label",
    y_pred="prob",
    divergences=(_CAP, _WEIGHTS),
)


def stored_weights(weight: Any, n: int, dtype: Any = np.float32) -> np.ndarray:
    """The row weights as LightGBM stores them, in ``dtype`` (ones when absent)."""
    w = np.ones(n, np.float64) if weight is None else np.asarray(weight)
    if w.shape != (n,):
        raise ValueError(
            f"`weight` must have one entry per row ({n}); got shape {w.shape}"
        )
    return w.astype(dtype)


def weights_step(stored: np.ndarray, source: str, dtype: Any = np.float32) -> Step:
    """``ℓ ← w·ℓ`` with the stored weights: the state's ``sample_weight`` (a block's
    rows of them), else ``stored`` (the step in another implementation's plan)."""

    def fn(state: State) -> dict[str, Any]:
        w = state.get("sample_weight", stored)
        return {"loss": state["loss"] * w, "sample_weight": w}

    return Step("weight", f"ℓ ← w·ℓ, w in {np.dtype(dtype)}", fn, source)


def _reduce(source: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        total = float(np.sum(state["loss"], dtype=np.float64))
        wsum = float(np.sum(state["sample_weight"], dtype=np.float64))
        with np.errstate(all="ignore"):
            return {"value": np.float64(total) / np.float64(wsum)}

    return Step("reduce", "Σ w·ℓ / Σ w (double)", fn, source)


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"], np.float64)}

    return Step("output", "a double", fn, BINARY)


def _labels(label: Any, fn: str) -> np.ndarray:
    y = np.asarray(label)
    if y.ndim != 1:
        raise ValueError(f"{_PATH}{fn}: `label` must be 1-D; got shape {y.shape}")
    return y.astype(np.float32)


@_lgb(
    summary="mean over rows of −log p (label > 0) or −log(1 − p), a probability "
    "≤ 1e-15f capped at 34.54; Σ w·ℓ / Σ w",
    labels="binary",
)
def binary_logloss(label: Any, prob: Any, weight: Any = None) -> tuple[Plan, State]:
    """Mirror of LightGBM's ``binary_logloss`` metric.

    Parameters
    ----------
    label : array_like
        ``(N,)``; a label > 0 is positive (LightGBM's binary labels are 0/1).
    prob : array_like
        ``(N,)`` predicted probabilities of the positive class (``predict()``).
    weight : array_like, optional
        ``(N,)`` row weights (stored as float32).

    Returns
    -------
    numpy.ndarray
        A 0-d float64.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.lightgbm import metric
    >>> print(metric.binary_logloss(np.array([1, 0]), np.array([0.0, 0.25])).round(4))
    17.4132
    """
    y = _labels(label, "binary_logloss")
    if np.shape(prob) != y.shape:  # before a float64 copy of what does not fit
        raise ValueError(
            f"{_PATH}binary_logloss: `prob` must have the labels' shape {y.shape}; "
            f"got {np.shape(prob)}"
        )
    p = np.asarray(prob, np.float64)

    def terms(state: State) -> dict[str, Any]:
        q = state["y_pred"]
        pos = state["y_true"] > 0
        side = np.where(pos, q, np.float64(np.float32(1.0)) - q)
        loss = np.where(side > K_EPSILON, -np.log(np.maximum(side, K_EPSILON)), CAP)
        return {"loss": loss}

    w = stored_weights(weight, y.size)
    steps = (
        Step(
            "terms",
            "ℓ ← −log p (y > 0) or −log(1 − p), −log(1e-15f) when ≤ 1e-15f",
            terms,
            f"{BINARY} BinaryLoglossMetric::LossOnPoint",
        ),
        weights_step(w, f"{BINARY} BinaryMetric::Eval"),
        _reduce(f"{BINARY} BinaryMetric::Eval"),
        _output(),
    )
    return Plan(_PATH + "binary_logloss", steps), {
        "y_true": y,
        "y_pred": p,
        "sample_weight": w,
    }


@_lgb(
    summary="mean over rows of −log p[label], a probability ≤ 1e-15f capped at "
    "34.54; Σ w·ℓ / Σ w",
    labels="integer",
)
def multi_logloss(label: Any, prob: Any, weight: Any = None) -> tuple[Plan, State]:
    """Mirror of LightGBM's ``multi_logloss`` metric.

    Parameters
    ----------
    label : array_like
        ``(N,)`` class ids (stored as float32, truncated to an index).
    prob : array_like
        ``(N, K)`` predicted class probabilities.
    weight : array_like, optional
        ``(N,)`` row weights.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.lightgbm import metric
    >>> print(metric.multi_logloss(np.array([1]), np.array([[0.5, 0.25, 0.25]])).round(4))
    1.3863
    """
    y = _labels(label, "multi_logloss")
    p = np.asarray(prob)
    if p.dtype.kind != "f":
        p = p.astype(np.float64)
    if p.ndim != 2 or p.shape[0] != y.size:
        raise ValueError(
            f"{_PATH}multi_logloss: `prob` must be (N, K) with N = {y.size}; got "
            f"{p.shape}"
        )
    k = y.astype(np.int64)
    if np.any((k < 0) | (k >= p.shape[1])):
        raise FrameworkError(
            f"{_PATH}multi_logloss: `label` must lie in [0, {p.shape[1]}) "
            "(Label must be in [0, num_class))",
            framework_type="LightGBMError",  # the library's own class
        )

    def terms(state: State) -> dict[str, Any]:
        q = state["y_pred"]
        # LightGBM holds the scores in double: the picked ones, widened exactly
        pk = q[np.arange(q.shape[0]), state["y_true"].astype(np.int64)]
        pk = pk.astype(np.float64)
        loss = np.where(pk > K_EPSILON, -np.log(np.maximum(pk, K_EPSILON)), CAP)
        return {"loss": loss}

    w = stored_weights(weight, y.size)
    steps = (
        Step(
            "terms",
            "ℓ ← −log p[label], −log(1e-15f) when ≤ 1e-15f",
            terms,
            f"{MULTI} MultiSoftmaxLoglossMetric::LossOnPoint",
        ),
        weights_step(w, f"{MULTI} MulticlassMetric::Eval"),
        _reduce(f"{MULTI} MulticlassMetric::Eval"),
        _output(),
    )
    return Plan(_PATH + "multi_logloss", steps), {
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
