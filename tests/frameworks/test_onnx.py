"""The ONNX loss-operator mirrors (issue #17).

Expected numbers were printed by onnxruntime 1.32.0 (CPU) on one-node opset-13
models of these inputs (``.venv-parity``); the live comparison, with the
reference evaluator too, is in tests/parity/test_onnx.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.errors import FrameworkIndexError
from crossent.frameworks.onnx import ops

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0], [1e4, 0, -1e4]])
Y = np.array([1, 0, -100, 2])
W = np.float32([1, 2, 3])


def test_numbers_of_onnxruntime() -> None:
    # onnxruntime 1.32: 6667.193 (ignore −100), 10000.497 (and weights),
    # 6667.3643 (weights, labels [1, 0, 2, 2]), 3331.6667 (NLL, ignore −100)
    f = ops.SoftmaxCrossEntropyLoss
    assert float(f(Z, Y, ignore_index=-100)) == pytest.approx(6667.193, rel=1e-6)
    assert float(f(Z, Y, W, ignore_index=-100)) == pytest.approx(10000.497, rel=1e-6)
    assert float(f(Z, np.array([1, 0, 2, 2]), W)) == pytest.approx(6667.3643, rel=1e-6)
    nll = ops.NegativeLogLikelihoodLoss(Z, Y, ignore_index=-100)
    assert float(nll) == pytest.approx(3331.6667, rel=1e-6)


def test_ignore_and_errors() -> None:
    out = ops.SoftmaxCrossEntropyLoss(Z, Y, reduction="none", ignore_index=-100)
    assert out.shape == (4,)
    assert out[2] == 0
    assert np.isnan(ops.SoftmaxCrossEntropyLoss(Z, np.full(4, 1), ignore_index=1))
    with pytest.raises(FrameworkIndexError, match="outside"):
        ops.SoftmaxCrossEntropyLoss(Z, Y)  # −100 without ignore_index
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        ops.SoftmaxCrossEntropyLoss(Z.astype(np.int32), np.array([1, 0, 2, 2]))
    with pytest.raises(ValueError, match="`reduction`"):
        ops.SoftmaxCrossEntropyLoss(Z, np.array([1, 0, 2, 2]), reduction="avg")


def test_class_axis_is_one() -> None:
    z = np.moveaxis(np.stack([Z[:3], Z[:3]]), 2, 1)  # (2, C=3, 3)
    y = np.array([[1, 0, 2], [1, 0, 2]])
    flat = ops.SoftmaxCrossEntropyLoss(Z[:3], np.array([1, 0, 2]), reduction="none")
    out = ops.SoftmaxCrossEntropyLoss(z, y, reduction="none")
    np.testing.assert_allclose(out, [flat, flat], rtol=1e-6)
    plan, _ = crossent.frameworks.get("onnx.ops.SoftmaxCrossEntropyLoss").bind(y, z)
    assert plan.names == ("validate", "activation", "terms", "reduce", "output")
