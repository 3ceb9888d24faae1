"""Input checks and the shared front ends of ``crossent.fast`` and ``value_and_grad``.

Each front end validates its inputs, flattens ``(..., C)`` logits to ``(N, C)`` rows
(a view where possible), picks the backend, runs the row driver and reduces the
per-row losses with PyTorch's denominators. Error texts follow the core's template
(``{function}: `{argument}` {requirement}; got {received}.``).
"""

from __future__ import annotations

import operator
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import numpy.typing as npt

from crossent._core import _validation as v
from crossent.fast import _dispatch

__all__ = ["FastReduction", "ValueAndGrad", "bce", "ce_int", "ce_soft", "target"]

FastReduction = Literal["none", "sum", "mean"]

Arr = npt.NDArray[Any]


class ValueAndGrad(NamedTuple):
    """A loss value and its gradient with respect to the logits."""

    value: npt.NDArray[Any]
    """The loss: per example (``reduction="none"``) or a 0-d array."""
    grad: npt.NDArray[Any]
    """d(sum of ``value``)/d logits, same shape and dtype as the logits."""


# ------------------------------------------------------------------------ checks
def _check_host(fn: str, arg: str, x: Any) -> None:
    """The fast kernels run on host memory; say so for GPU arrays (seen on an H100)."""
    device = str(getattr(x, "device", "cpu"))
    if isinstance(x, np.ndarray) or device.lower().startswith("cpu"):
        return
    raise TypeError(
        f"{fn}: `{arg}` must be in host (CPU) memory; got a "
        f"{type(x).__module__}.{type(x).__name__} on {device}. The fast kernels are "
        "CPU kernels: use the array-API core (crossent.softmax_cross_entropy..., which "
        "computes on the array's own device) or copy the array to the host first."
    )


def as_logits(fn: str, logits: Any) -> Arr:
    """``logits`` as an ndarray with a floating dtype and a non-empty last axis."""
    _check_host(fn, "logits", logits)
    x = logits if isinstance(logits, np.ndarray) else np.asarray(logits)
    v.check_floating(fn, "logits", x)
    v.check_nonempty_axis(fn, "logits", x, -1)
    return x


def move_class_axis(fn: str, x: Arr, axis: int) -> Arr:
    """``x`` with the class ``axis`` moved last (a view)."""
    ax = v.normalize_axis(fn, axis, x.ndim)
    return x if ax == x.ndim - 1 else np.moveaxis(x, ax, -1)


def rows(x: Arr) -> Arr:
    """``(..., C)`` as ``(N, C)``: a view unless the layout forbids it."""
    return x if x.ndim == 2 else x.reshape(-1, x.shape[-1])


def int_labels(fn: str, labels: Any, x: Arr, ignore_index: int | None) -> Arr:
    """Integer labels of shape ``x.shape[:-1]`` in range, as a flat int64 array."""
    y = labels if isinstance(labels, np.ndarray) else np.asarray(labels)
    if y.shape != x.shape[:-1]:
        raise ValueError(
            f"{fn}: `labels` must have the shape of `logits` without the class axis, "
            f"{x.shape[:-1]}; got shape {y.shape}. For one-hot or soft targets of "
            f"the shape of `logits` use `softmax_cross_entropy`."
        )
    v.check_integer_labels(fn, y, x.shape[-1], np, ignore_index=ignore_index)
    return np.ascontiguousarray(y.reshape(-1), dtype=np.int64)


def same_shape_labels(fn: str, labels: Any, x: Arr) -> Arr:
    """Real-valued labels of the shape of ``x`` (any real dtype, converted later)."""
    y = labels if isinstance(labels, np.ndarray) else np.asarray(labels)
    v.check_same_shape(fn, "logits", x, "labels", y)
    if y.dtype.kind not in "biuf" and not v.is_floating_dtype(y.dtype):
        raise TypeError(f"{fn}: `labels` must be real numbers; got {v.describe(y)}.")
    return y


def check_ignore_index(fn: str, ignore_index: Any) -> int | None:
    """``ignore_index`` as an int or None."""
    if ignore_index is None:
        return None
    if isinstance(ignore_index, bool) or not isinstance(
        ignore_index, (int, np.integer)
    ):
        raise TypeError(
            f"{fn}: `ignore_index` must be an int or None; got {ignore_index!r}."
        )
    return operator.index(ignore_index)


