"""The worked examples of docs/semantics.md for torch."""

from __future__ import annotations

import numpy as np

from ._common import (
    F32,
    INF,
    CaseList,
    Problem,
    _doc,
    one_hot,
    softmax,
)
from ._torch_common import _add_torch


def _add_torch_doc_cases(cl: CaseList) -> None:
    """The worked examples of docs/semantics.md §5 (values in the notes)."""
    z = np.array([[1.0, 2, 3], [3, 1, 0], [0, 0, 0]])
    t = np.array([1, 0, 2])
    w = np.array([1.0, 2, 3])
    oh = one_hot(t, 3)
    ce: list[Problem] = [
        (
            "doc-none",
            F32,
            (z, t),
            {"reduction": "none"},
            _doc([1.4076059, 0.1698460, 1.0986123], "5.1"),
        ),
        ("doc-mean", F32, (z, t), {}, _doc(0.8920214, "5.1")),
        ("doc-weight", F32, (z, t), {"weight": w}, _doc(1.0468158, "5.1")),
        ("doc-prob-weight", F32, (z, oh), {"weight": w}, _doc(2.0936315, "5.1")),
        ("doc-ls", F32, (z, t), {"label_smoothing": 0.1}, _doc(0.9475769, "5.1")),
        (
            "doc-ls-none",
            F32,
            (z, t),
            {"label_smoothing": 0.1, "reduction": "none"},
            _doc([1.4076059, 0.3365127, 1.0986123], "5.1"),
        ),
        (
            "doc-ls-weight",
            F32,
            (z, t),
            {"label_smoothing": 0.1, "weight": w},
            _doc(1.0924474, "5.1"),
        ),
        (
            "doc-prob-ls-weight",
            F32,
            (z, oh),
            {"label_smoothing": 0.1, "weight": w},
            _doc(2.1848950, "5.1"),
        ),
        ("doc-ignore", F32, (z, np.array([1, -100, 2])), {}, _doc(1.2531091, "5.1")),
        (
            "doc-weight-0.5-0-2",
            F32,
            (z, t),
            {"weight": np.array([0.5, 0, 2])},
            _doc(0.9128591, "D4"),
        ),
        (
            "doc-1.4076",
            ("float16", "bfloat16"),
            (z[:1], t[:1]),
            {},
            "docs/semantics.md 5.1: float16 1.4072266, bfloat16 1.40625",
        ),
        (
            "doc-ls-neg",
            F32,
            (z[:1], t[:1]),
            {"label_smoothing": -0.1},
            _doc(1.4076059, "D10"),
        ),
        (
            "doc-neginf-index",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([0])),
            {},
            _doc(1.3132616, "D16"),
        ),
    ]
    _add_torch(cl, "cross_entropy", ce)
    nll: list[Problem] = [
        ("doc-softmax-input", F32, (softmax(z), t), {}, _doc(-0.4739522, "5.2")),
        (
            "doc-logits-input",
            F32,
            (np.array([[2.0, 1, 0.1]]), np.array([0])),
            {},
            _doc(-2.0, "D6"),
        ),
    ]
    _add_torch(cl, "nll_loss", nll)
    bce: list[Problem] = [
        (
            "doc-soft-target",
            F32,
            (np.array([0.3]), np.array([0.5])),
            {},
            _doc(0.7803239, "5.3"),
        ),
        (
            "doc-f16",
            ("float16",),
            (np.array([0.3]), np.array([1.0])),
            {},
            _doc(1.2041016, "5.3"),
        ),
        (
            "doc-f64-1-1e-7",
            ("float64",),
            (np.array([1 - 1e-7]), np.array([0.0])),
            {},
            _doc(16.118095651, "5.3"),
        ),
        (
            "doc-onehot-mean",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {},
            _doc(0.2283930, "D5"),
        ),
        (
            "doc-onehot-sum",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {"reduction": "sum"},
            _doc(0.6851791, "D5"),
        ),
    ]
    _add_torch(cl, "binary_cross_entropy", bce)
    bcel: list[Problem] = [
        (
            "doc-pos-weight",
            F32,
            (np.array([-3.0]), np.array([1.0])),
            {"pos_weight": np.array([3.0])},
            _doc(9.1457615, "5.4"),
        ),
        (
            "doc-label-2",
            F32,
            (np.array([1.0]), np.array([2.0])),
            {},
            _doc(-0.6867383, "5.4"),
        ),
        (
            "doc-x-200",
            F32,
            (np.array([-200.0]), np.array([1.0])),
            {},
            _doc(200.0, "5.4"),
        ),
    ]
    _add_torch(cl, "binary_cross_entropy_with_logits", bcel)
