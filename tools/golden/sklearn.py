"""scikit-learn cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    F32_F64_F16,
    NAN,
    Case,
    CaseList,
    Runner,
    _doc,
    _resolve_path,
    bin_probs,
    cast,
    one_hot,
    probs,
    rng,
)

# ----------------------------------------------------------------------------
# scikit-learn
# ----------------------------------------------------------------------------


def build_sklearn() -> CaseList:
    """Cases for ``sklearn.metrics.log_loss``."""
    cl = CaseList()
    impl = "sklearn.metrics.log_loss"

    def add(dt: str, tag: str, y: Any, p: Any, note: str = "", **kw: Any) -> None:
        cl.add(Case(impl, "function", dt, tag, [y, p], kw, {}, None, note))

    r = rng("sk", 0)
    y5 = np.array([0, 2, 1, 3, 2])
    p54 = probs(r, (5, 4))
    yb = np.array([0, 1, 1, 0, 1, 0])
    pb = bin_probs(r, (6,))
    for dt in F32_F64_F16:
        add(dt, "multiclass", y5, cast(p54, dt))
        add(dt, "binary-1d", yb, cast(pb, dt), "1-D y_proba = P(class 1)")
        add(
            dt,
            "edge-exact-0-1",
            np.array([0, 1, 1, 0]),
            cast([[1.0, 0], [1.0, 0], [0.0, 1], [0.5, 0.5]], dt),
            "edge: true class probability 0 and 1",
        )
    add("float64", "binary-2col", yb, np.stack([1 - pb, pb], axis=1))
    add("float64", "binary-column", yb, pb[:, None], "y_proba of shape (n, 1)")
    add("float64", "normalize-false", y5, p54, normalize=False)
    sw = r.uniform(0, 2, (5,))
    add("float64", "sample-weight", y5, p54, sample_weight=sw)
    add("float64", "sample-weight-sum", y5, p54, normalize=False, sample_weight=sw)
    add(
        "float64",
        "sample-weight-zero",
        y5,
        p54,
        "edge: all weights zero",
        sample_weight=np.zeros(5),
    )
    add(
        "float64",
        "labels-arg",
        np.array([0, 2, 2]),
        probs(r, (3, 3)),
        "labels= with a class missing from y_true",
        labels=[0, 1, 2],
    )
    add(
        "float64",
        "single-class",
        np.array([1, 1, 1]),
        np.array([0.9, 0.8, 0.7]),
        "edge: one class, no labels=",
    )
    add(
        "float64",
        "single-class-labels",
        np.array([1, 1, 1]),
        np.array([0.9, 0.8, 0.7]),
        "one class with labels=",
        labels=[0, 1],
    )
    add(
        "float64",
        "unnormalised",
        np.array([0, 1]),
        np.array([[0.2, 0.2], [0.2, 0.2]]),
        "rows do not sum to 1",
    )
    add(
        "float64",
        "prob-above-1",
        np.array([0, 1]),
        np.array([[1.5, 0.0], [0.2, 0.8]]),
        "edge: probability > 1",
    )
    add(
        "float64",
        "prob-negative",
        np.array([0, 1]),
        np.array([[-0.1, 0.9], [0.2, 0.8]]),
        "edge: probability < 0",
    )
    add(
        "float64",
        "prob-nan",
        np.array([0, 1]),
        np.array([[NAN, 0.5], [0.2, 0.8]]),
        "edge: NaN probability",
    )
    add(
        "float64",
        "empty",
        np.zeros((0,), np.int64),
        np.zeros((0, 2)),
        "edge: empty input",
    )
    add(
        "float64",
        "soft-y-true",
        np.array([0.3, 0.7]),
        np.array([0.4, 0.6]),
        "edge: non-integer y_true",
    )
    add(
        "float64",
        "multilabel-indicator",
        one_hot([0, 2, 1], 3).astype(np.int64),
        probs(r, (3, 3)),
        "one-hot y_true",
    )
    add(
        "float64",
        "n-classes-mismatch",
        y5,
        probs(r, (5, 3)),
        "edge: y_proba has fewer columns than classes",
    )
    add(
        "float64",
        "string-labels",
        ["spam", "ham", "ham", "eggs"],
        probs(r, (4, 3)),
        "string labels, sorted lexicographically",
    )
    add(
        "float64",
        "float-labels",
        np.array([0.0, 1.0, 1.0]),
        np.array([0.2, 0.7, 0.9]),
        "float class labels 0./1.",
    )
    add(
        "float64",
        "seed000",
        np.array([0, 1, 2]),
        np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]),
        "seed 000 inputs (unnormalised row)",
    )
    add(
        "float64",
        "seed001",
        np.array([0, 1, 2]),
        np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]]),
        "seed 001 inputs",
    )
    add(
        "float64",
        "doc-docstring",
        ["spam", "ham", "ham", "spam"],
        np.array([[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]),
        _doc(0.2161619, "7"),
    )
    add(
        "float64",
        "doc-true-prob-0",
        np.array([0, 1]),
        np.array([[0.0, 1.0], [0.0, 1.0]]),
        _doc(18.0218265, "7 (36.043653/2)"),
    )
    add(
        "float16",
        "doc-true-prob-0",
        np.array([0, 1]),
        cast([[0.0, 1.0], [0.0, 1.0]], "float16"),
        "docs/semantics.md 7: about 6.93/2",
    )
    return cl


class SklearnRunner(Runner):
    """scikit-learn ``log_loss`` (no gradients)."""

    family = "sklearn"

    def __init__(self) -> None:
        import scipy
        import sklearn
        import sklearn.metrics

        self.sklearn, self.scipy = sklearn, scipy

    def versions(self) -> dict[str, str]:
        return {
            "scikit-learn": self.sklearn.__version__,
            "scipy": self.scipy.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return _resolve_path(self.sklearn, impl.split(".", 1)[1])

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        out = target(*case.args, **case.kwargs)
        return np.asarray(out, dtype=np.float64), None


build = build_sklearn
runner = SklearnRunner