def check_label_smoothing(fn: str, label_smoothing: Any) -> float:
    """``label_smoothing`` as a float in [0, 1]."""
    try:
        ls = float(label_smoothing)
    except (TypeError, ValueError):
        ls = float("nan")
    if not 0.0 <= ls <= 1.0:
        raise ValueError(
            f"{fn}: `label_smoothing` must be a number in [0, 1]; got "
            f"{label_smoothing!r}."
        )
    return ls


def class_vector(
    fn: str, arg: str, value: Any, n_classes: int
) -> npt.NDArray[np.float64]:
    """A per-class vector (``weight``, ``pos_weight``) broadcast to ``(C,)``, float64."""
    a = np.asarray(value)
    if a.dtype.kind not in "biuf" and not v.is_floating_dtype(a.dtype):
        raise TypeError(f"{fn}: `{arg}` must be real numbers; got {v.describe(a)}.")
    try:
        b = np.broadcast_to(a, (n_classes,))
    except ValueError:
        raise ValueError(
            f"{fn}: `{arg}` must have one value per class, shape ({n_classes},) or "
            f"broadcastable to it; got shape {a.shape}."
        ) from None
    return np.array(b, dtype=np.float64)  # a writeable copy (broadcast views are not)


def check_reduction(fn: str, reduction: Any) -> str:
    """``reduction`` as one of "none", "sum", "mean"."""
    v.check_choice(fn, "reduction", reduction, get_args(FastReduction))
    return str(reduction)


class Target(NamedTuple):
    """Where a front end's kernel reads logits and writes the gradient."""

    x2: Arr
    """The ``(N, C)`` logits the kernel reads (and overwrites in mode 2)."""
    g2: Arr | None
    """The ``(N, C)`` gradient buffer of mode 1."""
    mode: int
    """0 loss only, 1 gradient into ``g2``, 2 gradient over ``x2``."""
    grad: Arr | None
    """The gradient array handed back to the caller."""


def target(
    fn: str, x: Arr, given: Any, *, want_grad: bool, out: Any, overwrite_logits: bool
) -> Target:
    """Check ``out``/``overwrite_logits`` and choose the kernel's buffers.

    ``given`` is the caller's original ``logits`` object: overwriting is only
    meaningful (and only checked) when ``x`` is that very array.
    """
    if not want_grad:
        return Target(rows(x), None, 0, None)
    if overwrite_logits:
        if out is not None:
            raise ValueError(
                f"{fn}: `out` must be None when `overwrite_logits=True` (the gradient "
                f"goes into `logits`); got {v.describe(out)}."
            )
        if given is x and not (x.flags.writeable and x.flags.c_contiguous):
            state = "read-only" if not x.flags.writeable else "non-contiguous"
            raise ValueError(
                f"{fn}: `logits` must be a writeable C-contiguous array to be "
                f"overwritten with the gradient; got a {state} {v.describe(x)}. Pass "
                f"`np.ascontiguousarray(logits)` or overwrite_logits=False."
            )
        # A list or other converted input: its fresh array is ours to overwrite.
        own = x if given is x else np.array(x, order="C")
        return Target(rows(own), None, 2, own)
    if out is None:
        g = np.empty(x.shape, dtype=x.dtype)
        return Target(rows(x), rows(g), 1, g)
    if (
        not isinstance(out, np.ndarray)
        or out.shape != x.shape
        or out.dtype != x.dtype
        or not out.flags.writeable
        or not out.flags.c_contiguous
    ):
        raise ValueError(
            f"{fn}: `out` must be a writeable C-contiguous array of shape {x.shape} "
            f"and dtype {x.dtype}; got {v.describe(out)}."
        )
    if out is x:
        return Target(rows(out), None, 2, out)
    if np.shares_memory(out, x):
        raise ValueError(
            f"{fn}: `out` must not overlap `logits` (use overwrite_logits=True to "
            f"write the gradient over them); got an overlapping {v.describe(out)}."
        )
    return Target(rows(x), rows(out), 1, out)


# ------------------------------------------------------------------- reductions
def reduce_rows(
    loss: npt.NDArray[np.float64],
    reduction: str,
    denominator: float,
    dtype: np.dtype[Any],
    shape: tuple[int, ...],
) -> Arr:
    """Per-row float64 losses reduced and rounded to ``dtype`` (0-d when reduced)."""
    if reduction == "none":
        return loss.reshape(shape).astype(dtype)
    total = float(loss.sum())
    if reduction == "sum":
        return np.asarray(total).astype(dtype)
    value = total / denominator if denominator != 0 else float("nan")
    return np.asarray(value).astype(dtype)


