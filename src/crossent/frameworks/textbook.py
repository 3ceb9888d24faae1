"""The formulas people write by hand, and the exact core, as implementations.

``textbook.categorical`` is ``-Σ y log p`` and ``textbook.binary`` is
``-Σ [y log p + (1-y) log(1-p)]``, computed the way a NumPy user writes them
(no clipping, no renormalisation, ``np.log`` in the input's dtype), with the
reductions people apply afterwards:

``none``
    one value per example (the class axis summed);
``sum``
    the sum over everything;
``mean``
    the mean over examples of the per-example sums;
``mean_over_elements``
    the mean over every element (``np.mean`` of the unsummed terms).

``exact.*`` are crossent's own core functions: the reference every mirror is
measured against.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np

import crossent._core as core
from crossent._core._guard import guard_module
from crossent.frameworks import _steps as st
from crossent.frameworks._declare import Mirror, unchanged
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence

__all__ = ["INT8_ONE_HOT_ABOVE", "TextbookReduction", "binary", "categorical"]

#: Class ids with more predictions than this become an int8 one-hot matrix.
INT8_ONE_HOT_ABOVE = 4_000_000

TextbookReduction = Literal["none", "sum", "mean", "mean_over_elements"]
_REDUCTIONS: tuple[TextbookReduction, ...] = (
    "none",
    "sum",
    "mean",
    "mean_over_elements",
)


def _check_reduction(owner: str, reduction: Any) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{owner}: `reduction` must be one of {', '.join(map(repr, _REDUCTIONS))}; "
            f"got {reduction!r}."
        )


def _reduce(reduction: TextbookReduction, axis: int) -> Step:
    formulas = {
        "none": "value ← ℓ (one per example)",
        "sum": "value ← Σ_i ℓ_i",
        "mean": "value ← (1/N) Σ_i ℓ_i",
        "mean_over_elements": "value ← (1/(N·C)) Σ_i Σ_c t_ic",
    }

    def fn(state: State) -> dict[str, Any]:
        loss = state["loss"]
        if reduction == "none":
            return {"value": loss}
        if reduction == "sum":
            return {"value": np.sum(loss)}
        if reduction == "mean":
            return {"value": np.mean(loss)}
        return {"value": np.mean(state["terms"])}

    return Step(
        "reduce",
        formulas[reduction],
        fn,
        "written by hand",
        # np.mean of every term
        reads=("terms",) if reduction == "mean_over_elements" else (),
    )


def _inputs(y_true: Any, y_pred: Any, axis: int = -1) -> dict[str, Any]:
    """The formulas' inputs: floating predictions, and targets in their dtype.

    Integer class ids (one dimension fewer than the predictions) become one-hot
    rows along ``axis``, as a user writing −Σ y log p would first make them; an
    id outside [0, C) has no one-hot row and gets a row of NaN (its loss is
    undefined), never a silent zero.
    """
    p = np.asarray(y_pred)
    if p.dtype.kind not in "f":
        p = p.astype(np.float64)
    y = np.asarray(y_true)
    if y.dtype.kind in "iub" and p.ndim >= 1 and y.ndim == p.ndim - 1:
        classes = p.shape[axis]
        valid = (y >= 0) & (y < classes)
        # a large one-hot of valid ids is held as int8 (a byte an entry instead of
        # four or eight): y·log p and the core's formulas give the same numbers
        small = p.size > INT8_ONE_HOT_ABOVE and bool(valid.all())
        one_hot = np.zeros((*y.shape, classes), np.int8 if small else p.dtype)
        np.put_along_axis(one_hot, np.where(valid, y, 0)[..., None], 1, axis=-1)
        if small:
            return {"y_true": np.moveaxis(one_hot, -1, axis), "y_pred": p}
        one_hot[~valid] = np.nan
        y = np.moveaxis(one_hot, -1, axis)
    return {"y_true": y.astype(p.dtype, copy=False), "y_pred": p}


_textbook = functools.partial(
    Mirror,
    framework="textbook",
    versions="any",
    expects="probabilities",
    divergences=(
        Divergence(
            "terms",
            "no guard: 0·log 0 gives NaN and a true class predicted 0 gives inf",
            "written by hand",
        ),
    ),
    options={"reduction": _REDUCTIONS},
    result=unchanged,
)


@_textbook(
    reference="https://en.wikipedia.org/wiki/Cross-entropy",
    summary="−Σ_c y_c log p_c as written by hand in NumPy, then a reduction",
    labels="one_hot",
)
def categorical(
    y_true: Any, y_pred: Any, *, reduction: TextbookReduction = "none", axis: int = -1
) -> tuple[Plan, State]:
    """The hand-written categorical cross-entropy ``-Σ_c y_c log p_c``.

    Examples
    --------
    Seed question 000: the "mean step2" the user printed.

    >>> import numpy as np
    >>> from crossent.frameworks import textbook
    >>> y = np.eye(3)
    >>> p = np.array([[.9, .05, .05], [.5, .89, .6], [.05, .01, .94]])
    >>> print(round(float(textbook.categorical(y, p, reduction="mean")), 8))
    0.0945899
    """
    _check_reduction("textbook.categorical", reduction)
    steps = (
        st.log_of_probabilities(source="np.log"),
        st.categorical_terms(source="written by hand"),
        st.class_reduce(axis, source="np.sum"),
        _reduce(reduction, axis),
    )
    plan = Plan("textbook.categorical", steps, {"reduction": reduction, "axis": axis})
    return plan, _inputs(y_true, y_pred, axis)


@_textbook(
    reference="https://en.wikipedia.org/wiki/Cross-entropy"
    "#Cross-entropy_loss_function_and_logistic_regression",
    summary="−Σ_c [y log p + (1−y) log(1−p)] as written by hand, then a reduction",
    labels="binary",
)
def binary(
    y_true: Any, y_pred: Any, *, reduction: TextbookReduction = "none", axis: int = -1
) -> tuple[Plan, State]:
    """The hand-written binary cross-entropy ``-Σ_c [y log p + (1-y) log(1-p)]``.

    Examples
    --------
    Seed question 003: the binary formula on softmax outputs.

    >>> import numpy as np
    >>> from crossent.frameworks import textbook
    >>> y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> p = np.array([[0.227863, 0.61939586, 0.15274114],
    ...               [0.49674623, 0.20196195, 0.30129182]])
    >>> print(textbook.binary(y, p))
    [0.90335299 2.11193571]
    """
    _check_reduction("textbook.binary", reduction)
    steps = (
        st.log_of_probabilities(
            source="np.log", complement="log", formula="log p, log(1 − p)"
        ),
        st.binary_terms(source="written by hand"),
        st.class_reduce(axis, source="np.sum"),
        _reduce(reduction, axis),
    )
    plan = Plan("textbook.binary", steps, {"reduction": reduction, "axis": axis})
    return plan, _inputs(y_true, y_pred, axis)


def _exact_step(name: str, formula: str, fn: Any) -> Step:
    return Step("terms", formula, fn, f"crossent.{name}")


def _exact_reduce(
    reduction: TextbookReduction, size: int, elementwise: bool = False
) -> Step:
    """The reduction of an exact plan; elementwise losses are summed per example
    first. ``size``: the number of predictions (N·C), for the mean over elements."""
    formulas = {
        "none": "value ← ℓ",
        "sum": "value ← Σ ℓ",
        "mean": "value ← mean of ℓ",
        "mean_over_elements": "value ← Σ ℓ / (N·C)",
    }

    def fn(state: State) -> dict[str, Any]:
        loss = np.asarray(state["loss"])
        if reduction == "none":
            return {"value": loss}
        if reduction == "sum":
            return {"value": np.sum(loss)}
        if reduction == "mean_over_elements":
            return {"value": np.sum(loss) / max(size, 1)}
        per_example = loss.sum(axis=-1) if elementwise and loss.ndim > 0 else loss
        return {"value": np.mean(per_example)}

    return Step("reduce", formulas[reduction], fn, "crossent.reduce_loss")


def _exact(
    name: str, core_fn: str, expects: Literal["logits", "probabilities"], labels: Any
) -> Mirror:
    """The declaration of ``exact.<name>``: crossent's own ``core_fn``."""
    return Mirror(
        path=f"exact.{name}",
        framework="exact",
        versions="crossent",
        reference=f"crossent.{core_fn} (this package)",
        summary=f"crossent.{core_fn}: exact to a few ulp, computed in float64",
        expects=expects,
        labels=labels,
    )


