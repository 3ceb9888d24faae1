"""ONNX's own SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss node tests,
ported to the operator mirrors.

Ported from:
    repository: onnx/onnx
    paths: onnx/backend/test/case/node/softmaxcrossentropy.py,
        onnx/backend/test/case/node/negativeloglikelihoodloss.py
    commit: c459890aa266d74ca612f334d0f3e869dcdbb597
    license: Apache-2.0 (Copyright (c) ONNX Project Contributors)

Upstream, each ``export_*`` case draws its inputs from ``np.random.seed(0)``
and computes the expected output with the reference function defined in its
file (``softmaxcrossentropy``, ``compute_negative_log_likelihood_loss``); the
draws and the references are ported unchanged in substance (``RandomState(0)``
gives the same legacy stream as ``np.random.seed(0)``).  The ``*_log_prob``
variants differ only by the second output, which the mirror does not return,
so they are not repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from crossent.frameworks.onnx import ops


def compute_negative_log_likelihood_loss(
    inp: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
) -> Any:
    """Upstream reference function of negativeloglikelihoodloss.py."""
    input_shape = inp.shape
    target_shape = target.shape
    n, c = input_shape[0], input_shape[1]
    gather_weight = None
    if weight is not None:
        gather_weight = np.take(weight, np.array(target, dtype=np.int32), mode="clip")
        if ignore_index is not None:
            gather_weight = np.where(target == ignore_index, 0, gather_weight).astype(
                dtype=np.float32
            )
    elif ignore_index is not None:
        gather_weight = np.where(target == ignore_index, 0, 1).astype(dtype=np.float32)
    if len(input_shape) != 3:
        inp = inp.reshape((n, c, -1))
        target = target.reshape((n, -1))
    d_size = inp.shape[2]
    loss = np.zeros((n, d_size), dtype=np.float32)
    for i in range(n):
        for d in range(d_size):
            if target[i][d] != ignore_index:
                loss[i][d] = -inp[i][target[i][d]][d]
    if len(input_shape) != 3:
        loss = loss.reshape(target_shape)
    if gather_weight is not None:
        loss = gather_weight * loss
        if reduction == "mean":
            return loss.sum() / gather_weight.sum()
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def softmaxcrossentropy(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
) -> Any:
    """Upstream reference of softmaxcrossentropy.py (minus the log_prob output).

    Upstream spells out the same gather/weight/reduce body as the NLL reference
    after ``inp = np.log(softmax(x))``; it is shared here.
    """
    max_x = np.max(x, axis=1, keepdims=True)
    exp_x = np.exp(x - max_x)
    p = exp_x / np.sum(exp_x, axis=1, keepdims=True)
    return compute_negative_log_likelihood_loss(
        np.log(p), target, weight, reduction, ignore_index
    )


W_A = np.array([0.9, 0.7, 0.8, 0.9, 0.9], dtype=np.float32)
W_B = np.array([0.2, 0.3, 0.6, 0.1, 0.5], dtype=np.float32)


def _case(
    shape: tuple[int, ...],
    reduction: str,
    weights: np.ndarray | str | None = None,
    ignore_index: int | None = None,
    first: int | None = None,
) -> Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray | None, str, int | None]]:
    """Inputs as upstream draws them: x, labels, then (``"rand"``) the weight."""

    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray | None, str, int | None]:
        rng = np.random.RandomState(0)
        x = rng.rand(*shape).astype(np.float32)
        labels = rng.randint(0, high=shape[1], size=shape[:1] + shape[2:])
        labels = labels.astype(np.int64)
        if first is not None:
            labels[(0,) * labels.ndim] = first
        w = (
            rng.rand(shape[1]).astype(np.float32)
            if isinstance(weights, str)
            else weights
        )
        assert w is None or isinstance(w, np.ndarray)
        return x, labels, w, reduction, ignore_index

    return make


CASES = {
    "sce_none": _case((3, 5), "none"),
    "sce_none_weights": _case((3, 5), "none", W_A),
    "sce_sum": _case((3, 5), "sum"),
    "sce_mean": _case((3, 5), "mean"),
    "sce_mean_3d": _case((3, 5, 2), "mean"),
    "sce_mean_weight": _case((3, 5), "mean", W_A),
    "sce_mean_weight_ii": _case((3, 5), "mean", W_A, 0, 0),
    "sce_mean_no_weight_ii": _case((3, 5), "mean", None, 2, 2),
    "sce_mean_weight_ii_3d": _case((3, 5, 2), "mean", W_B, 1, 1),
    "sce_mean_no_weight_ii_3d": _case((3, 5, 2), "mean", None, 2, 2),
    "sce_mean_weight_ii_4d": _case((3, 5, 2, 7), "mean", W_B, 2, 2),
    "sce_mean_no_weight_ii_4d": _case((3, 5, 2, 7), "mean", None, 2, 2),
    "sce_NCd1d2d3d4d5_mean_weight": _case((3, 5, 6, 6, 5, 3, 4), "mean", "rand"),
    "sce_NCd1d2d3d4d5_none_no_weight": _case((3, 5, 6, 6, 5, 3, 4), "none"),
    "sce_NCd1_mean_weight_negative_ii": _case((3, 5, 6), "mean", "rand", -1, -1),
    "sce_NCd1d2d3_none_no_weight_negative_ii": _case(
        (3, 5, 6, 6, 5), "none", None, -5, -5
    ),
    "sce_NCd1d2d3_sum_weight_high_ii": _case((3, 5), "sum", "rand", 10, 10),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_softmax_cross_entropy_loss_node(name: str) -> None:
    x, labels, w, reduction, ignore_index = CASES[name]()
    expected = softmaxcrossentropy(x, labels, w, reduction, ignore_index)
    out = ops.SoftmaxCrossEntropyLoss(
        x, labels, w, reduction=reduction, ignore_index=ignore_index
    )
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(
        np.asarray(out, np.float64),
        np.asarray(expected, np.float64),
        rtol=1e-5,
        atol=1e-7,
    )


NLL_CASES = {
    "nllloss_NC": _case((3, 5), "none"),
    "nllloss_NCd1d2": _case((3, 5, 6, 6), "none"),
    "nllloss_NCd1d2_reduction_mean": _case((3, 5, 6, 6), "mean"),
    "nllloss_NCd1d2_reduction_sum": _case((3, 5, 6, 6), "sum"),
    "nllloss_NCd1d2_with_weight": _case((3, 5, 6, 6), "none", "rand"),
    "nllloss_NCd1d2_with_weight_reduction_mean": _case((3, 5, 6, 6), "mean", "rand"),
    "nllloss_NCd1d2_with_weight_reduction_sum": _case((3, 5, 6, 6), "sum", "rand"),
    "nllloss_NCd1d2_with_weight_reduction_sum_ii": _case(
        (3, 5, 6, 6), "sum", "rand", 0, 0
    ),
    "nllloss_NCd1d2_no_weight_reduction_mean_ii": _case(
        (3, 5, 6, 6), "mean", None, 1, 1
    ),
    "nllloss_NCd1": _case((3, 5, 2), "mean"),
    "nllloss_NCd1_weight": _case((3, 5, 2), "mean", "rand"),
    "nllloss_NCd1_ii": _case((3, 5, 2), "mean", None, 1, 1),
    "nllloss_NCd1_weight_ii": _case((3, 5, 2), "mean", "rand", 1, 1),
    "nllloss_NCd1d2d3d4d5_mean_weight": _case((3, 5, 6, 6, 5, 3, 4), "mean", "rand"),
    "nllloss_NCd1d2d3d4d5_none_no_weight": _case((3, 5, 6, 6, 5, 3, 4), "none"),
    "nllloss_NCd1_mean_weight_negative_ii": _case((3, 5, 6), "mean", "rand", -1, -1),
    "nllloss_NCd1d2d3_none_no_weight_negative_ii": _case(
        (3, 5, 6, 6, 5), "none", None, -5, -5
    ),
    "nllloss_NCd1d2d3_sum_weight_high_ii": _case((3, 5), "sum", "rand", 10, 10),
}


@pytest.mark.parametrize("name", sorted(NLL_CASES))
def test_negative_log_likelihood_loss_node(name: str) -> None:
    x, target, w, reduction, ignore_index = NLL_CASES[name]()
    expected = compute_negative_log_likelihood_loss(
        x, target, w, reduction, ignore_index
    )
    out = ops.NegativeLogLikelihoodLoss(
        x, target, w, reduction=reduction, ignore_index=ignore_index
    )
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(
        np.asarray(out, np.float64),
        np.asarray(expected, np.float64),
        rtol=1e-5,
        atol=1e-7,
    )
