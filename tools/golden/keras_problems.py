"""Keras categorical and sparse categorical problems."""

from __future__ import annotations

import numpy as np

from ._common import (
    F32,
    F32_F64,
    F32_F64_F16,
    INF,
    NAN,
    Problem,
    big_logits,
    int_labels,
    logits,
    one_hot,
    probs,
    rng,
)


def _categorical_problems() -> list[Problem]:
    """One-hot / soft-label problems for CCE-like Keras losses."""
    out: list[Problem] = []
    for shape, seed in (((4, 3), 0), ((5, 7), 1)):
        r = rng("cat", shape, seed)
        y = one_hot(int_labels(r, shape[:-1], shape[-1]), shape[-1])
        dts = F32_F64_F16 if seed == 0 else F32_F64
        out.append((f"random-{seed}", dts, (y, probs(r, shape)), {}, ""))
        out.append(
            (f"logits-{seed}", dts, (y, logits(r, shape)), {"from_logits": True}, "")
        )
    r = rng("cat", "soft")
    ys = probs(r, (4, 3))
    out.append(("soft-labels", F32_F64, (ys, probs(r, (4, 3))), {}, ""))
    out.append(
        ("soft-labels-logits", F32, (ys, logits(r, (4, 3))), {"from_logits": True}, "")
    )
    y43 = one_hot([0, 2, 1, 1], 3)
    out.append(
        (
            "unnormalised",
            F32_F64_F16,
            (y43, r.uniform(0, 1, (4, 3))),
            {},
            "rows of y_pred do not sum to 1",
        )
    )
    edge_p = [
        [1, 0, 0],
        [1, 0, 0],
        [0.2, 0.2, 0.2],
        [2, -1, 0],
        [0.5, 0.5, 0],
        [0.5, 0, 0],
    ]
    edge_y = one_hot([0, 1, 0, 0, 2, 1], 3)
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (edge_y, np.array(edge_p, float)),
            {},
            "edge: exact 0/1 probabilities, unnormalised and negative rows",
        )
    )
    out.append(
        (
            "zero-and-nan-rows",
            F32,
            (one_hot([0, 0], 3), np.array([[0, 0, 0], [NAN, 0.5, 0.5]])),
            {},
            "edge: all-zero row and NaN entry",
        )
    )
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (y43, big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    inf_z = [[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]]
    out.append(
        (
            "logits-inf",
            F32_F64,
            (one_hot([0, 0, 1, 1], 3), np.array(inf_z)),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    r = rng("cat", "3d")
    y3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    out.append(
        (
            "axis1-3d",
            F32_F64,
            (y3, probs(r, (2, 3, 4), axis=1)),
            {"axis": 1},
            "class axis 1 of (2,3,4)",
        )
    )
    out.append(
        (
            "axis1-3d-logits",
            F32,
            (y3, logits(r, (2, 3, 4))),
            {"from_logits": True, "axis": 1},
            "",
        )
    )
    y0 = one_hot([1, 0], 3, axis=0)
    out.append(("axis0", F32, (y0, probs(r, (3, 2), axis=0)), {"axis": 0}, ""))
    ylast = one_hot(int_labels(r, (2, 3), 4), 4)
    out.append(("last-axis-3d", F32_F64, (ylast, probs(r, (2, 3, 4))), {}, ""))
    r = rng("cat", "ls")
    yls = one_hot([1, 0, 2, 1], 3)
    pls = probs(r, (4, 3))
    out.append(("ls-0.1", F32_F64_F16, (yls, pls), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "ls-0.1-logits",
            F32,
            (yls, logits(r, (4, 3))),
            {"label_smoothing": 0.1, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "ls-0.3-axis1",
            F32,
            (y3, probs(r, (2, 3, 4), axis=1)),
            {"label_smoothing": 0.3, "axis": 1},
            "label smoothing with axis != -1 (C taken from which axis?)",
        )
    )
    out.append(("ls-negative", F32, (yls, pls), {"label_smoothing": -0.1}, ""))
    out.append(("ls-1.5", F32, (yls, pls), {"label_smoothing": 1.5}, ""))
    out.append(
        (
            "single-class",
            F32,
            (np.ones((4, 1)), np.full((4, 1), 0.7)),
            {},
            "last dimension 1",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    out.append(
        (
            "shape-mismatch",
            F32,
            (y43, probs(r, (4, 4))),
            {},
            "edge: y_true (4,3) vs y_pred (4,4)",
        )
    )
    # seed 000 / 001 (float64 NumPy inputs, as in the question)
    s_y = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    s_p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    s_q = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    out.append(
        (
            "seed000-unnormalised",
            ("float64",),
            (s_y, s_p),
            {},
            "seed 000: CategoricalCrossentropy 0.3239681",
        )
    )
    out.append(
        (
            "seed000-clip",
            ("float64",),
            (np.array([[0.0, 1]]), np.array([[0.99999999999, 0.00000000001]])),
            {},
            "seed 000: 16.118095",
        )
    )
    out.append(
        (
            "seed001-normalised",
            ("float64",),
            (s_y, s_q),
            {},
            "seed 001: [0.10536052 0.11653382 0.0618754]",
        )
    )
    return out


def _sparse_problems() -> list[Problem]:
    """Integer-label problems for SCCE-like Keras losses."""
    out: list[Problem] = []
    r = rng("sparse", 0)
    y0 = int_labels(r, (4,), 3)
    out.append(("random-0", F32_F64_F16, (y0, probs(r, (4, 3))), {}, ""))
    out.append(
        ("logits-0", F32_F64_F16, (y0, logits(r, (4, 3))), {"from_logits": True}, "")
    )
    r = rng("sparse", 1)
    y1 = int_labels(r, (5,), 7).astype(np.int32)
    out.append(("random-1-int32", F32_F64, (y1, probs(r, (5, 7))), {}, ""))
    out.append(
        ("logits-1-int32", F32, (y1, logits(r, (5, 7))), {"from_logits": True}, "")
    )
    r = rng("sparse", "float")
    out.append(
        (
            "float-labels",
            F32,
            (np.array([0, 1.7, 2, 0.2]), probs(r, (4, 3))),
            {},
            "float labels (1.7, 0.2 are fractional)",
        )
    )
    out.append(
        (
            "label-column",
            F32,
            (int_labels(r, (4, 1), 3), probs(r, (4, 3))),
            {},
            "labels of shape (B,1)",
        )
    )
    r = rng("sparse", "3d")
    y3 = int_labels(r, (2, 3), 4)
    out.append(("3d", F32_F64, (y3, probs(r, (2, 3, 4))), {}, ""))
    out.append(
        ("3d-logits", F32, (y3, logits(r, (2, 3, 4))), {"from_logits": True}, "")
    )
    ya = int_labels(r, (2, 4), 3)
    out.append(
        ("axis1", F32, (ya, probs(r, (2, 3, 4), axis=1)), {"axis": 1}, "class axis 1")
    )
    out.append(
        (
            "axis1-logits",
            F32,
            (ya, logits(r, (2, 3, 4))),
            {"axis": 1, "from_logits": True},
            "class axis 1",
        )
    )
    edge_p = np.array(
        [[0.5, 0, 0], [1, 0, 0], [0.2, 0.2, 0.2], [2, -1, 0], [0, 1, 0]], float
    )
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array([1, 0, 0, 0, 0]), edge_p),
            {},
            "edge: exact 0/1, unnormalised, negative",
        )
    )
    out.append(
        ("zero-row", F32, (np.array([0]), np.zeros((1, 3))), {}, "edge: all-zero row")
    )
    p23 = np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])
    out.append(("label-oob-3", F32, (np.array([0, 3]), p23), {}, "edge: label == C"))
    out.append(
        ("label-neg1", F32, (np.array([-1, 0]), p23), {}, "edge: negative label")
    )
    out.append(
        (
            "label-oob-logits",
            F32,
            (np.array([3, 0]), p23),
            {"from_logits": True},
            "edge: label == C",
        )
    )
    p_ign = np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    y_ign = np.array([0, -1, 2])
    out.append(("ignore-class", F32_F64, (y_ign, p_ign), {"ignore_class": -1}, ""))
    out.append(
        (
            "ignore-class-logits",
            F32,
            (y_ign, np.array([[2.0, 1, 0], [0, 0, 0], [0, 1, 3]])),
            {"ignore_class": -1, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "ignore-class-1",
            F32,
            (np.array([0, 1, 2, 1]), probs(r, (4, 3))),
            {"ignore_class": 1},
            "ignore a valid class id",
        )
    )
    out.append(
        (
            "all-ignored",
            F32,
            (np.array([-1, -1]), p_ign[:2]),
            {"ignore_class": -1},
            "edge: every label ignored",
        )
    )
    out.append(
        (
            "ignore-class-3d",
            F32,
            (np.array([[0, -1], [2, 1]]), probs(r, (2, 2, 3))),
            {"ignore_class": -1},
            "",
        )
    )
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (np.array([0, 1, 2, 1]), big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    out.append(
        (
            "logits-inf",
            F32,
            (np.array([0, 0, 0, 1]), inf_z),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    out.append(
        (
            "empty",
            F32,
            (np.zeros((0,), np.int64), np.zeros((0, 3))),
            {},
            "edge: empty batch",
        )
    )
    return out
