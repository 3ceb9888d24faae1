"""Mirror of ``sklearn.metrics.log_loss`` (scikit-learn 1.5–1.9; checked 1.9.1).

Also registers the historical behaviour of scikit-learn < 1.5 (clip, then
renormalise each row) as ``sklearn<1.5.metrics.log_loss``, so that
:func:`crossent.identify` can say that a number came from an older release.
scikit-learn itself is never imported; its arithmetic is NumPy's, so the
mirror calls the same NumPy functions in the same order.
"""

from __future__ import annotations

import math
import warnings
from math import sqrt
from typing import Any

import numpy as np

from crossent._core._guard import CLASS_LABELS, OPTIONAL_CLASS_LABELS, guard_module
from crossent.frameworks import _steps as st
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import show
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.sklearn import _labels

__all__ = ["log_loss"]

_SRC = "sklearn/metrics/_classification.py"


def _eps_text(dtype: Any, *, cap: bool = True) -> str:
    """``finfo(dtype).eps`` and the largest loss of one sample, ``−log eps``."""
    eps = float(np.finfo(dtype).eps)
    return f"{eps:.2e}" + (f" (cap {show(-math.log(eps), 4)})" if cap else "")


_DOCS = (
    "https://scikit-learn.org/stable/modules/generated/sklearn.metrics.log_loss.html"
)


def _is_array_like(x: Any) -> bool:
    return (
        hasattr(x, "__len__") or hasattr(x, "shape") or hasattr(x, "__array__")
    ) and not np.isscalar(x)


def _validate_params(y_true: Any, y_proba: Any, normalize: Any) -> None:
    """``@validate_params`` on ``log_loss``: InvalidParameterError (Value+TypeError)."""
    for name, value in (("y_true", y_true), ("y_proba", y_proba)):
        if value is not None and not _is_array_like(value):
            raise _labels.InvalidParameterError(
                f"The '{name}' parameter of log_loss must be an array-like. "
                f"Got {value!r} instead."
            )
    if not isinstance(normalize, (bool, np.bool_)):
        raise _labels.InvalidParameterError(
            "The 'normalize' parameter of log_loss must be an instance of 'bool' or "
            f"an instance of 'numpy.bool'. Got {normalize!r} instead."
        )


def _two_columns(p: np.ndarray) -> np.ndarray:
    if p.ndim == 1:
        p = p[:, np.newaxis]
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)
    return p


def _squeeze_step() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"y_pred": _two_columns(state["y_pred"])}

    return Step(
        "squeeze",
        "1-D y_proba is P(positive class): p ← [1 − p, p]",
        fn,
        f"{_SRC} _validate_multiclass_probabilistic_prediction",
    )


def _reduce_step(normalize: bool) -> Step:
    def fn(state: State) -> dict[str, Any]:
        loss, sw = state["loss"], state.get("sample_weight")
        if normalize:
            value = np.average(loss, weights=sw)
        elif sw is not None:
            value = np.dot(loss, sw)
        else:
            value = np.sum(loss)
        return {"value": value}

    if normalize:
        formula = "Σ w_i ℓ_i / Σ w_i  (np.average)"
    else:
        formula = "Σ w_i ℓ_i  (normalize=False)"
    return Step("reduce", formula, fn, "sklearn/utils/_array_api.py _average")


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": float(state["value"])}

    return Step("output", "a Python float", fn, f"{_SRC} log_loss")


def _as_float(value: Any) -> float:
    """What ``log_loss`` returns: a Python float."""
    return float(value)


