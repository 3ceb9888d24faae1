"""crossent's fused kernels inside a JAX program (CPU), usable under ``jit`` and ``grad``.

Each function is a ``jax.custom_vjp`` whose forward pass calls crossent on the host
through ``jax.pure_callback`` and returns the loss together with its gradient
(computed in the same sweep); the backward pass scales that gradient by the upstream
one. :func:`linear_cross_entropy` never holds more than one block of logits.

The callbacks run on the host: on an accelerator, JAX copies the operands to the
host and back, which is slower than optax's own op there. Importing this module
imports JAX; ``import crossent`` does not.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from crossent import value_and_grad as _vag
from crossent.linear import linear_cross_entropy as _linear

__all__ = ["linear_cross_entropy", "softmax_cross_entropy_with_integer_labels"]


def _shape_dtype(shape: tuple[int, ...], dtype: Any) -> jax.ShapeDtypeStruct:
    return jax.ShapeDtypeStruct(shape, dtype)


# ----------------------------------------------------------- integer-label softmax CE


def _ce_host(logits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    value, grad = _vag.softmax_cross_entropy_with_integer_labels(
        np.asarray(logits), np.asarray(labels), reduction="none"
    )
    return np.asarray(value, logits.dtype), np.asarray(grad, logits.dtype)


def _ce_call(logits: jax.Array, labels: jax.Array) -> tuple[jax.Array, jax.Array]:
    out = (
        _shape_dtype(logits.shape[:-1], logits.dtype),
        _shape_dtype(logits.shape, logits.dtype),
    )
    value, grad = jax.pure_callback(
        _ce_host, out, logits, labels, vmap_method="sequential"
    )
    return value, grad


@jax.custom_vjp  # type: ignore[untyped-decorator]
def softmax_cross_entropy_with_integer_labels(
    logits: jax.Array, labels: jax.Array
) -> jax.Array:
    """``optax.softmax_cross_entropy_with_integer_labels`` on crossent's fused kernel.

    Per-example losses of ``(..., C)`` logits and ``(...)`` integer labels.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> import crossent.jax as cj
    >>> z = jnp.array([[2.0, 1.0, 0.1], [0.5, 0.2, 3.0]])
    >>> y = jnp.array([0, 2])
    >>> loss = jax.jit(lambda z: cj.softmax_cross_entropy_with_integer_labels(z, y).mean())
    >>> g = jax.grad(loss)(z)
    >>> g.shape
    (2, 3)
    """
    value, _ = _ce_call(logits, labels)
    return value


def _ce_fwd(logits: jax.Array, labels: jax.Array) -> tuple[jax.Array, Any]:
    value, grad = _ce_call(logits, labels)
    return value, (grad, labels)


def _ce_bwd(res: Any, g: jax.Array) -> tuple[jax.Array, Any]:
    grad, labels = res
    zero = np.zeros(labels.shape, jax.dtypes.float0)
    return grad * g[..., None], zero


softmax_cross_entropy_with_integer_labels.defvjp(_ce_fwd, _ce_bwd)


# ----------------------------------------------------------- linear CE


def _linear_host(
    h: np.ndarray, w: np.ndarray, labels: np.ndarray, scale: np.ndarray, reduction: str
) -> tuple[np.ndarray, ...]:
    r = _linear(
        np.asarray(h),
        np.asarray(w),
        np.asarray(labels),
        reduction=reduction,
        row_scale=None if reduction != "none" else np.asarray(scale),
    )
    return np.asarray(r.value, h.dtype), r.grad_h, r.grad_W


def _linear_call(
    h: jax.Array, w: jax.Array, labels: jax.Array, scale: jax.Array, reduction: str
) -> tuple[jax.Array, ...]:
    shape = () if reduction != "none" else h.shape[:-1]
    out = (
        _shape_dtype(shape, h.dtype),
        _shape_dtype(h.shape, h.dtype),
        _shape_dtype(w.shape, w.dtype),
    )
    result: tuple[jax.Array, ...] = jax.pure_callback(
        partial(_linear_host, reduction=reduction),
        out,
        h,
        w,
        labels,
        scale,
        vmap_method="sequential",
    )
    return result


@partial(jax.custom_vjp, nondiff_argnums=(3,))
def linear_cross_entropy(
    h: jax.Array, w: jax.Array, labels: jax.Array, reduction: str = "mean"
) -> jax.Array:
    """Softmax CE of ``h @ w.T`` with integer ``labels``, without all the logits.

    ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"`` (per row); ``w`` has shape
    ``(V, d)``.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> import crossent.jax as cj
    >>> h = jnp.ones((4, 3)) * jnp.arange(4.0)[:, None]
    >>> w = jnp.eye(5, 3)
    >>> y = jnp.array([0, 1, 2, 4])
    >>> dh, dw = jax.grad(lambda h, w: cj.linear_cross_entropy(h, w, y), (0, 1))(h, w)
    >>> dh.shape, dw.shape
    ((4, 3), (5, 3))
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            "crossent.jax.linear_cross_entropy: `reduction` must be 'mean', 'sum' or "
            f"'none'; got {reduction!r}."
        )
    ones = jnp.ones(h.shape[:-1], h.dtype)
    return _linear_call(h, w, labels, ones, reduction)[0]


def _linear_fwd(
    h: jax.Array, w: jax.Array, labels: jax.Array, reduction: str
) -> tuple[jax.Array, Any]:
    value, dh, dw = _linear_call(
        h, w, labels, jnp.ones(h.shape[:-1], h.dtype), reduction
    )
    if reduction == "none":  # the row gradients need the upstream one: recomputed
        return value, (h, w, labels)
    return value, (dh, dw, labels)


def _linear_bwd(reduction: str, res: Any, g: jax.Array) -> tuple[Any, ...]:
    zero = np.zeros(res[2].shape, jax.dtypes.float0)
    if reduction == "none":
        h, w, labels = res
        _, dh, dw = _linear_call(h, w, labels, g, reduction)
        return dh, dw, zero
    dh, dw, _ = res
    return dh * g, dw * g, zero


linear_cross_entropy.defvjp(_linear_fwd, _linear_bwd)
