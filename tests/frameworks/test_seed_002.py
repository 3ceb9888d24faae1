"""Seed question 002: four cross-entropy curves for ``a`` in ``linspace(10, 20, 100)``.

The asker (seeds/002) builds a Keras 2 model ``Dense(1, sigmoid)`` with weight 1 and
bias 0, feeds ``x = [-a, a]`` with labels ``y = [0, 1]`` and plots, on a log scale,

1. ``model.evaluate`` with ``loss='binary_crossentropy'`` (Keras 2: clip, logit round
   trip, sigmoid cross-entropy, mean);
2. ``log(1 + exp(-a))`` by hand (the exact loss of both samples);
3. ``tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=x, labels=y))``;
4. ``model.evaluate`` with the hand-written loss ``log(p/(1-p))`` without the clip,
   which "runs into numerical overflow" once float32 ``sigmoid(a)`` rounds to 1.

Everything the model computes is float32 (Keras 2's ``floatx``).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import crossent
from crossent.frameworks import keras2, tf
from crossent.frameworks.tf_keras import _tf

A = np.linspace(10, 20, 100)
Y = np.array([0, 1])
F32_EPS = float(np.finfo(np.float32).eps)
F64_EPS = float(np.finfo(np.float64).eps)

#: Smallest float32 z with float32 sigmoid(z) == 1: 1 + exp(-z) rounds to 1 once
#: exp(-z) < 2**-24. [RUN TF 2.21.0]: tf.sigmoid in float32 first returns exactly 1.0
#: at np.float32(16.635532), the same float as the mirror's sigmoid.
SIGMOID_ONE_F32 = np.float32(16.635532)


def model_output(a: float) -> np.ndarray:
    """``Dense(1, activation='sigmoid')`` with weight 1, bias 0, on ``x = [-a, a]``."""
    x = np.float32([[-a], [a]])  # the float64 input fed to a float32 placeholder
    z = x * np.float32(1.0) + np.float32(0.0)
    return _tf.sigmoid(z)


def keras_curve() -> np.ndarray:
    return np.array(
        [
            keras2.engine.evaluate_loss("binary_crossentropy", Y, model_output(a))
            for a in A
        ]
    )


def exact_curve(a: np.ndarray) -> np.ndarray:
    return np.asarray(crossent.sigmoid_binary_cross_entropy(a, np.ones_like(a)))


def tf_curve() -> np.ndarray:
    labels = np.float32(Y)
    return np.array(
        [
            np.mean(
                tf.nn.sigmoid_cross_entropy_with_logits(
                    labels=labels, logits=np.float32([-a, a])
                )
            )
            for a in A
        ]
    )


def custom_curve() -> np.ndarray:
    return np.array(
        [
            keras2.engine.evaluate_loss(
                keras2.custom.logit_round_trip, Y, model_output(a)
            )
            for a in A
        ]
    )


def test_curve_2_exact_loss_against_mpmath() -> None:
    # Reference: mpmath, mp.dps = 50, log(1 + exp(-a)) for every a of the grid.
    mpmath.mp.dps = 50
    ref = np.array([float(mpmath.log1p(mpmath.exp(-mpmath.mpf(a)))) for a in A])
    out = exact_curve(A)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, ref, rtol=4 * F64_EPS, atol=0)
    # The seed's own np.log(1 + np.exp(-a)) loses digits to the cancellation in 1 + e:
    by_hand = np.log(1 + np.exp(-A))
    assert np.max(np.abs(by_hand - ref) / ref) > 1e3 * np.max(np.abs(out - ref) / ref)


def test_curve_3_tf_sigmoid_cross_entropy_is_exact_in_float32() -> None:
    # tf.nn's formula max(z,0) - z*y + log1p(exp(-|z|)) on the float32 logits gives
    # log(1 + exp(-a)) for both samples: compare with the exact loss at the float32 a.
    out = tf_curve()
    assert out.dtype == np.float32
    a32 = np.float32(A).astype(np.float64)
    np.testing.assert_allclose(out, exact_curve(a32), rtol=4 * F32_EPS, atol=0)


def test_curve_1_keras2_evaluate_plateaus_at_the_clip() -> None:
    keras = keras_curve()
    assert keras.dtype == np.float32
    exact = exact_curve(A)
    # At a = 10 nothing is clipped and Keras agrees with the exact loss to 3e-4
    # (the float32 sigmoid leaves 1 − p with few bits).
    assert abs(keras[0] / exact[0] - 1) < 3e-4
    # Once both sigmoids are clipped (sigmoid(-a) < 1e-7 from a ≈ 16.12) the
    # loss is constant: mean of the Keras 2 floors of docs/semantics.md §3.3 [RUN-ops],
    # 1.0000002e-07 (y=0, p→1e-7) and 1.1920933e-07 (y=1, p→1−2⁻²³).
    floor = (np.float32(1.0000002e-07) + np.float32(1.1920933e-07)) / np.float32(2)
    np.testing.assert_allclose(keras[-1], floor, rtol=2 * F32_EPS)
    start = int(np.argmax(keras == keras[-1]))
    assert np.all(keras[start:] == keras[-1])
    assert start == 61  # a = 16.16, the first grid point past -log(1e-7) = 16.118
    assert A[start - 1] < -np.log(1e-7) < A[start]
    # At a = 20 Keras reports 53× the exact loss (1.096e-07 vs 2.061e-09).
    assert keras[-1] / exact[-1] == pytest.approx(53.18, rel=1e-3)


def test_curve_4_custom_loss_overflows_where_sigmoid_rounds_to_one() -> None:
    custom = custom_curve()
    assert custom.dtype == np.float32
    # float32 sigmoid reaches exactly 1 at 16.635532 and not one float below.
    assert _tf.sigmoid(SIGMOID_ONE_F32) == 1
    assert _tf.sigmoid(np.nextafter(SIGMOID_ONE_F32, np.float32(0))) < 1
    first = int(np.argmax(np.isnan(custom)))
    assert first == 66
    assert A[first] == pytest.approx(16.6667, abs=1e-4)
    assert A[first - 1] < SIGMOID_ONE_F32 <= A[first]
    assert np.all(np.isnan(custom[first:]))  # log(1/0) = inf, then inf − inf
    assert np.all(np.isfinite(custom[:first]))
    # Before the overflow it is the clip-free Keras loss: identical to curve 1
    # wherever Keras did not clip.
    keras = keras_curve()
    unclipped = A < 15.9
    np.testing.assert_array_equal(custom[unclipped], keras[unclipped])


def test_the_custom_loss_is_nan_not_inf() -> None:
    # y = 1, p = 1: z = log(1 / 0) = inf, and max(z, 0) − z·1 = inf − inf = NaN.
    out = keras2.custom.logit_round_trip(np.float32([1.0]), np.float32([1.0]))
    assert np.isnan(out[0])
