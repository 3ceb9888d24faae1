"""tf.compat.v1.losses cases: softmax, sparse softmax and sigmoid cross-entropy and
log_loss, every Reduction, weights and label smoothing (TensorFlow, eager)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import (
    F32_F64,
    CaseList,
    bin_labels,
    bin_probs,
    cast,
    fn_case,
    grid,
    int_labels,
    logits,
    one_hot,
    rng,
)
from ._tf import TFRunner

P = "tf.compat.v1.losses."


def _weights(n: int) -> dict[str, Any]:
    """The weights shapes: Python floats, per sample, all zero."""
    per = np.array([1.0, 0.0, 2.0, 0.5, 0.0, 3.0])[:n]
    return {
        "w1": 1.0,
        "whalf": 0.5,
        "w0": 0.0,
        "wsample": per,
        "wzeros": np.zeros(n),
    }


def _add_softmax(cl: CaseList, reductions: tuple[Any, ...]) -> None:
    r = rng("tf_compat_v1", "softmax")
    ids = int_labels(r, (6,), 4)
    z, y = logits(r, (6, 4)), one_hot(ids, 4)
    for dt in F32_F64:
        for wname, w in _weights(6).items():
            wv = cast(w, "float32") if isinstance(w, np.ndarray) else w
            for red in reductions:
                tag = f"{wname}-{red}"
                kw = {"weights": wv, "reduction": red}
                zz, yy = cast(z, dt), cast(y, dt)
                cl.add(fn_case(P + "softmax_cross_entropy", dt, tag, [yy, zz], kw, 1))
                cl.add(
                    fn_case(
                        P + "softmax_cross_entropy",
                        dt,
                        f"ls0.2-{tag}",
                        [yy, zz],
                        {**kw, "label_smoothing": 0.2},
                        1,
                    )
                )
                sp = P + "sparse_softmax_cross_entropy"
                cl.add(fn_case(sp, dt, tag, [ids, zz], kw, 1))
                cl.add(fn_case(sp, dt, f"col-{tag}", [ids[:, None], zz], kw, 1))


def _add_sigmoid(cl: CaseList, reductions: tuple[Any, ...]) -> None:
    r = rng("tf_compat_v1", "sigmoid")
    z, y = logits(r, (3, 5), 4.0), bin_labels(r, (3, 5))
    p = bin_probs(r, (3, 5))
    p[0, 0], p[1, 1] = 0.0, 1.0
    ws = {
        "w1": 1.0,
        "wrow": np.array([[1.0], [0.0], [2.0]]),
        "wcol": np.array([[0.5, 0, 1, 2, 0]]),
    }
    for dt in F32_F64:
        for wname, w in ws.items():
            wv = cast(w, "float32") if isinstance(w, np.ndarray) else w
            for red in reductions:
                tag = f"{wname}-{red}"
                kw = {"weights": wv, "reduction": red}
                args = [cast(y, dt), cast(z, dt)]
                cl.add(fn_case(P + "sigmoid_cross_entropy", dt, tag, args, kw, 1))
                cl.add(
                    fn_case(
                        P + "sigmoid_cross_entropy",
                        dt,
                        f"ls0.1-{tag}",
                        args,
                        {**kw, "label_smoothing": 0.1},
                        1,
                    )
                )
                cl.add(
                    fn_case(P + "log_loss", dt, tag, [cast(y, dt), cast(p, dt)], kw, 1)
                )


def _add_edges(cl: CaseList) -> None:
    f32 = "float32"
    z = np.array([[3e38, 0, -3e38, 1]], np.float32)
    cl.add(
        fn_case(
            P + "softmax_cross_entropy",
            f32,
            "huge-logits",
            [np.array([[0, 1, 0, 0]], np.float32), z],
            {},
            1,
            "edge: logits near float32's max",
        )
    )
    eye, zero = np.eye(4, dtype=np.float32)[:2], np.zeros((2, 4), np.float32)
    cl.add(
        fn_case(
            P + "softmax_cross_entropy",
            f32,
            "weights-rank",
            [eye, zero],
            {"weights": np.array([[1], [2]], np.float32)},
            1,
            "error: weights of rank 2 for a rank-1 loss",
        )
    )
    cl.add(
        fn_case(
            P + "softmax_cross_entropy",
            f32,
            "bad-reduction",
            [eye, zero],
            {"reduction": "mean"},
            1,
            "error: not a Reduction key",
        )
    )
    cl.add(
        fn_case(
            P + "log_loss",
            f32,
            "outside-0-1",
            [np.array([1, 0], np.float32), np.array([1.5, -0.5], np.float32)],
            {},
            1,
            "edge: predictions outside [0, 1]",
        )
    )
    cl.add(
        fn_case(
            P + "softmax_cross_entropy",
            f32,
            "weights-none",
            [eye, zero],
            {"weights": None},
            1,
            "error: weights=None",
        )
    )


def _add_more(cl: CaseList) -> None:
    """float16, label errors, and log_loss' epsilon."""
    r = rng("tf_compat_v1", "more")
    ids = int_labels(r, (6,), 4)
    z, y = logits(r, (6, 4)), one_hot(ids, 4)
    zb, yb, pb = logits(r, (3, 5), 4.0), bin_labels(r, (3, 5)), bin_probs(r, (3, 5))
    red = "weighted_sum_by_nonzero_weights"
    for dt in ("float16",):
        zz = cast(z, dt)
        cl.add(fn_case(P + "softmax_cross_entropy", dt, "w1", [cast(y, dt), zz], {}, 1))
        cl.add(fn_case(P + "sparse_softmax_cross_entropy", dt, "w1", [ids, zz], {}, 1))
        cl.add(
            fn_case(
                P + "sigmoid_cross_entropy",
                dt,
                "w1",
                [cast(yb, dt), cast(zb, dt)],
                {},
                1,
            )
        )
        cl.add(fn_case(P + "log_loss", dt, "w1", [cast(yb, dt), cast(pb, dt)], {}, 1))
    f32 = "float32"
    zz = cast(z, f32)
    rows: list[tuple[str, str, list[Any], dict[str, Any], str]] = [
        (
            "sparse_softmax_cross_entropy",
            "label-out-of-range",
            [np.array([0, 1, 4, 2, 3, 1]), zz],
            {},
            "error: label 4 with 4 classes",
        ),
        (
            "softmax_cross_entropy",
            "shape-mismatch",
            [cast(y[:, :3], f32), zz],
            {},
            "error: labels (6, 3), logits (6, 4)",
        ),
        (
            "log_loss",
            "epsilon0.1",
            [cast(yb, f32), cast(pb, f32)],
            {"epsilon": 0.1, "reduction": red},
            "",
        ),
        (
            "softmax_cross_entropy",
            "weights-column",
            [cast(y, f32), zz],
            {"weights": cast(r.uniform(0, 2, (6, 1)), f32)},
            "weights of shape (6, 1)",
        ),
    ]
    for fn, tag, args, kw, note in rows:
        cl.add(fn_case(P + fn, f32, tag, args, kw, 1, note))


def build() -> CaseList:
    """The tf.compat.v1.losses cases."""
    cl = CaseList()
    reductions = grid(P + "softmax_cross_entropy", "reduction")
    _add_softmax(cl, reductions)
    _add_sigmoid(cl, reductions)
    _add_edges(cl)
    _add_more(cl)
    return cl


def runner() -> TFRunner:
    """Imports TensorFlow."""
    return TFRunner("tf_compat_v1")
