"""PaddlePaddle's own cross-entropy tests, ported to ``paddle.nn.functional``.

Ported from:
    repository: PaddlePaddle/Paddle
    path: test/legacy_test/test_cross_entropy_loss.py
    commit: 02f59a0251b0e5885b6499d8c0bc04e929cf8faf
    helpers: test/legacy_test/test_softmax_op.py (``stable_softmax``,
        commit 02780a8cf30d544f4e33d5dc0c71b242ac7195db) and
        test/legacy_test/test_softmax_with_cross_entropy_op.py (``cross_entropy``,
        commit 068723051f465817947bf4c837d40aae903f1840)
    license: Apache-2.0 (Copyright (c) 2018, 2020 PaddlePaddle Authors)

Upstream draws its inputs from NumPy's global generator and computes the
expected value with the NumPy reference functions below (ported unchanged in
substance); it compares with ``rtol=1e-05``, kept here.  Inputs here come from a
seeded generator with the upstream shapes, ranges and dtypes (float64), except
``2d_with_weight_mean_ignore_exceedlabel``, whose 4×512×512 labels are cut to
4×16×16 so the loop reference stays fast.  Hard-label ``'none'`` results are
squeezed before comparing, as upstream does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from crossent.frameworks.paddle.nn import functional as F

RTOL = 1e-05


# --- upstream reference functions -----------------------------------------
def stable_softmax(x: np.ndarray) -> np.ndarray:
    shiftx = (x - np.max(x)).clip(-64.0)
    exps = np.exp(shiftx)
    return np.asarray(exps / np.sum(exps))


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.asarray(np.log(np.apply_along_axis(stable_softmax, axis, x)))


def label_smooth(label: np.ndarray, c: int, epsilon: float) -> np.ndarray:
    # the one-hot branch of upstream ``label_smooth``
    return np.asarray((label * (1.0 - epsilon) + epsilon / c).astype(np.float64))


def cross_entropy_soft_terms(softmax: np.ndarray, label: np.ndarray) -> np.ndarray:
    # ``cross_entropy(softmax, label, soft_label=True, axis=-1)``
    return np.asarray((-label * np.log(softmax)).sum(axis=-1, keepdims=True))


def cross_entropy_soft(
    softmax: np.ndarray,
    label: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
) -> Any:
    """``cross_entropy_soft`` and ``cross_entropy_soft_2d`` (rows flattened)."""
    loss = cross_entropy_soft_terms(softmax, label)
    if weight is None and reduction == "none":
        return loss
    weighted = loss
    total_weight: Any = int(np.prod(label.shape[:-1]))
    if weight is not None:
        weighted = np.zeros_like(loss).astype(np.float64)
        total_weight = 0
        for idx in np.ndindex(*label.shape[:-1]):
            cur_weight = np.dot(weight, label[idx])
            total_weight += cur_weight
            weighted[idx] = loss[idx] * cur_weight
    if reduction == "none":
        return weighted
    if reduction == "mean":
        return np.sum(weighted) / total_weight
    return np.sum(weighted)


def cross_entropy_hard(
    x: np.ndarray,
    label: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> Any:
    """``cross_entropy_loss_1d`` and ``cross_entropy_loss_2d`` (class axis last)."""
    log_softmax_out = log_softmax(x)
    out = np.zeros_like(label).astype(np.float64)
    total_weight: Any = 0
    for idx in np.ndindex(*label.shape):
        cur_target = label[idx]
        if cur_target == ignore_index:
            out[idx] = 0
            continue
        cur_weight = weight[cur_target] if weight is not None else 1
        total_weight += cur_weight
        out[idx] = -log_softmax_out[idx][cur_target] * cur_weight
    if reduction == "sum":
        return np.sum(out)
    if reduction == "mean":
        return out.sum() / total_weight if total_weight != 0 else out.sum()
    return out


# --- soft labels ------------------------------------------------------------
def _soft_inputs(
    seed: int, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.1, 1.0, shape[-1])
    logits = rng.uniform(0.1, 1.0, shape)
    labels = rng.uniform(0.1, 1.0, shape)
    labels /= np.sum(labels, axis=-1, keepdims=True)
    return logits, labels, weight


SOFT = {
    # name: (shape, weighted, reduction)
    "soft_1d": ((4, 3), False, "none"),
    "soft_1d_weight": ((4, 3), True, "none"),
    "soft_1d_mean": ((4, 3), False, "mean"),
    "soft_1d_weight_mean": ((4, 3), True, "mean"),
    "soft_2d": ((3, 2, 2, 5), False, "none"),
    "soft_2d_weight_mean": ((3, 2, 2, 5), True, "mean"),
}


@pytest.mark.parametrize("name", list(SOFT))
def test_cross_entropy_loss_soft(name: str) -> None:
    shape, weighted, reduction = SOFT[name]
    logits, labels, weight = _soft_inputs(len(name), shape)
    w = weight if weighted else None
    softmax = np.apply_along_axis(stable_softmax, -1, logits)
    expected = cross_entropy_soft(softmax, labels, w, reduction)
    out = F.cross_entropy(
        logits, labels, weight=w, soft_label=True, reduction=reduction
    )
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(out, expected, rtol=RTOL)


@pytest.mark.parametrize(
    ("weighted", "reduction"),
    [(False, "none"), (True, "mean")],
    ids=["1d", "1d_weight_mean"],
)
def test_cross_entropy_loss_onehot_label_smoothing(
    weighted: bool, reduction: str
) -> None:
    n, c = 4, 3
    rng = np.random.default_rng(7 + weighted)
    epsilon = float(rng.uniform(0.1, 1.0))
    weight = rng.uniform(0.1, 1.0, c) if weighted else None
    logits = rng.uniform(0.1, 1.0, (n, c))
    labels = np.zeros((n, c))
    labels[np.arange(n), rng.integers(0, c, n)] = 1.0
    softmax = np.apply_along_axis(stable_softmax, -1, logits)
    expected = cross_entropy_soft(
        softmax, label_smooth(labels, c, epsilon), weight, reduction
    )
    out = F.cross_entropy(
        logits,
        labels,
        weight=weight,
        soft_label=True,
        label_smoothing=epsilon,
        reduction=reduction,
    )
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(out, expected, rtol=RTOL)


# --- hard labels --------------------------------------------------------------
HARD = {
    # name: (input shape, label high, weighted, reduction, ignore_index, first label)
    "1d_with_mean_ignore": ((100, 200), 200, False, "mean", 0, None),
    "1d_with_mean_ignore_negative": ((100, 200), None, False, "mean", -1, None),
    "1d_with_weight_mean_ignore": ((100, 200), 200, True, "mean", 0, None),
    "1d_with_weight_mean_ignore_exceedlabel": ((100, 200), 200, True, "mean", 255, 255),
    "1d_with_weight_mean": ((2, 4), 4, True, "mean", -100, None),
    "1d_with_weight_sum": ((100, 200), 100, True, "sum", -100, None),
    "1d_with_weight_none": ((100, 200), 100, True, "none", -100, None),
    "1d_mean": ((100, 200), 100, False, "mean", -100, None),
    "1d_sum": ((100, 200), 100, False, "sum", -100, None),
    "1d_none": ((100, 200), 100, False, "none", -100, None),
    "2d_with_weight_none": ((2, 2, 2, 3), 3, True, "none", -100, None),
    "2d_with_weight_mean_ignore_exceedlabel": (
        (4, 16, 16, 3),
        3,
        True,
        "mean",
        255,
        255,
    ),
    "2d_with_weight_mean": ((2, 2, 2, 3), 3, True, "mean", -100, None),
    "2d_with_weight_sum": ((2, 2, 2, 3), 3, True, "sum", -100, None),
    "2d_none": ((2, 2, 2, 3), 3, False, "none", -100, None),
    "2d_mean": ((2, 2, 2, 3), 3, False, "mean", -100, None),
    "2d_sum": ((2, 2, 2, 3), 3, False, "sum", -100, None),
}


@pytest.mark.parametrize("name", list(HARD))
def test_cross_entropy_loss_hard(name: str) -> None:
    shape, high, weighted, reduction, ignore_index, first = HARD[name]
    rng = np.random.default_rng(len(name))
    x = rng.random(shape)
    if high is None:  # upstream: label_np = -np.ones(N)
        label = -np.ones(shape[:-1], dtype=np.int64)
    else:
        label = rng.integers(0, high, size=shape[:-1]).astype(np.int64)
    if first is not None:
        label[(0,) * label.ndim] = first
    weight = rng.random(shape[-1]) if weighted else None
    expected = cross_entropy_hard(x, label, weight, reduction, ignore_index)
    out = F.cross_entropy(
        x, label, weight=weight, reduction=reduction, ignore_index=ignore_index
    )
    np.testing.assert_allclose(np.squeeze(out), expected, rtol=RTOL)


def test_cross_entropy_loss_2d_with_weight_axis_change_mean() -> None:
    rng = np.random.default_rng(11)
    x = rng.random((2, 3, 2, 2))  # NCHW
    label = rng.integers(0, 3, size=(2, 2, 2)).astype(np.int64)  # NHW
    weight = rng.random(3)
    expected = cross_entropy_hard(
        np.transpose(x, [0, 2, 3, 1]), label, weight, reduction="mean"
    )
    out = F.cross_entropy(x, label, weight=weight, reduction="mean", axis=1)
    np.testing.assert_allclose(out, expected, rtol=RTOL)
