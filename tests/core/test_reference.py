"""Sanity checks of the mpmath reference itself, against closed forms.

Each expected value is a closed form evaluated by mpmath at 50 digits (log 2,
log 3, ...), or a seed value printed by TensorFlow (provenance in the comment).
"""

from __future__ import annotations

import _reference as ref
import numpy as np
from mpmath import mp

INF = float("inf")


def close(a: object, b: object) -> bool:
    return bool(abs(ref.mpf(a) - ref.mpf(b)) <= mp.mpf(10) ** -45)


def test_working_precision_is_50_digits() -> None:
    # the default; each reference function raises it for its inputs
    assert mp.dps == 50


def test_logsumexp_closed_forms() -> None:
    assert close(ref.logsumexp([0.0, 0.0]), mp.log(2))
    assert close(ref.logsumexp([1e4, 1e4, 1e4]), 10_000 + mp.log(3))
    assert close(ref.logsumexp([0.0, -1e4]), mp.log1p(mp.exp(-10_000)))
    assert ref.logsumexp([-INF, -INF]) == -INF
    assert ref.logsumexp([-INF, INF]) == INF
    assert mp.isnan(ref.logsumexp([float("nan"), INF]))


def test_log_softmax_limits() -> None:
    out = ref.log_softmax([INF, INF, 0.0, -INF])
    assert close(out[0], -mp.log(2))
    assert close(out[1], -mp.log(2))
    assert out[2:] == [-INF, -INF]
    assert all(mp.isnan(v) for v in ref.log_softmax([-INF, -INF, -INF]))
    # the winning class keeps its tiny log-probability -log1p(e^-100) ~ -e^-100
    assert close(ref.log_softmax([100.0, 0.0])[0] / -mp.log1p(mp.exp(-100)), 1)


def test_softplus_and_log_sigmoid() -> None:
    assert close(ref.softplus(0.0), mp.log(2))
    assert close(ref.softplus(-1e4) / mp.exp(-10_000), 1)
    assert ref.softplus(INF) == INF
    assert ref.softplus(-INF) == 0
    assert close(ref.log_sigmoid(0.0), -mp.log(2))


def test_softmax_cross_entropy_seed_003() -> None:
    # seed 003: tf.nn.softmax_cross_entropy_with_logits printed [0.4790107 1.19967598]
    z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = ref.softmax_cross_entropy(z, y)
    np.testing.assert_allclose(
        [float(v) for v in out], [0.4790107, 1.19967598], atol=5e-9
    )


def test_softmax_cross_entropy_conventions() -> None:
    # a -inf logit with label 0 is harmless; +inf ties cost log k; NaN rows
    assert close(ref.softmax_cross_entropy([0.0, -INF], [1.0, 0.0]), 0)
    assert close(ref.softmax_cross_entropy([INF, INF, 1.0], [1.0, 0.0, 0.0]), mp.log(2))
    assert ref.softmax_cross_entropy([INF, 1.0], [0.0, 1.0]) == INF
    assert mp.isnan(ref.softmax_cross_entropy([-INF, -INF], [0.0, 0.0]))
    masked = ref.softmax_cross_entropy(
        [0.0, 5.0, 0.0], [0.5, 1.0, 0.5], where=[1, 0, 1]
    )
    assert close(masked, mp.log(2))
    assert ref.softmax_cross_entropy([1.0, 2.0], [1.0, 0.0], where=[0, 0]) == 0


def test_integer_labels_and_ignore_index() -> None:
    z = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    out = ref.softmax_cross_entropy_with_integer_labels(
        z, np.array([1, -1]), ignore_index=-1
    )
    assert close(out[0], mp.log(3))
    assert out[1] == 0


def test_probability_cross_entropies() -> None:
    assert close(ref.cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]), mp.log(2))
    assert ref.cross_entropy([0.0, 1.0], [1.0, 0.0]) == INF
    assert mp.isnan(ref.cross_entropy([float("nan"), 1.0], [0.0, 1.0]))
    assert close(ref.binary_cross_entropy(0.5, 0.25), mp.log(2))
    assert ref.binary_cross_entropy(1.0, 1.0) == 0
    assert ref.binary_cross_entropy(1.0, 0.5) == INF
    tiny = float(np.finfo(np.float64).smallest_subnormal)
    assert close(ref.cross_entropy([tiny], [1.0]), 1074 * mp.log(2))


