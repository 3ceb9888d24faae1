"""Plans of optax's classification losses (``optax/losses/_classification.py``, 0.2.8).

Argument order in optax is ``(logits, labels)``; the binders take crossent's
canonical ``(y_true, y_pred)`` = ``(labels, logits)``. Every loss is
unreduced, with no epsilon anywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.frameworks._plan import Plan, State, Step, reduced
from crossent.frameworks.optax import _jax

__all__ = [
    "plan_poly_loss_cross_entropy",
    "plan_safe_softmax_cross_entropy",
    "plan_sigmoid_binary_cross_entropy",
    "plan_sigmoid_focal_loss",
    "plan_softmax_cross_entropy",
    "plan_softmax_cross_entropy_with_integer_labels",
]

SRC = "optax/losses/_classification.py"


def _check_mul(fn: str, a: np.ndarray, b: np.ndarray) -> tuple[int, ...]:
    """The shape of ``a * b``; TypeError (as ``lax.mul``) if they do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(a.shape, b.shape))
    except ValueError:
        raise TypeError(
            f"mul got incompatible shapes for broadcasting: {a.shape}, {b.shape}. "
            f"({fn}: `labels` must broadcast against `logits`)"
        ) from None


def _mul(fn: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a * b`` with JAX promotion; TypeError for shapes that do not broadcast."""
    shape = _check_mul(fn, a, b)
    dt = _jax.promote(a.dtype, b.dtype)
    return np.asarray(np.broadcast_to(a.astype(dt) * b.astype(dt), shape))


def _expand_where(where: Any, logits: np.ndarray, axis: Any) -> np.ndarray | None:
    if where is None:
        return None
    w = np.asarray(where)
    if w.ndim != logits.ndim:
        w = np.expand_dims(w, axis if isinstance(axis, int) else tuple(axis))
    return _jax.broadcast_where(w, logits.shape)


def _prepare(fn: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    logits, labels = _jax.as_array(y_pred), _jax.as_array(y_true)
    _jax.check_subdtype(fn, "logits", logits, floating=True)
    return logits, labels


def _activation(axis: Any, where: np.ndarray | None) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"log_p": _jax.log_softmax(state["y_pred"], axis, where)}

    formula = "log p ← (z − max z) − log Σ exp(z − max z)"
    if where is not None:
        formula += " over `where`; masked entries −inf"
    return Step("activation", formula, fn, f"{_jax.FUNCTIONS_PY} log_softmax")


def _class_reduce(axis: Any, where: np.ndarray | None) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"loss": -_jax.jnp_sum(state["terms"], axis, where=where)}

    formula = f"ℓ ← −Σ_c t_c (axis {axis})" + (
        ", over `where`" if where is not None else ""
    )
    return Step("class_reduce", formula, fn, SRC)


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(reduced(state, "loss"))}

    return Step("output", "unreduced, in the computation's dtype", fn, SRC)


def plan_softmax_cross_entropy(
    y_true: Any, y_pred: Any, *, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    """Plan of ``optax.softmax_cross_entropy(logits=y_pred, labels=y_true)``."""
    fn = "optax.softmax_cross_entropy"
    logits, labels = _prepare(fn, y_true, y_pred)
    w = _expand_where(where, logits, axis)
    _check_mul(fn, labels, logits)

    def terms(state: State) -> dict[str, Any]:
        return {"terms": _mul(fn, state["y_true"], state["log_p"])}

    steps = (
        _activation(axis, w),
        Step("terms", "t_c ← y_c · log p_c (0·−inf = NaN)", terms, SRC),
        _class_reduce(axis, w),
        _output(),
    )
    options = {"axis": axis, "where": where is not None}
    return Plan(fn, steps, options), {"y_true": labels, "y_pred": logits}


def plan_safe_softmax_cross_entropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Plan of ``optax.safe_softmax_cross_entropy(logits=y_pred, labels=y_true)``."""
    fn = "optax.safe_softmax_cross_entropy"
    logits, labels = _prepare(fn, y_true, y_pred)
    _check_mul(fn, labels, logits)

    def terms(state: State) -> dict[str, Any]:
        y, log_p = state["y_true"], state["log_p"]
        prod = _mul(fn, y, log_p)
        zero = np.zeros((), prod.dtype)
        return {"terms": np.where(np.broadcast_to(y != 0, prod.shape), prod, zero)}

    steps = (
        _activation(-1, None),
        Step("terms", "t_c ← y_c · log p_c where y_c ≠ 0, else 0", terms, SRC),
        _class_reduce(-1, None),
        _output(),
    )
    return Plan(fn, steps), {"y_true": labels, "y_pred": logits}


def _flatten_axes(
    logits: np.ndarray, w: np.ndarray | None, axis: Any
) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Move the class axes last and flatten them, as optax does for a tuple axis."""
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return logits, w, _jax.canonicalize_axis(axis, logits.ndim)
    if isinstance(axis, (tuple, list)):
        # A list (what JSON gives back) is read as the tuple optax expects.
        logit_axis = _jax.canonicalize_axes(axis, logits.ndim)
        batch_axis = tuple(i for i in range(logits.ndim) if i not in logit_axis)
        order = batch_axis + logit_axis
        flat = logits.transpose(order)
        flat = flat.reshape((*flat.shape[: len(batch_axis)], -1))
        if w is not None:
            w = w.transpose(order).reshape(flat.shape)
        return flat, w, len(batch_axis)
    raise ValueError(
        "Keyword argument 'axis' must be of type 'int' or 'tuple[int, ...]' but "
        f"actual type is {type(axis)}."
    )


def plan_softmax_cross_entropy_with_integer_labels(
    y_true: Any, y_pred: Any, *, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    """Plan of ``optax.softmax_cross_entropy_with_integer_labels(y_pred, y_true)``."""
    fn = "optax.softmax_cross_entropy_with_integer_labels"
    logits, labels = _prepare(fn, y_true, y_pred)
    _jax.check_subdtype(fn, "labels", labels, floating=False)
    w = _expand_where(
        where, logits, axis if not isinstance(axis, list) else tuple(axis)
    )
    flat, w, ax = _flatten_axes(logits, w, axis)
    n_classes = flat.shape[ax] if flat.ndim else 1
    batch = tuple(s for i, s in enumerate(flat.shape) if i != ax)
    if flat.ndim and tuple(labels.shape) != batch:
        # JAX broadcasting the gathered index against the logits
        raise ValueError(
            f"Incompatible shapes for broadcasting: ({fn}: `labels` must have the "
            f"shape of `logits` without the class axis, {batch}; got "
            f"{tuple(labels.shape)})"
        )
    if flat.ndim and n_classes == 0:
        raise ValueError(
            f"{fn}: `logits` has an empty class axis (shape {tuple(logits.shape)}); "
            f"cross-entropy needs at least one class. (JAX returns -inf.)"
        )

    def activation(state: State) -> dict[str, Any]:
        return {"lse": _jax.logsumexp(state["y_pred"], ax, where=w)}

    def terms(state: State) -> dict[str, Any]:
        idx = np.expand_dims(state["y_true"], ax)
        z_y = _jax.take_along_axis(state["y_pred"], idx, ax).take(0, axis=ax)
        dt = state["y_pred"].dtype
        loss = np.asarray(state["lse"] - z_y, dt)
        if w is not None:
            keep = np.any(w, axis=ax)
            loss = np.where(keep, loss, np.zeros((), dt))
        return {"loss": loss}

    steps = (
        Step(
            "activation",
            "lse ← logsumexp(z)" + (" over `where`" if w is not None else ""),
            activation,
            "jax/_src/ops/special.py logsumexp",
        ),
        Step(
            "terms",
            f"ℓ ← lse − z[y]  (y ≥ {n_classes} reads NaN; negative y wraps)"
            + ("; rows with no `where` entry → 0" if w is not None else ""),
            terms,
            SRC,
        ),
        _output(),
    )
    options = {"axis": axis, "where": where is not None}
    return Plan(fn, steps, options), {"y_true": labels, "y_pred": flat}


def _log_sigmoids() -> Step:
    def fn(state: State) -> dict[str, Any]:
        x = state["y_pred"]
        return {"log_p": _jax.log_sigmoid(x), "log_1mp": _jax.log_sigmoid(-x)}

    return Step(
        "activation",
        "log p ← log σ(x) = −softplus(−x); log(1 − p) ← log σ(−x)",
        fn,
        f"{_jax.FUNCTIONS_PY} log_sigmoid",
    )


def _bce(y: np.ndarray, log_p: np.ndarray, log_1mp: np.ndarray) -> np.ndarray:
    # -labels * log_p - (1.0 - labels) * log_not_p, one rounding per operation
    one = np.ones((), y.dtype)
    return np.asarray((-y) * log_p - (one - y) * log_1mp)


def _prepare_binary(fn: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    logits, labels = _prepare(fn, y_true, y_pred)
    labels = labels.astype(logits.dtype)  # jnp.astype(labels, logits.dtype)
    try:
        np.broadcast_shapes(labels.shape, logits.shape)
    except ValueError:
        raise TypeError(
            f"mul got incompatible shapes for broadcasting: {labels.shape}, "
            f"{logits.shape}. ({fn}: `labels` must broadcast against `logits`)"
        ) from None
    return logits, labels


def plan_sigmoid_binary_cross_entropy(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Plan of ``optax.sigmoid_binary_cross_entropy(logits=y_pred, labels=y_true)``."""
    fn = "optax.sigmoid_binary_cross_entropy"
    logits, labels = _prepare_binary(fn, y_true, y_pred)

    def terms(state: State) -> dict[str, Any]:
        return {"loss": _bce(state["y_true"], state["log_p"], state["log_1mp"])}

    steps = (
        _log_sigmoids(),
        Step("terms", "ℓ ← −y·log σ(x) − (1 − y)·log σ(−x)", terms, SRC),
        _output(),
    )
    return Plan(fn, steps), {"y_true": labels, "y_pred": logits}


def plan_sigmoid_focal_loss(
    y_true: Any, y_pred: Any, *, alpha: Any = None, gamma: Any = 2.0
) -> tuple[Plan, State]:
    """Plan of ``optax.sigmoid_focal_loss(logits=y_pred, labels=y_true, ...)``."""
    fn = "optax.sigmoid_focal_loss"
    logits, labels = _prepare_binary(fn, y_true, y_pred)

    def terms(state: State) -> dict[str, Any]:
        return {"loss": _bce(state["y_true"], state["log_p"], state["log_1mp"])}

    def weight(state: State) -> dict[str, Any]:
        y, log_p, log_q = state["y_true"], state["log_p"], state["log_1mp"]
        dt = state["y_pred"].dtype
        shape = np.broadcast_shapes(y.shape, log_p.shape)
        y = np.broadcast_to(y, shape)
        log_p, log_q = np.broadcast_to(log_p, shape), np.broadcast_to(log_q, shape)
        one = np.ones((), dt)
        # log(1 − p_t) = logsumexp([log p, log q], b=[1 − y, y])
        log_one_minus_pt = _jax.logsumexp(
            np.stack([log_p, log_q], axis=-1), -1, b=np.stack([one - y, y], axis=-1)
        )
        g = np.asarray(gamma, dt)
        focal = np.exp(g * log_one_minus_pt)
        loss = state["loss"] * focal
        if alpha is None:
            return {"loss": loss, "sample_weight": focal}
        a = np.asarray(alpha, dt)
        a_bar = np.asarray(1.0 - alpha, dt)  # Python float arithmetic, then cast
        a_t = a * y + a_bar * (one - y)
        return {"loss": a_t * loss, "sample_weight": a_t * focal}

    formula = "ℓ ← ℓ·exp(γ·log(1 − p_t))" + ("·α_t" if alpha is not None else "")
    steps = (
        _log_sigmoids(),
        Step("terms", "ℓ ← −y·log σ(x) − (1 − y)·log σ(−x)", terms, SRC),
        Step("weight", formula, weight, f"{SRC} sigmoid_focal_loss"),
        _output(),
    )
    options = {"alpha": alpha, "gamma": gamma}
    return Plan(fn, steps, options), {"y_true": labels, "y_pred": logits}


def plan_poly_loss_cross_entropy(
    y_true: Any, y_pred: Any, *, epsilon: Any = 2.0, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    """Plan of ``optax.poly_loss_cross_entropy(logits=y_pred, labels=y_true, ...)``."""
    fn = "optax.poly_loss_cross_entropy"
    logits, labels = _prepare(fn, y_true, y_pred)
    _jax.check_subdtype(fn, "labels", labels, floating=True)
    w = None if where is None else _jax.broadcast_where(where, logits.shape)
    w_ce = _expand_where(where, logits, axis)
    _check_mul(fn, labels, logits)

    def activation(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        return {
            "y_pred": _jax.softmax(z, axis, w),
            "log_p": _jax.log_softmax(z, axis, w_ce),
        }

    def terms(state: State) -> dict[str, Any]:
        return {"terms": _mul(fn, state["y_true"], state["log_p"])}

    def class_reduce(state: State) -> dict[str, Any]:
        y, p = state["y_true"], state["y_pred"]
        ce = -_jax.jnp_sum(state["terms"], axis, where=w_ce)
        one_minus_pt = _jax.jnp_sum(
            _mul(fn, y, np.ones((), p.dtype) - p), axis, where=w
        )
        eps = np.asarray(epsilon, one_minus_pt.dtype)
        return {"loss": np.asarray(ce + eps * one_minus_pt)}

    steps = (
        Step(
            "activation",
            "p ← softmax(z); log p ← log_softmax(z)",
            activation,
            f"{_jax.FUNCTIONS_PY} softmax, log_softmax",
        ),
        Step("terms", "t_c ← y_c · log p_c", terms, SRC),
        Step(
            "class_reduce",
            f"ℓ ← −Σ_c t_c + {epsilon}·Σ_c y_c (1 − p_c)",
            class_reduce,
            f"{SRC} poly_loss_cross_entropy",
        ),
        _output(),
    )
    options = {"epsilon": epsilon, "axis": axis, "where": where is not None}
    return Plan(fn, steps, options), {"y_true": labels, "y_pred": logits}
