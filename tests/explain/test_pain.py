"""docs/mistakes.md items that can be diagnosed from the inputs: the cause code and its numbers.

Each test builds the item's example. Expected numbers are docs/mistakes.md's (marked ✓ there:
recomputed by the authors of docs/mistakes.md) or docs/semantics.md's [RUN] values from the real
frameworks; the provenance is given in each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossent
from crossent.explain._diagnose import memory_estimate


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize(
    ("k", "floor"), [(27, "2.357534"), (4, "0.7436684"), (2, "0.3132617")]
)
def test_pain_01_probabilities_as_logits_floor(k, floor) -> None:
    # PAIN 1: softmax outputs passed as logits; floor log(e + K − 1) − 1 = 2.357534 for
    # K = 27, 0.7437 for K = 4, 0.3133 for K = 2 (✓ in docs/mistakes.md).
    z = np.full((2, k), -10.0)
    z[:, 0] = 10.0
    p = _softmax(z)
    exp = crossent.explain(np.array([0, 0]), p, from_logits=True)
    cause = exp.cause("probs_as_logits")
    assert cause is not None
    assert f"= {floor} for K = {k}" in cause.message
    assert cause.details["floor"] == pytest.approx(math.log(math.e + k - 1) - 1)


def test_pain_02_logits_as_probabilities() -> None:
    # PAIN 2: logit row [2, −1, 0.5], label 0: Keras renormalises and clips to a
    # "perfect" 1.19e-07 (float32); the correct softmax CE is 0.2413 (✓).
    exp = crossent.explain(
        np.array([[1.0, 0.0, 0.0]]), np.array([[2.0, -1.0, 0.5]]), from_logits=False
    )
    cause = exp.cause("logits_as_probs")
    assert "min -1, max 2" in cause.message
    # Keras' float32 floor −log(1 − 2^-23) = 1.1920929e-07; its last digit follows the
    # CPU's float32 log, so the test reads the number, not its digits
    floor = cause.details["keras_probability_path"][0]
    assert floor == pytest.approx(1.1920929e-07, rel=1e-6)
    assert "[1.19209" in cause.message
    assert "0.2413113" in cause.message
    assert cause.details["softmax_of_y_pred"][0] == pytest.approx(0.2413113, abs=1e-7)


def test_pain_03_clipping_tf39411() -> None:
    # PAIN 3 ex. 1 (tensorflow#39411): true-class probability 4.5e-12 — TF 16.1181 =
    # −log(1e-7); NumPy −log(4.5e-12) = 26.126944 (mpmath; the thread reported 26.1273
    # for its unrounded probability).
    p = np.array([[1 - 4.5e-12, 4.5e-12]])
    exp = crossent.explain(
        np.array([[0.0, 1.0]]), p, against="keras.losses.categorical_crossentropy"
    )
    cause = exp.cause("clipped")
    assert "26.126944" in cause.message
    assert "16.118096" in cause.message
    # A = Keras (clipped), B = the exact core: the clip accounts for the whole gap.
    assert cause.contribution == pytest.approx(26.12694372 - 16.11809565, abs=1e-6)


def test_pain_03_renormalisation_theano6805() -> None:
    # PAIN 3 ex. 3 (Theano#6805): y_pred [0.9999999, 0.9999999, 1e-7], label 1 —
    # Keras 0.693147 (renormalised to 0.5).
    p = np.array([[0.9999999, 0.9999999, 1e-7]])
    exp = crossent.explain(
        np.array([[0.0, 1.0, 0.0]]), p, against="keras.losses.categorical_crossentropy"
    )
    cause = exp.cause("renormalized")
    assert "sums to 2" in cause.message
    assert float(exp.comparison.a.value[0]) == pytest.approx(0.693147, abs=1e-6)


def test_pain_04_keras_bce_double_epsilon_and_asymmetry() -> None:
    # PAIN 4 (keras#15249): y = [0, 1, 0], p = [0.9999999, 0.9999999, 1e-7] float32;
    # tf_keras BCE gives [15.333239, −0, −0] (reported ✓).
    y = np.array([0.0, 1.0, 0.0], np.float32)
    p = np.array([0.9999999, 0.9999999, 1e-7], np.float32)
    bce = crossent.frameworks.tf_keras.backend.binary_crossentropy(y, p)
    np.testing.assert_allclose(bce, [15.333239, 0, 0], atol=1e-6)
    exp = crossent.explain(
        y[:, None], p[:, None], against="tf_keras.backend.binary_crossentropy"
    )
    cause = exp.cause("clipped")
    assert "15.333239" in cause.message
    assert "15.424949" in cause.message


def test_pain_05_every_framework_caps_differently() -> None:
    # PAIN 5 table: torch 100, Keras 16.12/15.42, sklearn ≥ 1.5 36.0437 (✓), sklearn ≤ 1.1
    # 34.5388 (✓), exact inf.
    exp = crossent.explain(np.array([[1.0], [0.0]]), np.array([[0.0], [0.3]]))
    clamp = exp.cause("log_clamped")
    assert "exactly 100" in clamp.message
    clip = exp.cause("clipped")
    for number in ("PyTorch BCELoss 100", "36.043653", "34.538776", "inf"):
        assert number in clip.message


def test_pain_06_torch_class_weighted_mean() -> None:
    # PAIN 6 (pytorch#25571): none [5.6390, 4.9593], sum 10.5983, mean 1.0598 (✓),
    # the user expected 5.2992 (✓).
    z = np.array([[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]])
    exp = crossent.explain(
        np.array([2, 1]), z, from_logits=True, weight=[2.0, 4.0, 6.0]
    )
    cause = exp.cause("weighting")
    assert "10.5983 / 10 = 1.0598" in cause.message
    assert "= 5.2992" in cause.message
    assert "Ratio = N / Σw = 0.2" in cause.message
    torch_row = next(
        v for v in exp.values if v.spec.path == "torch.nn.functional.cross_entropy"
    )
    assert float(torch_row.value) == pytest.approx(1.0598, abs=1e-4)


def test_pain_06_weights_cancel_for_a_single_class_batch() -> None:
    exp = crossent.explain(
        np.array([1, 1]),
        np.array([[0.2, 1.3, 0.5], [0.5, 2.2, 0.3]]),
        weight=[2.0, 4.0, 6.0],
    )
    assert (
        "class weights have no effect on this batch" in exp.cause("weighting").message
    )


def test_pain_07_keras_sample_weight_divides_by_n() -> None:
    # PAIN 7 (TF doc example): CCE with sample_weight [0.3, 0.7] gives 0.8136 (✓, Σwℓ/2);
    # the weighted mean would be 1.6272 (✓).
    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    p = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    exp = crossent.explain(y, p, sample_weight=[0.3, 0.7])
    cause = exp.cause("weighting")
    assert "by N = 2: 0.8135988" in cause.message
    assert "1.627198" in cause.message
    keras_row = next(
        v for v in exp.values if v.spec.path == "keras.losses.CategoricalCrossentropy"
    )
    assert float(keras_row.value) == pytest.approx(
        0.813598812, abs=1e-7
    )  # SEMANTICS §2.11 [RUN]


def test_pain_08_overflow_in_hand_written_softmax() -> None:
    # PAIN 8: softmax over logits [1000, 2000, 3000] overflows exp in float32 (> 88.72).
    z = np.array([[1000.0, 2000.0, 3000.0]], np.float32)
    exp = crossent.explain(np.array([2]), z)
    cause = exp.cause("overflow")
    assert "88.72" in cause.message
    assert "logsumexp" in cause.message


def test_pain_08_zero_probability_and_zero_times_log_zero() -> None:
    exp = crossent.explain(np.array([[0.0, 1.0, 0.0]]), np.array([[0.5, 0.0, 0.5]]))
    cause = exp.cause("overflow")
    assert "+inf there" in cause.message
    exp2 = crossent.explain(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]))
    assert "0·(−inf) = NaN" in exp2.cause("overflow").message


def test_pain_08_nan_already_in_the_predictions() -> None:
    # "My loss is NaN": the NaN is in y_pred before any loss runs. The row's loss is NaN
    # in the exact core and in Keras (renormalisation); nothing is blamed on clipping or
    # renormalisation (the NaN row used to make rule_renormalized report "0 row(s)").
    p = np.array([[0.5, np.nan, 0.5], [0.2, 0.7, 0.1], [np.nan, np.nan, 1.0]])
    y = np.eye(3)[[0, 1, 2]]
    exp = crossent.explain(y, p)
    assert exp.codes == ("nan_input",)
    cause = exp.cause("nan_input")
    assert cause.elements == ((0, 1), (2, 0), (2, 1))
    assert cause.details["rows"] == 2
    assert "3 value(s) of y_pred are NaN, at [0, 1], [2, 0], [2, 1]" in cause.message
    assert "each of the 2 row(s)" in cause.message
    exact = crossent.cross_entropy(p, y)
    assert np.isnan(exact[[0, 2]]).all()
    assert exact[1] == pytest.approx(-math.log(0.7), rel=1e-15)
    assert "jax_debug_nans" in cause.fix


def test_pain_08_nan_in_the_labels() -> None:
    y = np.array([[np.nan, 1.0], [0.0, 1.0]])
    exp = crossent.explain(y, np.array([[0.5, 0.5], [0.3, 0.7]]))
    assert exp.codes == ("nan_input",)  # not also "soft_labels"
    assert "1 value(s) of y_true are NaN, at [0, 0]" in exp.cause("nan_input").message


def test_pain_09_half_precision() -> None:
    # PAIN 9: Keras' 1e-7 clip is a no-op in float16, where 1 − 1e-7 == 1 (✓).
    p = np.array([[0.25, 0.75]], np.float16)
    exp = crossent.explain(np.array([[0.0, 1.0]], np.float16), p)
    cause = exp.cause("precision")
    assert "float16" in cause.message
    assert "1 − 1e-07 rounds to 1.0" in cause.message
    assert "0.28768207" in cause.message  # −log 0.75 recomputed in float64


def test_pain_10_all_targets_ignored() -> None:
    # PAIN 10: CrossEntropyLoss() with every target −100 gives nan (reported).
    exp = crossent.explain(np.full(5, -100), np.zeros((5, 5)), from_logits=True)
    cause = exp.cause("ignore_index")
    assert "5 of 5 targets equal ignore_index = -100" in cause.message
    assert "0/0 = NaN" in cause.message
    torch_row = next(
        v for v in exp.values if v.spec.path == "torch.nn.functional.cross_entropy"
    )
    assert math.isnan(float(torch_row.value))


def test_pain_10_ignore_index_that_is_a_class() -> None:
    exp = crossent.explain(
        np.array([0, 1, 2]), np.zeros((3, 3)), from_logits=True, ignore_index=1
    )
    assert "still competes" in exp.cause("ignore_index").message


def test_pain_11_labels_out_of_range() -> None:
    # PAIN 11 (tensorflow#10268): labels [100] with logits [[0., 1.]].
    exp = crossent.explain(np.array([100]), np.array([[0.0, 1.0]]), from_logits=True)
    cause = exp.cause("label_range")
    assert "outside [0, 2)" in cause.message
    assert "[100]" in cause.message
    one_based = crossent.explain(
        np.array([1, 2, 3]), np.zeros((3, 3)), from_logits=True
    )
    assert "1-based (min 1, max 3)" in one_based.cause("label_range").message


def test_pain_12_class_axis() -> None:
    # PAIN 12 (markhliu/DGAI#7): (N, C, T) outputs with (N, T) targets, class axis at dim 1.
    z = np.zeros((2, 5, 3))
    exp = crossent.explain(np.zeros((2, 3), dtype=np.int64), z, from_logits=True)
    cause = exp.cause("axis")
    assert "without axis 1 (size 5)" in cause.message


def test_pain_13_binary_formula_on_one_hot_labels() -> None:
    # PAIN 13 (lukas/ml-class#34): CCE 0.5108, BCE summed 0.9323, Keras BCE mean 0.1865 (✓);
    # to 8 digits −log .6 = 0.51082562, −log .6 − 4 log .9 = 0.93226769, /5 = 0.18645354.
    y = np.array([[0.0, 0.0, 1.0, 0.0, 0.0]])
    p = np.array([[0.1, 0.1, 0.6, 0.1, 0.1]])
    exp = crossent.explain(y, p, observed=0.1865)
    cause = exp.cause("binary_vs_categorical")
    assert "[0.51082562]" in cause.message
    assert "[0.93226769]" in cause.message
    assert "[0.18645354]" in cause.message


def test_pain_13_categorical_on_one_unit() -> None:
    exp = crossent.explain(
        np.array([[1.0], [1.0]]),
        np.array([[0.3], [0.9]]),
        against="keras.losses.categorical_crossentropy",
    )
    assert "identically 0" in exp.cause("binary_vs_categorical").message


def test_pain_14_multi_label_with_softmax() -> None:
    # PAIN 14: a multi-hot label [1, 0, 1] with softmax CE.
    exp = crossent.explain(
        np.array([[1.0, 0.0, 1.0]]), np.array([[1.0, 0.0, 2.0]]), from_logits=True
    )
    cause = exp.cause("multi_label")
    assert "row sums [2]" in cause.message


def test_pain_15_label_smoothing_conventions() -> None:
    # PAIN 15: logits [2, 1, 0.1], target 0, K = 3, ε = 0.1: PyTorch/Keras 0.5137,
    # ε/(K−1) 0.5620, unsmoothed 0.4170 (✓).
    z = np.array([[2.0, 1.0, 0.1]])
    exp = crossent.explain(
        np.array([0]), z, from_logits=True, label_smoothing=0.1, observed=0.5620
    )
    cause = exp.cause("label_smoothing")
    assert "ε/K (PyTorch, Keras, optax, mlx): 0.5137;" in cause.message
    assert "ε/(K−1) (papers, icefall, ESPnet): 0.56203" in cause.message
    assert "unsmoothed: 0.41703" in cause.message
    assert "matches the ε/(K−1)" in cause.message


def test_pain_16_memory_estimate() -> None:
    # PAIN 16: 8192 × 151936 logits are 2.32 GiB in bf16 and 4.64 GiB in fp32 (✓);
    # B4 × T8192 × V128256: 7.8 GiB bf16, 15.7 GiB after upcast (✓).
    est = memory_estimate((8192, 151936), "bfloat16")
    assert est["logits_gib"] == pytest.approx(2.32, abs=0.01)
    assert est["float32_copy_gib"] == pytest.approx(4.64, abs=0.01)
    est = memory_estimate((4, 8192, 128256), "bfloat16", ignored_fraction=0.5)
    assert est["logits_gib"] == pytest.approx(7.8, abs=0.05)
    assert est["float32_copy_gib"] == pytest.approx(15.7, abs=0.05)
    assert est["float32_copy_non_ignored_gib"] == pytest.approx(15.7 / 2, abs=0.05)


def test_pain_19_broadcast_n_vs_n1() -> None:
    exp = crossent.explain(np.array([0.0, 1.0, 1.0]), np.array([[0.2], [0.7], [0.9]]))
    assert "3×3 comparison" in exp.cause("broadcast").message


def test_pain_21_sklearn_before_and_after_1_5() -> None:
    # PAIN 21 (scikit-learn#24515): log_loss([[0, 1]], [[0.2, 0.3]]) gives 0.5108 up to 1.4
    # (renormalised to 0.3/0.5) and 1.2040 from 1.5 (✓).
    y, p = np.array([[0.0, 1.0]]), np.array([[0.2, 0.3]])
    old = crossent.identify(y, p, 0.5108)
    assert any(m.spec.path == "sklearn<1.5.metrics.log_loss" for m in old)
    new = crossent.identify(y, p, 1.2040)
    assert any(m.spec.path == "sklearn.metrics.log_loss" for m in new)
    exp = crossent.explain(y, p, observed=0.5108)
    assert "renormalized" in exp.codes


def test_pain_22_sklearn_label_inference() -> None:
    # PAIN 22 (scikit-learn#6703): log_loss([1, 1, 1], [0, 0, 0]) returned 9.99e-16.
    exp = crossent.explain(np.array([1, 1, 1]), np.array([0.0, 0.0, 0.0]))
    cause = exp.cause("class_inference")
    assert "9.99e-16 instead of 34.54" in cause.message


def test_pain_23_masked_logits() -> None:
    # PAIN 23 (optax#1762): logits [−inf, 0, 0], labels [0, 1, 0] — the naive formula
    # gives NaN; the correct loss is log 2 = 0.6931472.
    exp = crossent.explain(
        np.array([[0.0, 1.0, 0.0]]), np.array([[-np.inf, 0.0, 0.0]]), from_logits=True
    )
    cause = exp.cause("masked_logits")
    assert "[0.69314718]" in cause.message
    tf_row = next(
        v
        for v in exp.values
        if v.spec.path == "tf.nn.softmax_cross_entropy_with_logits"
    )
    assert math.isnan(float(tf_row.value[0]))  # SEMANTICS D16: TF gives NaN


def test_pain_24_soft_labels_entropy() -> None:
    # PAIN 24: target [0.7, 0.3] with perfect predictions: CE = H(q) = 0.6109 (✓).
    exp = crossent.explain(np.array([[0.7, 0.3]]), np.array([[0.7, 0.3]]))
    cause = exp.cause("soft_labels")
    assert (
        "H(y) = [0.61086430]" in cause.message or "H(y) = [0.6108643]" in cause.message
    )


def test_pain_25_token_mean_vs_sequence_mean() -> None:
    # PAIN 25 (torcheval#154): sequence A has 3 tokens with summed NLL 0.4, B has 5 with
    # 1.5: token-mean perplexity 1.2681, mean of per-sequence perplexities 1.2462 (✓).
    def logits_for(
        nll: float,
    ) -> list[float]:  # two classes, target 0: NLL = log(1 + e^x)
        return [0.0, math.log(math.expm1(nll))]

    z = np.zeros((2, 5, 2))
    labels = np.full((2, 5), -100)
    for t in range(3):
        z[0, t] = logits_for(0.4 / 3)
        labels[0, t] = 0
    for t in range(5):
        z[1, t] = logits_for(1.5 / 5)
        labels[1, t] = 0
    exp = crossent.explain(labels, z, from_logits=True)
    cause = next(c for c in exp.causes if c.title == "token mean vs sequence mean")
    assert cause.code == "reduction"
    assert "exp(token mean) = 1.2681" in cause.message
    assert "per-sequence perplexities = 1.2462" in cause.message


def test_pain_26_focal_at_gamma_zero() -> None:
    # PAIN 26 (umbertogriffo/focal-loss-keras#12): K.sum → K.mean over 3 classes gives CCE/3.
    y = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.1, 0.8, 0.1]])
    ce = -math.log(0.8)
    exp = crossent.explain(y, p, observed=round(ce / 3, 7))
    assert "mean over the 3 classes" in exp.cause("focal").message


def test_pain_27_swapped_arguments() -> None:
    # PAIN 27: y_true continuous, y_pred exactly 0/1 → swapped; CE with the order
    # swapped = −log 0.8 = 0.22314355.
    exp = crossent.explain(np.array([[0.2, 0.8]]), np.array([[0.0, 1.0]]))
    cause = exp.cause("swapped_arguments")
    assert "[0.22314355]" in cause.message


def test_pain_28_magnitude_at_the_floor() -> None:
    # PAIN 28 (tensorflow#60113): a perfect prediction gives 1.19e-7, not 0.
    exp = crossent.explain(
        np.array([[1.0, 0.0]]),
        np.array([[1.0, 0.0]], np.float32),
        observed=1.1920929e-07,
    )
    assert exp.identification.matches
    assert "at the clipping floor" in exp.cause("magnitude").message
