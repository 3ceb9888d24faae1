"""Live parity: the ONNX loss-operator mirrors against onnxruntime (1.32, CPU) and
onnx's reference evaluator (1.23), on one-node models (opsets 12 and 13).

Tolerance 8·eps(dtype) relative plus 4·eps absolute; same dtype and shape; where
onnxruntime fails, the mirror raises a ValueError or TypeError. The reference
evaluator takes log(softmax): where a probability underflows it gives inf and
onnxruntime (and the mirror) a finite loss, so it is compared only where finite.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from crossent.frameworks.onnx import ops as mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(784)
NAMES = {
    "SoftmaxCrossEntropyLoss": ("scores", "labels", "weights"),
    "NegativeLogLikelihoodLoss": ("input", "target", "weight"),
}


def _model(op: str, dtype: Any, weighted: bool, opset: int, **attrs: Any) -> Any:
    names = NAMES[op][: 3 if weighted else 2]
    tp = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    inputs = [
        helper.make_tensor_value_info(names[0], tp, None),
        helper.make_tensor_value_info(names[1], TensorProto.INT64, None),
    ]
    if weighted:
        inputs.append(helper.make_tensor_value_info(names[2], tp, None))
    node = helper.make_node(op, list(names), ["out"], **attrs)
    graph = helper.make_graph(
        [node], "g", inputs, [helper.make_tensor_value_info("out", tp, None)]
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def check(
    op: str, x: np.ndarray, y: np.ndarray, w: Any, opset: int, **attrs: Any
) -> None:
    model = _model(op, x.dtype, w is not None, opset, **attrs)
    feeds = dict(zip(NAMES[op], (x, y) if w is None else (x, y, w)))
    kwargs = {NAMES[op][2]: w, **attrs}
    try:
        session = ort.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        theirs = session.run(None, feeds)[0]
    except Exception:  # onnxruntime's failure is the expectation
        with pytest.raises((ValueError, TypeError)):
            getattr(mirror, op)(x, y, **kwargs)
        return
    ours = getattr(mirror, op)(x, y, **kwargs)
    eps = float(np.finfo(x.dtype).eps)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=8 * eps, atol=4 * eps, equal_nan=True)
    with warnings.catch_warnings():  # the reference's log(0) and 0/0
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.asarray(ReferenceEvaluator(model).run(None, feeds)[0])
    finite = np.isfinite(ref)
    np.testing.assert_allclose(
        np.asarray(ours)[finite], ref[finite], rtol=64 * eps, atol=8 * eps
    )


@pytest.mark.parametrize("opset", [12, 13])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_operators(opset: int, dtype: Any, reduction: str) -> None:
    for op in NAMES:
        x = (RNG.standard_normal((5, 4)) * 3).astype(dtype)
        x[0] = [1e4, 0, -1e4, 0]
        y = RNG.integers(0, 4, 5)
        y[0] = 2
        w = RNG.uniform(0.1, 3, 4).astype(dtype)
        check(op, x, y, None, opset, reduction=reduction)
        check(op, x, y, w, opset, reduction=reduction)
        y2 = y.copy()
        y2[1] = -100
        check(op, x, y2, None, opset, reduction=reduction, ignore_index=-100)
        check(op, x, y2, w, opset, reduction=reduction, ignore_index=-100)
        check(op, x, y2, None, opset, reduction=reduction)  # −100 not ignored: fails
        x3 = (RNG.standard_normal((2, 4, 3)) * 3).astype(dtype)
        y3 = RNG.integers(0, 4, (2, 3))
        check(op, x3, y3, w, opset, reduction=reduction, ignore_index=1)
        check(op, x, np.full(5, 3), None, opset, reduction=reduction, ignore_index=3)
