"""Mirror of ``paddle.nn.functional``'s binary cross-entropies (PaddlePaddle 2.5–3.3;
checked against 3.3.1 CPU).

``binary_cross_entropy`` and ``binary_cross_entropy_with_logits``, from
``python/paddle/nn/functional/loss.py`` and the CPU kernels ``bce_loss_kernel.cc``
and ``sigmoid_cross_entropy_with_logits_kernel.cc``; re-exported (and guarded) by
:mod:`crossent.frameworks.paddle.nn.functional`, their public module.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.frameworks._convert import as_torch
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.paddle.nn._common import (
    LOSS_PY,
    PATH,
    REDUCTIONS,
    REF,
    check_reduction,
    output,
    paddle,
    reduce,
)

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits"]


@paddle(
    path=PATH + "binary_cross_entropy",
    reference=REF.format("binary_cross_entropy"),
    summary="elementwise BCE on probabilities, each log clamped at −100, mean over "
    "all elements",
    expects="probabilities",
    labels="binary",
    y_true="label",
    y_pred="input",
    divergences=(
        Divergence(
            "log",
            "log p and log(1 − p) clamped at −100 (as torch's BCELoss); labels are "
            "not checked (2.0 is taken)",
            "paddle/phi/kernels/cpu/bce_loss_kernel.cc",
        ),
    ),
    options={"reduction": REDUCTIONS},
)
def binary_cross_entropy(
    input: Any,  # noqa: A002
    label: Any,
    weight: Any = None,
    reduction: str = "mean",
    name: str | None = None,
) -> tuple[Plan, State]:
    """Mirror of ``paddle.nn.functional.binary_cross_entropy``.

    ``ℓ = −w·[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)]``, reduced by
    sum or by the mean over every element.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.paddle.nn import functional as F
    >>> print(F.binary_cross_entropy(np.float32([0.0, 0.3]), np.float32([1, 1]), reduction="none").round(3))
    [100.      1.204]
    """
    check_reduction("binary_cross_entropy", reduction)
    x, y, w = as_torch(input), as_torch(label), as_torch(weight)
    if np.any((x < 0) | (x > 1)) or np.any(np.isnan(x)):
        raise ValueError(
            f"{PATH}binary_cross_entropy: `input` must lie in [0, 1] "
            "(Input is expected to be within the interval [0, 1])"
        )

    def log(state: State) -> dict[str, Any]:
        p = state["y_pred"]
        floor = p.dtype.type(-100)
        one = p.dtype.type(1)
        return {
            "log_p": np.maximum(np.log(p), floor),
            "log_1mp": np.maximum(np.log(one - p), floor),
        }

    steps = [
        Step(
            "log",
            "max(log p, −100), max(log(1 − p), −100)",
            log,
            "paddle/phi/kernels/cpu/bce_loss_kernel.cc",
        ),
        Step(
            "terms",
            "ℓ ← (y − 1)·log(1 − p) − y·log p",
            _bce_terms,
            "paddle/phi/kernels/cpu/bce_loss_kernel.cc",
        ),
    ]
    if w is not None:
        steps.append(_elementwise_weight(w))
    steps += [reduce(reduction), output()]
    return Plan(
        PATH + "binary_cross_entropy", tuple(steps), {"reduction": reduction}
    ), {
        "y_true": y,
        "y_pred": x,
    }


def _bce_terms(state: State) -> dict[str, Any]:
    y, lp, l1 = state["y_true"], state["log_p"], state["log_1mp"]
    one = lp.dtype.type(1)
    return {"loss": ((y - one) * l1 - y * lp).astype(lp.dtype)}


def _elementwise_weight(w: np.ndarray) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        return {"loss": (loss * w).astype(np.result_type(loss.dtype, w.dtype))}

    return Step("weight", "ℓ ← w·ℓ (broadcast)", fn, LOSS_PY)


@paddle(
    path=PATH + "binary_cross_entropy_with_logits",
    reference=REF.format("binary_cross_entropy_with_logits"),
    summary="elementwise sigmoid BCE from logits, max(z, 0) − z·y + log(1 + e^−|z|); "
    "labels equal to −100 give 0 but stay in the mean's denominator",
    expects="logits",
    labels="binary",
    y_true="label",
    y_pred="logit",
    divergences=(
        Divergence(
            "ignore",
            "labels equal to −100 give 0 and still count in mean_all's N",
            "paddle/phi/kernels/cpu/sigmoid_cross_entropy_with_logits_kernel.cc",
        ),
        Divergence(
            "terms",
            "log(1 + exp(−|z|)) rather than log1p: for |z| ≳ 16 (float32) the "
            "term rounds to 0 or to 2⁻²³ instead of e^−|z|",
            "paddle/phi/kernels/cpu/sigmoid_cross_entropy_with_logits_kernel.cc",
        ),
    ),
    options={"reduction": REDUCTIONS},
)
def binary_cross_entropy_with_logits(
    logit: Any,
    label: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
    name: str | None = None,
) -> tuple[Plan, State]:
    """Mirror of ``paddle.nn.functional.binary_cross_entropy_with_logits``.

    With ``pos_weight``, ``(1 − y)·z + lw·(log(1 + e^−|z|) + max(−z, 0))`` with
    ``lw = (pos_weight − 1)·y + 1``, as the CPU kernel does.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.paddle.nn import functional as F
    >>> print(F.binary_cross_entropy_with_logits(np.float32([2.0, -1.0, 3.0]), np.float32([1, 0, -100])).round(4))
    0.1467
    """
    check_reduction("binary_cross_entropy_with_logits", reduction)
    x, y = as_torch(logit), as_torch(label)
    w, pw = as_torch(weight), as_torch(pos_weight)
    src = "paddle/phi/kernels/cpu/sigmoid_cross_entropy_with_logits_kernel.cc"

    def terms(state: State) -> dict[str, Any]:
        z, t = state["y_pred"], state["y_true"].astype(state["y_pred"].dtype)
        one, zero = z.dtype.type(1), z.dtype.type(0)
        soft = np.log(one + np.exp(-np.abs(z)))
        if pw is None:
            loss = np.maximum(z, zero) - z * t + soft
        else:
            lw = (pw.astype(z.dtype) - one) * t + one
            loss = (one - t) * z + lw * (soft + np.maximum(-z, zero))
        ignored = state["y_true"].astype(np.int64) == -100
        return {"loss": np.where(ignored, zero, loss).astype(z.dtype), "mask": ~ignored}

    formula = "ℓ ← max(z, 0) − z·y + log(1 + e^−|z|)"
    if pw is not None:
        formula = "ℓ ← (1 − y)·z + ((w₊ − 1)·y + 1)·(log(1 + e^−|z|) + max(−z, 0))"
    steps = [Step("terms", formula + "; 0 where y = −100", terms, src)]
    if w is not None:
        steps.append(_elementwise_weight(w))
    steps += [reduce(reduction), output()]
    path = PATH + "binary_cross_entropy_with_logits"
    return Plan(path, tuple(steps), {"reduction": reduction}), {
        "y_true": y,
        "y_pred": x,
    }
