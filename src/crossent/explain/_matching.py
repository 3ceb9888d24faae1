"""When a computed value reproduces an observed number: the digits the user wrote,
the rounding of the implementation's own dtype, and what a half-precision result
cannot have printed."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np

__all__ = [
    "decimal_tolerance",
    "float32_could_match",
    "matches",
    "observed_array",
]


def observed_array(fn: str, observed: Any, name: str = "observed") -> np.ndarray:
    """``observed`` as an array of numbers (a float32 keeps its dtype, which says
    how it was rounded), or a ValueError naming ``fn`` and the argument."""
    try:
        obs = np.asarray(
            observed, dtype=np.float64 if not hasattr(observed, "dtype") else None
        )
    except (TypeError, ValueError):
        obs = np.asarray([observed], dtype=object)  # reported below
    if isinstance(observed, (bool, np.bool_)) or np.asarray(observed).dtype == bool:
        obs = np.asarray([observed], dtype=object)  # True is no loss value
    not_numbers = obs.dtype.kind not in "iuf" and obs.dtype.name != "bfloat16"
    if observed is None or (not_numbers and obs.size):  # [] from empty inputs is fine
        raise ValueError(
            f"{fn}: `{name}` must be the number (or array of numbers) you "
            f"{'saw' if name == 'observed' else 'expected'}, such "
            f"as 0.0946 or [0.105, 0.805]; got {observed!r}."
        )
    return obs


def decimal_tolerance(observed: Any) -> np.ndarray:
    """Half a unit in the last printed digit of each observed number.

    A Python float is read through its shortest repr (``0.0946`` → ±5e-5);
    NumPy float32 values get their own rounding (±½ ulp).
    """
    arr = np.asarray(observed)
    if arr.dtype.kind == "f" and arr.dtype != np.float64:
        return np.asarray(np.spacing(np.abs(arr).astype(arr.dtype)), np.float64) / 2
    flat = [
        0.5 * 10.0 ** int(Decimal(repr(float(x))).as_tuple().exponent)
        if math.isfinite(x)
        else 0.0
        for x in np.asarray(arr, np.float64).reshape(-1)
    ]
    return np.asarray(flat, np.float64).reshape(arr.shape)


def _rounding_tolerance(value: np.ndarray) -> np.ndarray:
    """The rounding an implementation's own dtype allows (4 ulp-ish, relative)."""
    dtype = value.dtype
    eps = 2.0**-7 if dtype.name == "bfloat16" else float(np.finfo(dtype).eps)
    return 4 * eps * (1 + np.abs(value.astype(np.float64)))


def _off_grid(value: np.ndarray, observed: np.ndarray) -> bool:
    """Whether a half-precision result cannot have printed ``observed``: a number
    written with more digits than float16/bfloat16 hold, and not on their grid.

    A float16 loss of 0.00775 prints as 0.00775146484375 (on the grid) or with a few
    digits (0.00775); 0.0077149271965026855 is a float32 number, whatever the
    4·eps rounding allowance of a float16 computation would admit.
    """
    if value.dtype.itemsize > 2 or observed.dtype != np.float64:
        return False
    with np.errstate(all="ignore"):
        on_grid = observed.astype(value.dtype).astype(np.float64) == observed
        spacing = np.spacing(np.abs(value).astype(value.dtype)).astype(np.float64)
        precise = (
            decimal_tolerance(observed) < np.broadcast_to(spacing, observed.shape) / 2
        )
    fin = np.isfinite(observed)
    return bool(np.any(precise & ~on_grid & fin))


def matches(value: Any, observed: np.ndarray, tol: np.ndarray | None) -> float | None:
    v = np.asarray(value)
    if v.dtype.kind not in "fV":
        return None
    if v.shape != observed.shape:
        return None
    vf, of = v.astype(np.float64), observed.astype(np.float64)
    same_special = np.array_equal(np.isnan(vf), np.isnan(of)) and np.array_equal(
        np.where(np.isinf(vf), vf, 0), np.where(np.isinf(of), of, 0)
    )
    if not same_special:
        return None
    if _off_grid(v, observed):
        return None
    fin = np.isfinite(of)
    allowed = (
        decimal_tolerance(observed) if tol is None else tol
    ) + _rounding_tolerance(v)
    diff = np.abs(vf[fin] - of[fin])
    if not np.all(diff <= np.broadcast_to(allowed, of.shape)[fin]):
        return None
    rel = diff / np.maximum(np.abs(of[fin]), 1e-300)
    return float(np.max(rel, initial=0.0))


def float32_could_match(value: Any, observed: np.ndarray) -> bool:
    """Whether the float32 variant is worth running after the inputs as given missed.

    Computing in float32 instead moves a finite loss by rounding (~1e-6 relative,
    the clip constants included); it can only matter far from ``observed`` when
    float32 overflows or saturates, which makes the result non-finite.
    """
    v = np.asarray(value)
    if v.shape != observed.shape or v.dtype.kind not in "fV":
        return False
    vf, of = v.astype(np.float64), observed.astype(np.float64)
    if not (np.all(np.isfinite(vf)) and np.all(np.isfinite(of))):
        return True
    return bool(np.all(np.abs(vf - of) <= 1e-3 * (1 + np.abs(of))))
