"""The Keras 3 mirrors (TensorFlow backend) against numbers printed by real runs.

Provenance: "docs/semantics.md §2.11 [RUN] keras 3.15.1" rows are the tensorflow column of
the edge-case table in docs/semantics.md (keras 3.15.1, tensorflow-cpu
2.21.0); "seed 000" numbers are the outputs printed in docs/seeds/000.md.
Comparisons use the fidelity bar of docs/design.md, 4·eps(dtype)·(1 + |x|)·sqrt(terms), or
the 9 significant digits the documents print, whichever is wider.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import crossent.frameworks as cf
from crossent.errors import FrameworkError
from crossent.frameworks import keras
from crossent.frameworks import tf as tfm

K = keras.losses
OPS = keras.ops
f32, f64, f16 = np.float32, np.float64, np.float16


def assert_framework_close(actual, expected, dtype, terms: int = 1) -> None:
    """Same dtype and shape, NaN/inf pattern, and values within 4·eps·(1+|x|)·√terms."""
    actual = np.asarray(actual)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    a = actual.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(expected))
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(expected))
    finite = np.isfinite(expected)
    tol = 4 * np.finfo(dtype).eps * (1 + np.abs(expected)) * np.sqrt(terms)
    # the documented numbers carry 9 significant digits
    tol = np.maximum(tol, 5e-9 * (1 + np.abs(expected)))
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - expected)
    assert np.all(diff[finite] <= tol[finite]), (a, expected)


DOC_Y = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
DOC_P = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
SEED_Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
SEED_P = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])


# --- seed 000 ----------------------------------------------------------------------


def test_seed_000_class_gives_0_3239681() -> None:
    # seed 000: tf.keras.losses.CategoricalCrossentropy()(y, p) printed 0.3239681124687195
    # (float32; keras 3.15.1 prints array(0.3239681, dtype=float32))
    out = K.CategoricalCrossentropy()(SEED_Y, SEED_P)
    assert_framework_close(out, 0.3239681124687195, f32, terms=3)


def test_seed_000_function_keeps_float64() -> None:
    # seed 000: tf.keras.losses.categorical_crossentropy(y, p) printed
    # [0.10536052 0.80466845 0.0618754 ] (float64 inputs stay float64 in Keras 3)
    out = K.categorical_crossentropy(SEED_Y, SEED_P)
    assert out.dtype == f64
    np.testing.assert_allclose(out, [0.10536052, 0.80466845, 0.0618754], atol=5e-9)


def test_seed_000_clipped_second_example_in_float32() -> None:
    # seed 000: 16.11809539794922 from the loss class (float32: -log(float32(1e-7)));
    # the float64 16.11809565 of the thread is tf_keras, mirrored elsewhere
    y, p = np.array([[0, 1]]), np.array([[0.99999999999, 0.00000000001]])
    assert_framework_close(K.CategoricalCrossentropy()(y, p), 16.11809539794922, f32)
    # keras 3 function on float64 arrays stays float64: [16.11809565] [RUN] 3.15.1
    out = K.categorical_crossentropy(y, p)
    assert out.dtype == f64
    np.testing.assert_allclose(out, [-np.log(1e-7)], rtol=1e-15)


def _describe(plan, state) -> dict[str, str]:
    texts: dict[str, str] = {}

    def observe(step, before, after) -> None:
        if step.describe is not None:
            texts[step.name] = step.describe(before, after)

    plan.run(state, observer=observe)
    return texts


def test_seed_000_plan_explains_the_renormalisation() -> None:
    plan, state = cf.get("keras.losses.CategoricalCrossentropy").bind(SEED_Y, SEED_P)
    assert plan.names == (
        "cast",
        "renormalize",
        "clip",
        "log",
        "terms",
        "class_reduce",
        "reduce",
        "output",
    )
    texts = _describe(plan, state)
    assert texts["renormalize"] == "row [1] divided by 1.99"
    assert texts["clip"] == ""
    assert texts["cast"].startswith("y_pred float64 → float32")


def test_seed_000_plan_explains_the_clip() -> None:
    y, p = np.array([[0, 1]]), np.array([[0.99999999999, 0.00000000001]])
    plan, state = cf.get("tf.keras.losses.CategoricalCrossentropy").bind(y, p)
    texts = _describe(plan, state)
    assert texts["renormalize"] == ""
    # 0.99999999999 is 1 in float32 and is clipped to 1 − 2⁻²³ too
    assert texts["clip"] == (
        "2 values clipped: 1 → 0.9999999 at [0, 0], 1e-11 → 1e-07 at [0, 1]"
    )
    plan, state = cf.get("keras.losses.categorical_crossentropy").bind(y, p[:, ::-1])
    texts = _describe(plan, state)
    assert "1e-11 → 1e-07 at [0, 0]" in texts["clip"]


# --- tf.keras is Keras 3 ------------------------------------------------------------


def test_tf_keras_is_keras() -> None:
    assert tfm.keras.losses.CategoricalCrossentropy is K.CategoricalCrossentropy
    assert tfm.keras.ops.sparse_categorical_crossentropy is (
        OPS.sparse_categorical_crossentropy
    )
    assert keras.config.epsilon() == 1e-7  # docs/semantics.md §2.11 `epsilon` [RUN]


# --- signatures ---------------------------------------------------------------------

SIGNATURES = {
    # inspect.signature in keras 3.15.1
    "CategoricalCrossentropy": "(from_logits=False, label_smoothing=0.0, axis=-1, "
    "reduction='sum_over_batch_size', name='categorical_crossentropy', dtype=None)",
    "SparseCategoricalCrossentropy": "(from_logits=False, ignore_class=None, "
    "reduction='sum_over_batch_size', axis=-1, name='sparse_categorical_crossentropy', "
    "dtype=None)",
    "BinaryCrossentropy": "(from_logits=False, label_smoothing=0.0, axis=-1, "
    "reduction='sum_over_batch_size', name='binary_crossentropy', dtype=None)",
    "BinaryFocalCrossentropy": "(apply_class_balancing=False, alpha=0.25, gamma=2.0, "
    "from_logits=False, label_smoothing=0.0, axis=-1, reduction='sum_over_batch_size', "
    "name='binary_focal_crossentropy', dtype=None)",
    "CategoricalFocalCrossentropy": "(alpha=0.25, gamma=2.0, from_logits=False, "
    "label_smoothing=0.0, axis=-1, reduction='sum_over_batch_size', "
    "name='categorical_focal_crossentropy', dtype=None)",
    "categorical_crossentropy": "(y_true, y_pred, from_logits=False, "
    "label_smoothing=0.0, axis=-1)",
    "sparse_categorical_crossentropy": "(y_true, y_pred, from_logits=False, "
    "ignore_class=None, axis=-1)",
    "binary_crossentropy": "(y_true, y_pred, from_logits=False, label_smoothing=0.0, "
    "axis=-1)",
    "binary_focal_crossentropy": "(y_true, y_pred, apply_class_balancing=False, "
    "alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)",
    "categorical_focal_crossentropy": "(y_true, y_pred, alpha=0.25, gamma=2.0, "
    "from_logits=False, label_smoothing=0.0, axis=-1)",
}
OPS_SIGNATURES = {
    "categorical_crossentropy": "(target, output, from_logits=False, axis=-1)",
    "sparse_categorical_crossentropy": "(target, output, from_logits=False, axis=-1)",
    "binary_crossentropy": "(target, output, from_logits=False)",
}


def _plain(sig: inspect.Signature) -> str:
    parts = [
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in sig.parameters.values()
    ]
    return "(" + ", ".join(parts) + ")"


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_losses_signatures_match_keras(name: str) -> None:
    assert _plain(inspect.signature(getattr(K, name))) == SIGNATURES[name]


@pytest.mark.parametrize("name", sorted(OPS_SIGNATURES))
def test_ops_signatures_match_keras(name: str) -> None:
    assert _plain(inspect.signature(getattr(OPS, name))) == OPS_SIGNATURES[name]


# --- docs/semantics.md §2.11, tensorflow column -------------------------------------------

OPS_CCE_ROWS = [
    # (id, y, p, kwargs, dtype, expected)  docs/semantics.md §2.11 [RUN] keras 3.15.1
    ("ops.cce.doc", DOC_Y, DOC_P, {}, f32, [0.0512933061, 2.30258512]),
    ("ops.cce.perfect", [[1, 0, 0]], [[1, 0, 0]], {}, f32, [1.1920929e-07]),
    ("ops.cce.unnorm_0.2x3", [[1, 0, 0]], [[0.2, 0.2, 0.2]], {}, f32, [1.09861231]),
    ("ops.cce.neg_probs", [[1, 0, 0]], [[2, -1, 0]], {}, f32, [1.1920929e-07]),
    ("ops.cce.zero_row", [[1, 0, 0]], [[0, 0, 0]], {}, f32, [np.nan]),
    ("ops.cce.logits_as_probs", [[1, 0, 0]], [[2, 1, 0.1]], {}, f32, [0.438254863]),
    (
        "ops.cce.from_logits",
        [[1, 0, 0]],
        [[2, 1, 0.1]],
        {"from_logits": True},
        f32,
        [0.417029947],
    ),
    (
        "ops.cce.soft_target_unnorm",
        [[0.5, 0.5, 0.5]],
        [[0.7, 0.2, 0.1]],
        {},
        f32,
        [2.13434887],
    ),
    ("ops.cce.p_true_zero", [[0, 1, 0]], [[1, 0, 0]], {}, f32, [16.1180954]),
    ("ops.cce.f64", [[0, 1, 0]], [[1, 0, 0]], {}, f64, [16.1180957]),
    ("ops.cce.f16_p_true_zero", [[0, 1, 0]], [[1, 0, 0]], {}, f16, [15.9453125]),
    ("ops.cce.f16_perfect", [[1, 0, 0]], [[1, 0, 0]], {}, f16, [-0.0]),
    ("ops.cce.nan", [[1, 0, 0]], [[np.nan, 0.5, 0.5]], {}, f32, [np.nan]),
    (
        "ops.cce.logits_inf",
        [[1, 0, 0]],
        [[np.inf, 0, 0]],
        {"from_logits": True},
        f32,
        [np.nan],
    ),
    (
        "ops.cce.logits_neginf_zero_label",
        [[1, 0, 0]],
        [[0, -np.inf, 0]],
        {"from_logits": True},
        f32,
        [np.nan],
    ),
    (
        "ops.cce.logits_big",
        [[0, 1, 0]],
        [[100, 0, 0]],
        {"from_logits": True},
        f32,
        [100.0],
    ),
]


@pytest.mark.parametrize(
    ("y", "p", "kw", "dtype", "expected"),
    [r[1:] for r in OPS_CCE_ROWS],
    ids=[r[0] for r in OPS_CCE_ROWS],
)
def test_ops_categorical_semantics_table(y, p, kw, dtype, expected) -> None:
    out = OPS.categorical_crossentropy(np.asarray(y, dtype), np.asarray(p, dtype), **kw)
    assert_framework_close(out, expected, dtype, terms=3)


def test_ops_categorical_f16_perfect_is_negative_zero() -> None:
    # docs/semantics.md §2.11 `ops.cce.f16_perfect` [RUN]: [-0] (1 − 1e-7 rounds to 1)
    out = OPS.categorical_crossentropy(f16([[1, 0, 0]]), f16([[1, 0, 0]]))
    assert out[0] == 0
    assert np.signbit(out[0])


OPS_BCE_ROWS = [
    # docs/semantics.md §2.11 [RUN] keras 3.15.1, tensorflow column
    ("ops.bce.p0y1", 1, 0, {}, f32, 16.1180954),
    ("ops.bce.p1y0", 0, 1, {}, f32, 15.9423847),
    ("ops.bce.p1y1", 1, 1, {}, f32, 1.1920929e-07),
    ("ops.bce.p0y0", 0, 0, {}, f32, 1.1920929e-07),
    ("ops.bce.f64.p1y0", 0, 1, {}, f64, 16.1180957),
    ("ops.bce.f16.p1y0", 0, 1, {}, f16, np.inf),
    ("ops.bce.f16.p0y1", 1, 0, {}, f16, 15.9453125),
    ("ops.bce.p1.5y1", 1, 1.5, {}, f32, 1.1920929e-07),
    ("ops.bce.pneg_y0", 0, -0.5, {}, f32, 1.1920929e-07),
    ("ops.bce.y2_p0.3", 2, 0.3, {}, f32, 2.05127072),
    ("ops.bce.logits_-20_y1", 1, -20, {"from_logits": True}, f32, 20.0),
    ("ops.bce.logits_-200_y1", 1, -200, {"from_logits": True}, f32, 200.0),
    ("ops.bce.logits_inf_y0", 0, np.inf, {"from_logits": True}, f32, np.nan),
    ("ops.bce.nan", 1, np.nan, {}, f32, np.nan),
]


@pytest.mark.parametrize(
    ("y", "p", "kw", "dtype", "expected"),
    [r[1:] for r in OPS_BCE_ROWS],
    ids=[r[0] for r in OPS_BCE_ROWS],
)
def test_ops_binary_semantics_table(y, p, kw, dtype, expected) -> None:
    out = OPS.binary_crossentropy(np.asarray([y], dtype), np.asarray([p], dtype), **kw)
    assert_framework_close(out, [expected], dtype)


OPS_SCCE_ROWS = [
    # docs/semantics.md §2.11 [RUN] keras 3.15.1, tensorflow column
    ("ops.scce.doc", [1, 2], DOC_P, {}, [0.0512934439, 2.30258512]),
    ("ops.scce.unnorm_y1", [1], [[0.5, 0, 0]], {}, [15.4249477]),
    ("ops.scce.unnorm_0.2x3", [0], [[0.2, 0.2, 0.2]], {}, [1.09861231]),
    ("ops.scce.perfect", [0], [[1, 0, 0]], {}, [2.38418551e-07]),
]


@pytest.mark.parametrize(
    ("y", "p", "kw", "expected"),
    [r[1:] for r in OPS_SCCE_ROWS],
    ids=[r[0] for r in OPS_SCCE_ROWS],
)
def test_ops_sparse_semantics_table(y, p, kw, expected) -> None:
    out = OPS.sparse_categorical_crossentropy(np.asarray(y), f32(p), **kw)
    assert_framework_close(out, expected, f32, terms=3)


def test_ops_sparse_float_labels_truncate() -> None:
    # docs/semantics.md §2.11 `ops.scce.float_label_1.7` [RUN]: 1.7 → class 1, [1.20397282]
    out = OPS.sparse_categorical_crossentropy(f32([1.7]), f32([[0.2, 0.3, 0.5]]))
    assert_framework_close(out, [1.20397282], f32, terms=3)


@pytest.mark.parametrize(
    ("label", "kw"),
    [(3, {}), (-1, {}), (3, {"from_logits": True})],
    ids=["label_oob_3", "label_neg1", "label_oob_logits"],
)
def test_ops_sparse_out_of_range_labels_raise(label, kw) -> None:
    # docs/semantics.md §2.11 `ops.scce.label_*` [RUN]: InvalidArgumentError on CPU
    with pytest.raises(FrameworkError, match="class ids in") as info:
        OPS.sparse_categorical_crossentropy(
            np.array([label]), f32([[0.2, 0.3, 0.5]]), **kw
        )
    assert info.value.framework_type == "InvalidArgumentError"


def test_ops_sparse_axis_other_than_last_raises() -> None:
    # docs/semantics.md §2.11 `ops.scce.axis1_3d` [RUN]: ValueError on the TF backend
    # Keras' text: "Only axis=-1 is currently supported. Received: axis=1"
    text = "`axis`: Only axis=-1 is currently supported. Received: axis=1 "
    with pytest.raises(ValueError, match=re.escape(text)):
        OPS.sparse_categorical_crossentropy(
            np.zeros((1, 2), int), np.full((1, 2, 2), 0.5, f32), axis=1
        )
    for axis in (0, -2):  # issue #14: the loss class and function say the same
        text = f"Only axis=-1 is currently supported. Received: axis={axis} "
        with pytest.raises(ValueError, match=re.escape(text)):
            K.SparseCategoricalCrossentropy(axis=axis)(
                np.array([0, 1]), np.float32([[0.5, 0.5], [0.2, 0.8]])
            )
        with pytest.raises(ValueError, match=re.escape(text)):
            K.sparse_categorical_crossentropy(
                np.array([0, 1]), np.float32([[0.5, 0.5], [0.2, 0.8]]), axis=axis
            )


FN_ROWS = [
    # docs/semantics.md §2.11 [RUN] keras 3.15.1, tensorflow column
    (
        "fn.cce.ls0.1",
        K.categorical_crossentropy,
        [[0, 1, 0]],
        [[0.1, 0.8, 0.1]],
        {"label_smoothing": 0.1},
        [0.361772984],
    ),
    (
        "fn.cce.ls0.1.logits",
        K.categorical_crossentropy,
        [[0, 1, 0]],
        [[1.0, 2.0, 3.0]],
        {"from_logits": True, "label_smoothing": 0.1},
        [1.40760589],
    ),
    (
        "fn.bce.ls0.1",
        K.binary_crossentropy,
        [[0, 1]],
        [[0.2, 0.7]],
        {"label_smoothing": 0.1},
        [0.34574908],
    ),
    (
        "fn.bce.mean_last_axis",
        K.binary_crossentropy,
        [[0, 1], [0, 0]],
        [[0.6, 0.4], [0.4, 0.6]],
        {},
        [0.91629076, 0.713558197],
    ),
    (
        "fn.bfc.logit-20_y1",
        K.binary_focal_crossentropy,
        [1.0],
        [-20.0],
        {"from_logits": True},
        20.0,
    ),
    (
        "fn.bfc.probs",
        K.binary_focal_crossentropy,
        [[0, 1], [0, 0]],
        [[0.6, 0.4], [0.4, 0.6]],
        {},
        [0.329864681, 0.205798388],
    ),
    (
        "fn.bfc.ls",
        K.binary_focal_crossentropy,
        [[0, 1]],
        [[0.6, 0.4]],
        {"label_smoothing": 0.2},
        [0.294600427],
    ),
    (
        "fn.cfc.doc",
        K.categorical_focal_crossentropy,
        [[0, 1, 0], [0, 0, 1]],
        [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]],
        {},
        [0.000263401482, 0.675912082],
    ),
    (
        "fn.cfc.logits",
        K.categorical_focal_crossentropy,
        [[0, 1, 0]],
        [[1.0, 2.0, 3.0]],
        {"from_logits": True},
        [0.200736955],
    ),
    (
        "fn.cfc.alpha_list",
        K.categorical_focal_crossentropy,
        [[0, 1, 0]],
        [[0.2, 0.5, 0.3]],
        {"alpha": [0.1, 0.2, 0.7]},
        [0.0346573591],
    ),
]


@pytest.mark.parametrize(
    ("fn", "y", "p", "kw", "expected"),
    [r[1:] for r in FN_ROWS],
    ids=[r[0] for r in FN_ROWS],
)
def test_loss_functions_semantics_table(fn, y, p, kw, expected) -> None:
    # Python lists: y_pred becomes float32 (tf.convert_to_tensor), y_true is cast to it
    assert_framework_close(fn(y, p, **kw), expected, f32, terms=3)


def test_categorical_smoothing_uses_the_last_axis_3_15_1() -> None:
    # docs/semantics.md §2.6.1 [RUN]: 3 classes on axis 0, 2 columns, ls=0.3, axis=0 →
    # [0.8899772, 1.0111867] (C=2) vs transposed/axis=-1 → [0.6765423, 0.8358588]
    # (the probabilities are recovered from those four numbers)
    y = f32([[1, 0], [0, 1], [0, 0]])
    p = f32([[0.7, 0.2], [0.2, 0.5], [0.1, 0.3]])
    bugged = K.categorical_crossentropy(y, p, label_smoothing=0.3, axis=0)
    right = K.categorical_crossentropy(y.T, p.T, label_smoothing=0.3)
    assert_framework_close(bugged, [0.8899772, 1.0111867], f32, terms=3)
    assert_framework_close(right, [0.6765423, 0.8358588], f32, terms=3)


def test_label_smoothing_accepts_any_value() -> None:
    # docs/semantics.md D10 [RUN]: ls=−0.1 → 0.0845141, ls=1.5 → 2.3025851
    y, p = [[0, 1, 0]], [[0.1, 0.8, 0.1]]
    out = [K.categorical_crossentropy(y, p, label_smoothing=s)[0] for s in (-0.1, 1.5)]
    np.testing.assert_allclose(out, [0.0845141, 2.3025851], rtol=1e-6)


def test_categorical_focal_gamma_zero_is_a_quarter_of_cce() -> None:
    # docs/semantics.md §2.6.5 [RUN]: y=[0,1,0], p=[.1,.8,.1], γ=0 → 0.0557859
    out = K.categorical_focal_crossentropy([[0, 1, 0]], [[0.1, 0.8, 0.1]], gamma=0.0)
    assert_framework_close(out, [0.0557859], f32, terms=3)


CLASS_ROWS = [
    # docs/semantics.md §2.11 [RUN] keras 3.15.1, tensorflow column: (id, loss, y, p, sw, exp)
    (
        "cls.bce.doc_logits",
        K.BinaryCrossentropy(from_logits=True),
        [[0, 1], [0, 0]],
        [[-18.6, 0.51], [2.94, -12.8]],
        None,
        0.865458012,
    ),
    (
        "cls.bce.sw",
        K.BinaryCrossentropy(from_logits=True),
        [[0, 1], [0, 0]],
        [[-18.6, 0.51], [2.94, -12.8]],
        [0.8, 0.2],
        0.243638605,
    ),
    (
        "cls.bce.sw.mean_with_sw",
        K.BinaryCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
        [[0, 1], [0, 0]],
        [[-18.6, 0.51], [2.94, -12.8]],
        [0.8, 0.2],
        0.48727721,
    ),
    (
        "cls.bce.1d",
        K.BinaryCrossentropy(),
        [0, 1, 0, 0],
        [0.6, 0.3, 0.2, 0.8],
        None,
        0.988211274,
    ),
    ("cls.cce.sw", K.CategoricalCrossentropy(), DOC_Y, DOC_P, [0.3, 0.7], 0.813598812),
    (
        "cls.cce.sum",
        K.CategoricalCrossentropy(reduction="sum"),
        DOC_Y,
        DOC_P,
        None,
        2.3538785,
    ),
    (
        "cls.cce.none",
        K.CategoricalCrossentropy(reduction=None),
        DOC_Y,
        DOC_P,
        None,
        [0.0512933061, 2.30258512],
    ),
    ("cls.cce.sw_zero_all", K.CategoricalCrossentropy(), DOC_Y, DOC_P, [0, 0], 0.0),
    (
        "cls.cce.mwsw_zero_all",
        K.CategoricalCrossentropy(reduction="mean_with_sample_weight"),
        DOC_Y,
        DOC_P,
        [0, 0],
        0.0,
    ),
    (
        "cls.scce.ignore_class",
        K.SparseCategoricalCrossentropy(ignore_class=-1),
        np.array([0, -1, 2]),
        [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]],
        None,
        0.289909273,
    ),
    (
        "cls.scce.ignore_class_none",
        K.SparseCategoricalCrossentropy(ignore_class=-1, reduction=None),
        np.array([0, -1, 2]),
        [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]],
        None,
        [0.356674969, 0.0, 0.223143548],
    ),
    (
        "cls.scce.ignore_class_sum",
        K.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum"),
        np.array([0, -1, 2]),
        [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]],
        None,
        0.579818487,
    ),
    (
        "cls.scce.ignore_class_logits",
        K.SparseCategoricalCrossentropy(ignore_class=-1, from_logits=True),
        np.array([0, -1, 2]),
        [[2, 1, 0], [0, 0, 0], [0, 1, 3]],
        None,
        0.288726002,
    ),
    (
        "cls.scce.ignore_class_sw",
        K.SparseCategoricalCrossentropy(ignore_class=-1),
        np.array([0, -1, 2]),
        [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]],
        [2, 1, 1],
        0.468246788,
    ),
    (
        "cls.scce.all_ignored",
        K.SparseCategoricalCrossentropy(ignore_class=-1),
        np.array([-1, -1]),
        [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]],
        None,
        0.0,
    ),
    (
        "cls.scce.ytrue_col",
        K.SparseCategoricalCrossentropy(),
        np.array([[1], [2]]),
        DOC_P,
        None,
        1.17693925,
    ),
    (
        "cls.scce.3d_sw_per_sample",
        K.SparseCategoricalCrossentropy(from_logits=True),
        np.array([[0, 0], [0, 1]]),
        [[[1.0, 2, 3], [0, 0, 0]], [[5, 0, 0], [1, 2, 0]]],
        [1, 0],
        0.605247974,
    ),
    (
        "cls.scce.3d_sw_per_sample_mwsw",
        K.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        ),
        np.array([[0, 0], [0, 1]]),
        [[[1.0, 2, 3], [0, 0, 0]], [[5, 0, 0], [1, 2, 0]]],
        [1, 0],
        2.4209919,
    ),
    (
        "cls.scce.3d_none",
        K.SparseCategoricalCrossentropy(from_logits=True, reduction=None),
        np.array([[0, 0], [0, 1]]),
        [[[1.0, 2, 3], [0, 0, 0]], [[5, 0, 0], [1, 2, 0]]],
        None,
        [[2.40760589, 1.09861231], [0.0133859031, 0.407605946]],
    ),
    (
        "cls.bfc.doc",
        K.BinaryFocalCrossentropy(gamma=2, from_logits=True),
        [0, 1, 0, 0],
        [-18.6, 0.51, 2.94, -12.8],
        None,
        0.691212177,
    ),
    (
        "cls.bfc.balanced",
        K.BinaryFocalCrossentropy(
            gamma=2, from_logits=True, apply_class_balancing=True
        ),
        [0, 1, 0, 0],
        [-18.6, 0.51, 2.94, -12.8],
        None,
        0.510133326,
    ),
]


@pytest.mark.parametrize(
    ("loss", "y", "p", "sw", "expected"),
    [r[1:] for r in CLASS_ROWS],
    ids=[r[0] for r in CLASS_ROWS],
)
def test_loss_classes_semantics_table(loss, y, p, sw, expected) -> None:
    out = loss(np.asarray(y), np.asarray(p), sample_weight=sw)
    assert_framework_close(out, expected, f32, terms=4)


def test_loss_classes_need_matching_list_structures() -> None:
    # [RUN] keras 3.15.1: Loss.__call__ maps over Python lists leaf by leaf, so labels
    # [1, 0] with predictions [[...], [...]] raise "Structures don't have the same
    # nested structure." (arrays are fine)
    p = [[0.2, 0.5, 0.3], [0.9, 0.1, 0.0]]
    with pytest.raises(ValueError, match="same nested structure"):
        K.SparseCategoricalCrossentropy()([1, 0], p)
    assert K.SparseCategoricalCrossentropy()(np.array([1, 0]), np.array(p)).shape == ()


def test_loss_class_computes_in_float32_unless_told() -> None:
    # docs/semantics.md §2.11 `cls.bce.f64_in_p1y0` 15.9423847 and `..._dtype64` 16.1180957
    y, p = f64([[0.0]]), f64([[1.0]])
    assert_framework_close(K.BinaryCrossentropy()(y, p), 15.9423847, f32)
    assert_framework_close(K.BinaryCrossentropy(dtype="float64")(y, p), 16.1180957, f64)
    # docs/semantics.md §2.1 [RUN]: dtype="mixed_float16" computes in float16 → inf
    assert K.BinaryCrossentropy(dtype="mixed_float16")(y, p) == np.inf


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", None])
def test_empty_batch_returns_the_empty_array(reduction) -> None:
    # docs/semantics.md §2.11 `cls.cce.empty`, `cls.cce.empty_sum`, `cls.scce.empty` [RUN]: []
    out = K.CategoricalCrossentropy(reduction=reduction)(
        np.zeros((0, 3)), np.zeros((0, 3))
    )
    assert out.shape == (0,)
    assert out.dtype == f32
    out = K.SparseCategoricalCrossentropy()(np.zeros((0,), int), np.zeros((0, 3)))
    assert out.shape == (0,)
    assert out.dtype == f32


def test_bce_1d_batch_mean_quirk() -> None:
    # docs/semantics.md §2.7.4 [RUN]: 0.6019863 (1-D) vs 1.1512924 ((B,1) shapes)
    loss = K.BinaryCrossentropy()
    assert_framework_close(
        loss([0.0, 1.0], [0.9, 0.9], sample_weight=[1, 0]), 0.6019863, f32, 2
    )
    col = loss([[0.0], [1.0]], [[0.9], [0.9]], sample_weight=[1, 0])
    assert_framework_close(col, 1.1512924, f32, 2)
    mixed = loss(f32([0.0, 1.0]), f32([[0.9], [0.9]]), sample_weight=[1, 0])
    assert_framework_close(mixed, 1.1512924, f32, 2)


def test_sample_weight_meets_the_last_axis_of_sequence_losses() -> None:
    # docs/semantics.md §2.7.3 [RUN]: (B,) weights on (B,T) losses, B == T: 0.6052480; with
    # (B,1) weights the intended per-sample 0.8765546; B != T raises
    y = np.array([[0, 0], [0, 1]])
    z = f32([[[1.0, 2, 3], [0, 0, 0]], [[5, 0, 0], [1, 2, 0]]])
    loss = K.SparseCategoricalCrossentropy(from_logits=True)
    assert_framework_close(loss(y, z, sample_weight=[1, 0]), 0.6052480, f32, 4)
    assert_framework_close(loss(y, z, sample_weight=[[1], [0]]), 0.8765546, f32, 4)
    with pytest.raises(FrameworkError, match="broadcast") as info:
        loss(np.zeros((2, 3), int), np.zeros((2, 3, 3), f32), sample_weight=[1, 0])
    assert info.value.framework_type == "InvalidArgumentError"


def test_logits_shortcut_implementations() -> None:
    # docs/semantics.md §2.11 `cce.after_ops.softmax` [30] and `bce.after_ops.sigmoid.-20`
    # [20] (tensorflow column): the loss Keras computes from the recovered logits
    plan, state = cf.get("keras.losses.categorical_crossentropy[softmax_logits]").bind(
        f32([[0, 1, 0]]), f32([[30, 0, 0]])
    )
    assert_framework_close(plan.run(state)["value"], [30.0], f32, 3)
    plan, state = cf.get("keras.losses.binary_crossentropy[sigmoid_logits]").bind(
        f32([1]), f32([-20])
    )
    assert_framework_close(plan.run(state)["value"], 20.0, f32)


def test_jax_backend_sparse_path_renormalises_before_clipping() -> None:
    # docs/semantics.md §2.3 [RUN]: p=[.5,0,0], y=1 → jax 16.118095 (tf 15.424948);
    # p=[1,0,0], y=0 → jax 1.1920929e-07; label 3 → 0 on JAX
    impl = cf.get("keras.ops.sparse_categorical_crossentropy[jax]")
    plan, state = impl.bind(
        np.array([1, 0, 3]), [[0.5, 0, 0], [1, 0, 0], [0.2, 0.3, 0.5]]
    )
    out = plan.run(state)["value"]
    assert_framework_close(out, [16.1180954, 1.1920929e-07, 0.0], f32, 3)
    assert plan.names[:3] == ("renormalize", "clip", "log")


# --- errors ---------------------------------------------------------------------------


def test_invalid_reduction_names_the_choices() -> None:
    with pytest.raises(ValueError, match=re.escape("`reduction` must be one of")):
        K.CategoricalCrossentropy(reduction="bogus")


def test_bool_axis_is_rejected() -> None:
    with pytest.raises(ValueError, match=re.escape("`axis` must be of type `int`")):
        K.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)


def test_shape_mismatch_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="same shape"):
        OPS.categorical_crossentropy(f32([[0, 1]]), f32([[0.1, 0.8, 0.1]]))
    with pytest.raises(ValueError, match="same rank"):
        OPS.binary_crossentropy(f32([0, 1]), f32([[0.1, 0.8]]))


def test_dtype_mismatch_is_invalid_argument() -> None:
    # [RUN] keras 3.15.1: float64 target with float32 output → InvalidArgumentError (Mul)
    with pytest.raises(FrameworkError) as info:
        OPS.categorical_crossentropy(f64([[0, 1]]), f32([[0.2, 0.8]]))
    assert info.value.framework_type == "InvalidArgumentError"


def test_sparse_function_needs_arrays() -> None:
    # [RUN] keras 3.15.1: AttributeError: 'list' object has no attribute 'shape'
    with pytest.raises(AttributeError, match=re.escape("`y_true` must be an array")):
        K.sparse_categorical_crossentropy([1], [[0.1, 0.8, 0.1]])


# --- dtype and shape rules ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", [f16, f32, f64])
def test_ops_keep_the_input_dtype(dtype) -> None:
    y, p = np.asarray(DOC_Y, dtype), np.asarray(DOC_P, dtype)
    assert OPS.categorical_crossentropy(y, p).dtype == dtype
    assert OPS.binary_crossentropy(y, p).dtype == dtype
    assert OPS.sparse_categorical_crossentropy(np.array([1, 2]), p).dtype == dtype
    assert K.categorical_crossentropy(y, p).dtype == dtype


@pytest.mark.parametrize("dtype", [f16, f64])
def test_loss_classes_return_float32_by_default(dtype) -> None:
    y, p = np.asarray(DOC_Y, dtype), np.asarray(DOC_P, dtype)
    for loss in (
        K.CategoricalCrossentropy(),
        K.BinaryCrossentropy(),
        K.CategoricalFocalCrossentropy(),
        K.BinaryFocalCrossentropy(),
    ):
        assert loss(y, p).dtype == f32
    assert K.SparseCategoricalCrossentropy()(np.array([1, 2]), p).dtype == f32


def test_python_lists_become_float32_in_functions() -> None:
    assert K.categorical_crossentropy(DOC_Y, DOC_P).dtype == f32
    assert OPS.binary_crossentropy([1.0], [0.3]).dtype == f32


def test_every_keras_mirror_is_registered() -> None:
    known = cf.registry()
    for name in SIGNATURES:
        assert f"keras.losses.{name}" in known
    for name in OPS_SIGNATURES:
        assert f"keras.ops.{name}" in known
    assert "keras.ops.sparse_categorical_crossentropy[jax]" in known
    for impl in known.values():
        if impl.framework == "keras":
            assert impl.divergences, impl.path
