"""The tf_keras mirrors (Keras 2.4–2.21) on the numbers of docs/semantics.md and the seeds.

Provenance of each expected number is given beside it: "docs/semantics.md §x [RUN-ops]"
(the formula re-run with TF 2.21 float32 ops), "[RUN tf_keras 2.21.0]" (printed by
the installed tf_keras 2.21.0, TF 2.21.0, CPU, while writing these mirrors) or a
seed file.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from crossent.errors import FrameworkError
from crossent.frameworks import STEP_ORDER, get, registry
from crossent.frameworks import tf_keras as tk
from crossent.frameworks.tf_keras import _tf

F32_EPS = float(np.finfo(np.float32).eps)


def _close(actual: np.ndarray, expected: float, dtype: type = np.float32) -> None:
    assert np.asarray(actual).dtype == np.dtype(dtype)
    tol = 4 * float(np.finfo(dtype).eps) * (1 + abs(expected))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol)


# ---------------------------------------------------------------------------
# The double-epsilon binary cross-entropy (docs/semantics.md §3.1, D2, D3)
# ---------------------------------------------------------------------------


def test_bce_double_epsilon_caps_float32() -> None:
    # docs/semantics.md §3.1 [RUN-ops, float32]: y=1,p=0 → 15.424949 (= −log 2e-7);
    # y=0,p=1 → 15.333239; y=1,p=1 → 0; y=1,p=0.3 → 1.2039725.
    y = np.float32([1, 0, 1, 1])
    p = np.float32([0, 1, 1, 0.3])
    out = tk.backend.binary_crossentropy(y, p)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:2], [15.424949, 15.333239], rtol=2 * F32_EPS)
    assert out[2] == 0.0
    _close(out[3], 1.2039725)


def test_bce_floor_of_a_perfect_prediction_is_zero() -> None:
    # docs/semantics.md D3: tf_keras BCE floor 0 (0.99999988 + 1e-7 rounds to 1.0 in float32).
    out = tk.backend.binary_crossentropy(np.float32([1.0, 0.0]), np.float32([1.0, 0.0]))
    np.testing.assert_array_equal(out, [0.0, 0.0])


def test_bce_float64_stays_float64() -> None:
    # docs/semantics.md §3.2 / D8: float64 stays float64, BCE(y=0, p=1) = −log(2e-7) = 15.4249
    # [RUN tf_keras 2.21.0: 15.42494847 for both caps].
    out = tk.backend.binary_crossentropy(np.float64([1, 0]), np.float64([0, 1]))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, -np.log(2e-7), rtol=1e-7)


def test_bce_loss_class_is_mean_of_caps() -> None:
    # The class on (B,1) inputs: mean of the per-sample caps of docs/semantics.md §3.1.
    loss = tk.losses.BinaryCrossentropy()
    out = loss(np.float32([[1.0], [0.0]]), np.float32([[0.0], [1.0]]))
    _close(out, (15.424949 + 15.333239) / 2)


def test_bce_binary_formula_double_epsilon_in_the_losses_function() -> None:
    # tf_keras docstring inputs [RUN tf_keras 2.21.0]: [0.9162905 0.71355796].
    y = np.float32([[0, 1], [0, 0]])
    p = np.float32([[0.6, 0.4], [0.4, 0.6]])
    out = tk.losses.binary_crossentropy(y, p)
    np.testing.assert_allclose(out, [0.9162905, 0.71355796], rtol=4 * F32_EPS)


# ---------------------------------------------------------------------------
# Categorical and sparse (seed 000, docs/semantics.md D1, D11)
# ---------------------------------------------------------------------------


def test_seed_000_clip_through_backend_float64() -> None:
    # Seed 000: tf.keras categorical_crossentropy printed [16.11809565] for float64 inputs.
    y = np.array([[0.0, 1.0]])
    p = np.array([[0.99999999999, 0.00000000001]])
    out = tk.backend.categorical_crossentropy(y, p)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [16.11809565], rtol=0, atol=5e-9)
    np.testing.assert_allclose(out, -np.log(1e-7), rtol=1e-15)


def test_seed_000_unnormalised_row_is_renormalised() -> None:
    # Seed 000: CategoricalCrossentropy()(y, p) printed 0.3239681124687195, and the
    # answer's per-row values [0.10536052 0.80466845 0.0618754]. tf_keras 2.21 keeps
    # float64: 0.32396812478942216 [RUN tf_keras 2.21.0], which rounds to the seed's
    # number in float32 (the asker's TF computed in float32).
    y = np.eye(3)
    p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    rows = tk.losses.categorical_crossentropy(y, p)
    np.testing.assert_allclose(rows, [0.10536052, 0.80466845, 0.0618754], atol=5e-9)
    out = tk.losses.CategoricalCrossentropy()(y, p)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, 0.32396812478942216, rtol=1e-15)
    assert float(np.float32(out)) == 0.3239681124687195


def test_seed_001_normalised_rows_match_the_textbook() -> None:
    # Seed 000's answer: for rows summing to 1, [0.10536052 0.11653382 0.0618754].
    p = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    out = tk.losses.categorical_crossentropy(np.eye(3), p)
    np.testing.assert_allclose(out, [0.10536052, 0.11653382, 0.0618754], atol=5e-9)


def test_sparse_clips_then_renormalises() -> None:
    # docs/semantics.md D11 (Keras TF backend and tf_keras): p=[.5,0,0], y=1 → 15.424948;
    # p=[1,0,0], y=0 → 2.3841855e-07.
    out = tk.backend.sparse_categorical_crossentropy(
        np.array([1, 0]), np.float32([[0.5, 0, 0], [1, 0, 0]])
    )
    np.testing.assert_allclose(out, [15.424948, 2.3841855e-07], rtol=4 * F32_EPS)


def test_renormalisation_d1() -> None:
    # docs/semantics.md D1: p=[.2,.2,.2], true class 0 → log 3 = 1.0986123 (tf_keras).
    p = np.float32([[0.2, 0.2, 0.2]])
    _close(tk.losses.categorical_crossentropy(np.float32([[1, 0, 0]]), p)[0], 1.0986123)
    _close(tk.losses.sparse_categorical_crossentropy(np.array([0]), p)[0], 1.0986123)


def test_float_labels_truncate() -> None:
    # [RUN tf_keras 2.21.0]: labels [1.7, -0.5] → classes 1, 0: [1.2039728, 1.609438].
    p = np.float32([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])
    out = tk.backend.sparse_categorical_crossentropy(np.array([1.7, -0.5]), p)
    np.testing.assert_allclose(out, [1.2039728, 1.609438], rtol=4 * F32_EPS)


# ---------------------------------------------------------------------------
# Reductions, weights, masks (docs/semantics.md §3.2, D13, D19, D20)
# ---------------------------------------------------------------------------

Y_SEQ = np.array([[1, 2], [0, 1]])
Z_SEQ = np.float32([[[1.0, 2, 3], [0, 0, 0]], [[5, 1, 0.5], [1, 2, 0]]])


def test_per_sample_weight_is_expanded_d19() -> None:
    # docs/semantics.md D19: tf_keras expands a (B,) weight on (B,T) losses to (B,1), so
    # weights [1, 0] keep the whole first sequence: (l00 + l01) / 4.
    # [RUN tf_keras 2.21.0, golden seq-sw-B-auto]: 0.626554548740387.
    loss = tk.losses.SparseCategoricalCrossentropy(from_logits=True)
    per_element = tk.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="none"
    )(Y_SEQ, Z_SEQ)
    out = loss(Y_SEQ, Z_SEQ, sample_weight=np.float32([1, 0]))
    _close(out, 0.626554548740387)
    _close(out, float(per_element[0].sum() / 4))


def test_1d_bce_with_sample_weight_raises_d20() -> None:
    # docs/semantics.md D20; [RUN tf_keras 2.21.0]: InvalidArgumentError "Can not squeeze
    # dim[0], expected a dimension of 1, got 2" (the loss is a scalar for 1-D inputs).
    loss = tk.losses.BinaryCrossentropy()
    with pytest.raises(FrameworkError, match="Can not squeeze dim") as info:
        loss(
            np.float32([0, 1]), np.float32([0.9, 0.9]), sample_weight=np.float32([1, 0])
        )
    assert info.value.framework_type == "InvalidArgumentError"
    # (B,1) inputs work: [RUN tf_keras 2.21.0, golden column-sw] 1.1512919664382935.
    out = loss(
        np.float32([[0], [1]]),
        np.float32([[0.9], [0.9]]),
        sample_weight=np.float32([1, 0]),
    )
    _close(out, 1.1512919664382935)


def test_numpy_inputs_are_not_squeezed() -> None:
    # [RUN tf_keras 2.21.0]: y (2,), p (2,1) as NumPy arrays broadcast to (2,2):
    # reduction none → [1.2039722, 1.2039722] (tensors would be squeezed to 1.2039722).
    out = tk.losses.BinaryCrossentropy(reduction="none")(
        np.float32([0, 1]), np.float32([[0.9], [0.9]])
    )
    np.testing.assert_allclose(out, [1.2039722, 1.2039722], rtol=4 * F32_EPS)


def test_ignore_class_mean_over_kept_entries_and_all_ignored_is_nan_d13() -> None:
    # docs/semantics.md §2.7.2 example; [RUN tf_keras 2.21.0]: 0.28990927 (auto), with
    # sample_weight [2,1,1] 0.46824678778648376; all ignored → nan (auto), 0 (sum)
    # (D13: "tf_keras NaN [SRC, inferred]", confirmed by the run).
    p = np.float32([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    y = np.array([0, -1, 2])
    loss = tk.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    _close(loss(y, p), 0.289909273)
    _close(loss(y, p, sample_weight=np.float32([2, 1, 1])), 0.46824678778648376)
    assert np.isnan(loss(np.array([-1, -1, -1]), p))
    summed = tk.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")
    assert summed(np.array([-1, -1, -1]), p) == 0.0
    none = tk.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="none")
    np.testing.assert_allclose(none(y, p), [0.35667497, 0.0, 0.22314355], rtol=1e-6)


def test_reductions_and_empty_batch() -> None:
    # §3.2: 'auto' = 'sum_over_batch_size' = divide_no_nan(Σ, N) → an empty batch gives 0.
    y = np.eye(3, dtype=np.float32)[:2]
    p = np.float32([[0.3, 0.3, 0.4], [0.5, 0.2, 0.3]])
    per = tk.losses.categorical_crossentropy(y, p)
    auto = tk.losses.CategoricalCrossentropy()(y, p)
    total = tk.losses.CategoricalCrossentropy(reduction="sum")(y, p)
    _close(auto, float(per.mean()))
    _close(total, float(per.sum()))
    empty = tk.losses.CategoricalCrossentropy()(
        np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32)
    )
    assert empty.shape == ()
    assert empty == 0.0


def test_bad_sample_weight_shape() -> None:
    # [RUN tf_keras 2.21.0]: "Incompatible shapes: [2] vs. [3]" (InvalidArgumentError).
    y = np.eye(3, dtype=np.float32)[:2]
    p = np.float32([[0.3, 0.3, 0.4], [0.5, 0.2, 0.3]])
    with pytest.raises(FrameworkError, match=re.escape("[2] vs. [3]")):
        tk.losses.CategoricalCrossentropy()(y, p, sample_weight=np.float32([1, 2, 3]))


# ---------------------------------------------------------------------------
# dtype, errors, plans, registry
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype: type) -> None:
    y = np.eye(3, dtype=dtype)[:2]
    p = np.asarray([[0.3, 0.3, 0.4], [0.5, 0.2, 0.3]], dtype)
    for fn in (
        tk.losses.categorical_crossentropy,
        tk.losses.binary_crossentropy,
        tk.losses.categorical_focal_crossentropy,
        tk.losses.binary_focal_crossentropy,
    ):
        assert fn(y, p).dtype == np.dtype(dtype)
    assert tk.losses.sparse_categorical_crossentropy(np.array([0, 1]), p).dtype == dtype
    assert tk.losses.CategoricalCrossentropy()(y, p).dtype == dtype


def test_float16_upper_clip_is_a_no_op() -> None:
    # docs/semantics.md §1.2: float16 ε → 1.1920929e-07 and 1 − ε → 1.0.
    eps = _tf.constant(_tf.EPSILON, np.float16)
    assert float(eps) == pytest.approx(1.1920929e-07, rel=1e-6)
    assert np.float16(1) - eps == 1.0


def test_errors() -> None:
    with pytest.raises(ValueError, match="reduction"):
        tk.losses.CategoricalCrossentropy(reduction="bogus")
    with pytest.raises(ValueError, match=re.escape("`axis` must be of type `int`")):
        tk.losses.categorical_crossentropy(np.eye(2), np.eye(2), axis=True)
    with pytest.raises(ValueError, match=re.escape("Shapes (4, 3) and (4, 4)")):
        tk.losses.categorical_crossentropy(np.ones((4, 3)), np.ones((4, 4)))
    with pytest.raises(FrameworkError, match="label value of 3") as info:
        tk.losses.sparse_categorical_crossentropy(
            np.array([3]), np.float32([[1, 0, 0]])
        )
    assert info.value.framework_type == "InvalidArgumentError"
    with pytest.raises(FrameworkError, match="same dtype"):
        tk.backend.categorical_crossentropy(np.eye(2), np.eye(2, dtype=np.float32))
    with pytest.raises(FrameworkError, match=re.escape("[4,3] vs. [4,2]")):
        tk.losses.binary_crossentropy(np.ones((4, 3)), np.full((4, 2), 0.5))
    with pytest.raises(TypeError, match="floating-point"):
        tk.losses.categorical_crossentropy(np.eye(2), np.eye(2, dtype=np.int64))


def test_ignored_labels_are_not_validated() -> None:
    out = tk.backend.sparse_categorical_crossentropy(
        np.array([-1, 0]), np.float32([[0.2, 0.8], [0.5, 0.5]]), ignore_class=-1
    )
    assert out[0] == 0.0


PATHS = [
    "tf_keras.backend.categorical_crossentropy",
    "tf_keras.backend.sparse_categorical_crossentropy",
    "tf_keras.backend.binary_crossentropy",
    "tf_keras.losses.categorical_crossentropy",
    "tf_keras.losses.sparse_categorical_crossentropy",
    "tf_keras.losses.binary_crossentropy",
    "tf_keras.losses.binary_focal_crossentropy",
    "tf_keras.losses.categorical_focal_crossentropy",
    "tf_keras.losses.CategoricalCrossentropy",
    "tf_keras.losses.SparseCategoricalCrossentropy",
    "tf_keras.losses.BinaryCrossentropy",
    "tf_keras.losses.BinaryFocalCrossentropy",
    "tf_keras.losses.CategoricalFocalCrossentropy",
]


@pytest.mark.parametrize("path", PATHS)
def test_registered_and_bindable(path: str) -> None:
    impl = get(path)
    assert impl.framework == "tf_keras"
    assert impl.divergences
    assert path in registry()
    if impl.labels == "integer":
        y, p = np.array([0, 2]), np.float32([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    else:
        y, p = (
            np.float32([[1, 0, 0], [0, 0, 1]]),
            np.float32([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]),
        )
    for from_logits in impl.options.get("from_logits", (False,)):
        plan, state = impl.bind(y, p, from_logits=from_logits)
        assert [STEP_ORDER.index(n) for n in plan.names] == sorted(
            STEP_ORDER.index(n) for n in plan.names
        )
        assert plan.names[-1] == "output"
        value = plan.run(state)["value"]
        assert np.all(np.isfinite(value))


def test_class_plan_steps() -> None:
    plan, _ = tk.losses.CategoricalCrossentropy(label_smoothing=0.1).bind(
        np.eye(3), np.full((3, 3), 1 / 3)
    )
    assert plan.names == (
        "cast",
        "smooth",
        "renormalize",
        "clip",
        "log",
        "terms",
        "class_reduce",
        "weight",
        "reduce",
        "output",
    )
    plan, _ = tk.losses.BinaryCrossentropy().bind(np.eye(2), np.eye(2))
    assert plan.step("log") is not None
    assert "ε" in plan.step("log").formula  # type: ignore[union-attr]
