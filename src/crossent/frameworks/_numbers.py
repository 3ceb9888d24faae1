"""The numbers that divergence texts quote, computed from the mirrors' constants.

A divergence text says what a framework returns at its edges ("in float32 a true
class predicted 0 costs 16.118095"). Those numbers are computed here, never typed
(``tests/frameworks/test_divergence_texts.py`` fails on a typed one), from the
constants the mirrors use: Keras' ``epsilon() = 1e-7`` and the float types' machine
epsilons.

Every elementary function is evaluated in float64 with :mod:`math` (not NumPy's
SIMD loops, whose last bit depends on the CPU) and each float32 operation of the
framework is emulated by rounding its float64 result to float32 — the value a
correctly rounded float32 kernel returns. The text shows a fixed number of
significant digits (:func:`show`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "EPSILON",
    "f32",
    "keras_clip_costs",
    "keras_clip_texts",
    "neg_log32",
    "show",
    "sigmoid_saturation32",
    "softmax_xent32",
    "tf_keras_bce_caps",
]

#: Keras' fuzz factor, ``keras.backend.epsilon()`` (Keras 2, Keras 3 and tf_keras).
EPSILON = 1e-7


def f32(x: float) -> float:
    """``x`` rounded to float32 (one float32 operation of the framework)."""
    return float(np.float32(x))


def neg_log32(x: float) -> float:
    """``-log(x)`` as a correctly rounded float32 log returns it."""
    return f32(-math.log(x))


def show(x: float, digits: int = 8) -> str:
    """``x`` with ``digits`` significant digits (8 shows a float32 exactly enough)."""
    return f"{x:.{digits}g}"


def softmax_xent32(logits: Sequence[float], label: int) -> float:
    """TensorFlow's float32 softmax cross-entropy kernel for one row.

    ``log Σ exp(z − max) − (z[label] − max)``, each operation rounded to float32
    (tensorflow/core/kernels/sparse_xent_op.h).
    """
    z = [f32(v) for v in logits]
    top = max(z)
    shifted = [f32(v - top) for v in z]
    total = 0.0
    for v in shifted:
        total = f32(total + f32(math.exp(v)))
    return f32(f32(math.log(total)) - shifted[label])


def keras_clip_costs() -> dict[str, float]:
    """What Keras' float32 clip to ``[ε, 1 − ε]`` makes of the extreme predictions.

    ``true_at_0``: a true class predicted 0 costs ``−log ε``; ``perfect``: a true
    class predicted 1 costs ``−log(1 − ε)``; ``false_at_1``: a false class
    predicted 1 costs ``−log(1 − (1 − ε))`` in binary CE.
    ``sparse_half``/``sparse_perfect``: the sparse losses pass ``log(clip(p))`` to
    the softmax op, which renormalises the clipped row (p = [.5, 0, 0] with
    label 1; p = [1, 0, 0] with label 0).
    """
    lo, hi = f32(EPSILON), f32(1 - EPSILON)

    def sparse(row: Sequence[float], label: int) -> float:
        clipped = [min(max(f32(p), lo), hi) for p in row]
        return softmax_xent32([-neg_log32(p) for p in clipped], label)

    return {
        "epsilon32": lo,
        "true_at_0": neg_log32(lo),
        "perfect": neg_log32(hi),
        "false_at_1": neg_log32(f32(1 - hi)),
        "sparse_half": sparse([0.5, 0.0, 0.0], 1),
        "sparse_perfect": sparse([1.0, 0.0, 0.0], 0),
    }


def keras_clip_texts() -> dict[str, str]:
    """:func:`keras_clip_costs` as the texts show them (8 significant digits).

    ``perfect`` gets 7: ``−log(1 − 2⁻²³)`` lies a hair above the midpoint of two
    float32 numbers, so the framework's float32 log prints 1.1920929e-07 or
    1.192093e-07 depending on the CPU's SIMD path.
    """
    texts = {name: show(value) for name, value in keras_clip_costs().items()}
    texts["perfect"] = show(keras_clip_costs()["perfect"], 7)
    return texts


def tf_keras_bce_caps() -> dict[str, float]:
    """tf_keras' binary CE adds ε again inside the logs: ``log(p + ε)``, ``log(1 − p + ε)``.

    ``true_at_0``: ``−log(ε + ε)`` (y = 1, p clipped up to ε); ``false_at_1``:
    ``−log((1 − (1 − ε)) + ε)`` (y = 0, p clipped down to 1 − ε).
    """
    lo, hi = f32(EPSILON), f32(1 - EPSILON)
    return {
        "true_at_0": neg_log32(f32(lo + lo)),
        "false_at_1": neg_log32(f32(f32(1 - hi) + lo)),
    }


def sigmoid_saturation32() -> float:
    """The logit from which float32 ``1 / (1 + exp(−z))`` is exactly 1.

    ``1 + exp(−z)`` rounds to 1 once ``exp(−z) ≤ 2⁻²⁴`` (half a float32 ulp of 1,
    ties to even): ``z = −log(eps32 / 2) = 24 log 2``.
    """
    return -math.log(float(np.finfo(np.float32).eps) / 2)
