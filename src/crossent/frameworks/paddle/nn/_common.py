"""What ``paddle.nn.functional``'s cross-entropy mirrors share: the reduction and output.

Sources: ``python/paddle/nn/functional/loss.py`` (PaddlePaddle 2.5–3.3; checked
against 3.3.1 CPU). Used by :mod:`crossent.frameworks.paddle.nn.functional` and
its binary losses (:mod:`crossent.frameworks.paddle.nn._binary`).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import State, Step

__all__ = [
    "LOSS_PY",
    "PATH",
    "REDUCTIONS",
    "REF",
    "check_reduction",
    "mean_all",
    "output",
    "paddle",
    "reduce",
]

LOSS_PY = "python/paddle/nn/functional/loss.py"
PATH = "paddle.nn.functional."
REDUCTIONS = ("mean", "sum", "none")
REF = "https://www.paddlepaddle.org.cn/documentation/docs/en/api/paddle/nn/functional/{}_en.html"

#: what every ``paddle.nn.functional`` mirror declares
paddle = functools.partial(
    Mirror,
    framework="paddle",
    versions="PaddlePaddle 2.5–3.3 (CPU), run against 3.3.1",
    hidden=("name",),
)


def check_reduction(fn: str, reduction: Any) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"The value of 'reduction' in {fn} should be 'sum', 'mean' or 'none', "
            f"but received {reduction}, which is not allowed. ({PATH}{fn}: "
            "`reduction`)"
        )


def mean_all(x: np.ndarray) -> np.ndarray:
    """``mean_all``: the sum over every element / their number (NaN when empty)."""
    if x.size == 0:
        return np.asarray(np.nan, x.dtype)
    return np.asarray(np.sum(x, dtype=x.dtype) / x.dtype.type(x.size), x.dtype)


def reduce(reduction: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if reduction == "sum":
            return {"value": np.asarray(np.sum(loss, dtype=loss.dtype))}
        if reduction == "mean":
            return {"value": mean_all(loss)}
        return {"value": loss}

    formula = {"sum": "Σ ℓ", "mean": "Σ ℓ / N (mean_all: every element)", "none": "ℓ"}
    return Step("reduce", formula[reduction], fn, f"{LOSS_PY} _C_ops.mean_all")


def output(shape: Any = None) -> Step:
    def fn(state: State) -> dict[str, Any]:
        value = np.asarray(state["value"])
        return {"value": value if shape is None else value.reshape(shape)}

    return Step("output", "result in the input's dtype", fn, LOSS_PY)
