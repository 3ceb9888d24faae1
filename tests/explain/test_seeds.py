"""The four seed questions (docs/seeds), explained with their exact numbers.

Provenance of the expected values: the numbers TensorFlow printed in the seed threads
(seed 000/001/003) and, for seed 002, mpmath at 50 digits of log(1 + exp(−a)).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import crossent

Y3 = np.eye(3)
P_UNNORM = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
P_NORM = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
KERAS_CLASS = "keras.losses.CategoricalCrossentropy"


@pytest.mark.parametrize(
    ("observed", "reduction"),
    [(0.0946, "mean"), (0.2838, "sum"), (0.0315, "mean_over_elements")],
)
def test_seed_000_observed_numbers_are_identified(observed, reduction) -> None:
    exp = crossent.explain(Y3, P_UNNORM, observed=observed, against=KERAS_CLASS)
    best = exp.identification.matches[0]
    assert best.spec.path == "textbook.categorical"
    assert best.spec.options["reduction"] == reduction
    # seed 000: tf.keras printed 0.3239681124687195
    assert float(exp.comparison.b.value) == pytest.approx(0.3239681124687195, abs=1e-7)
    expected = (
        {"renormalized"} if reduction == "mean" else {"renormalized", "reduction"}
    )
    assert set(exp.codes[:2]) == expected
    assert sum(c.contribution for c in exp.causes if c.contribution) == pytest.approx(
        exp.comparison.gap, abs=1e-6
    )


def test_seed_000_renormalisation_numbers() -> None:
    exp = crossent.explain(Y3, P_UNNORM, observed=0.0946, against=KERAS_CLASS)
    cause = exp.cause("renormalized")
    # seed 000 answer: row [.5, .89, .6] is rescaled by its sum 1.99; the loss of row 1
    # goes from -log(0.89) = 0.11653382 to -log(0.89/1.99) = 0.80466845 (TF printed both).
    assert "row [1] sums to 1.99" in cause.message
    assert "0.1165338 becomes 0.8046685" in cause.message
    # The renormalisation accounts for the whole gap 0.3239681 − 0.0945899 (float32
    # rounding aside): contributions add up to the gap.
    assert cause.contribution == pytest.approx(
        0.3239681124687195 - 0.09458991187728844, abs=1e-6
    )
    total = sum(a.contribution for a in exp.comparison.attribution)
    assert total == pytest.approx(exp.comparison.gap, abs=1e-12)
    assert (
        "the gap B − A = +0.229378 comes from renormalized (+0.229378)" in exp.summary
    )


def test_seed_000_the_reduction_when_the_sum_was_observed() -> None:
    exp = crossent.explain(Y3, P_UNNORM, observed=0.2838, against=KERAS_CLASS)
    assert set(exp.codes[:2]) == {"renormalized", "reduction"}
    red = exp.cause("reduction")
    # Substituting in plan order, the renormalisation comes first; the reduction then
    # turns the sum of the renormalised rows (3 × 0.3239681, seed 000's Keras mean) into
    # their mean: −2 × 0.3239681124687195.
    assert red.contribution == pytest.approx(-2 * 0.3239681124687195, abs=1e-6)
    # both causes named in the summary, with their signs
    assert "comes from renormalized (+0.68" in exp.summary
    assert " and reduction (-0.6479" in exp.summary
    assert "sum 0.2837697" in red.message


def test_seed_000_clipping_example() -> None:
    y = np.array([[0.0, 1.0]])
    p = np.array([[0.99999999999, 0.00000000001]])
    exp = crossent.explain(
        y,
        p,
        observed=25.328436022934504,
        against="keras.losses.categorical_crossentropy",
    )
    assert exp.codes[0] == "clipped"
    cause = exp.cause("clipped")
    assert "1e-11 → 1e-07" in exp.comparison.b.step("clip").effect
    # seed 000: "results without clipping values [16.11809565] [25.32843602]"
    assert float(exp.comparison.b.value[0]) == pytest.approx(16.11809565, abs=1e-8)
    assert cause.contribution == pytest.approx(16.11809565 - 25.32843602, abs=1e-7)
    assert "16.118096" in cause.message
    assert "25.328436" in cause.message
    float32 = crossent.explain(y, p, against=KERAS_CLASS)
    # seed 000: the Keras loss class printed 16.11809539794922 (float32)
    row = next(v for v in float32.values if v.spec.path == KERAS_CLASS)
    assert float(row.value) == pytest.approx(16.11809539794922, abs=2e-6)


def test_seed_001_no_cause_values_equal() -> None:
    exp = crossent.explain(
        Y3,
        P_NORM,
        observed=[0.10536052, 0.11653382, 0.0618754],
        against="keras.losses.categorical_crossentropy",
    )
    assert exp.causes == ()
    assert exp.comparison.gap == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(
        exp.comparison.b.value, [0.10536052, 0.11653382, 0.0618754], atol=5e-9
    )
    assert "the two agree" in exp.summary


def _seed_002_exact(a: float) -> float:
    mpmath.mp.dps = 50
    return float(mpmath.log(1 + mpmath.exp(-mpmath.mpf(a))))


def test_seed_002_overflow_with_stable_alternative() -> None:
    a = np.float32(17.0)
    y = np.array([[0.0], [1.0]], np.float32)
    z = np.array([[-a], [a]], np.float32)
    exp = crossent.explain(
        y,
        z,
        from_logits=True,
        against=["keras2.custom.logit_round_trip", "exact.sigmoid_binary"],
    )
    assert exp.codes[0] == "overflow"
    cause = exp.cause("overflow")
    assert math.isnan(cause.contribution)
    assert exp.comparison.first_divergence == "to_logits"
    custom = exp.comparison.a.value
    assert np.isnan(custom[1, 0])  # sigmoid(17) rounds to 1 in float32
    # The stable value per element, mpmath: log(1 + exp(−17)) = 4.13993762e-08
    stable = cause.details["stable"]
    np.testing.assert_allclose(stable, _seed_002_exact(17.0), rtol=1e-15)
    assert "4.1399376e-08" in cause.message
    # float32 sigmoid first rounds to 1 at a = 24·ln 2 = 16.6355 (1 + 2^-24 rounds to 1)
    assert cause.details["threshold"] == pytest.approx(24 * math.log(2), abs=1e-6)
    # Only the step that makes the value NaN moves it: swapping the inputs leaves A's
    # NaN a NaN (a change of 0, not nan − nan), and the words say what happened.
    steps = {x.step: x.contribution for x in exp.comparison.attribution}
    assert steps["input"] == 0.0
    assert math.isnan(steps["to_logits"])
    # (the other steps move it by rounding noise at most: float32 log and exp differ
    # in the last bit between CPUs' SIMD paths)
    moved = [k for k, v in steps.items() if not abs(v) <= exp.comparison.noise]
    assert moved == ["to_logits"]
    assert "turns inf/NaN at step 'to_logits' (overflow)" in exp.summary
    assert "gap nan" not in exp.summary
    assert "[makes one value NaN]" in str(exp)


def test_seed_002_below_the_threshold_no_overflow() -> None:
    a = np.float32(16.0)
    exp = crossent.explain(
        np.array([[0.0], [1.0]], np.float32),
        np.array([[-a], [a]], np.float32),
        from_logits=True,
        against=["keras2.custom.logit_round_trip", "exact.sigmoid_binary"],
    )
    assert "overflow" not in exp.codes


SOFTMAX_003 = np.array(
    [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
)
Y_003 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


def test_seed_003_binary_vs_categorical() -> None:
    exp = crossent.explain(Y_003, SOFTMAX_003, observed=[0.90335299, 2.11193571])
    assert exp.codes[0] == "binary_vs_categorical"
    best = exp.identification.matches[0]
    assert (best.spec.path, best.spec.options["reduction"]) == (
        "textbook.binary",
        "none",
    )
    cause = exp.cause("binary_vs_categorical")
    # seed 003: TF printed [0.4790107 1.19967598] (categorical) and the user's binary
    # formula [0.90335299 2.11193571]
    np.testing.assert_allclose(
        cause.details["categorical"], [0.4790107, 1.19967598], atol=5e-8
    )
    np.testing.assert_allclose(
        cause.details["binary_sum"], [0.90335299, 2.11193571], atol=5e-9
    )
    assert cause.contribution == pytest.approx(
        (0.4790107 + 1.19967598) - (0.90335299 + 2.11193571), abs=1e-6
    )
    # "does TensorFlow have this formula?"
    assert "tf.nn.sigmoid_cross_entropy_with_logits" in cause.fix
    assert "keras.losses.BinaryCrossentropy" in cause.fix


def test_demo_runs_every_seed() -> None:
    from crossent._demo import demo

    items = demo()
    assert [i.key for i in items] == ["000", "000", "001", "002", "003"]
    assert items[0].explanation.codes[0] == "renormalized"
    assert items[2].explanation.causes == ()
    assert items[3].explanation.codes[0] == "overflow"
    assert items[4].explanation.codes[0] == "binary_vs_categorical"