def test_binary_and_focal_closed_forms() -> None:
    assert close(ref.sigmoid_binary_cross_entropy(0.0, 0.3), mp.log(2))
    assert close(
        ref.sigmoid_binary_cross_entropy(0.0, 1.0, pos_weight=3.0), 3 * mp.log(2)
    )
    assert ref.sigmoid_binary_cross_entropy(-INF, 0.0) == 0
    assert ref.sigmoid_binary_cross_entropy(INF, 0.5) == INF
    # z = 0: 1 - p_t = 1/2, so the focal factor is 2^-gamma
    assert close(ref.sigmoid_focal_cross_entropy(0.0, 1.0, gamma=2.0), mp.log(2) / 4)
    assert close(
        ref.sigmoid_focal_cross_entropy(0.0, 1.0, alpha=0.25, gamma=0.0), mp.log(2) / 4
    )
    assert ref.sigmoid_focal_cross_entropy(INF, 0.0, alpha=1.0) == 0
    # softmax focal with equal logits: p = 1/3, factor (2/3)^gamma
    out = ref.softmax_focal_cross_entropy([0.0, 0.0, 0.0], [0.0, 1.0, 0.0], gamma=2.0)
    assert close(out, mp.mpf(4) / 9 * mp.log(3))


def test_smoothing_and_rounding() -> None:
    out = ref.smooth_labels(np.array([0.0, 1.0, 0.0, 0.0]), 0.25)
    assert all(
        close(v, w) for v, w in zip(out, [1 / 16, 13 / 16, 1 / 16, 1 / 16], strict=True)
    )
    third = mp.mpf(1) / 3
    assert ref.to_dtype(third, np.float32) == np.float32(1) / np.float32(3)
    assert ref.to_dtype(third, np.float64) == 1 / 3
    # below float32's smallest subnormal 2^-149: halfway rounds to even (0)
    assert ref.to_dtype(mp.mpf(2) ** -150, np.float32) == 0
    assert ref.to_dtype(3 * mp.mpf(2) ** -150, np.float32) == np.float32(2.0**-148)


# Inputs where too few digits would show: tails far below the head (gaps to
# 745 and beyond), magnitudes from the smallest subnormal to 1e4, soft labels
# that nearly cancel, subnormal probabilities.
HARD_ROWS = np.array(
    [
        [50.0, -60.0, 0.0],
        [745.0, 0.0, -1e4],
        [1e-300, 1e4, -2.5e-7],
        [1e4, 1e4 - 744.5, -1e4],
    ]
)
HARD_LABELS = np.array(
    [[1.0, 1e-300, 0.0], [1.0, 0.0, 5e-324], [0.25, 0.5, 0.25], [-1.0, 1.0, 1e-20]]
)


def _all_references() -> list[object]:
    tiny = float(np.finfo(np.float64).smallest_subnormal)
    z, y = HARD_ROWS, HARD_LABELS
    return [
        [ref.logsumexp(r) for r in z],
        [ref.log_softmax(r) for r in z],
        ref.softmax_cross_entropy(z, y),
        ref.softmax_cross_entropy_with_integer_labels(z, np.array([0, 0, 1, 1])),
        ref.cross_entropy([[tiny, 1 - tiny, 0.5]], [[1.0, 1e-300, tiny]]),
        [
            ref.sigmoid_binary_cross_entropy(a, b)
            for a, b in [(745.0, 1.0), (-1e4, 1e-300)]
        ],
        [ref.binary_cross_entropy(p, 0.0) for p in (tiny, 1e-300, 0.5)],
        ref.reduce_loss(np.array([1e4, tiny, 1e-300, -1e4]), "sum"),
        ref.reduce_loss(np.array([3.0, 1e-20]), "weighted_mean", weights=[tiny, 1.0]),
    ]


def test_digits_follow_the_dynamic_range() -> None:
    assert ref.digits_for([3.0, 3.0]) == 50
    assert ref.digits_for([1.0, 2.0]) == 51  # ceil(log10 2)
    assert ref.digits_for([1e-300, 1e4]) == 50 + 304
    assert ref.digits_for([0.0, float("inf"), 7.0]) == 50
    with ref.twice_the_precision():
        assert ref.digits_for([1e-300, 1e4]) == 2 * (50 + 304)


def test_reference_agrees_with_itself_at_twice_the_precision() -> None:
    normal = _all_references()
    with ref.twice_the_precision():
        doubled = _all_references()
    flat_a = _flat(normal)
    flat_b = _flat(doubled)
    assert len(flat_a) == len(flat_b)
    for a, b in zip(flat_a, flat_b, strict=True):
        if mp.isnan(a) or mp.isinf(a):
            assert (mp.isnan(a) and mp.isnan(b)) or a == b
            continue
        # 45 digits of the 50 the reference promises, relative (or exact zero)
        assert abs(a - b) <= abs(b) * mp.mpf(10) ** -45, (a, b)
        assert ref.to_dtype(a, np.float64) == ref.to_dtype(b, np.float64)


def _flat(values: object) -> list[object]:
    if isinstance(values, (list, tuple)):
        return [v for item in values for v in _flat(item)]
    return [ref.mpf(values)]
