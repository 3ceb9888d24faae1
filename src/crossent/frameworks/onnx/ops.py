"""Mirror of the ONNX operators ``SoftmaxCrossEntropyLoss`` and
``NegativeLogLikelihoodLoss`` (opsets 12 and 13; checked against onnxruntime 1.32
CPU and onnx 1.23's reference evaluator).

The operators are graph nodes, not Python functions: each mirror takes the node's
inputs (``scores``/``input``, ``labels``/``target``, optional ``weights``/``weight``)
and attributes (``reduction``, ``ignore_index``) as arguments. Sources: the
operator specification (``onnx/defs/math/defs.cc``), onnxruntime's CPU kernels
(``onnxruntime/core/providers/cpu/ml/...`` / ``training_ops/cpu/loss``) and
``onnx/reference/ops/op_softmax_cross_entropy_loss.py``.

* The class axis is 1; labels are ``(N, D1, …)``.
* ``l_i = −log_prob[i, label_i] · w[label_i]``, 0 where ``label == ignore_index``.
* ``mean``: Σ l / Σ w[label_i] over the labels not ignored (Σ / #not ignored
  without weights; Σ / N when no ``ignore_index`` is given); everything ignored
  gives 0/0 = NaN.
* onnxruntime computes a max-shifted log-softmax; the reference evaluator takes
  ``log(softmax)``, so a probability that underflows gives inf there, not here.
* An index outside ``[0, C)`` that is not ``ignore_index`` fails the node.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, CORE_CHECKS, guard_module
from crossent.errors import FrameworkError, FrameworkIndexError
from crossent.frameworks import _steps as st
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence

__all__ = ["NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"]

SPEC = "onnx/defs/math/defs.cc"
REFERENCE = "onnx/reference/ops/op_softmax_cross_entropy_loss.py"
ORT = "onnxruntime/core/providers/cpu/loss (SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss)"
_PATH = "onnx.ops."
_REDUCTIONS = ("mean", "sum", "none")
_DOCS = "https://onnx.ai/onnx/operators/onnx__{}.html"

_MEAN = Divergence(
    "reduce",
    "'mean' divides by Σ w[label] over the labels not ignored (by their count "
    "without weights, by N when no ignore_index is set); all ignored gives NaN",
    f"{SPEC}; {ORT}",
)
_onnx = functools.partial(
    Mirror,
    framework="onnx",
    versions="ONNX opsets 12–13+ (onnxruntime 1.32, onnx 1.23 reference)",
    labels="integer",
    options={"reduction": _REDUCTIONS, "ignore_index": (None, -100)},
)


def _check(name: str, x: np.ndarray, y: np.ndarray, w: Any, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{_PATH}{name}: `reduction` must be one of {_REDUCTIONS}; got "
            f"{reduction!r}"
        )
    if x.dtype not in (np.float16, np.float32, np.float64):
        raise TypeError(
            f"{_PATH}{name}: the scores must be float16, float32 or float64; got "
            f"{x.dtype}"
        )
    if x.ndim < 2 or y.shape != (x.shape[0], *x.shape[2:]):
        raise ValueError(
            f"{_PATH}{name}: scores (N, C, D…) and labels (N, D…) required; got "
            f"{x.shape} and {y.shape}"
        )
    if w is not None and np.ndim(w) != 1:
        # onnxruntime does not check the weights' shape: it gathers w[label], so a
        # 1-D weight of any length works while the labels index inside it
        raise ValueError(f"{_PATH}{name}: `weights` must be 1-D (one per class)")


def _compute_dtype(x: np.ndarray) -> np.ndarray:
    """float16 scores in float32: onnxruntime 1.32's CPU provider has no float16
    loss kernels and inserts casts around the float32 one (its results on float16
    equal the float32 result rounded to float16)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


class _RuntimeFailError(FrameworkIndexError):
    """onnxruntime's ``Fail`` (its own class) on a label out of range."""

    framework_type = "Fail"


