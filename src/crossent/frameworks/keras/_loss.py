"""Keras 3 ``Loss.__call__`` as plan steps: dtype, rank fixing, masks, weights, reduction.

Source: ``keras/src/losses/loss.py`` (``Loss.__call__``, ``standardize_reduction``,
``squeeze_or_expand_to_same_rank``, ``reduce_weighted_values``, ``apply_mask``,
``reduce_values``) and ``keras/src/losses/losses.py`` (``LossFunctionWrapper``),
keras 3.15.1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Literal, get_args

import numpy as np

from crossent.frameworks import _steps as st
from crossent.frameworks._plan import STEP_ORDER, Plan, State, Step
from crossent.frameworks.keras._tf_ops import invalid_argument, tf_sum

__all__ = [
    "LOSS",
    "REDUCTIONS",
    "Reduction",
    "assemble",
    "compute_dtype",
    "convert_for_loss",
    "loss_cast",
    "rank_fix",
    "reduce_step",
    "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
    "weight_step",
]

LOSS = "keras/src/losses/loss.py"

Reduction = Literal[
    "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"
]
#: what ``standardize_reduction`` accepts
REDUCTIONS: tuple[str | None, ...] = (*get_args(Reduction), None)
_MEANS = ("sum_over_batch_size", "mean")


def standardize_reduction(reduction: Any, owner: str) -> str | None:
    """``reduction`` if Keras accepts it; ``ValueError`` naming the choices otherwise."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{owner}: `reduction` must be one of {REDUCTIONS}; got {reduction!r}."
        )
    return reduction  # type: ignore[no-any-return]


def compute_dtype(dtype: Any, owner: str) -> np.dtype[Any]:
    """The compute dtype of ``dtype or keras.backend.floatx()`` (a dtype policy)."""
    if dtype is None:
        return np.dtype(np.float32)
    name: Any = getattr(dtype, "compute_dtype", dtype)
    if isinstance(name, str):
        name = name.removeprefix("mixed_")
        if name == "bfloat16":
            import ml_dtypes  # only here: its import costs up to a second

            bf16: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
            return bf16
    try:
        dt: np.dtype[Any] = np.dtype(name)
    except TypeError:
        raise ValueError(
            f"{owner}: `dtype` must name a float dtype or dtype policy (such as "
            f"'float32', 'float64', 'mixed_float16'); got {dtype!r}."
        ) from None
    if dt.kind != "f" and dt.name != "bfloat16":
        raise TypeError(
            f"{owner}: `dtype` must be a floating-point dtype, since the loss is "
            f"computed in it; got {dtype!r}."
        )
    return dt


def convert_for_loss(x: Any) -> Any:
    """The input of ``ops.convert_to_tensor(x, dtype=...)``, before the cast step.

    Python lists go through float64 (exact for Python floats), so the cast step
    rounds each number once, as TensorFlow does.
    """
    return None if x is None else np.asarray(x)


def loss_cast(dtype: np.dtype[Any]) -> Step:
    """``Loss.__call__``: inputs and sample weights converted to the loss dtype."""
    return st.cast(
        dtype,
        source=f"{LOSS} Loss.__call__",
        keys=("y_pred", "y_true", "sample_weight"),
        why="Loss.__call__ converts every input to the loss dtype",
    )


