"""The seed questions that started crossent, answered with crossent's own numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import crossent

__all__ = ["SEEDS", "Seed", "seed_numbers"]


@dataclass(frozen=True)
class Seed:
    """One original question: what was asked, and crossent's numbers for it."""

    key: str
    title: str
    question: str
    lines: tuple[tuple[str, str], ...]


def _fmt(x: object) -> str:
    return np.array2string(np.asarray(x), precision=8, separator=", ")


def seed_numbers() -> tuple[Seed, ...]:
    """Compute every number quoted in the four seed questions with the core."""
    y3 = np.eye(3)
    p_unnorm = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    p_norm = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    rescaled = p_unnorm / p_unnorm.sum(axis=-1, keepdims=True)
    y_b = np.array([[0.0, 1.0]])
    p_b = np.array([[0.99999999999, 0.00000000001]])
    clipped = np.clip(p_b, 1e-7, 1 - 1e-7)
    a = np.linspace(10, 20, 5, dtype=np.float32)
    z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    sm = np.exp(crossent.log_softmax(z))
    p_a = (1 / (1 + np.exp(-a))).astype(np.float32)  # float32 sigmoid(a)
    with np.errstate(divide="ignore"):
        round_trip = np.log(p_a / (1 - p_a))  # the hand-written log(p/(1-p))
    return (
        Seed(
            "000",
            "Keras CategoricalCrossentropy gives 0.3240, my -sum(y*log(p)) gives 0.0946",
            "Why does tf.keras.losses.CategoricalCrossentropy differ from the plain formula?",
            (
                (
                    "exact -sum(y log p) per row",
                    _fmt(crossent.cross_entropy(p_unnorm, y3)),
                ),
                (
                    "... rows rescaled to sum 1 first",
                    _fmt(crossent.cross_entropy(rescaled, y3)),
                ),
                (
                    "mean of the rescaled rows (Keras' number)",
                    f"{crossent.cross_entropy(rescaled, y3).mean():.7f}",
                ),
                (
                    "exact loss of [1e-11 on the true class]",
                    _fmt(crossent.cross_entropy(p_b, y_b)),
                ),
                (
                    "... after clipping to [1e-7, 1-1e-7]",
                    _fmt(crossent.cross_entropy(clipped, y_b)),
                ),
            ),
        ),
        Seed(
            "001",
            "With rows that sum to 1, both formulas agree",
            "The corrected y_pred gives the same numbers everywhere.",
            (
                (
                    "exact -sum(y log p) per row",
                    _fmt(crossent.cross_entropy(p_norm, y3)),
                ),
            ),
        ),
        Seed(
            "002",
            "log(p/(1-p)) overflows; the stable loss does not",
            "Keras' old binary_crossentropy converted probabilities back to logits.",
            (
                ("a", _fmt(a)),
                (
                    "exact log(1+exp(-a)) (float32)",
                    _fmt(crossent.sigmoid_binary_cross_entropy(a, np.ones_like(a))),
                ),
                ("log(p/(1-p)) of float32 p = sigmoid(a)", _fmt(round_trip)),
            ),
        ),
        Seed(
            "003",
            "Binary formula on softmax outputs: which one is right?",
            "tf.nn.softmax_cross_entropy_with_logits vs -sum[y log p + (1-y) log(1-p)].",
            (
                (
                    "softmax cross-entropy (categorical)",
                    _fmt(crossent.softmax_cross_entropy(z, y)),
                ),
                (
                    "binary formula summed over classes",
                    _fmt(crossent.binary_cross_entropy(sm, y).sum(axis=-1)),
                ),
            ),
        ),
    )


SEEDS = ("000", "001", "002", "003")
