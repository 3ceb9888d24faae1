"""paddle.nn.functional cases: cross_entropy (soft_label, use_softmax, ignore_index,
weight, axis, label_smoothing, reductions), binary_cross_entropy and
binary_cross_entropy_with_logits (PaddlePaddle, CPU).

PaddlePaddle 3.3.1 segfaults when imported after TensorFlow (docs/semantics.md
N10.1); the command line runs each family in its own interpreter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import (
    F32_F64,
    CallRunner,
    CaseList,
    bin_labels,
    cast,
    fn_case,
    grid,
    logits,
    probs,
    rng,
)

P = "paddle.nn.functional."
CE, BCE, BCEL = (
    P + "cross_entropy",
    P + "binary_cross_entropy",
    P + ("binary_cross_entropy_with_logits"),
)


def _add_ce(cl: CaseList, dt: str, red: str) -> None:
    r = rng("paddle", "ce")
    z = cast(logits(r, (6, 5)), dt)
    y = np.array([0, 4, -100, 2, 1, -100])
    w = cast(np.abs(logits(r, (5,))) + 0.1, dt)
    soft = cast(probs(r, (6, 5)), dt)
    p = probs(r, (6, 5))
    p[0, 0] = 0.0
    y3 = np.where(y < 0, 3, y)
    kw: dict[str, Any] = {"reduction": red}
    rows: list[tuple[str, list[Any], dict[str, Any], str]] = [
        ("ignore-100", [z, y], {}, ""),
        ("weight", [z, y], {"weight": w}, ""),
        ("ignore3", [z, y3], {"ignore_index": 3}, ""),
        ("ignore3-weight", [z, y3], {"ignore_index": 3, "weight": w}, ""),
        ("ls0.2", [z, np.where(y < 0, 1, y)], {"label_smoothing": 0.2}, ""),
        ("soft", [z, soft], {"soft_label": True}, ""),
        ("soft-weight", [z, soft], {"soft_label": True, "weight": w}, ""),
        (
            "probs",
            [cast(p, dt), np.array([0, 4, 1, 2, 1, 3])],
            {"use_softmax": False},
            "edge: a probability of 0 for an unchosen class",
        ),
    ]
    for tag, args, extra, note in rows:
        cl.add(fn_case(CE, dt, f"{tag}-{red}", args, {**kw, **extra}, None, note))


def _add_binary(cl: CaseList, dt: str, red: str) -> None:
    r = rng("paddle", "bce")
    pb = r.uniform(0, 1, (4, 3))
    pb[0, 0], pb[1, 1] = 0.0, 1.0
    yb = bin_labels(r, (4, 3))
    w = np.abs(logits(r, (3,))) + 0.1
    zb = logits(r, (4, 3), 8.0)
    yl = yb.copy()
    yl[0, 2] = -100
    pb, yb, w, zb, yl = (cast(a, dt) for a in (pb, yb, w, zb, yl))
    kw = {"reduction": red}
    note = "edge: probabilities 0 and 1"
    cl.add(fn_case(BCE, dt, f"probs-{red}", [pb, yb], kw, None, note))
    cl.add(fn_case(BCE, dt, f"weight-{red}", [pb, yb], {**kw, "weight": w}, None, note))
    cl.add(fn_case(BCEL, dt, f"label-100-{red}", [zb, yl], kw, None, "a label of -100"))
    cl.add(
        fn_case(
            BCEL,
            dt,
            f"pos-weight-{red}",
            [zb, yb],
            {**kw, "pos_weight": w, "weight": w},
        )
    )


def _add_edges(cl: CaseList) -> None:
    r = rng("paddle", "axis")
    for dt in F32_F64:
        z3 = cast(logits(r, (2, 4, 3)), dt)
        cl.add(
            fn_case(
                CE, dt, "axis1", [z3, np.array([[0, 3, 1], [2, 2, -100]])], {"axis": 1}
            )
        )
        cl.add(
            fn_case(
                CE,
                dt,
                "axis1-none",
                [z3, np.array([[0, 3, 1], [2, 2, 0]])],
                {"axis": 1, "reduction": "none"},
            )
        )
    f32 = "float32"
    z = np.array([[2e4, 0, 0], [0, 0, 0]], np.float32)
    edges: list[tuple[str, list[Any], dict[str, Any], str]] = [
        ("huge-none", [z, np.array([1, 0])], {"reduction": "none"}, "a logit of 2e4"),
        ("all-ignored", [z, np.array([-100, -100])], {}, "every label ignored"),
        ("all-ignored-1", [z, np.array([1, 1])], {"ignore_index": 1}, ""),
        ("reduction-avg", [z, np.array([1, 0])], {"reduction": "avg"}, "error"),
        (
            "soft-ignore",
            [z, np.eye(3, dtype=np.float32)[:2]],
            {"soft_label": True, "ignore_index": 2},
            "ignore_index with soft labels",
        ),
    ]
    for tag, args, kw, note in edges:
        cl.add(fn_case(CE, f32, tag, args, kw, None, note))
    cl.add(
        fn_case(
            BCEL,
            f32,
            "extreme-none",
            [np.array([-16.0, 20.0, -30.0], np.float32), np.float32([0, 1, 1])],
            {"reduction": "none"},
        )
    )


def _add_more(cl: CaseList) -> None:
    """float16, label layouts, option combinations and refusals."""
    r = rng("paddle", "more")
    z = logits(r, (6, 5))
    y = np.array([0, 4, -100, 2, 1, 3])
    soft = probs(r, (6, 5))
    w = np.abs(logits(r, (5,))) + 0.1
    for red in ("mean", "none"):
        cl.add(
            fn_case(
                CE,
                "float16",
                f"ignore-100-{red}",
                [cast(z, "float16"), y],
                {"reduction": red},
            )
        )
        zb, yb = logits(r, (4, 3)), bin_labels(r, (4, 3))
        cl.add(
            fn_case(
                BCEL,
                "float16",
                f"random-{red}",
                [cast(zb, "float16"), cast(yb, "float16")],
                {"reduction": red},
            )
        )
    f32 = "float32"
    zz, ss, ww = cast(z, f32), cast(soft, f32), cast(w, f32)
    rows: list[tuple[str, list[Any], dict[str, Any], str]] = [
        ("label-column", [zz, y[:, None]], {}, "labels of shape (N, 1)"),
        ("int32-labels", [zz, y.astype(np.int32)], {}, ""),
        ("label-out-of-range", [zz, np.array([0, 7, 1, 2, 1, 3])], {}, "error: 7 >= C"),
        ("label-negative", [zz, np.array([0, -1, 1, 2, 1, 3])], {}, "error: -1"),
        ("soft-ls0.1", [zz, ss], {"soft_label": True, "label_smoothing": 0.1}, ""),
        (
            "weight-ls0.1",
            [zz, np.where(y < 0, 0, y)],
            {"weight": ww, "label_smoothing": 0.1},
            "",
        ),
        (
            "probs-soft",
            [ss, cast(probs(r, (6, 5)), f32)],
            {"use_softmax": False, "soft_label": True},
            "",
        ),
        (
            "weight-shape",
            [zz, y],
            {"weight": ww[:3]},
            "error: weight of 3 for 5 classes",
        ),
        (
            "soft-shape",
            [zz, ss[:, :4]],
            {"soft_label": True},
            "error: soft labels (6, 4)",
        ),
        ("ls-negative", [zz, np.where(y < 0, 0, y)], {"label_smoothing": -0.1}, ""),
    ]
    for tag, args, kw, note in rows:
        cl.add(fn_case(CE, f32, tag, args, kw, None, note))
    cl.add(
        fn_case(
            BCE,
            f32,
            "shape-mismatch",
            [cast(r.uniform(0, 1, (4, 3)), f32), cast(bin_labels(r, (4, 2)), f32)],
            {},
            None,
            "error: shapes",
        )
    )


def build() -> CaseList:
    """The paddle cases."""
    cl = CaseList()
    for dt in F32_F64:
        for red in grid(CE, "reduction"):
            _add_ce(cl, dt, red)
            _add_binary(cl, dt, red)
    _add_edges(cl)
    _add_more(cl)
    return cl


class PaddleRunner(CallRunner):
    """paddle.nn.functional on ``paddle.to_tensor`` inputs."""

    family = "paddle"

    def __init__(self) -> None:
        import paddle

        self.paddle = paddle

    def versions(self) -> dict[str, str]:
        return {"paddlepaddle": self.paddle.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return getattr(self.paddle.nn.functional, impl.rsplit(".", 1)[1])

    def native(self, v: Any) -> Any:
        return self.paddle.to_tensor(v) if isinstance(v, np.ndarray) else v

    def to_numpy(self, out: Any) -> np.ndarray:
        return np.asarray(out.numpy())


runner = PaddleRunner