def squeeze_or_expand_to_same_rank(
    x1: np.ndarray, x2: np.ndarray, expand_rank_1: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Squeeze or expand a trailing size-1 axis when the ranks differ by one."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = np.expand_dims(x2, -1)
        else:
            x1 = np.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = np.expand_dims(x1, -1)
        else:
            x2 = np.squeeze(x2, -1)
    return x1, x2


def _shape_changes(before: State, after: State) -> str:
    parts = []
    for k in ("y_true", "y_pred"):
        b, a = before.get(k), after.get(k)
        if b is not None and a is not None and np.shape(b) != np.shape(a):
            parts.append(f"{k} {np.shape(b)} → {np.shape(a)}")
    return "; ".join(parts)


def rank_fix() -> Step:
    """``LossFunctionWrapper.call``: ``squeeze_or_expand_to_same_rank(y_true, y_pred)``."""

    def fn(state: State) -> dict[str, Any]:
        y, p = squeeze_or_expand_to_same_rank(state["y_true"], state["y_pred"])
        return {"y_true": y, "y_pred": p}

    return Step(
        "squeeze",
        "squeeze or expand a trailing size-1 axis so y and p have the same rank",
        fn,
        f"{LOSS} squeeze_or_expand_to_same_rank",
        _shape_changes,
    )


def _broadcast_multiply(a: np.ndarray, b: np.ndarray, what: str) -> np.ndarray:
    try:
        return np.asarray(a * b)
    except ValueError:
        raise invalid_argument(
            f"keras Loss: `sample_weight` must broadcast against the {what}; got "
            f"shapes {a.shape} and {b.shape}. (TensorFlow: Incompatible shapes. "
            f"A (B,) weight meets (B, T) losses on the LAST axis; pass (B, 1).)"
        ) from None


def weight_step(dtype: np.dtype[Any], reduction: str | None) -> Step:
    """``apply_mask`` then ``values * sample_weight`` (NumPy broadcasting)."""

    def fn(state: State) -> dict[str, Any]:
        values = np.asarray(state["loss"]).astype(dtype, copy=False)
        sw, mask = state.get("sample_weight"), state.get("mask")
        if mask is not None:
            mask = np.asarray(mask)
            if reduction in _MEANS:
                # valid entries weigh total/valid, so that the later division by the
                # number of elements becomes a division by the number of valid ones
                total = dtype.type(np.prod(mask.shape, dtype=np.int32))
                valid = tf_sum(mask.astype(dtype))
                mask_weight = _divide_no_nan(total, valid, dtype)
                float_mask = np.where(mask.astype(bool), mask_weight, dtype.type(0))
            else:
                float_mask = mask.astype(dtype)
            float_mask = float_mask.astype(dtype, copy=False)
            if sw is not None:
                sw = np.asarray(sw).astype(dtype, copy=False)
                float_mask, sw = squeeze_or_expand_to_same_rank(float_mask, sw)
                sw = _broadcast_multiply(sw, float_mask, "mask")
            else:
                sw = float_mask
        if sw is not None:
            sw = np.asarray(sw).astype(dtype, copy=False)
            values, sw = squeeze_or_expand_to_same_rank(values, sw)
            values = _broadcast_multiply(values, sw, "losses")
        return {"loss": values, "sample_weight": sw}

    def describe(before: State, after: State) -> str:
        b, a = np.shape(before["loss"]), np.shape(after["loss"])
        sw = before.get("sample_weight")
        parts = []
        if before.get("mask") is not None:
            m = np.asarray(before["mask"])
            parts.append(f"{int(np.sum(~m.astype(bool)))} of {m.size} entries masked")
        if sw is not None and np.ndim(sw) == len(b) == 2 and np.shape(sw)[-1] != 1:
            parts.append("per-element weights")
        if sw is not None and len(b) == 2 and np.ndim(sw) == 1:
            parts.append(
                f"weights of shape {np.shape(sw)} broadcast against the LAST axis of "
                f"losses of shape {b}"
            )
        if b == () and a != b:
            parts.append(
                f"the loss is already one number (1-D inputs were averaged over the "
                f"batch); times weights of shape {a} it becomes {a} copies"
            )
        elif a != b:
            parts.append(f"losses {b} → {a} by broadcasting")
        return "; ".join(parts)

    formula = "ℓ ← ℓ · w (w merged with the mask: w·total/valid for means)"
    return Step("weight", formula, fn, f"{LOSS} reduce_weighted_values", describe)


def _divide_no_nan(x: Any, y: Any, dtype: np.dtype[Any]) -> Any:
    x, y = np.asarray(x, dtype), np.asarray(y, dtype)
    with np.errstate(all="ignore"):
        q = x / y
    return np.where(y == 0, np.zeros_like(q), q)[()]


def reduce_step(dtype: np.dtype[Any], reduction: str | None) -> Step:
    """``reduce_values``: sum, then divide (``divide_no_nan``) by the count or Σw."""

    def fn(state: State) -> dict[str, Any]:
        values = np.asarray(state["loss"]).astype(dtype, copy=False)
        if reduction in (None, "none") or values.shape in ((), (0,)):
            return {"loss": values}
        total = np.asarray(tf_sum(values)).astype(dtype)
        if reduction == "sum":
            return {"loss": np.asarray(total, dtype)}
        sw = state.get("sample_weight")
        if reduction == "mean_with_sample_weight" and sw is not None:
            divisor = np.asarray(tf_sum(np.asarray(sw).astype(dtype))).astype(dtype)
        else:
            divisor = dtype.type(np.prod(values.shape, dtype=np.int32))
        return {"loss": np.asarray(_divide_no_nan(total, divisor, dtype), dtype)}

    def describe(before: State, after: State) -> str:
        shape = np.shape(before["loss"])
        if reduction in (None, "none"):
            return ""
        if shape == (0,):
            return "empty batch: the empty array is returned as is"
        if shape == ():
            return "already a scalar (not divided)"
        if reduction == "sum":
            return f"summed {int(np.prod(shape))} values"
        sw = before.get("sample_weight")
        if reduction == "mean_with_sample_weight" and sw is not None:
            return f"sum / Σw = sum / {st.fmt(np.sum(np.asarray(sw, np.float64)))}"
        return f"sum / {int(np.prod(shape))} (the number of loss elements)"

    formulas = {
        None: "no reduction",
        "none": "no reduction",
        "sum": "L ← Σ ℓ",
        "sum_over_batch_size": "L ← Σ ℓ / #elements (0/0 → 0)",
        "mean": "L ← Σ ℓ / #elements (0/0 → 0)",
        "mean_with_sample_weight": "L ← Σ ℓ / Σ w (0/0 → 0)",
    }
    source = f"{LOSS} reduce_values"
    return Step("reduce", formulas[reduction], fn, source, describe)


def _compose(steps: list[Step]) -> Step:
    """Several steps of one name run one after the other, as one step."""
    if len(steps) == 1:
        return steps[0]

    def fn(state: State) -> dict[str, Any]:
        current = dict(state)
        for s in steps:
            current = s.apply(current)
        return {k: v for k, v in current.items() if state.get(k) is not v}

    def describe(before: State, after: State) -> str:
        parts, current = [], dict(before)
        for s in steps:
            nxt = s.apply(current)
            if s.describe is not None:
                text = s.describe(current, nxt)
                if text:
                    parts.append(text)
            current = nxt
        return "; ".join(parts)

    formula = "; ".join(s.formula for s in steps)
    source = "; ".join(dict.fromkeys(s.source for s in steps if s.source))
    return replace(steps[0], formula=formula, fn=fn, source=source, describe=describe)


def assemble(
    path: str, steps: Iterable[Step], options: dict[str, Any] | None = None
) -> Plan:
    """A plan from steps given in run order; steps sharing a name are composed."""
    grouped: dict[str, list[Step]] = {}
    for s in steps:
        grouped.setdefault(s.name, []).append(s)
    ordered = sorted(grouped, key=STEP_ORDER.index)
    return Plan(path, tuple(_compose(grouped[n]) for n in ordered), options or {})
