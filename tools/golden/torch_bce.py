"""torch binary cross-entropy problems."""

from __future__ import annotations

import numpy as np

from ._common import (
    ALL_FLOATS,
    F32,
    F32_F64,
    F32_F64_F16,
    INF,
    NAN,
    Problem,
    big_logits,
    bin_labels,
    bin_probs,
    grid,
    logits,
    rng,
)


def _torch_bce_problems(logit_input: bool) -> list[Problem]:
    """Problems for ``binary_cross_entropy`` (probabilities) or the logits form."""
    fn = "binary_cross_entropy_with_logits" if logit_input else "binary_cross_entropy"
    reductions = grid(f"torch.nn.functional.{fn}", "reduction")  # mean, sum, none
    out: list[Problem] = []
    r = rng("torch", "bce", logit_input)

    def inp(shape: tuple[int, ...]) -> np.ndarray:
        return logits(r, shape) if logit_input else bin_probs(r, shape)

    y43, x43 = bin_labels(r, (4, 3)), inp((4, 3))
    out.append(("random-0", ALL_FLOATS, (x43, y43), {}, ""))
    out.append(("random-1", F32_F64, (inp((5, 7)), bin_labels(r, (5, 7))), {}, ""))
    out.append(("soft-labels", F32_F64, (x43, r.uniform(0, 1, (4, 3))), {}, ""))
    out.append(("1d", F32, (inp((6,)), bin_labels(r, (6,))), {}, ""))
    out.append(("3d", F32, (inp((2, 3, 4)), bin_labels(r, (2, 3, 4))), {}, ""))
    w3 = np.array([0.5, 1.0, 2.0])
    for red in reductions[::-1]:
        out.append((f"reduction-{red}", F32_F64, (x43, y43), {"reduction": red}, ""))
        out.append(
            (
                f"weight-{red}",
                F32,
                (x43, y43),
                {"weight": w3, "reduction": red},
                "weight (C,) broadcast",
            )
        )
    out.append(
        (
            "weight-full",
            F32,
            (x43, y43),
            {"weight": r.uniform(0, 2, (4, 3))},
            "weight of the input's shape",
        )
    )
    for red in reductions:
        out.append(
            (
                f"empty-{red}",
                F32,
                (np.zeros((0, 3)), np.zeros((0, 3))),
                {"reduction": red},
                "edge: empty batch",
            )
        )
    out.append(("shape-mismatch", F32, (x43, y43[:, :2]), {}, "edge: (4,3) vs (4,2)"))
    out.append(
        (
            "softmax-output",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {},
            "binary formula on softmax outputs",
        )
    )
    if logit_input:
        x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
        y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
        out.append(
            (
                "logits-inf",
                F32_F64_F16,
                (x_inf, y_inf),
                {"reduction": "none"},
                "edge: infinite/saturated logits",
            )
        )
        out.append(
            (
                "logits-large",
                ALL_FLOATS,
                (big_logits(r, (4, 3)), y43),
                {},
                "logits up to +-1e3",
            )
        )
        out.append(
            (
                "labels-outside",
                F32,
                (np.array([1.0, 1, -3]), np.array([2.0, -1, 2])),
                {"reduction": "none"},
                "labels outside [0,1]",
            )
        )
        pw = np.array([0.5, 1.0, 3.0])
        for red in ("none", "mean"):
            out.append(
                (
                    f"pos-weight-{red}",
                    F32_F64,
                    (x43, y43),
                    {"pos_weight": pw, "reduction": red},
                    "pos_weight (C,)",
                )
            )
        out.append(
            ("pos-weight-weight", F32, (x43, y43), {"pos_weight": pw, "weight": w3}, "")
        )
        out.append(
            (
                "pos-weight-3d",
                F32,
                (inp((2, 3, 4)), bin_labels(r, (2, 3, 4))),
                {"pos_weight": np.array([1.0, 2, 3, 4])},
                "pos_weight broadcast on the last dim",
            )
        )
        out.append(
            (
                "pos-weight-inf",
                F32,
                (x_inf, y_inf),
                {"pos_weight": np.array([3.0]), "reduction": "none"},
                "edge: infinite logits with pos_weight",
            )
        )
        return out
    p_e = np.array([0, 0, 1, 1, 1e-8, 1 - 1e-8, 0.5, 1e-30, 1 - 1e-7, 1e-7])
    y_e = np.array([1, 0, 0, 1, 1, 0, 1, 1, 0, 1.0])
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (p_e, y_e),
            {"reduction": "none"},
            "edge: exact and near 0/1 probabilities",
        )
    )
    out.append(
        (
            "tiny-prob-f64",
            ("float64",),
            (np.array([1e-50, 1e-300]), np.array([1.0, 1.0])),
            {"reduction": "none"},
            "log clamp at -100",
        )
    )
    out.append(
        (
            "prob-above-1",
            F32,
            (np.array([1.5, 0.5]), np.array([1.0, 0])),
            {},
            "edge: input > 1",
        )
    )
    out.append(
        (
            "prob-negative",
            F32,
            (np.array([-0.5, 0.5]), np.array([0.0, 0])),
            {},
            "edge: input < 0",
        )
    )
    out.append(
        (
            "prob-nan",
            F32,
            (np.array([NAN, 0.5]), np.array([1.0, 0])),
            {},
            "edge: NaN input",
        )
    )
    out.append(
        (
            "label-2",
            F32,
            (np.array([0.3, 0.5]), np.array([2.0, 0])),
            {},
            "edge: target > 1",
        )
    )
    return out
