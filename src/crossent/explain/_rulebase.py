"""What the diagnosis rules share: Keras' clip bounds, exact per-example losses,
running a registered implementation, element lists."""

from __future__ import annotations

from typing import Any

import numpy as np

import crossent._core as core
from crossent.explain._facts import Facts
from crossent.explain._question import bind_impl
from crossent.frameworks._registry import registry
from crossent.frameworks._rows import run_value

__all__ = [
    "F32_HI",
    "F32_LO",
    "KERAS_EPS",
    "_BYTES",
    "_PROBS_FIX",
    "_at_most_float32",
    "_dense_labels",
    "_exact_ce",
    "_in_unit_interval",
    "_per_example",
    "_rows",
    "_softmax_ce",
    "_where",
    "run_implementation",
]


KERAS_EPS = 1e-7


F32_LO = float(np.float32(KERAS_EPS))


F32_HI = float(np.float32(1 - KERAS_EPS))


def run_implementation(path: str, y_true: Any, y_pred: Any, **options: Any) -> Any:
    """The value of a registered implementation, or None if it is missing or fails."""
    impl = registry().get(path)
    if impl is None:
        return None
    try:
        with np.errstate(all="ignore"):
            plan, state = bind_impl(impl, y_true, y_pred, **options)
            return run_value(plan, state)
    except Exception:
        return None


def _rows(mask: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(map(tuple, np.argwhere(mask).tolist()))


def _at_most_float32(f: Facts) -> bool:
    """Whether every prediction is exactly a float32 (so comparing with float32
    constants in float64 gives what the float32 comparison gives)."""
    return f.dtype in ("float32", "float16", "bfloat16")


def _where(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, idx)) + "]"


def _exact_ce(f: Facts, y_pred: np.ndarray | None = None) -> np.ndarray:
    if y_pred is None:
        cached: np.ndarray = f.memo("exact_ce", lambda: _exact_ce(f, f.y_pred))
        return cached
    with np.errstate(all="ignore"):
        return np.asarray(
            core.cross_entropy(_in_unit_interval(y_pred), _dense_labels(f))
        )


def _dense_labels(f: Facts) -> np.ndarray:
    """The one-hot (or soft) targets in float64, without copying them if they are."""
    return f.one_hot.astype(np.float64, copy=False)


def _in_unit_interval(p: np.ndarray) -> np.ndarray:
    """``p`` clipped to [0, 1]; ``p`` itself when nothing is outside (no copy)."""
    if np.any(p < 0) or np.any(p > 1):  # NaN compares false: it stays NaN
        return np.asarray(np.clip(p, 0, 1))
    return p


def _softmax_ce(f: Facts) -> np.ndarray:
    def compute() -> np.ndarray:
        ids = f.y_true
        if f.label_kind == "integer" and np.all((ids >= 0) & (ids < f.num_classes)):
            # class ids as they are: no N × C one-hot beside the predictions
            return np.asarray(
                core.softmax_cross_entropy_with_integer_labels(f.y_pred, ids)
            )
        return np.asarray(core.softmax_cross_entropy(f.y_pred, _dense_labels(f)))

    cached: np.ndarray = f.memo("softmax_ce", compute)
    return cached


# --------------------------------------------------------------------- probabilities


_PROBS_FIX = (
    "Pass the pre-softmax logits, or use the probability form "
    "(from_logits=False; NLLLoss(log(p)); BCELoss)."
)


_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}


def _per_example(f: Facts) -> np.ndarray:
    """Exact per-example losses (logits or probabilities, dense or integer labels)."""
    if f.pred_kind == "logits" or f.from_logits:
        return _softmax_ce(f)
    return _exact_ce(f)