def _steps(
    n_classes: int,
    w: Any,
    reduction: str,
    ignore_index: Any,
    log_softmax: bool,
    out_dtype: Any,
) -> list[Step]:
    def validate(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        bad = (y < 0) | (y >= n_classes)
        if ignore_index is not None:
            bad &= y != ignore_index
        if np.any(bad):
            raise _RuntimeFailError(
                f"{_PATH}: label {int(y[bad].flat[0])} is outside [0, {n_classes}) "
                "(GatherElements op: Out of range value in index tensor)"
            )
        return {}

    def activation(state: State) -> dict[str, Any]:
        return {"log_p": st.framework_log_softmax(state["y_pred"], 1)}

    def terms(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        keep = np.ones(y.shape, bool) if ignore_index is None else y != ignore_index
        idx = np.where(keep, y, 0)
        picked = np.take_along_axis(state["log_p"], np.expand_dims(idx, 1), 1)[:, 0]
        loss = np.where(keep, -picked, np.zeros((), picked.dtype)).astype(picked.dtype)
        return {"loss": loss, "mask": keep}

    def weight(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"]).astype(np.int64)
        keep = state["mask"]
        past = keep & (y >= len(w))
        if np.any(past):
            raise FrameworkError(
                f"{_PATH}: label {int(y[past].flat[0])} has no weight (weights of "
                f"length {len(w)}; Gather node: indices element out of data bounds)",
                framework_type="InvalidArgument",  # onnxruntime's own class
            )
        wy = np.where(keep, np.asarray(w)[np.where(keep, y, 0)], 0).astype(
            state["loss"].dtype
        )
        return {"loss": state["loss"] * wy, "sample_weight": wy}

    def reduce(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if reduction == "none":
            return {"value": loss}
        total = np.sum(loss, dtype=loss.dtype)
        if reduction == "sum":
            return {"value": total}
        if w is not None:
            den = np.sum(state["sample_weight"], dtype=loss.dtype)
        elif ignore_index is not None:
            den = loss.dtype.type(np.count_nonzero(state["mask"]))
        else:
            den = loss.dtype.type(loss.size)
        return {"value": np.asarray(total / den, loss.dtype)}

    def output(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"]).astype(out_dtype)}

    steps = [Step("validate", f"0 ≤ label < {n_classes} or ignored", validate, ORT)]
    if log_softmax:
        steps.append(
            Step(
                "activation", "log_prob ← log_softmax(scores, axis=1)", activation, ORT
            )
        )
    steps.append(
        Step(
            "terms",
            f"l ← −log_prob[label]; 0 where label = {ignore_index}",
            terms,
            SPEC,
        )
    )
    if w is not None:
        steps.append(Step("weight", "l ← w[label]·l (0 where ignored)", weight, SPEC))
    formula = {
        "none": "l",
        "sum": "Σ l",
        "mean": "Σ l / Σ w[label] (kept)"
        if w is not None
        else ("Σ l / #kept" if ignore_index is not None else "Σ l / N"),
    }[reduction]
    steps += [
        Step("reduce", formula, reduce, f"{SPEC}; {ORT}"),
        Step(
            "output",
            "in the scores' dtype (float16 is computed in float32 and rounded once: "
            "onnxruntime has only float32/float64 kernels and casts around them)",
            output,
            ORT,
        ),
    ]
    return steps


@_onnx(
    reference=_DOCS.format("SoftmaxCrossEntropyLoss"),
    summary="log-softmax over axis 1, −log_prob[label]·w[label], mean over Σ w of "
    "the labels not ignored",
    expects="logits",
    y_true="labels",
    y_pred="scores",
    divergences=(
        _MEAN,
        Divergence(
            "activation",
            "onnxruntime's max-shifted log-softmax; the reference evaluator's "
            "log(softmax) gives inf where a probability underflows",
            REFERENCE,
        ),
    ),
)
def SoftmaxCrossEntropyLoss(
    scores: Any,
    labels: Any,
    weights: Any = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
) -> tuple[Plan, State]:
    """Mirror of the ONNX ``SoftmaxCrossEntropyLoss`` operator (first output).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.onnx import ops
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> print(ops.SoftmaxCrossEntropyLoss(z, np.array([1, 0, -100]), ignore_index=-100).round(4))
    0.7887
    """
    x, y = np.asarray(scores), np.asarray(labels)
    _check("SoftmaxCrossEntropyLoss", x, y, weights, reduction)
    out_dtype, x = x.dtype, _compute_dtype(x)
    w = None if weights is None else np.asarray(weights).astype(x.dtype)
    steps = _steps(x.shape[1], w, reduction, ignore_index, True, out_dtype)
    options = {"reduction": reduction, "ignore_index": ignore_index}
    return Plan(_PATH + "SoftmaxCrossEntropyLoss", tuple(steps), options), {
        "y_true": y,
        "y_pred": x,
    }


@_onnx(
    reference=_DOCS.format("NegativeLogLikelihoodLoss"),
    summary="−input[label]·w[label] on log-probabilities, mean over Σ w of the "
    "labels not ignored",
    expects="logits",
    y_true="target",
    y_pred="input",
    divergences=(
        _MEAN,
        Divergence("activation", "no log or softmax: the input is used as given", SPEC),
    ),
)
def NegativeLogLikelihoodLoss(
    input: Any,  # noqa: A002  (the operator's input name)
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
) -> tuple[Plan, State]:
    """Mirror of the ONNX ``NegativeLogLikelihoodLoss`` operator.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.onnx import ops
    >>> z = np.float32([[-1, -2, -3], [-3, -1, 0]])
    >>> print(ops.NegativeLogLikelihoodLoss(z, np.array([1, 0])))
    2.5
    """
    x, y = np.asarray(input), np.asarray(target)
    _check("NegativeLogLikelihoodLoss", x, y, weight, reduction)
    out_dtype, x = x.dtype, _compute_dtype(x)
    w = None if weight is None else np.asarray(weight).astype(x.dtype)
    steps = _steps(x.shape[1], w, reduction, ignore_index, False, out_dtype)
    options = {"reduction": reduction, "ignore_index": ignore_index}
    return Plan(_PATH + "NegativeLogLikelihoodLoss", tuple(steps), options), {
        "y_true": y,
        "y_pred": x,
        "log_p": x,
    }


guard_module(
    globals(),
    _PATH,
    __all__,
    {
        "scores": CHECKS["logits"],
        "weights": CHECKS["weight"],
        "ignore_index": CORE_CHECKS["ignore_index"],
    },
)
