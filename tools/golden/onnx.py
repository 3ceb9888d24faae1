"""ONNX loss-operator cases: SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss,
each run as a one-node model by onnxruntime (CPU), at opsets 12 and 13.

The opset is not an argument of the mirror (the operators' semantics are the same
at both); it is in the tag, ``opset12-...``, and the runner reads it there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    F32_F64,
    CallRunner,
    Case,
    CaseList,
    cast,
    fn_case,
    grid,
    int_labels,
    logits,
    rng,
)

P = "onnx.ops."
#: the operator's input names: data, labels, weights
NAMES = {
    "SoftmaxCrossEntropyLoss": ("scores", "labels", "weights"),
    "NegativeLogLikelihoodLoss": ("input", "target", "weight"),
}
OPSETS = (12, 13)


def _problems(
    op: str,
) -> list[tuple[str, np.ndarray, np.ndarray, bool, dict[str, Any]]]:
    """(tag, x, y, weighted, attributes) before the reduction is chosen."""
    r = rng("onnx", op)
    x = logits(r, (5, 4))
    x[0] = [1e4, 0, -1e4, 0]
    y = int_labels(r, (5,), 4)
    y[0] = 2
    y2 = y.copy()
    y2[1] = -100
    x3, y3 = logits(r, (2, 4, 3)), int_labels(r, (2, 3), 4)
    if op == "NegativeLogLikelihoodLoss":  # log-probabilities
        x = x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True))
        x -= x.max(1, keepdims=True) * 0  # keep the shape; values are log p - max
    return [
        ("random", x, y, False, {}),
        ("weights", x, y, True, {}),
        ("ignore-100", x, y2, False, {"ignore_index": -100}),
        ("ignore-100-weights", x, y2, True, {"ignore_index": -100}),
        ("label-100-not-ignored", x, y2, False, {}),
        ("3d-ignore1-weights", x3, y3, True, {"ignore_index": 1}),
        ("all-ignored", x, np.full(5, 3), False, {"ignore_index": 3}),
    ]


def build() -> CaseList:
    """The ONNX cases."""
    cl = CaseList()
    r = rng("onnx", "weights")
    w = r.uniform(0.1, 3, 4)
    for op in NAMES:
        impl = P + op
        wname = NAMES[op][2]
        for opset in OPSETS:
            for tag, x, y, weighted, attrs in _problems(op):
                for dt in F32_F64:
                    for red in grid(impl, "reduction"):
                        kw: dict[str, Any] = {"reduction": red, **attrs}
                        if weighted:
                            kw[wname] = cast(w, dt)
                        cl.add(
                            fn_case(
                                impl,
                                dt,
                                f"opset{opset}-{tag}-{red}",
                                [cast(x, dt), y],
                                kw,
                                None,
                                f"opset {opset}",
                            )
                        )
    _add_more(cl, w)
    return cl


def _add_more(cl: CaseList, w: np.ndarray) -> None:
    """float16 inputs and weights of the wrong length, at opset 13."""
    r = rng("onnx", "more")
    x, y = logits(r, (5, 4)), int_labels(r, (5,), 4)
    for op in NAMES:
        impl, wname = P + op, NAMES[op][2]
        for red in ("mean", "none"):
            cl.add(
                fn_case(
                    impl,
                    "float16",
                    f"opset13-random-{red}",
                    [cast(x, "float16"), y],
                    {"reduction": red},
                    None,
                    "opset 13",
                )
            )
        y_low = np.minimum(y, 2)
        rows = [
            ("weights-short-in-range", y_low, w[:3], "3 weights, labels < 3"),
            ("weights-long", y, np.append(w, 9.0), "5 weights for 4 classes"),
        ]
        for tag, labels, ww, note in rows:
            cl.add(
                fn_case(
                    impl,
                    "float32",
                    f"opset13-{tag}",
                    [cast(x, "float32"), labels],
                    {wname: cast(ww, "float32"), "reduction": "mean"},
                    None,
                    f"opset 13; {note}",
                )
            )
        cl.add(
            fn_case(
                impl,
                "float32",
                "opset13-weights-length",
                [cast(x, "float32"), y],
                {wname: cast(w[:3], "float32")},
                None,
                "opset 13; error: 3 weights for 4 classes",
            )
        )


class ONNXRunner(CallRunner):
    """onnxruntime on a one-node model built for each case."""

    family = "onnx"

    def __init__(self) -> None:
        import onnx
        import onnxruntime

        self.onnx, self.ort = onnx, onnxruntime
        onnxruntime.set_default_logger_severity(4)  # its failures are results

    def versions(self) -> dict[str, str]:
        return {
            "onnx": self.onnx.__version__,
            "onnxruntime": self.ort.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return impl.rsplit(".", 1)[1]

    def make_target(self, case: Case) -> Callable[..., Any]:
        op = self.resolve(case.impl)
        opset = int(case.tag.split("-", 1)[0].removeprefix("opset"))
        return lambda *a, **k: self._run(op, opset, *a, **k)

    def _run(self, op: str, opset: int, x: Any, y: Any, **kw: Any) -> Any:
        from onnx import TensorProto, helper

        names = NAMES[op]
        weight = kw.pop(names[2], None)
        feeds = {names[0]: x, names[1]: y}
        tp = {
            np.dtype(np.float16): TensorProto.FLOAT16,
            np.dtype(np.float32): TensorProto.FLOAT,
            np.dtype(np.float64): TensorProto.DOUBLE,
        }[x.dtype]
        inputs = [
            helper.make_tensor_value_info(names[0], tp, None),
            helper.make_tensor_value_info(names[1], TensorProto.INT64, None),
        ]
        if weight is not None:
            feeds[names[2]] = weight
            inputs.append(helper.make_tensor_value_info(names[2], tp, None))
        node = helper.make_node(op, list(feeds), ["out"], **kw)
        out = helper.make_tensor_value_info("out", tp, None)
        graph = helper.make_graph([node], "g", inputs, [out])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        session = self.ort.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        return session.run(None, feeds)[0]


runner = ONNXRunner
