"""Mirror of ``catboost.utils.eval_metric`` for the log losses (CatBoost 1.x;
checked against 1.2.8).

``eval_metric(label, approx, metric, weight=None, ...)`` evaluates a CatBoost
metric on raw scores (``approx``: log-odds, or one score per class) in double:
``Logloss`` binarises the labels at the target border 0.5 (a label > 0.5 is
positive), ``CrossEntropy`` takes soft labels as given, both
``log(1 + e^f) − y·f`` with no ε (a certain wrong prediction costs its margin);
``MultiClass`` is ``logsumexp(f) − f[label]``. The value is Σ w·ℓ / (Σ w + 1e-38)
and comes back as a one-element list, as CatBoost returns it. Sources:
``catboost/libs/metrics/metric.cpp`` (``TCrossEntropyMetric``,
``TMultiClassMetric``, ``GetFinalError``). Labels and weights are stored as
float32.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.errors import FrameworkError
from crossent.frameworks import _steps as st
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence

__all__ = ["eval_metric"]

METRIC_CPP = "catboost/libs/metrics/metric.cpp"
_PATH = "catboost.utils.eval_metric"
#: ``GetFinalError``: Σ error / (Σ weight + 1e-38).
TINY = 1e-38
_METRICS = ("Logloss", "CrossEntropy", "MultiClass")
_REF = "https://catboost.ai/docs/en/concepts/python-reference_utils_eval_metric"

_NO_EPS = Divergence(
    "terms",
    "log(1 + e^f) − y·f from the raw score, no ε: a certain wrong prediction costs "
    "its margin, whatever its size",
    f"{METRIC_CPP} TCrossEntropyMetric",
)
_FINAL = Divergence(
    "reduce",
    f"Σ w·ℓ / (Σ w + {TINY:g}): all weights 0 gives 0",
    f"{METRIC_CPP} GetFinalError",
)


def _one_element_list(value: Any) -> list[float]:
    return [float(value)]


_cat = functools.partial(
    Mirror,
    framework="catboost",
    versions="CatBoost 1.0–1.2, run against 1.2.8",
    reference=_REF,
    expects="logits",
    y_true="label",
    y_pred="approx",
    hidden=("group_id", "group_weight", "subgroup_id", "pairs", "thread_count"),
    result=_one_element_list,
)


def _plan_binary(metric: str) -> list[Step]:
    steps: list[Step] = []
    if metric == "Logloss":

        def border(state: State) -> dict[str, Any]:
            return {"y_true": (state["y_true"] > 0.5).astype(np.float64)}

        steps.append(
            Step("cast", "y ← y > 0.5 (target border)", border, f"{METRIC_CPP} Logloss")
        )

    def terms(state: State) -> dict[str, Any]:
        z, t = state["y_pred"], state["y_true"]
        with np.errstate(over="ignore"):
            soft = np.log(1.0 + np.exp(z))  # 1 + e^{-40} rounds to 1: exactly 0
        return {"loss": np.where(np.isinf(soft), z, soft) - t * z}

    steps.append(
        Step(
            "terms",
            "ℓ ← log(1 + e^f) − y·f in double (f where e^f overflows)",
            terms,
            f"{METRIC_CPP} TCrossEntropyMetric",
        )
    )
    return steps


def _plan_multiclass(y: np.ndarray, f: np.ndarray) -> list[Step]:
    k = y.astype(np.int64)
    if np.any((k != y) | (k < 0) | (k >= f.shape[1])):
        raise FrameworkError(
            f"{_PATH}: `label` of MultiClass must be class ids in [0, {f.shape[1]})",
            framework_type="CatBoostError",
        )

    def terms(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        m = np.max(z, axis=1, keepdims=True)
        lse = (m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True)))[:, 0]
        # the state's class ids (a block's rows of them); these, in another
        # implementation's plan whose targets are not ids
        ids = state["y_true"]
        labels = ids.astype(np.int64) if np.shape(ids) == z.shape[:1] else k
        return {"loss": lse - z[np.arange(z.shape[0]), labels]}

    return [
        st.cast(
            np.float64,
            source=f"{METRIC_CPP} TMultiClassMetric",
            keys=("y_pred",),
            why="CatBoost holds approx in double",
        ),
        Step(
            "terms",
            "ℓ ← log Σ_c e^{f_c} − f_label",
            terms,
            f"{METRIC_CPP} TMultiClassMetric",
        ),
    ]


def eval_metric(
    label: Any,
    approx: Any,
    metric: str,
    weight: Any = None,
    group_id: Any = None,
    group_weight: Any = None,
    subgroup_id: Any = None,
    pairs: Any = None,
    thread_count: int = -1,
) -> tuple[Plan, State]:
    """Mirror of ``catboost.utils.eval_metric`` for Logloss, CrossEntropy, MultiClass.

    Parameters
    ----------
    label : array_like
        ``(N,)`` labels: 0/1 (binarised at 0.5) for Logloss, probabilities for
        CrossEntropy, class ids for MultiClass.
    approx : array_like
        ``(N,)`` raw scores (log-odds), or ``(N, K)`` class scores for MultiClass
        (CatBoost takes them as a nested list).
    metric : {"Logloss", "CrossEntropy", "MultiClass"}
        Other metrics are not mirrored (ValueError).
    weight : array_like, optional
        ``(N,)`` row weights.
    group_id, group_weight, subgroup_id, pairs, thread_count
        Ranking arguments, ignored by these metrics.

    Returns
    -------
    list of float
        One value, as CatBoost returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.catboost import utils
    >>> out = utils.eval_metric(np.array([1.0, 0.0]), np.array([0.0, 30.0]), "Logloss")
    >>> [round(v, 6) for v in out]  # (log 2 + 30) / 2
    [15.346574]
    """
    name = str(metric).split(":", 1)[0]
    if name not in _METRICS:
        raise ValueError(
            f"{_PATH}: `metric` must be one of {_METRICS} (the log losses "
            f"crossent mirrors); got {metric!r}"
        )
    y = np.asarray(label, np.float32).astype(np.float64)  # targets are float32
    multi = name == "MultiClass"
    shape = np.shape(approx)
    n = y.shape[0] if y.ndim == 1 else -1
    if n < 0 or shape[:1] != (n,) or (len(shape) != 2 if multi else len(shape) != 1):
        raise FrameworkError(
            f"Label and approx should have same sizes ({_PATH}: `label` (N,) and "
            f"`approx` {'(N, K)' if multi else '(N,)'}; got {y.shape} and {shape})",
            framework_type="CatBoostError",
        )
    f = np.asarray(approx)
    if not (multi and f.dtype.kind == "f"):
        f = np.asarray(approx, np.float64)  # (N, K) floats: the "cast" step, by rows
    w = (
        np.ones(n)
        if weight is None
        else np.asarray(weight, np.float32).astype(np.float64)
    )
    if w.shape != (n,):
        raise FrameworkError(
            f"{_PATH}: `weight` must have one entry per row ({n}); got {w.shape}",
            framework_type="CatBoostError",
        )
    steps = _plan_multiclass(y, f) if multi else _plan_binary(name)

    def weigh(state: State) -> dict[str, Any]:
        # the state's weights (a block's rows of them), else these (the step in
        # another implementation's plan)
        rows_w = state.get("sample_weight", w)
        return {"loss": state["loss"] * rows_w, "sample_weight": rows_w}

    def reduce(state: State) -> dict[str, Any]:
        total = np.sum(state["loss"])
        return {"value": total / (np.sum(state["sample_weight"]) + TINY)}

    def output(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"], np.float64)}

    steps += [
        Step("weight", "ℓ ← w·ℓ", weigh, f"{METRIC_CPP} GetFinalError"),
        Step(
            "reduce", f"Σ w·ℓ / (Σ w + {TINY:g})", reduce, f"{METRIC_CPP} GetFinalError"
        ),
        Step("output", "a one-element list of float", output, METRIC_CPP),
    ]
    return Plan(f"{_PATH}[{name}]", tuple(steps), {"metric": name}), {
        "y_true": y,
        "y_pred": f,
        "sample_weight": w,
    }


_raw = eval_metric
eval_metric = _cat(
    path=_PATH + "[Logloss]",
    summary="eval_metric(..., 'Logloss'): labels binarised at 0.5, log(1 + e^f) − y·f "
    "from raw scores, no ε; Σwℓ / (Σw + 1e-38)",
    labels="binary",
    defaults={"metric": "Logloss"},
    divergences=(
        Divergence("cast", "labels > 0.5 are positive (target_border)", METRIC_CPP),
        _NO_EPS,
        _FINAL,
    ),
)(_raw)
_cat(
    path=_PATH + "[CrossEntropy]",
    summary="eval_metric(..., 'CrossEntropy'): soft labels, log(1 + e^f) − y·f from "
    "raw scores, no ε; Σwℓ / (Σw + 1e-38)",
    labels="binary",
    defaults={"metric": "CrossEntropy"},
    divergences=(_NO_EPS, _FINAL),
)(_raw)
_cat(
    path=_PATH + "[MultiClass]",
    summary="eval_metric(..., 'MultiClass'): logsumexp(f) − f[label] from raw class "
    "scores (N, K); Σwℓ / (Σw + 1e-38)",
    labels="integer",
    defaults={"metric": "MultiClass"},
    divergences=(_FINAL,),
)(_raw)

guard_module(
    globals(),
    "catboost.utils.",
    __all__,
    {
        "label": CHECKS["labels"],
        "approx": CHECKS["logits"],
        "weight": CHECKS["sample_weight"],
    },
)