def _plan_log_loss(
    y_true: Any,
    y_pred: Any,
    *,
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
    warn: bool = False,
) -> tuple[Plan, State]:
    """Plan of ``log_loss(y_true, y_proba=y_pred, ...)`` (scikit-learn ≥ 1.5).

    With ``warn`` (what :func:`log_loss` passes), scikit-learn's UserWarnings are
    emitted at the points where it emits them; binding for ``identify`` or
    ``explain`` stays silent.
    """
    _validate_params(y_true, y_pred, normalize)
    p = _labels.check_proba(y_pred)
    if p.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {p.max()}")
    if p.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {p.min()}")
    _labels.check_consistent_length(p, y_true, sample_weight)
    sw = None
    if sample_weight is not None:
        _labels.check_sample_weight(sample_weight, p.shape[0])
        sw = np.asarray(sample_weight)
    y_bin, classes = _labels.binarize(
        y_true,
        labels,
        one_label_message="Please provide the list of all expected class labels "
        "explicitly through the labels argument.",
        warn_unsorted=warn,
        dtype=p.dtype,  # made in the dtype _log_loss casts it to
    )
    p2 = _two_columns(p)
    eps = np.finfo(p2.dtype).eps
    sums = np.sum(p2, axis=1)
    if warn and not np.all(np.isclose(sums, np.asarray(1, sums.dtype), rtol=sqrt(eps))):
        warnings.warn(
            "The y_prob values do not sum to one. Make sure to pass probabilities.",
            UserWarning,
            stacklevel=3,
        )
    if classes.shape[0] != p2.shape[1]:
        if labels is None:
            raise ValueError(
                "y_true and y_prob contain different number of classes: "
                f"{y_bin.shape[1]} vs {p2.shape[1]}. Please provide the true labels "
                "explicitly through the labels argument. Classes found in y_true: "
                f"{classes}"
            )
        raise ValueError(
            "The number of classes in labels is different from that in y_prob. "
            f"Classes found in labels: {classes}"
        )
    steps: list[Step] = []
    if p2.shape != p.shape:
        steps.append(_squeeze_step())
    steps += [
        st.clip(eps, 1 - eps, source=f"{_SRC} _log_loss"),
        st.log_of_probabilities(source=f"{_SRC} _log_loss"),
        st.categorical_terms(
            source="sklearn/utils/_array_api.py _xlogy", zero_safe=True
        ),
        st.class_reduce(1, source=f"{_SRC} _log_loss"),
        _reduce_step(normalize),
        _output(),
    ]
    state = {"y_true": y_bin, "y_pred": p, "sample_weight": sw}
    options = {"normalize": normalize, "eps": float(eps)}
    return Plan("sklearn.metrics.log_loss", tuple(steps), options), state


@Mirror(
    framework="sklearn",
    versions="scikit-learn 1.5–1.9",
    reference=_DOCS,
    summary="mean over samples of −Σ Y log clip(P, eps, 1 − eps); rows not "
    "renormalised (a UserWarning instead)",
    expects="probabilities",
    labels="integer",
    y_pred="y_proba",
    hidden=("y_pred",),
    defaults={"_warn": False},  # binding for identify or explain stays silent
    divergences=(
        Divergence(
            "clip",
            "probabilities clipped to [eps, 1 − eps] with eps = finfo(dtype).eps: "
            f"{_eps_text(np.float64)} in float64, {_eps_text(np.float32)} in float32, "
            f"{_eps_text(np.float16, cap=False)} in float16",
            f"{_SRC} _log_loss",
        ),
        Divergence(
            "validate",
            "probabilities > 1, < 0 or NaN raise ValueError; classes come from "
            "y_true (sorted) unless labels= is given",
            f"{_SRC} _validate_multiclass_probabilistic_prediction",
        ),
    ),
    options={"normalize": (True, False)},
    result=_as_float,
)
def log_loss(
    y_true: Any,
    y_proba: Any = None,
    *,
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
    y_pred: Any = "deprecated",
    _warn: bool = True,
) -> tuple[Plan, State]:
    r"""Mirror of ``sklearn.metrics.log_loss`` (scikit-learn 1.5–1.9).

    Parameters
    ----------
    y_true : array_like
        Class labels (binarised over the sorted classes: strings sort
        lexicographically) or a label-indicator matrix.
    y_proba : array_like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities; a 1-D array is P(the larger class). Kept in
        float64, float32 or float16; anything else becomes float64.
    normalize : bool, default True
        Mean over samples (weighted by ``sample_weight``) or, if False, the sum.
    sample_weight : array_like of shape (n_samples,), optional
    labels : array_like, optional
        All the classes, when ``y_true`` lacks some.
    y_pred : array_like, optional
        Deprecated name of ``y_proba`` (FutureWarning), as in 1.9.

    Returns
    -------
    float
        The log loss.

    Raises
    ------
    ValueError
        Probabilities > 1, < 0 or NaN; empty input; all-zero sample weights;
        fewer than two classes without ``labels``; mismatched class counts.

    Warns
    -----
    UserWarning
        When a row does not sum to 1 within ``sqrt(eps)``; the rows are **not**
        renormalised (scikit-learn ≥ 1.5).

    Notes
    -----
    .. math:: \frac{\sum_i w_i \sum_c -Y_{ic} \log \operatorname{clip}(P_{ic},
              \epsilon, 1 - \epsilon)}{\sum_i w_i}, \quad
              \epsilon = \operatorname{finfo}(P).\mathrm{eps}

    with ``0·log 0 = 0`` (``xlogy``).

    References
    ----------
    https://scikit-learn.org/stable/modules/generated/sklearn.metrics.log_loss.html
    (``sklearn/metrics/_classification.py``), scikit-learn 1.5–1.9.

    Examples
    --------
    >>> from crossent.frameworks.sklearn.metrics import log_loss
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]), 7)
    0.2161619
    """
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError(
                "Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
                "use `y_proba` instead."
            )
        warnings.warn(
            "`y_pred` was renamed to `y_proba` in version 1.9 and will be removed "
            "in 1.11. Use `y_proba` instead.",
            FutureWarning,
            stacklevel=2,
        )
        y_proba = y_pred
    if y_proba is None:
        # check_array(None) reads it as NaN, so scikit-learn says this
        raise ValueError(
            "Input contains NaN. (sklearn.metrics.log_loss: `y_proba` is required; "
            "got None)"
        )
    return _plan_log_loss(
        y_true,
        y_proba,
        normalize=normalize,
        sample_weight=sample_weight,
        labels=labels,
        warn=_warn,
    )


