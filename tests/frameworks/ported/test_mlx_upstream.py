"""MLX's own loss tests, ported to the ``mlx.nn.losses`` mirrors.

Ported from:
    repository: ml-explore/mlx
    path: python/tests/test_losses.py
    commit: 03f8ed15e6b609d9a69cda02137d02e1df7819f4
    license: MIT (Copyright © 2023 Apple Inc.)

Inputs and expected values are the ones the upstream test states; MLX compares
with ``mx.allclose`` (rtol 1e-5, atol 1e-8), kept here.  Cases that draw random
logits upstream use a fixed NumPy generator instead.
"""

from __future__ import annotations

import numpy as np
import pytest

from crossent.frameworks.mlx.nn import losses

INF = float("inf")


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), expected, rtol=1e-5, atol=1e-8
    )


# test_cross_entropy
def test_cross_entropy_infinite_logits_with_indices() -> None:
    logits = np.float32([[0.0, -INF], [-INF, 0.0]])
    loss = losses.cross_entropy(logits, np.array([0, 1]), reduction="none")
    close(loss, [0.0, 0.0])


def test_cross_entropy_infinite_logits_with_probs_is_nan() -> None:
    # upstream: "produce NaNs, like PyTorch"
    logits = np.float32([[0.0, -INF], [-INF, 0.0]])
    probs = np.float32([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(invalid="ignore"):
        loss = losses.cross_entropy(logits, probs, reduction="none")
    assert np.isnan(loss).all()


LOGITS = np.float32([[2.0, -1.0], [-1.0, 2.0]])
INDICES = np.array([0, 1])
PROBS = np.float32([[1.0, 0.0], [0.0, 1.0]])
WEIGHTS = np.float32([1.0, 2.0])


@pytest.mark.parametrize("targets", [INDICES, PROBS], ids=["indices", "probs"])
def test_cross_entropy_weights(targets: np.ndarray) -> None:
    loss = losses.cross_entropy(LOGITS, targets, weights=WEIGHTS, reduction="none")
    close(loss, [0.04858735, 0.0971747])


@pytest.mark.parametrize("targets", [INDICES, PROBS], ids=["indices", "probs"])
def test_cross_entropy_label_smoothing(targets: np.ndarray) -> None:
    loss = losses.cross_entropy(LOGITS, targets, label_smoothing=0.3, reduction="none")
    close(loss, [0.498587, 0.498587])


def test_cross_entropy_weights_and_label_smoothing() -> None:
    loss = losses.cross_entropy(
        LOGITS, INDICES, weights=WEIGHTS, label_smoothing=0.3, reduction="none"
    )
    close(loss, [0.49858734, 0.9971747])


def test_cross_entropy_other_axis() -> None:
    logits = np.random.default_rng(0).normal(size=(4, 8)).astype(np.float32)
    targets = np.array([1, 2, 3, 0])
    loss = losses.cross_entropy(logits.T, targets, axis=0)
    expected = losses.cross_entropy(logits, targets, axis=-1)
    close(loss, np.asarray(expected, np.float64))


# test_binary_cross_entropy / _test_logits_as_inputs
BCE_LOGITS = np.float32([0.105361, 0.223144, 1.20397, 0.916291])
BCE_TARGETS = np.float32([0, 0, 1, 1])
BCE_NONE = np.array([0.747215, 0.810930, 0.262365, 0.336472])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [("none", BCE_NONE), ("mean", BCE_NONE.mean()), ("sum", BCE_NONE.sum())],
)
def test_binary_cross_entropy_logits(reduction: str, expected: object) -> None:
    loss = losses.binary_cross_entropy(BCE_LOGITS, BCE_TARGETS, reduction=reduction)
    close(loss, expected)


def test_binary_cross_entropy_logits_weights() -> None:
    loss = losses.binary_cross_entropy(
        BCE_LOGITS,
        BCE_TARGETS,
        weights=np.float32([1.0, 2.0, 1.0, 2.0]),
        reduction="none",
    )
    close(loss, [0.747215, 1.62186, 0.262365, 0.672944])


# _test_probs_as_inputs
P_NONE = np.array([0.693147, 0.916291, 0.356675, 0.223144])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [("none", P_NONE), ("mean", P_NONE.mean()), ("sum", P_NONE.sum())],
)
def test_binary_cross_entropy_probs(reduction: str, expected: object) -> None:
    probs = np.float32([0.5, 0.6, 0.7, 0.8])
    loss = losses.binary_cross_entropy(
        probs, BCE_TARGETS, with_logits=False, reduction=reduction
    )
    close(loss, expected)


# _test_tiny_probs_as_inputs
TINY = 1e-59
TINY_NONE = np.array([0.0, TINY, TINY, 0.0])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [("none", TINY_NONE), ("mean", TINY_NONE.mean()), ("sum", TINY_NONE.sum())],
)
def test_binary_cross_entropy_tiny_probs(reduction: str, expected: object) -> None:
    # MLX builds mx.array([0, 1e-59, 1 - 1e-59, 1]): float32, as here
    probs = np.float32([0, TINY, 1 - TINY, 1])
    with np.errstate(divide="ignore"):
        loss = losses.binary_cross_entropy(
            probs, BCE_TARGETS, with_logits=False, reduction=reduction
        )
    close(loss, expected)
