"""Keras binary, binary focal and categorical focal problems."""

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
    bin_labels,
    bin_probs,
    int_labels,
    logits,
    one_hot,
    probs,
    rng,
    sigmoid,
)


def _binary_problems() -> list[Problem]:
    """Problems for BCE-like Keras losses."""
    out: list[Problem] = []
    for shape, seed in (((4, 3), 0), ((5, 7), 1)):
        r = rng("bin", shape, seed)
        y = bin_labels(r, shape)
        dts = F32_F64_F16 if seed == 0 else F32_F64
        out.append((f"random-{seed}", dts, (y, bin_probs(r, shape)), {}, ""))
        out.append(
            (f"logits-{seed}", dts, (y, logits(r, shape)), {"from_logits": True}, "")
        )
    r = rng("bin", "soft")
    out.append(
        (
            "soft-labels",
            F32_F64,
            (r.uniform(0, 1, (4, 3)), bin_probs(r, (4, 3))),
            {},
            "",
        )
    )
    out.append(
        ("1d", F32_F64, (bin_labels(r, (6,)), bin_probs(r, (6,))), {}, "1-D inputs")
    )
    out.append(
        (
            "1d-logits",
            F32,
            (bin_labels(r, (6,)), logits(r, (6,))),
            {"from_logits": True},
            "1-D inputs",
        )
    )
    out.append(("3d", F32, (bin_labels(r, (2, 3, 4)), bin_probs(r, (2, 3, 4))), {}, ""))
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (bin_labels(r, (4, 3)), big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    x_inf = [INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20]
    y_inf = [0, 1, 0, 1, 0, 0, 1, 1, 0]
    out.append(
        (
            "logits-inf",
            F32_F64,
            (np.array(y_inf, float)[:, None], np.array(x_inf)[:, None]),
            {"from_logits": True},
            "edge: infinite and saturated logits, one per row",
        )
    )
    p_e = [0, 0, 1, 1, 1e-8, 1 - 1e-8, 0.5, 1.5, -0.5, 1e-30, 1 - 1e-7, 1e-7]
    y_e = [1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array(y_e, float)[:, None], np.array(p_e)[:, None]),
            {},
            "edge: exact 0/1, near 0/1, outside [0,1], one per row",
        )
    )
    out.append(
        (
            "nan-prob",
            F32,
            (np.array([[1.0], [0.0]]), np.array([[NAN], [0.3]])),
            {},
            "edge: NaN probability",
        )
    )
    out.append(
        (
            "label-2-and-neg",
            F32,
            (np.array([[2.0], [-1.0]]), np.array([[0.3], [0.3]])),
            {},
            "edge: labels outside [0,1]",
        )
    )
    r = rng("bin", "ls")
    y_ls, p_ls = bin_labels(r, (4, 3)), bin_probs(r, (4, 3))
    out.append(("ls-0.1", F32_F64_F16, (y_ls, p_ls), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "ls-0.25-logits",
            F32,
            (y_ls, logits(r, (4, 3))),
            {"label_smoothing": 0.25, "from_logits": True},
            "",
        )
    )
    out.append(("axis0", F32, (y_ls, p_ls), {"axis": 0}, "mean over axis 0"))
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    out.append(("shape-mismatch", F32, (y_ls, p_ls[:, :2]), {}, "edge: (4,3) vs (4,2)"))
    out.append(
        (
            "softmax-output",
            F32,
            (
                np.array([[1.0, 0, 0], [0, 1, 0]]),
                np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]]),
            ),
            {},
            "binary formula on softmax outputs",
        )
    )
    s_y = np.array([[0.0, 1, 0], [0, 0, 1]])
    s_p = np.array(
        [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
    )
    out.append(
        (
            "seed003-binary-formula",
            ("float64",),
            (s_y, s_p),
            {},
            "seed 003: binary formula on softmax outputs",
        )
    )
    for a in (10.0, 15.0, 20.0):
        x = np.array([[-a], [a]], np.float32)
        yy = np.array([[0.0], [1.0]])
        out.append(
            (
                f"seed002-sigmoid-{a:g}",
                F32,
                (yy, sigmoid(x.astype(np.float64))),
                {},
                "seed 002: sigmoid outputs of Dense(1) for x=[-a, a]",
            )
        )
        out.append(
            (
                f"seed002-logits-{a:g}",
                F32,
                (yy, x.astype(np.float64)),
                {"from_logits": True},
                "seed 002: same as logits",
            )
        )
    return out


def _binary_focal_problems() -> list[Problem]:
    """Problems for binary focal cross-entropy."""
    out: list[Problem] = []
    r = rng("bfc", 0)
    y, p, z = bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), logits(r, (4, 3))
    out.append(("random-0", F32_F64_F16, (y, p), {}, ""))
    out.append(("logits-0", F32_F64, (y, z), {"from_logits": True}, ""))
    out.append(("gamma-0", F32, (y, p), {"gamma": 0.0}, ""))
    out.append(("gamma-3.5", F32, (y, p), {"gamma": 3.5}, ""))
    out.append(("balanced", F32_F64, (y, p), {"apply_class_balancing": True}, ""))
    out.append(
        (
            "balanced-alpha-0.6-logits",
            F32,
            (y, z),
            {"apply_class_balancing": True, "alpha": 0.6, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "alpha-unbalanced",
            F32,
            (y, p),
            {"alpha": 0.6},
            "alpha without apply_class_balancing",
        )
    )
    out.append(("ls-0.2", F32, (y, p), {"label_smoothing": 0.2}, ""))
    out.append(("axis0", F32, (y, p), {"axis": 0}, ""))
    p_e = [0, 0, 1, 1, 0.5, 1.5, -0.5]
    y_e = [1, 0, 0, 1, 1, 1, 0]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array(y_e, float)[:, None], np.array(p_e)[:, None]),
            {},
            "edge: one probability per row",
        )
    )
    x_e = [-20, -200, 20, INF, -INF, 1e3]
    y_x = [1, 1, 0, 0, 1, 1]
    out.append(
        (
            "logits-saturated",
            F32,
            (np.array(y_x, float)[:, None], np.array(x_e)[:, None]),
            {"from_logits": True},
            "edge: saturated and infinite logits, one per row",
        )
    )
    out.append(
        (
            "doc-1d-logits",
            F32,
            (np.array([0.0, 1, 0, 0]), np.array([-18.6, 0.51, 2.94, -12.8])),
            {"gamma": 2.0, "from_logits": True},
            "Keras docstring example",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    return out


def _categorical_focal_problems() -> list[Problem]:
    """Problems for categorical focal cross-entropy."""
    out: list[Problem] = []
    r = rng("cfc", 0)
    y = one_hot(int_labels(r, (4,), 3), 3)
    p, z = probs(r, (4, 3)), logits(r, (4, 3))
    out.append(("random-0", F32_F64_F16, (y, p), {}, ""))
    out.append(("logits-0", F32_F64, (y, z), {"from_logits": True}, ""))
    out.append(("soft-labels", F32, (probs(r, (4, 3)), p), {}, ""))
    out.append(("gamma-0", F32, (y, p), {"gamma": 0.0}, "alpha still applied"))
    out.append(("gamma-3.5-alpha-1", F32, (y, p), {"gamma": 3.5, "alpha": 1.0}, ""))
    out.append(
        (
            "alpha-list",
            F32,
            (y, p),
            {"alpha": [0.1, 0.2, 0.7]},
            "per-class alpha as a list",
        )
    )
    out.append(("ls-0.1", F32, (y, p), {"label_smoothing": 0.1}, ""))
    y3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    out.append(("axis1-3d", F32, (y3, probs(r, (2, 3, 4), axis=1)), {"axis": 1}, ""))
    edge_p = [[1, 0, 0], [1, 0, 0], [0.2, 0.2, 0.2], [2, -1, 0]]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (one_hot([0, 1, 0, 0], 3), np.array(edge_p, float)),
            {},
            "edge: exact 0/1, unnormalised",
        )
    )
    inf_z = [[INF, 0, 0], [0, -INF, 0], [1e3, -1e3, 0]]
    out.append(
        (
            "logits-inf",
            F32,
            (one_hot([0, 0, 1], 3), np.array(inf_z)),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    return out
