"""The tf.compat.v1.losses mirrors (issue #17).

Expected numbers are the [RUN] figures of docs/semantics.md §4.5 and N10.3
(TensorFlow 2.21); the live comparison is in tests/parity/test_tf_compat_v1.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.tf.compat.v1 import losses

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
Y = np.eye(3, dtype=np.float32)[[1, 0, 2]]
W = np.float32([0.5, 0, 2])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [
        # docs/semantics.md §4.5 [RUN]: losses [1.4076059, 0.1698460, 1.0986123]
        (losses.Reduction.SUM_BY_NONZERO_WEIGHTS, 1.4505138),
        (losses.Reduction.MEAN, 1.1604111),
        (losses.Reduction.SUM_OVER_BATCH_SIZE, 0.9670092),
        (losses.Reduction.SUM, 2.9010277),
    ],
)
def test_reductions(reduction: str, expected: float) -> None:
    got = losses.softmax_cross_entropy(Y, Z, weights=W, reduction=reduction)
    assert float(got) == pytest.approx(expected, rel=1e-6)
    sparse = losses.sparse_softmax_cross_entropy(
        np.array([1, 0, 2]), Z, W, reduction=reduction
    )
    assert float(sparse) == pytest.approx(expected, rel=1e-6)


def test_nonzero_weights_denominator() -> None:
    # a weight of 0.5 everywhere halves the default, leaves MEAN unchanged (N6)
    full = float(losses.softmax_cross_entropy(Y, Z))
    assert float(losses.softmax_cross_entropy(Y, Z, 0.5)) == pytest.approx(
        full / 2, rel=1e-6
    )
    mean = float(losses.softmax_cross_entropy(Y, Z, 0.5, reduction="weighted_mean"))
    assert mean == pytest.approx(full, rel=1e-6)
    # all weights zero: 0/0 → 0 (div_no_nan)
    assert float(losses.softmax_cross_entropy(Y, Z, 0.0)) == 0.0
    # (N, 1) weights on a (N, C) sigmoid loss count N·C non-zeros (N10.3)
    z = np.zeros((3, 5), np.float32)
    y = np.ones((3, 5), np.float32)
    out = losses.sigmoid_cross_entropy(y, z, weights=np.float32([[1], [1], [1]]))
    assert float(out) == pytest.approx(np.log(2), rel=1e-6)


def test_float64_comes_back_float64_with_float32_precision() -> None:
    out = losses.softmax_cross_entropy(Y.astype(np.float64), Z.astype(np.float64), W)
    assert out.dtype == np.float64
    assert float(out) == float(np.float32(float(out)))


def test_log_loss_caps_and_errors() -> None:
    # §4.5 [RUN]: y=1, p=0 and y=0, p=1 both give 16.118095
    out = losses.log_loss(np.float32([1, 0]), np.float32([0, 1]), reduction="none")
    np.testing.assert_allclose(out, [16.118095, 16.118095], rtol=1e-6)
    with pytest.raises(ValueError, match="weights can not be broadcast"):
        losses.softmax_cross_entropy(Y, Z, weights=np.float32([[1], [2], [3]]))
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        losses.softmax_cross_entropy(Y, Z, reduction="mean")
    with pytest.raises(TypeError):
        losses.sparse_softmax_cross_entropy(np.array([1, 0, 2]), Z, label_smoothing=0.1)  # type: ignore[call-arg]


def test_plan_and_identify() -> None:
    impl = crossent.frameworks.get("tf.compat.v1.losses.softmax_cross_entropy")
    plan, _ = impl.bind(Y, Z, weights=W)
    assert plan.names[-3:] == ("weight", "reduce", "output")
    assert "#(w ≠ 0)" in plan.step("reduce").formula  # type: ignore[union-attr]
    assert crossent.frameworks.tf.compat.v1.losses is losses