@Mirror(
    path="sklearn<1.5.metrics.log_loss",
    framework="sklearn<1.5",
    versions="scikit-learn 0.18–1.4",
    reference="https://scikit-learn.org/1.4/modules/generated/sklearn.metrics.log_loss.html",
    summary="clip to [eps, 1 − eps], then renormalise each row, then −Σ Y log P",
    expects="probabilities",
    labels="integer",
    divergences=(
        Divergence(
            "renormalize",
            "rows divided by their sum after clipping (removed in 1.5, "
            "scikit-learn#28851): [[.2, .3]] → [[.4, .6]]",
            f"{_SRC} log_loss (≤ 1.4)",
        ),
        Divergence(
            "clip",
            "eps = 1e-15 up to 1.1 (a no-op in float32), finfo(dtype).eps "
            "('auto') in 1.2–1.4",
            f"{_SRC} log_loss (≤ 1.4)",
        ),
    ),
    options={"eps": (1e-15, "auto"), "normalize": (True, False)},
)
def _log_loss_pre15(
    y_true: Any,
    y_pred: Any,
    *,
    eps: Any = "auto",
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
) -> tuple[Plan, State]:
    """Plan of ``log_loss`` in scikit-learn < 1.5: clip, then renormalise rows.

    ``eps`` is 1e-15 (the default up to 1.1) or ``"auto"`` = ``finfo(dtype).eps``
    (1.2–1.4). The log is taken in float64 (``scipy.special.xlogy`` of the
    integer indicator and the probabilities). Values outside [0, 1] are not
    rejected; the "do not sum to one" warning of 1.3/1.4 is not emitted.
    """
    p = _labels.check_proba(y_pred)
    e = np.finfo(p.dtype).eps if eps == "auto" else eps
    _labels.check_consistent_length(p, y_true, sample_weight)
    sw = None if sample_weight is None else np.asarray(sample_weight)
    y_bin, classes = _labels.binarize(
        y_true,
        labels,
        one_label_message="Please provide the true labels explicitly through the "
        "labels argument.",
        warn_unsorted=False,
        dtype=np.int8,  # the integer indicator xlogy takes, a byte per entry
    )
    if len(classes) != _two_columns(p).shape[1]:
        raise ValueError(
            "y_true and y_pred contain different number of classes "
            f"{y_bin.shape[1]}, {_two_columns(p).shape[1]}. Please provide the true "
            "labels explicitly through the labels argument."
        )

    lo, hi = np.asarray(e, p.dtype), np.asarray(1 - e, p.dtype)

    def clip_then_renormalize(state: State) -> dict[str, Any]:
        # In < 1.5 the clip comes first, then the 1-D expansion, then the
        # division; STEP_ORDER puts "renormalize" before "clip", so this one
        # step does all three, in sklearn's order.
        clipped = _two_columns(np.clip(state["y_pred"], lo, hi))
        return {"y_pred": clipped / clipped.sum(axis=1)[:, np.newaxis]}

    def log(state: State) -> dict[str, Any]:
        # scipy.special.xlogy(int indicator, p) runs its float64 loop
        return {"log_p": np.log(state["y_pred"].astype(np.float64))}

    src = f"{_SRC} log_loss (≤ 1.4)"
    steps: list[Step] = [
        Step(
            "renormalize",
            f"p ← clip(p, {st.fmt(lo)}, {st.fmt(hi)}); then p ← p / Σ_c p_c",
            clip_then_renormalize,
            src,
        ),
        Step("log", "log p ← log(p) in float64 (xlogy)", log, "scipy.special.xlogy"),
        st.categorical_terms(source="scipy.special.xlogy", zero_safe=True),
        st.class_reduce(1, source=src),
        _reduce_step(normalize),
        _output(),
    ]
    state = {"y_true": y_bin, "y_pred": p, "sample_weight": sw}
    options = {"eps": eps, "normalize": normalize}
    return Plan("sklearn<1.5.metrics.log_loss", tuple(steps), options), state


guard_module(
    globals(),
    "sklearn.metrics.",
    __all__,
    {"y_true": CLASS_LABELS, "labels": OPTIONAL_CLASS_LABELS, "y_pred": None},
)
