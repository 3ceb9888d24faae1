"""Mirror of ``mlx.nn.losses``' cross-entropy losses (MLX 0.2x–0.32; checked against
0.32.4 with mlx-cpu on Linux x86-64).

Source: ml-explore/mlx ``python/mlx/nn/losses.py`` (``cross_entropy``,
``binary_cross_entropy``, ``_reduce``). NumPy float64 becomes float32
(``mx.array``), Python floats float32 and ints int32. The CPU path (the GPU's
``mx.fast.cross_entropy`` is not modelled):

* ``cross_entropy`` defaults to ``reduction='none'``; ``z ← z − max z``, the
  score ``z_y`` (class ids) or ``Σ z·t`` (probabilities of the logits' shape),
  ``loss = logsumexp(z) − score``; smoothing ``ls``:
  ``logsumexp(z) − (1 − ls)·score − ls·mean(z)``;
* ``weights`` must have the loss' shape and multiply it; ``'mean'`` divides by
  the number of elements, not by Σ w, and there is no ignore index;
* class ids are not checked by MLX (an id outside ``[0, C)`` reads whatever is
  there): the mirror refuses them rather than invent a number;
* ``binary_cross_entropy`` defaults to ``with_logits=True`` and ``'mean'``:
  ``logaddexp(0, x) − x·y``, or on probabilities ``−[y·max(log p, −100) +
  (1 − y)·max(log(1 − p), −100)]`` (NaN outside [0, 1]).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.frameworks._convert import as_jax
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence

__all__ = ["binary_cross_entropy", "cross_entropy"]

SRC = "python/mlx/nn/losses.py"
_PATH = "mlx.nn.losses."
_REDUCTIONS = ("none", "mean", "sum")
_REF = "https://ml-explore.github.io/mlx/build/html/python/nn/_autosummary_functions/mlx.nn.losses.{}.html"

_MEAN = Divergence(
    "reduce",
    "weights multiply the elements but 'mean' divides by their number, not by Σ w; "
    "no ignore index",
    f"{SRC} _reduce",
)
_mlx = functools.partial(
    Mirror,
    framework="mlx",
    versions="MLX 0.20–0.32 (CPU path), run against 0.32.4",
    y_true="targets",
)


def _array(x: Any) -> np.ndarray:
    """``mx.array``: 64-bit types become 32-bit (``as_jax`` does the same)."""
    return np.asarray(as_jax(x))


def _reduce(reduction: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if reduction == "mean":
            return {"value": np.asarray(np.mean(loss, dtype=loss.dtype))}
        if reduction == "sum":
            return {"value": np.asarray(np.sum(loss, dtype=loss.dtype))}
        return {"value": loss}

    formula = {"mean": "Σ ℓ / #elements", "sum": "Σ ℓ", "none": "ℓ"}[reduction]
    return Step("reduce", formula, fn, f"{SRC} _reduce")


def _weights(w: Any, shape: tuple[int, ...]) -> Step | None:
    if w is None:
        return None
    arr = _array(w)
    if arr.shape != shape:
        raise ValueError(
            f"Weights with shape {arr.shape} is not the same as output loss with "
            f"shape {shape}."
        )

    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        return {"loss": (loss * arr).astype(np.result_type(loss.dtype, arr.dtype))}

    return Step("weight", "ℓ ← w·ℓ (elementwise)", fn, SRC)


def _check_reduction(reduction: Any) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid reduction. Must be one of {_REDUCTIONS}.")


@_mlx(
    reference=_REF.format("cross_entropy"),
    summary="softmax CE from logits, class ids or probabilities; unreduced by "
    "default; weights elementwise, 'mean' over N",
    expects="logits",
    labels="integer",
    y_pred="logits",
    divergences=(
        Divergence("reduce", "reduction='none' by default", f"{SRC} cross_entropy"),
        _MEAN,
    ),
    options={"reduction": _REDUCTIONS, "label_smoothing": (0.0, 0.1)},
)
def cross_entropy(
    logits: Any,
    targets: Any,
    weights: Any = None,
    axis: int = -1,
    label_smoothing: float = 0.0,
    reduction: str = "none",
) -> tuple[Plan, State]:
    """Mirror of ``mlx.nn.losses.cross_entropy`` (CPU path).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.mlx.nn import losses
    >>> z = np.float32([[1, 2, 3], [3, 1, 0]])
    >>> print(losses.cross_entropy(z, np.array([1, 0])).round(4))
    [1.4076 0.1698]
    >>> print(losses.cross_entropy(z, np.array([1, 0]), weights=np.float32([1, 0]), reduction="mean").round(4))
    0.7038
    """
    ls = float(label_smoothing)
    if ls < 0 or ls >= 1:
        raise ValueError(f"Label smoothing must be in [0, 1), got {label_smoothing}.")
    _check_reduction(reduction)
    x, t = _array(logits), _array(targets)
    if x.ndim == 0:
        raise ValueError(f"{_PATH}cross_entropy: `logits` must have a class axis")
    ax = axis % x.ndim
    probs = t.ndim == x.ndim
    dropped = x.shape[:ax] + x.shape[ax + 1 :]
    if (probs and t.shape != x.shape) or (not probs and t.shape != dropped):
        raise ValueError(
            f"Targets shape {t.shape} does not match logits shape {x.shape}."
        )
    if not probs and np.any((t < 0) | (t >= x.shape[ax])):
        raise ValueError(
            f"{_PATH}cross_entropy: `targets` holds class ids outside [0, "
            f"{x.shape[ax]}), which MLX does not check (its number is meaningless)"
        )
    if x.dtype.kind != "f" and x.dtype.name != "bfloat16":  # MLX keeps bfloat16
        x = x.astype(np.float32)

    def activation(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        sh = z - np.max(z, axis=ax, keepdims=True)
        m = np.max(sh, axis=ax, keepdims=True)
        lse = (m + np.log(np.sum(np.exp(sh - m), axis=ax, keepdims=True))).squeeze(ax)
        return {"shifted": sh, "lse": lse.astype(z.dtype)}

    def terms(state: State) -> dict[str, Any]:
        sh, y = state["shifted"], state["y_true"]
        if probs:
            score = np.sum(sh * y.astype(sh.dtype), axis=ax, dtype=sh.dtype)
        else:
            idx = np.expand_dims(y.astype(np.int64), ax)
            score = np.take_along_axis(sh, idx, ax).squeeze(ax)
        if ls > 0:
            mean = np.mean(sh, axis=ax, dtype=sh.dtype)
            loss = (
                state["lse"]
                - sh.dtype.type(1 - ls) * score
                + (-mean * sh.dtype.type(ls))
            )
        else:
            loss = state["lse"] - score
        return {"loss": np.asarray(loss, sh.dtype)}

    steps: list[Step | None] = [
        Step(
            "activation",
            "z ← z − max z; logsumexp(z)",
            activation,
            f"{SRC} cross_entropy",
        ),
        Step(
            "terms",
            "ℓ ← logsumexp(z) − score" + (f", smoothed by {ls:g}" if ls > 0 else ""),
            terms,
            f"{SRC} cross_entropy",
        ),
        _weights(weights, dropped),
        _reduce(reduction),
    ]
    plan = Plan(_PATH + "cross_entropy", tuple(s for s in steps if s is not None))
    return plan, {"y_true": t, "y_pred": x}


@_mlx(
    reference=_REF.format("binary_cross_entropy"),
    summary="elementwise BCE from logits (default) or probabilities (logs clamped "
    "at −100); 'mean' over all elements by default",
    expects="logits",
    labels="binary",
    y_pred="inputs",
    divergences=(
        Divergence(
            "terms",
            "with_logits=False: log p and log(1 − p) clamped at −100; p outside "
            "[0, 1] gives NaN",
            f"{SRC} binary_cross_entropy",
        ),
        _MEAN,
    ),
    options={"reduction": _REDUCTIONS, "with_logits": (True, False)},
)
def binary_cross_entropy(
    inputs: Any,
    targets: Any,
    weights: Any = None,
    with_logits: bool = True,
    reduction: str = "mean",
) -> tuple[Plan, State]:
    """Mirror of ``mlx.nn.losses.binary_cross_entropy``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.mlx.nn import losses
    >>> print(losses.binary_cross_entropy(np.float32([0.0]), np.float32([1.0])).round(4))
    0.6931
    >>> print(losses.binary_cross_entropy(np.float32([0.0]), np.float32([1.0]), with_logits=False))
    100.0
    """
    x, t = _array(inputs), _array(targets)
    if x.shape != t.shape:
        raise ValueError(
            f"Inputs shape {x.shape} does not match targets shape {t.shape}."
        )
    _check_reduction(reduction)
    if x.dtype.kind != "f" and x.dtype.name != "bfloat16":  # MLX keeps bfloat16
        x = x.astype(np.float32)

    def terms(state: State) -> dict[str, Any]:
        z, y = state["y_pred"], state["y_true"].astype(state["y_pred"].dtype)
        one = z.dtype.type(1)
        if with_logits:
            return {"loss": (np.logaddexp(z.dtype.type(0), z) - z * y).astype(z.dtype)}
        floor = z.dtype.type(-100)
        lp = np.maximum(np.log(z), floor)
        l1 = np.maximum(np.log(one - z), floor)
        return {"loss": (-(y * lp + (one - y) * l1)).astype(z.dtype)}

    formula = (
        "ℓ ← logaddexp(0, x) − x·y"
        if with_logits
        else "ℓ ← −[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)]"
    )
    steps: list[Step | None] = [
        Step("terms", formula, terms, f"{SRC} binary_cross_entropy"),
        _weights(weights, x.shape),
        _reduce(reduction),
    ]
    plan = Plan(
        _PATH + "binary_cross_entropy", tuple(s for s in steps if s is not None)
    )
    return plan, {"y_true": t, "y_pred": x}


guard_module(
    globals(),
    _PATH,
    __all__,
    {
        "targets": CHECKS["labels"],
        "inputs": CHECKS["logits"],
        "weights": CHECKS["sample_weight"],
        "with_logits": CHECKS["from_logits"],
    },
)
