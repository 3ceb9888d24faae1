"""Mirror of ``paddle.nn.functional``'s cross-entropy losses (PaddlePaddle 2.5–3.3;
checked against 3.3.1 CPU).

Sources: ``python/paddle/nn/functional/loss.py`` (``cross_entropy``,
``binary_cross_entropy``, ``binary_cross_entropy_with_logits``) and the CPU kernels
``paddle/phi/kernels/cpu/cross_entropy_kernel.cc`` (softmax, then ``−log p``),
``phi/kernels/funcs/softmax_impl.h`` (the shifted logits floored at −64),
``bce_loss_kernel.cc`` and ``sigmoid_cross_entropy_with_logits_kernel.cc``. The
binary losses are written in :mod:`crossent.frameworks.paddle.nn._binary` and the
shared reduction in :mod:`crossent.frameworks.paddle.nn._common`; all three
functions are public here, as in Paddle.
NumPy arrays stand for tensors; Python lists become float32 / int64 tensors, as
``paddle.to_tensor`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.errors import FrameworkIndexError
from crossent.frameworks._convert import as_torch
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.paddle.nn._common import (
    LOSS_PY,
    PATH,
    REDUCTIONS,
    REF,
    check_reduction,
    mean_all,
    output,
    paddle,
)

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy"]

CE_KERNEL = "paddle/phi/kernels/cpu/cross_entropy_kernel.cc"
SOFTMAX = "paddle/phi/kernels/funcs/softmax_impl.h"
#: ``TolerableValue``'s bound: log(0) is −1e20, not −inf.
APPRO_INF = 1e20
#: ``ValueClip``: shifted logits below it are raised to it before exp.
SOFTMAX_FLOOR = -64.0


# --------------------------------------------------------------------------
# cross_entropy


def _softmax(axis: int, use_softmax: bool) -> Step:
    """Softmax of the shifted logits floored at −64, then log with ±1e20 caps."""

    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        if use_softmax:
            sh = z - np.max(z, axis=axis, keepdims=True)
            sh = np.maximum(sh, z.dtype.type(SOFTMAX_FLOOR))
            e = np.exp(sh)
            p = e / np.sum(e, axis=axis, keepdims=True)
        else:
            p = z
        log_p = np.log(p)
        big = min(APPRO_INF, float(np.finfo(p.dtype).max))
        log_p = np.clip(log_p, p.dtype.type(-big), p.dtype.type(big))
        return {"y_pred": p, "log_p": log_p}

    if use_softmax:
        formula = "p ← softmax(max(z − max z, −64)); log p (±1e20 caps)"
    else:
        formula = "use_softmax=False: input read as p; log p, log 0 = −1e20"
    return Step("activation", formula, fn, f"{SOFTMAX} SoftmaxFunctor; {CE_KERNEL}")


def _smooth(ls: float, n_classes: int, axis: int, hard: bool, dtype: Any) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"])
        if hard:
            y = np.eye(n_classes, dtype=np.float32)[y.astype(np.int64)]
            y = np.moveaxis(y, -1, axis)
        y32 = y.astype(np.float32)
        smoothed = np.float32(1.0 - ls) * y32 + np.float32(ls / n_classes)
        return {"y_true": smoothed.astype(dtype)}

    return Step(
        "smooth",
        f"y ← (1 − {ls:g})·one_hot(y) + {ls:g}/{n_classes} (float32), soft labels "
        "from here on",
        fn,
        f"{LOSS_PY} cross_entropy; python/paddle/nn/functional/common.py label_smooth",
    )


def _hard_terms(axis: int, ignore_index: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        keep = y != ignore_index
        idx = np.where(keep, y, 0)
        picked = np.take_along_axis(state["log_p"], np.expand_dims(idx, axis), axis)
        loss = -np.squeeze(picked, axis)
        zero = np.zeros((), loss.dtype)
        return {"loss": np.where(keep, loss, zero).astype(loss.dtype), "mask": keep}

    return Step(
        "terms",
        f"ℓ ← −log p_y; 0 where y = ignore_index ({ignore_index})",
        fn,
        CE_KERNEL,
    )


def _soft_terms(axis: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        y, log_p = state["y_true"], state["log_p"]
        return {"loss": -np.sum(y * log_p, axis=axis, dtype=log_p.dtype)}

    return Step("terms", "ℓ ← −Σ_c y_c log p_c", fn, CE_KERNEL)


def _weight(w: np.ndarray, axis: int, ignore_index: int, soft: bool) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if soft:
            y = np.moveaxis(np.asarray(state["y_true"]), axis, -1)
            wg = (y.astype(w.dtype) @ w).astype(w.dtype)
        else:
            y = np.asarray(state["y_true"]).astype(np.int64)
            keep = y != ignore_index
            wg = w[np.where(keep, y, 0)] * keep.astype(w.dtype)
        return {"loss": (loss.astype(wg.dtype) * wg), "sample_weight": wg}

    formula = "ℓ ← (y · w)·ℓ" if soft else "ℓ ← w[y]·ℓ (0 where ignored)"
    return Step("weight", formula, fn, f"{LOSS_PY} cross_entropy")


def _ce_reduce(
    reduction: str, ignore_index: int, weighted: bool, soft: bool, empty: bool
) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        dt = loss.dtype
        if reduction == "sum":
            return {"value": np.asarray(np.sum(loss, dtype=dt))}
        if reduction == "none":
            return {"value": loss}
        if loss.size == 0 or empty:
            return {"value": np.asarray(np.nan, dt)}
        total = np.sum(loss, dtype=np.float32 if dt == np.float16 else dt)
        if ignore_index >= 0 and not soft:
            if weighted:
                den = np.sum(state["sample_weight"], dtype=state["sample_weight"].dtype)
            else:
                den = np.asarray(np.count_nonzero(state["mask"]), np.int64)
            den = den + (den == 0)
            return {"value": np.asarray(total / den.astype(total.dtype)).astype(dt)}
        if weighted:
            den = np.sum(state["sample_weight"], dtype=state["sample_weight"].dtype)
            den = den + (den == 0)
            return {"value": np.asarray(total / den).astype(dt)}
        return {"value": mean_all(loss)}

    if reduction != "mean":
        formula = "Σ ℓ" if reduction == "sum" else "ℓ"
    elif weighted:
        formula = "Σ wℓ / Σ w over the rows kept (0/0 → 0)"
    elif ignore_index >= 0 and not soft:
        formula = "Σ ℓ / #(y ≠ ignore_index) (0/0 → 0)"
    else:
        formula = "Σ ℓ / N: mean_all over every row, ignored rows included"
    return Step("reduce", formula, fn, f"{LOSS_PY} cross_entropy")


@paddle(
    reference=REF.format("cross_entropy"),
    summary="softmax CE from logits; hard or soft labels; with the default "
    "ignore_index=-100 the mean divides by all N, ignored rows included",
    expects="logits",
    labels="integer",
    y_true="label",
    y_pred="input",
    divergences=(
        Divergence(
            "reduce",
            "'mean' with ignore_index < 0 (the default −100) and no weight is "
            "mean_all: ignored rows count in the denominator; with ignore_index ≥ 0 "
            "it is Σ/#kept and all ignored gives 0, not NaN",
            f"{LOSS_PY} cross_entropy",
        ),
        Divergence(
            "activation",
            f"softmax of max(z − max z, {SOFTMAX_FLOOR:g}) then log: a logit gap "
            "above 64 costs about 64; log 0 is capped at −1e20 (use_softmax=False "
            "with p = 0 gives 1e20)",
            f"{SOFTMAX} SoftmaxFunctor; {CE_KERNEL}",
        ),
        Divergence(
            "smooth",
            "label_smoothing one-hots the labels in float32 and switches to the "
            "soft-label path (shape (N, 1), soft-label weights)",
            f"{LOSS_PY} cross_entropy",
        ),
    ),
    options={
        "reduction": REDUCTIONS,
        "ignore_index": (-100, 0),
        "use_softmax": (True, False),
        "soft_label": (False, True),
    },
)
def cross_entropy(
    input: Any,  # noqa: A002  (paddle's argument name)
    label: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    soft_label: bool = False,
    axis: int = -1,
    use_softmax: bool = True,
    label_smoothing: float = 0.0,
    name: str | None = None,
) -> tuple[Plan, State]:
    """Mirror of ``paddle.nn.functional.cross_entropy``.

    Parameters
    ----------
    input : array_like
        Logits (probabilities with ``use_softmax=False``), class axis ``axis``.
    label : array_like
        Class indices (int64) of the input's shape without the class axis (or with
        it, of size 1), or soft labels of the input's shape (``soft_label=True``).
    weight : array_like, optional
        Per-class weights ``(C,)``.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
    soft_label : bool, default False
    axis : int, default -1
    use_softmax : bool, default True
    label_smoothing : float, default 0.0

    Returns
    -------
    numpy.ndarray
        In the input's dtype; "none" gives ``(N,)`` for hard labels and ``(N, 1)``
        for soft labels (and with label smoothing).

    Examples
    --------
    The default mean divides by all rows, the ignored one included:
    (1.4076 + 0.1698 + 0) / 3; with ``ignore_index=2`` by the rows kept, / 2.

    >>> import numpy as np
    >>> from crossent.frameworks.paddle.nn import functional as F
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> print(F.cross_entropy(z, np.array([1, 0, -100])).round(4))
    0.5258
    >>> print(F.cross_entropy(z, np.array([1, 0, 2]), ignore_index=2).round(4))
    0.7887
    """
    fn = "softmax_cross_entropy"
    check_reduction(fn, reduction)
    if ignore_index > 0 and soft_label:
        raise ValueError(
            "When soft_label == True, the value of 'ignore_index' in "
            f"softmax_cross_entropy should be '-100', but received {ignore_index}, "
            f"which is not allowed. ({PATH}cross_entropy: `ignore_index`)"
        )
    x, y, w = as_torch(input), as_torch(label), as_torch(weight)
    if x.ndim == 0:
        raise ValueError("The dimension of input should be larger than zero!")
    if x.dtype.kind != "f":
        raise TypeError(
            f"{PATH}cross_entropy: `input` must be float16, float32 or float64; "
            f"got {x.dtype}"
        )
    ax = axis % x.ndim if -x.ndim <= axis < x.ndim else None
    if ax is None:
        raise ValueError(f"{PATH}cross_entropy: `axis` {axis} out of range")
    n_classes = x.shape[ax]
    if x.ndim - 1 == y.ndim:
        y = np.expand_dims(y, ax)
    if x.ndim != y.ndim:
        raise ValueError(
            "Expected input_dims - 1 = label_dims or input_dims == label_dims "
            f"(got input_dims{x.ndim}, label_dims{y.ndim})"
        )
    ls = float(label_smoothing)
    steps: list[Step] = []
    soft = bool(soft_label) or ls > 0.0
    if ls > 0.0:
        if not soft_label:
            y = np.squeeze(y, ax)
            if np.any((y < 0) | (y >= n_classes)):
                raise ValueError(
                    f"{PATH}cross_entropy: `label` must lie in [0, {n_classes}) with "
                    "label_smoothing (one_hot)"
                )
        steps.append(_smooth(ls, n_classes, ax, not soft_label, x.dtype))
    elif not soft:
        y = np.squeeze(y, ax)
        bad = (y != ignore_index) & ((y < 0) | (y >= n_classes))
        if np.any(bad):  # paddle: IndexError "(OutOfRange) label value should ..."
            raise FrameworkIndexError(
                f"{PATH}cross_entropy: `label` holds {int(y[bad].flat[0])}, outside "
                f"[0, {n_classes}) and not ignore_index"
            )
    elif y.shape != x.shape:
        raise ValueError(
            f"{PATH}cross_entropy: soft `label` must have the input's shape "
            f"{x.shape}; got {y.shape}"
        )
    expected = tuple(np.delete(np.array(x.shape), ax))
    if (not soft or (ls > 0.0 and not soft_label)) and y.shape != expected:
        raise ValueError(
            f"{PATH}cross_entropy: `label` of shape {y.shape} does not match the "
            f"input's {x.shape} without the class axis {ax}"
        )
    if w is not None and not soft and w.shape[-1] != n_classes:
        raise ValueError(
            f"input's class_dimension({n_classes}) must equal to weight's "
            f"class_dimension({w.shape[-1]}) when weight is provided"
        )
    steps.append(_softmax(ax, bool(use_softmax)))
    steps.append(_soft_terms(ax) if soft else _hard_terms(ax, ignore_index))
    if w is not None:
        steps.append(_weight(w, ax, ignore_index, soft))
    steps.append(_ce_reduce(reduction, ignore_index, w is not None, soft, 0 in x.shape))
    keep = None
    if reduction == "none" and soft:
        keep = tuple(np.expand_dims(np.empty(np.delete(x.shape, ax)), ax).shape)
    steps.append(output(keep))
    options = {"reduction": reduction, "ignore_index": ignore_index, "soft": soft}
    return Plan(PATH + "cross_entropy", tuple(steps), options), {
        "y_true": y,
        "y_pred": x,
    }


# the binary losses, registered after cross_entropy (the registry's order)
from crossent.frameworks.paddle.nn._binary import (  # noqa: E402
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
)

guard_module(
    globals(), PATH, __all__, {"logit": CHECKS["logits"], "label": CHECKS["labels"]}
)