@_exact("categorical", "cross_entropy", "probabilities", "one_hot")
def _exact_categorical(
    y_true: Any, y_pred: Any, *, axis: int = -1, reduction: TextbookReduction = "none"
) -> tuple[Plan, State]:
    """Plan of :func:`crossent.cross_entropy` (probabilities, exact)."""
    step = _exact_step(
        "cross_entropy",
        "ℓ ← −Σ_c xlogy(y_c, p_c), in float64",
        lambda s: {
            "loss": np.asarray(core.cross_entropy(s["y_pred"], s["y_true"], axis=axis))
        },
    )
    _check_reduction("exact.categorical", reduction)
    return Plan(
        "exact.categorical",
        (step, _exact_reduce(reduction, int(np.size(y_pred)))),
        {"axis": axis, "reduction": reduction},
    ), _inputs(y_true, y_pred, axis)


@_exact("softmax", "softmax_cross_entropy", "logits", "one_hot")
def _exact_softmax(
    y_true: Any, y_pred: Any, *, axis: int = -1, reduction: TextbookReduction = "none"
) -> tuple[Plan, State]:
    """Plan of :func:`crossent.softmax_cross_entropy` (logits, exact)."""
    step = _exact_step(
        "softmax_cross_entropy",
        "ℓ ← Σ_c y_c [(m − z_c) + log1p(Σ_{j≠j*} e^{z_j − m})], in float64",
        lambda s: {
            "loss": np.asarray(
                core.softmax_cross_entropy(s["y_pred"], s["y_true"], axis=axis)
            )
        },
    )
    _check_reduction("exact.softmax", reduction)
    return Plan(
        "exact.softmax",
        (step, _exact_reduce(reduction, int(np.size(y_pred)))),
        {"axis": axis, "reduction": reduction},
    ), _inputs(y_true, y_pred, axis)