def int_denominator(
    y: npt.NDArray[np.int64], ignore: int | None, w: npt.NDArray[np.float64] | None
) -> float:
    """PyTorch's mean denominator: Σ weight[y] over the rows not ignored."""
    kept = y if ignore is None else y[y != ignore]
    return float(kept.size) if w is None else float(w[kept].sum())


def _scale(reduction: str, denominator: float) -> float:
    if reduction != "mean":
        return 1.0
    return 1.0 / denominator if denominator != 0 else 0.0


# ------------------------------------------------------------------ front ends
def ce_int(
    fn: str,
    logits: Any,
    labels: Any,
    *,
    axis: int = -1,
    ignore_index: Any = None,
    label_smoothing: Any = 0.0,
    weight: Any = None,
    reduction: Any = "mean",
    backend: Any = "auto",
    want_grad: bool = False,
    out: Any = None,
    overwrite_logits: bool = False,
) -> tuple[Arr, Arr | None]:
    """Integer-label softmax CE: (value, grad or None)."""
    x = move_class_axis(fn, as_logits(fn, logits), axis)
    reduction = check_reduction(fn, reduction)
    ignore = check_ignore_index(fn, ignore_index)
    ls = check_label_smoothing(fn, label_smoothing)
    n_classes = x.shape[-1]
    w = None if weight is None else class_vector(fn, "weight", weight, n_classes)
    y = int_labels(fn, labels, x, ignore)
    name = _dispatch.select_backend(fn, backend, x.size)
    denominator = int_denominator(y, ignore, w)
    t = target(
        fn, x, logits, want_grad=want_grad, out=out, overwrite_logits=overwrite_logits
    )
    loss = _dispatch.ce_int_rows(
        t.x2,
        y,
        weight=w,
        ignore_index=ignore,
        label_smoothing=ls,
        mode=t.mode,
        scale=_scale(reduction, denominator),
        g2=t.g2,
        backend=name,
    )
    value = reduce_rows(loss, reduction, denominator, x.dtype, x.shape[:-1])
    return value, t.grad


def ce_soft(
    fn: str,
    logits: Any,
    labels: Any,
    *,
    axis: int = -1,
    reduction: Any = "mean",
    backend: Any = "auto",
    want_grad: bool = False,
    out: Any = None,
    overwrite_logits: bool = False,
) -> tuple[Arr, Arr | None]:
    """Soft-label softmax CE: (value, grad or None)."""
    x = as_logits(fn, logits)
    t = same_shape_labels(fn, labels, x)
    x = move_class_axis(fn, x, axis)
    t = move_class_axis(fn, t, axis)
    reduction = check_reduction(fn, reduction)
    name = _dispatch.select_backend(fn, backend, x.size)
    n_rows = x.size // x.shape[-1]
    tg = target(
        fn, x, logits, want_grad=want_grad, out=out, overwrite_logits=overwrite_logits
    )
    loss = _dispatch.ce_soft_rows(
        tg.x2,
        rows(t),
        mode=tg.mode,
        scale=_scale(reduction, n_rows),
        g2=tg.g2,
        backend=name,
    )
    value = reduce_rows(loss, reduction, n_rows, x.dtype, x.shape[:-1])
    return value, tg.grad


def bce(
    fn: str,
    logits: Any,
    labels: Any,
    *,
    pos_weight: Any = None,
    reduction: Any = "mean",
    backend: Any = "auto",
    want_grad: bool = False,
    out: Any = None,
    overwrite_logits: bool = False,
) -> tuple[Arr, Arr | None]:
    """Elementwise sigmoid BCE with logits: (value, grad or None)."""
    x = as_logits(fn, logits)
    y = same_shape_labels(fn, labels, x)
    reduction = check_reduction(fn, reduction)
    n_classes = x.shape[-1]
    pw = (
        None
        if pos_weight is None
        else class_vector(fn, "pos_weight", pos_weight, n_classes)
    )
    name = _dispatch.select_backend(fn, backend, x.size)
    t = target(
        fn, x, logits, want_grad=want_grad, out=out, overwrite_logits=overwrite_logits
    )
    elem = np.empty(x.shape, dtype=x.dtype) if reduction == "none" else None
    loss = _dispatch.bce_rows(
        t.x2,
        rows(y),
        pos_weight=pw,
        mode=t.mode,
        scale=_scale(reduction, x.size),
        g2=t.g2,
        elem=None if elem is None else rows(elem),
        backend=name,
    )
    if elem is not None:
        return elem, t.grad
    value = reduce_rows(loss, reduction, x.size, x.dtype, ())
    return value, t.grad
