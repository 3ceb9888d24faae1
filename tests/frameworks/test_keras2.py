"""The standalone Keras 2.0–2.3 mirrors on the numbers of docs/semantics.md §3.3.

Keras 2 cannot be installed next to today's TensorFlow. Expected numbers come from
docs/semantics.md ("[RUN-ops]": Keras 2's formula executed with the real TF 2.21 float32
ops) or are derived in the comment; tests/parity/test_keras2.py re-runs Keras 2's
code with the real TF ops against these mirrors.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from crossent.errors import FrameworkError
from crossent.frameworks import STEP_ORDER, get, keras2
from crossent.frameworks import tf_keras as tk

F32_EPS = float(np.finfo(np.float32).eps)


def test_bce_caps_float32() -> None:
    # docs/semantics.md §3.3 [RUN-ops]: y=1,p=0 → 16.118095; y=0,p=1 → 15.942385;
    # y=1,p=1 → 1.1920933e-07; y=0,p=0 → 1.0000002e-07.
    out = keras2.backend.binary_crossentropy(
        np.float32([1, 0, 1, 0]), np.float32([0, 1, 1, 0])
    )
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, [16.118095, 15.942385, 1.1920933e-07, 1.0000002e-07], rtol=2 * F32_EPS
    )


def test_bce_caps_differ_from_tf_keras_d2() -> None:
    # docs/semantics.md D2: Keras ≤ 2.3 16.118095 / 15.942385 vs tf_keras 15.424949 / 15.333239.
    y, p = np.float32([1, 0]), np.float32([0, 1])
    old = keras2.backend.binary_crossentropy(y, p)
    new = tk.backend.binary_crossentropy(y, p)
    np.testing.assert_allclose(old - new, [0.693146, 0.609146], atol=2e-6)


def test_bce_float64() -> None:
    # float64: ε = 1e-7 exactly; y=1, p=0 → −log(1e-7/(1 − 1e-7)) + log1p(...) ≈ 16.1180957.
    out = keras2.backend.binary_crossentropy(np.float64([1.0]), np.float64([0.0]))
    assert out.dtype == np.float64
    z = np.log(1e-7 / (1 - 1e-7))
    np.testing.assert_allclose(out, [np.log1p(np.exp(z)) - z], rtol=1e-14)


def test_losses_bce_is_the_mean_over_the_last_axis() -> None:
    y = np.float32([[1, 0], [0, 0]])
    p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    per_element = keras2.backend.binary_crossentropy(y, p)
    out = keras2.losses.binary_crossentropy(y, p)
    np.testing.assert_allclose(out, per_element.mean(axis=-1), rtol=F32_EPS)
    # no clip is active, so the logit round trip is −log p up to rounding
    np.testing.assert_allclose(
        per_element, -np.log(np.where(y == 1, p, 1 - p)), rtol=8 * F32_EPS
    )


def test_categorical_same_as_today() -> None:
    # docs/semantics.md §3.3: categorical_crossentropy "same as today": seed 000 clip → 16.118095
    # in float32 (ε = float32(1e-7)), renormalisation of [.2,.2,.2] → log 3.
    out = keras2.losses.categorical_crossentropy(
        np.float32([[0, 1], [1, 0]]), np.float32([[1, 0], [0.5, 0.5]])
    )
    np.testing.assert_allclose(out, [16.118095, np.log(2)], rtol=2 * F32_EPS)
    third = keras2.backend.categorical_crossentropy(
        np.float32([[1, 0, 0]]), np.float32([[0.2, 0.2, 0.2]])
    )
    np.testing.assert_allclose(third, [1.0986123], rtol=2 * F32_EPS)


def test_sparse_flattens_and_renormalises_after_the_clip() -> None:
    # (B,1) float labels, as a Keras 2 model feeds them; D11: [1,0,0], y=0 → 2.3841855e-07.
    p = np.float32([[1, 0, 0], [0.5, 0, 0]])
    out = keras2.losses.sparse_categorical_crossentropy(np.float32([[0], [1]]), p)
    assert out.shape == (2,)
    np.testing.assert_allclose(out, [2.3841855e-07, 15.424948], rtol=4 * F32_EPS)


def test_sparse_3d_output_is_reshaped() -> None:
    p = np.full((2, 3, 4), 0.25, np.float32)
    out = keras2.backend.sparse_categorical_crossentropy(np.zeros((2, 3)), p)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, np.log(4), rtol=2 * F32_EPS)


def test_categorical_logits_ignore_axis() -> None:
    # Keras 2 passes logits to softmax_cross_entropy_with_logits without `axis`.
    z = np.float32([[1, 2], [3, 0.5]])
    y = np.float32([[1, 0], [0, 1]])
    last = keras2.backend.categorical_crossentropy(y, z, from_logits=True, axis=0)
    np.testing.assert_array_equal(
        last, keras2.backend.categorical_crossentropy(y, z, from_logits=True)
    )


def test_errors() -> None:
    y, p = np.float32([[0, 1]]), np.float32([[0.5, 0.5]])
    with pytest.raises(ValueError, match=re.escape("Unexpected channels axis -2")):
        keras2.backend.categorical_crossentropy(y, p, axis=-2)
    with pytest.raises(TypeError, match="same dtype"):
        keras2.backend.binary_crossentropy(np.float64([[0, 1]]), p)
    with pytest.raises(ValueError, match="same shape"):
        keras2.backend.binary_crossentropy(np.float32([0, 1]), p)
    with pytest.raises(FrameworkError, match="label value of 2") as info:
        keras2.losses.sparse_categorical_crossentropy(np.float32([[2]]), p)
    assert info.value.framework_type == "InvalidArgumentError"
    with pytest.raises(ValueError, match="`loss` must be one of"):
        keras2.engine.evaluate_loss("bce", [0], p)


def test_weighted_masked_objective_divides_by_nonzero_weights_d4() -> None:
    # docs/semantics.md D4: l = [1.4076059, 0.1698460, 1.0986123], w = [0.5, 0, 2]:
    # Keras ≤ 2.2 fit → Σwl / #(w≠0) = 1.4505138.
    per_sample = np.float32([1.4076059, 0.1698460, 1.0986123])
    weighted = keras2.engine.weighted_masked_objective(lambda y_true, y_pred: y_pred)
    out = weighted(None, per_sample, np.float32([0.5, 0, 2]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1.4505138, rtol=2 * F32_EPS)
    assert np.isnan(weighted(None, per_sample, np.float32([0, 0, 0])))


def test_weighted_masked_objective_mask_and_extra_axes() -> None:
    # score (2, 2) with (2,) weights: mean over the time axis first; the mask
    # divides by mean(mask).
    score = np.float32([[1, 3], [5, 7]])
    weighted = keras2.engine.weighted_masked_objective(lambda y_true, y_pred: y_pred)
    out = weighted(None, score, np.float32([1, 1]), mask=np.float32([[1, 0], [1, 1]]))
    # score·mask = [[1, 0], [5, 7]], divided by mean(mask) = 0.75, averaged over time
    # then over the batch: (1 + 0 + 5 + 7) / 4 / 0.75.
    np.testing.assert_allclose(out, (1 + 5 + 7) / 4 / 0.75, rtol=2 * F32_EPS)
    assert keras2.engine.weighted_masked_objective(None) is None


def test_evaluate_loss_standardises_1d_targets() -> None:
    p = np.float32([[0.9], [0.2]])
    out = keras2.engine.evaluate_loss("binary_crossentropy", [1, 0], p)
    expected = keras2.losses.binary_crossentropy(np.float32([[1], [0]]), p).mean()
    np.testing.assert_allclose(out, expected, rtol=F32_EPS)
    weighted = keras2.engine.evaluate_loss("binary_crossentropy", [1, 0], p, [0.0, 2.0])
    per = keras2.losses.binary_crossentropy(np.float32([[1], [0]]), p)
    # Σ wℓ / #(w ≠ 0) = 2·ℓ₁ / 1
    np.testing.assert_allclose(weighted, 2 * per[1], rtol=2 * F32_EPS)


PATHS = [
    "keras2.backend.categorical_crossentropy",
    "keras2.backend.sparse_categorical_crossentropy",
    "keras2.backend.binary_crossentropy",
    "keras2.losses.categorical_crossentropy",
    "keras2.losses.sparse_categorical_crossentropy",
    "keras2.losses.binary_crossentropy",
    "keras2.custom.logit_round_trip",
]


@pytest.mark.parametrize("path", PATHS)
def test_registered_and_bindable(path: str) -> None:
    impl = get(path)
    assert impl.framework == "keras2"
    assert impl.divergences
    if path != "keras2.custom.logit_round_trip":
        assert impl.versions == "Keras 2.0–2.3 (TensorFlow backend)"
    if impl.labels == "integer":
        y, p = np.float32([[0], [2]]), np.float32([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    else:
        y = np.float32([[1, 0, 0], [0, 0, 1]])
        p = np.float32([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    for from_logits in impl.options.get("from_logits", (False,)):
        kwargs = {"from_logits": from_logits} if "from_logits" in impl.options else {}
        plan, state = impl.bind(y, p, **kwargs)
        names = [STEP_ORDER.index(n) for n in plan.names]
        assert names == sorted(names)
        assert np.all(np.isfinite(plan.run(state)["value"]))


def test_argument_order_is_recorded() -> None:
    divs = get("keras2.backend.binary_crossentropy").divergences
    assert any("2.0.7" in d.what for d in divs)
    assert "2.0.7" in (keras2.backend.binary_crossentropy.__doc__ or "")


def test_bce_plan_has_the_logit_round_trip() -> None:
    plan, _ = keras2.backend.plan_binary(np.float32([1]), np.float32([0.5]))
    assert plan.names == ("clip", "to_logits", "terms", "output")
    plan, _ = get("keras2.custom.logit_round_trip").bind(
        np.float32([1]), np.float32([0.5])
    )
    assert plan.names == ("to_logits", "terms", "output")
