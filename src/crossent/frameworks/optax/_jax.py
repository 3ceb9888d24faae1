"""JAX numerics (CPU) reproduced in NumPy, for the optax mirrors.

x64 is disabled by default, as in JAX; :func:`enable_x64` (or JAX's own
``jax_enable_x64``, read when JAX is already imported) turns it on: 64-bit
inputs then stay 64-bit (``jax/_src/config.py``, ``jax/_src/dtypes.py``).

Each eager ``jnp`` operation returns an array of its dtype, so float16 and
bfloat16 round after every operation; NumPy (with ml_dtypes for bfloat16) does
the same. Reductions (``jnp.sum``) accumulate float16/bfloat16 in float32 and
round once, as XLA's CPU backend does. Checked against jax 0.10.2.
"""

from __future__ import annotations

import contextvars
import operator
import sys
from typing import Any

import numpy as np

from crossent.frameworks._convert import as_jax

__all__ = [
    "FUNCTIONS_PY",
    "as_array",
    "canonicalize_axes",
    "canonicalize_axis",
    "check_subdtype",
    "default_float",
    "default_int",
    "enable_x64",
    "is_floating",
    "jnp_max",
    "jnp_sum",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "promote",
    "softmax",
    "take_along_axis",
    "x64_enabled",
]

FUNCTIONS_PY = "jax/_src/nn/functions.py"
_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)


_X64: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "crossent_optax_x64", default=None
)


def x64_enabled() -> bool:
    """Whether the mirrors compute as JAX with ``jax_enable_x64``.

    :func:`enable_x64` decides where it is in force; otherwise JAX's own flag,
    read from ``jax.config`` only if JAX is already imported (the mirrors never
    import it); otherwise ``False``, JAX's default.
    """
    chosen = _X64.get()
    if chosen is not None:
        return chosen
    jax = sys.modules.get("jax")
    config = getattr(jax, "config", None)
    return bool(getattr(config, "jax_enable_x64", False))


class enable_x64:  # jax.enable_x64's name
    """Compute the optax mirrors as JAX does with x64 on (or off), like
    ``jax.enable_x64(new_val)``: float64 and int64 stay 64-bit, Python floats
    become float64, and float32 with float64 promotes to float64.

    A context manager; the setting is per thread and task (a context variable).
    """

    def __init__(self, new_val: bool = True) -> None:
        self.new_val = bool(new_val)
        self._tokens: list[contextvars.Token[bool | None]] = []

    def __enter__(self) -> None:
        self._tokens.append(_X64.set(self.new_val))

    def __exit__(self, *exc: object) -> None:
        _X64.reset(self._tokens.pop())


def as_array(x: Any) -> np.ndarray:
    """``jnp.asarray``: with x64 disabled (the default) 64-bit types become 32-bit."""
    if x64_enabled():
        return np.asarray(x)
    return np.asarray(as_jax(x))


def default_int() -> np.dtype[Any]:
    """JAX's default integer: int64 with x64, int32 without."""
    return np.dtype(np.int64 if x64_enabled() else np.int32)


def default_float() -> np.dtype[Any]:
    """JAX's default float: float64 with x64, float32 without."""
    return np.dtype(np.float64 if x64_enabled() else np.float32)


def is_floating(dtype: Any) -> bool:
    """``jnp.issubdtype(dtype, jnp.floating)`` (bfloat16 included)."""
    dt = np.dtype(dtype)
    return bool(dt.kind == "f" or dt.name == "bfloat16")


def _is_half(dtype: np.dtype[Any]) -> bool:
    """float16 or bfloat16 (ml_dtypes' bfloat16, known by name: importing
    ml_dtypes only to compare costs up to a second of start-up)."""
    return bool(dtype == _F16 or dtype.name == "bfloat16")


def _jax_name(dtype: np.dtype[Any]) -> str:
    return str(dtype.name)


def check_subdtype(fn: str, name: str, x: np.ndarray, floating: bool) -> None:
    """``optax._src.utils.check_subdtype``: TypeError on the wrong dtype kind."""
    ok = is_floating(x.dtype) if floating else x.dtype.kind in "iu"
    if not ok:
        kind = "numpy.floating" if floating else "numpy.integer"
        raise TypeError(
            f"Expected the input to have a dtype that is a subdtype of <class "
            f"'{kind}'>, got {_jax_name(x.dtype)} instead ({fn}: `{name}` must be "
            f"{'floating point' if floating else 'an integer array'})"
        )


def promote(*dtypes: Any) -> np.dtype[Any]:
    """JAX's type promotion for strongly typed operands.

    Floats win over integers and booleans; two different float dtypes give
    float32 (float16 with bfloat16 included), or float64 if one is float64 (it
    exists only with x64).
    """
    dts: list[np.dtype[Any]] = [np.dtype(d) for d in dtypes]
    floats = [d for d in dts if is_floating(d)]
    if not floats:
        return np.dtype(np.result_type(*dts))
    if all(d == floats[0] for d in floats):
        return floats[0]
    if any(d == np.float64 for d in floats):
        return np.dtype(np.float64)
    return _F32  # float32 with anything, or float16 with bfloat16


def canonicalize_axis(axis: Any, ndim: int) -> int:
    """optax's vendored ``normalize_axis_index``."""
    ax: int = operator.index(axis)
    if 0 <= ax < ndim:
        return ax
    if -ndim <= ax < 0:
        return ax + ndim
    raise ValueError(f"axis {ax} is out of bounds for array of dimension {ndim}")