@_exact("binary", "binary_cross_entropy", "probabilities", "binary")
def _exact_binary(
    y_true: Any, y_pred: Any, *, reduction: TextbookReduction = "none"
) -> tuple[Plan, State]:
    """Plan of :func:`crossent.binary_cross_entropy` (probabilities, exact, elementwise)."""
    step = _exact_step(
        "binary_cross_entropy",
        "t ← −xlogy(y, p) − xlogy(1 − y, 1 − p), in float64",
        lambda s: {
            "loss": np.asarray(core.binary_cross_entropy(s["y_pred"], s["y_true"]))
        },
    )
    _check_reduction("exact.binary", reduction)
    return Plan(
        "exact.binary",
        (step, _exact_reduce(reduction, int(np.size(y_pred)), True)),
        {"reduction": reduction},
    ), _inputs(y_true, y_pred)


@_exact("sigmoid_binary", "sigmoid_binary_cross_entropy", "logits", "binary")
def _exact_sigmoid(
    y_true: Any, y_pred: Any, *, reduction: TextbookReduction = "none"
) -> tuple[Plan, State]:
    """Plan of :func:`crossent.sigmoid_binary_cross_entropy` (logits, exact, elementwise)."""
    step = _exact_step(
        "sigmoid_binary_cross_entropy",
        "t ← y·softplus(−z) + (1 − y)·softplus(z), in float64",
        lambda s: {
            "loss": np.asarray(
                core.sigmoid_binary_cross_entropy(s["y_pred"], s["y_true"])
            )
        },
    )
    _check_reduction("exact.sigmoid_binary", reduction)
    return Plan(
        "exact.sigmoid_binary",
        (step, _exact_reduce(reduction, int(np.size(y_pred)), True)),
        {"reduction": reduction},
    ), _inputs(y_true, y_pred)


guard_module(globals(), "textbook.", __all__)
