"""CatBoost cases: ``catboost.utils.eval_metric`` for Logloss, CrossEntropy and
MultiClass, weighted or not (raw scores in; MultiClass scores as nested lists,
the layout CatBoost reads as (N, K))."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CallRunner, CaseList, fn_case, rng

IMPL = "catboost.utils.eval_metric"


def build() -> CaseList:
    """The CatBoost cases."""
    cl = CaseList()
    r = rng("catboost", "binary")
    f = r.standard_normal(20) * 5
    f[:4] = [710.0, -800.0, 40.0, -40.0]
    y = r.integers(0, 2, 20).astype(np.float64)
    y[:4] = [0, 1, 1, 0]
    w = r.uniform(0, 3, 20)
    soft = r.uniform(0, 1, 20)
    fm = r.standard_normal((8, 4)) * 3
    fm[0] = [300.0, -300.0, 0.0, 1.0]
    ym = r.integers(0, 4, 8).astype(np.float64)
    wm = r.uniform(0.1, 3, 8)
    for wtag, wb, wmc in (("", None, None), ("weighted-", w, [float(v) for v in wm])):
        kw = {"weight": wb}
        rows: list[tuple[str, list[Any], dict[str, Any], str]] = [
            ("logloss", [y, f, "Logloss"], kw, "raw scores up to ±800"),
            (
                "logloss-soft-labels",
                [np.where(y > 0, 0.7, 0.5), f, "Logloss"],
                kw,
                "labels binarised at 0.5",
            ),
            ("crossentropy", [soft, f, "CrossEntropy"], kw, ""),
            ("multiclass", [ym, fm.tolist(), "MultiClass"], {"weight": wmc}, ""),
        ]
        for tag, args, kwargs, note in rows:
            cl.add(fn_case(IMPL, "float64", wtag + tag, args, kwargs, None, note))
    cl.add(
        fn_case(
            IMPL,
            "float64",
            "zero-weights",
            [y, f, "Logloss"],
            {"weight": np.zeros(20)},
            None,
            "all weights 0",
        )
    )
    cl.add(
        fn_case(
            IMPL,
            "float64",
            "class-id-too-big",
            [np.array([0.0, 4.0]), [[1.0, 2, 0.5, 0], [0, 0, 3, 1]], "MultiClass"],
            {},
            None,
            "error: a class id >= K",
        )
    )
    return cl


class CatBoostRunner(CallRunner):
    """``catboost.utils.eval_metric`` (a one-element list of floats)."""

    family = "catboost"

    def __init__(self) -> None:
        import catboost
        import catboost.utils

        self.catboost = catboost

    def versions(self) -> dict[str, str]:
        return {"catboost": self.catboost.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return self.catboost.utils.eval_metric

    def to_numpy(self, out: Any) -> np.ndarray:
        return np.asarray(out, dtype=np.float64)


runner = CatBoostRunner