def canonicalize_axes(axes: Any, ndim: int) -> tuple[int, ...]:
    """optax's vendored ``normalize_axis_tuple``."""
    return tuple(canonicalize_axis(a, ndim) for a in axes)


def _axes(axis: Any, ndim: int) -> Any:
    if axis is None or isinstance(axis, (int, np.integer)):
        return axis
    return tuple(axis)


def broadcast_where(where: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """A ``where`` mask broadcast to ``shape`` (ValueError as JAX's reductions)."""
    if where is None:
        return None
    w = np.asarray(where, dtype=bool)
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(
            f"Incompatible shapes for broadcasting: shapes={[w.shape, shape, ()]}"
        ) from None


def jnp_sum(
    x: np.ndarray,
    axis: Any = None,
    *,
    where: np.ndarray | None = None,
    keepdims: bool = False,
) -> np.ndarray:
    """``jnp.sum``: float16/bfloat16 accumulate in float32, rounded once."""
    acc = _F32 if _is_half(x.dtype) else x.dtype
    kw: dict[str, Any] = {} if where is None else {"where": where}
    total = np.sum(x.astype(acc), axis=_axes(axis, x.ndim), keepdims=keepdims, **kw)
    return np.asarray(total).astype(x.dtype)


def jnp_max(
    x: np.ndarray, axis: Any, *, where: np.ndarray | None, keepdims: bool
) -> np.ndarray:
    """``jnp.max(x, axis, where=where, initial=-inf, keepdims=keepdims)``."""
    kw: dict[str, Any] = {"keepdims": keepdims, "initial": -np.inf}
    if where is not None:
        kw["where"] = where
    with np.errstate(invalid="ignore"):
        m = np.max(x, axis=_axes(axis, x.ndim), **kw)
    return np.asarray(m, x.dtype)


def log_softmax(x: np.ndarray, axis: Any, where: np.ndarray | None) -> np.ndarray:
    """``jax.nn.log_softmax``: masked entries excluded, then set to −inf."""
    neg_inf = np.asarray(-np.inf, x.dtype)
    x_max = jnp_max(x, axis, where=where, keepdims=True)
    x_safe = x if where is None else np.where(where, x, neg_inf)
    shifted = x_safe - x_max
    lse = np.log(jnp_sum(np.exp(shifted), axis, where=where, keepdims=True))
    result = shifted - lse
    if where is not None:
        return np.asarray(np.where(where, result, neg_inf), x.dtype)
    return np.asarray(result, x.dtype)


def softmax(x: np.ndarray, axis: Any, where: np.ndarray | None) -> np.ndarray:
    """``jax.nn.softmax``: ``exp(x − max) / Σ exp(x − max)``; masked entries 0."""
    x_max = jnp_max(x, axis, where=where, keepdims=True)
    x_safe = x if where is None else np.where(where, x, np.asarray(-np.inf, x.dtype))
    unnormalized = np.exp(x_safe - x_max)
    result = unnormalized / jnp_sum(unnormalized, axis, where=where, keepdims=True)
    if where is not None:
        result = np.where(where, result, np.zeros((), x.dtype))
    return np.asarray(result, x.dtype)


def logsumexp(
    a: np.ndarray,
    axis: Any,
    *,
    b: np.ndarray | None = None,
    where: np.ndarray | None = None,
) -> np.ndarray:
    """``jax.nn.logsumexp`` (``jax/_src/ops/special.py``), without keepdims."""
    if where is not None:
        a = np.where(where, a, np.zeros((), a.dtype))
    if b is not None:
        a = np.where(b != 0, a, np.asarray(-np.inf, a.dtype))
    amax = jnp_max(a, axis, where=where, keepdims=False)
    amax = np.where(np.isfinite(amax), amax, np.zeros((), a.dtype))
    axes = _axes(axis, a.ndim)
    amax_dims = np.expand_dims(amax, axes) if axes is not None else amax
    exp_a = np.exp(a - amax_dims)
    if b is not None:
        exp_a = exp_a * b
    sumexp = jnp_sum(exp_a, axis, where=where)
    sign = np.sign(sumexp)
    out = np.log(np.abs(sumexp)) + amax
    if b is not None:
        out = np.where(sign < 0, np.asarray(np.nan, out.dtype), out)
    return np.asarray(out, a.dtype)


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """``jax.nn.log_sigmoid(x) = −softplus(−x)``, ``softplus = logaddexp(·, 0)``.

    ``log_sigmoid`` is jitted, so float16/bfloat16 run through XLA's fused
    float32 arithmetic and are rounded once.
    """
    work = _F32 if _is_half(x.dtype) else x.dtype
    nx = -x.astype(work)
    zero = np.zeros((), work)
    amax = np.maximum(nx, zero)
    delta = nx - zero
    softplus = np.where(
        np.isnan(delta), nx + zero, amax + np.log1p(np.exp(-np.abs(delta)))
    )
    return np.asarray((-softplus).astype(x.dtype))


def take_along_axis(x: np.ndarray, idx: np.ndarray, axis: int) -> np.ndarray:
    """``jnp.take_along_axis`` in its default "fill" mode.

    Negative indices wrap once (−1 is the last entry); indices still out of
    range read NaN.
    """
    n = x.shape[axis]
    idx = np.where(idx < 0, idx + n, idx)
    valid = (idx >= 0) & (idx < n)
    picked = np.take_along_axis(x, np.where(valid, idx, 0), axis=axis)
    valid_b = np.broadcast_to(valid, picked.shape)
    return np.asarray(np.where(valid_b, picked, np.asarray(np.nan, x.dtype)), x.dtype)
