"""mlx.nn.losses cases: cross_entropy and binary_cross_entropy (MLX, CPU)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import (
    BF16,
    F32_F64,
    CallRunner,
    CaseList,
    bin_labels,
    cast,
    fn_case,
    grid,
    int_labels,
    logits,
    probs,
    rng,
)

P = "mlx.nn.losses."
F64_NOTE = "MLX has no float64 on the CPU path used here: float64 inputs become float32"


def _note(dt: str, note: str = "") -> str:
    return "; ".join(x for x in (note, F64_NOTE if dt == "float64" else "") if x)


def _add_cross_entropy(cl: CaseList) -> None:
    ce = P + "cross_entropy"
    reductions = grid(ce, "reduction")
    r = rng("mlx", "ce")
    z = logits(r, (5, 4))
    z[0] = [2e4, 0, 0, 1]
    ids, soft = int_labels(r, (5,), 4), probs(r, (5, 4))
    w = r.uniform(0, 2, 5)
    z3, ids3 = logits(r, (2, 4, 3)), int_labels(r, (2, 3), 4)
    for dt in F32_F64:
        zz, note = cast(z, dt), _note(dt, "row 0 has a logit of 2e4")
        for red in reductions:
            for ls in grid(ce, "label_smoothing"):
                kw = {"reduction": red, "label_smoothing": ls}
                tag = f"{red}-ls{ls}"
                cl.add(fn_case(ce, dt, f"ids-{tag}", [zz, ids], kw, None, note))
                cl.add(
                    fn_case(
                        ce, dt, f"probs-{tag}", [zz, cast(soft, dt)], kw, None, note
                    )
                )
                cl.add(
                    fn_case(
                        ce,
                        dt,
                        f"weights-{tag}",
                        [zz, ids],
                        {**kw, "weights": cast(w, "float32")},
                        None,
                        note,
                    )
                )
            cl.add(
                fn_case(
                    ce,
                    dt,
                    f"axis1-{red}",
                    [cast(z3, dt), ids3],
                    {"axis": 1, "reduction": red},
                    None,
                    _note(dt),
                )
            )
        errors: list[tuple[str, dict[str, Any], str]] = [
            ("ls1", {"label_smoothing": 1.0}, "error: label_smoothing = 1"),
            ("weights-shape", {"weights": cast(w[:3], "float32")}, "error: weights"),
            ("reduction-avg", {"reduction": "avg"}, "error: unknown reduction"),
        ]
        for tag, kw, note in errors:
            cl.add(fn_case(ce, dt, tag, [zz, ids], kw, None, _note(dt, note)))


def _add_binary(cl: CaseList) -> None:
    bce = P + "binary_cross_entropy"
    r = rng("mlx", "bce")
    x, y = logits(r, (4, 3), 5.0), bin_labels(r, (4, 3))
    p = r.uniform(0, 1, (4, 3))
    p[0, 0], p[1, 1], p[2, 2] = 0.0, 1.0, 1.5
    w = r.uniform(0, 2, (4, 3))
    dt = "float32"
    xx, yy, pp, ww = (cast(a, dt) for a in (x, y, p, w))
    for red in grid(bce, "reduction"):
        cl.add(fn_case(bce, dt, f"logits-{red}", [xx, yy], {"reduction": red}))
        cl.add(
            fn_case(
                bce, dt, f"weights-{red}", [xx, yy], {"reduction": red, "weights": ww}
            )
        )
        cl.add(
            fn_case(
                bce,
                dt,
                f"probs-{red}",
                [pp, yy],
                {"reduction": red, "with_logits": False},
                None,
                "edge: probabilities 0, 1 and 1.5",
            )
        )
    cl.add(fn_case(bce, dt, "shape-mismatch", [xx, yy[:2]], {}, None, "error: shapes"))


def _add_half(cl: CaseList) -> None:
    """float16 and bfloat16 inputs, int32 targets."""
    r = rng("mlx", "half")
    z, ids, soft = logits(r, (5, 4)), int_labels(r, (5,), 4), probs(r, (5, 4))
    x, y = logits(r, (4, 3), 5.0), bin_labels(r, (4, 3))
    for dt in ("float16", "bfloat16"):
        for red in ("none", "mean"):
            kw = {"reduction": red}
            cl.add(
                fn_case(P + "cross_entropy", dt, f"ids-{red}", [cast(z, dt), ids], kw)
            )
            cl.add(
                fn_case(
                    P + "cross_entropy",
                    dt,
                    f"probs-ls0.1-{red}",
                    [cast(z, dt), cast(soft, dt)],
                    {**kw, "label_smoothing": 0.1},
                )
            )
            cl.add(
                fn_case(
                    P + "binary_cross_entropy",
                    dt,
                    f"logits-{red}",
                    [cast(x, dt), cast(y, dt)],
                    kw,
                )
            )
    cl.add(
        fn_case(
            P + "cross_entropy",
            "float32",
            "int32-ids",
            [cast(z, "float32"), ids.astype(np.int32)],
            {"reduction": "mean"},
        )
    )
    cl.add(
        fn_case(
            P + "cross_entropy",
            "float32",
            "targets-shape",
            [cast(z, "float32"), ids[:3]],
            {},
            None,
            "error: targets of the wrong shape",
        )
    )


def build() -> CaseList:
    """The mlx.nn.losses cases."""
    cl = CaseList()
    _add_cross_entropy(cl)
    _add_binary(cl)
    _add_half(cl)
    return cl


class MLXRunner(CallRunner):
    """mlx.nn.losses on ``mx.array`` inputs."""

    family = "mlx"

    def __init__(self) -> None:
        import mlx.core as mx
        import mlx.nn.losses

        self.mx, self.losses = mx, mlx.nn.losses

    def versions(self) -> dict[str, str]:
        return {"mlx": self.mx.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return getattr(self.losses, impl.rsplit(".", 1)[1])

    def native(self, v: Any) -> Any:
        if isinstance(v, np.ndarray) and v.dtype == BF16:  # exact through float32
            return self.mx.array(v.astype(np.float32)).astype(self.mx.bfloat16)
        return self.mx.array(v) if isinstance(v, np.ndarray) else v

    def to_numpy(self, out: Any) -> np.ndarray:
        if out.dtype == self.mx.bfloat16:
            return np.array(out.astype(self.mx.float32)).astype(BF16)
        return np.array(out)


runner = MLXRunner
