"""tf_keras round 2 (issue #14): ``Reduction``, the backend focal losses, and the
single-class-column ``SyntaxWarning`` (also Keras 3's).

Expected numbers were printed by the real tf_keras 2.21.0 (TensorFlow 2.21, CPU)
from the inputs written here; tests/parity/test_tf_keras_round2.py checks the same
functions live on drawn inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossent.frameworks as fw
from crossent.frameworks import keras, tf_keras
from crossent.frameworks.tf_keras._classes import ReductionV2
from crossent.frameworks.tf_keras.losses import Reduction

Y = np.float32([[0, 1], [1, 0]])
P = np.float32([[0.2, 0.6], [0.9, 0.3]])
YC = np.float32([[0, 1, 0], [0, 0, 1]])
PC = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])


def close(ours: np.ndarray, theirs: list, dtype: type = np.float32) -> None:
    ours = np.asarray(ours)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, np.asarray(theirs, dtype), rtol=4e-6, atol=1e-7)


# --- Reduction -----------------------------------------------------------------------


def test_reduction_is_reduction_v2_with_its_keys() -> None:
    # tf_keras.losses exports it as Reduction only (losses_utils.ReductionV2)
    assert Reduction is ReductionV2
    assert not hasattr(tf_keras.losses, "ReductionV2")
    assert (Reduction.AUTO, Reduction.NONE, Reduction.SUM) == ("auto", "none", "sum")
    assert Reduction.SUM_OVER_BATCH_SIZE == "sum_over_batch_size"
    assert Reduction.all() == ("auto", "none", "sum", "sum_over_batch_size")
    for key in Reduction.all():
        Reduction.validate(key)


@pytest.mark.parametrize("key", ["mean", None, "SUM", 0])
def test_reduction_validate_rejects_with_tf_keras_message(key: object) -> None:
    with pytest.raises(
        ValueError, match=f"^Invalid Reduction Key: {key}. Expected keys"
    ):
        Reduction.validate(key)


def test_loss_class_names_argument_and_keeps_tf_keras_text() -> None:
    with pytest.raises(
        ValueError, match=r"CategoricalCrossentropy: `reduction`: Invalid"
    ):
        tf_keras.losses.CategoricalCrossentropy(reduction="mean")


def test_config_round_trip_with_reduction_constant() -> None:
    # tf_keras' test_config family: get_config carries the reduction key
    loss = tf_keras.losses.CategoricalCrossentropy(reduction=Reduction.SUM, name="x")
    config = loss.get_config()
    assert (config["reduction"], config["name"]) == ("sum", "x")
    again = tf_keras.losses.CategoricalCrossentropy(
        **{k: v for k, v in config.items() if k != "fn"}
    )
    assert again.get_config() == config


def test_no_reduction_keeps_one_loss_per_sample() -> None:
    # tf_keras: CategoricalCrossentropy(reduction=Reduction.NONE)(YC, PC)
    close(
        tf_keras.losses.CategoricalCrossentropy(reduction=Reduction.NONE)(YC, PC),
        [0.051293306052684784, 2.3025851249694824],
    )


# --- backend focal losses ------------------------------------------------------------


def test_backend_binary_focal() -> None:
    close(
        tf_keras.backend.binary_focal_crossentropy(Y, P),
        [
            [0.008925734087824821, 0.08173205703496933],
            [0.0010536045301705599, 0.03210073336958885],
        ],
    )
    close(
        tf_keras.backend.binary_focal_crossentropy(
            Y, P, apply_class_balancing=True, alpha=0.3, gamma=1.5
        ),
        [
            [0.01397098321467638, 0.03876892477273941],
            [0.0009995369473472238, 0.04102535545825958],
        ],
    )
    z = np.float32([[-1.2, 2.5], [0.3, -0.7]])
    close(
        tf_keras.backend.binary_focal_crossentropy(Y, z, from_logits=True),
        [
            [0.014106879942119122, 0.0004539680667221546],
            [0.10039325803518295, 0.044390518218278885],
        ],
    )


def test_backend_categorical_focal() -> None:
    close(
        tf_keras.backend.categorical_focal_crossentropy(YC, PC),
        [3.2058331271400675e-05, 0.4662734568119049],
    )
    z = np.float32([[1.0, 2.0, -1.0], [0.5, 0.1, 3.0]])
    close(
        tf_keras.backend.categorical_focal_crossentropy(
            YC, z, from_logits=True, alpha=0.5, gamma=1.0
        ),
        [0.0514121875166893, 0.0077463192865252495],
    )


def test_losses_function_is_the_mean_of_the_backend_op() -> None:
    # tf_keras/losses.py: binary_focal_crossentropy = backend.mean(backend.bfc(...), -1)
    ours = tf_keras.losses.binary_focal_crossentropy(Y, P, gamma=1.0)
    backend = tf_keras.backend.binary_focal_crossentropy(Y, P, gamma=1.0)
    np.testing.assert_allclose(ours, backend.mean(axis=-1), rtol=1e-6)
    # and the categorical function with no smoothing is the backend op itself
    np.testing.assert_array_equal(
        tf_keras.losses.categorical_focal_crossentropy(YC, PC),
        tf_keras.backend.categorical_focal_crossentropy(YC, PC),
    )


def test_backend_focal_keeps_float64_and_rejects_mixed_dtypes() -> None:
    out = tf_keras.backend.binary_focal_crossentropy(
        Y.astype(np.float64), P.astype(np.float64)
    )
    assert out.dtype == np.float64
    with pytest.raises((TypeError, ValueError)):
        tf_keras.backend.categorical_focal_crossentropy(YC.astype(np.float64), PC)


def test_backend_focal_is_registered() -> None:
    cases = {
        "binary_focal_crossentropy": (Y, P, (2, 2)),
        "categorical_focal_crossentropy": (YC, PC, (2,)),
    }
    for name, (y, p, shape) in cases.items():
        imp = fw.get(f"tf_keras.backend.{name}")
        assert imp.framework == "tf_keras"
        plan, state = imp.bind(y, p, gamma=1.0)
        assert np.shape(plan.run(state)["value"]) == shape


# --- the single-class-column SyntaxWarning ---------------------------------------------

_TEXT = (
    r"In loss {}, expected y_pred.shape to be \(batch_size, num_classes\) with "
    r"num_classes > 1. Received: y_pred.shape=\(2, 1\). Consider using "
    r"'binary_crossentropy' if you only have 2 classes."
)
ONE = np.float32([[1], [1]])
ONE_P = np.float32([[0.3], [1]])


@pytest.mark.parametrize("family", [tf_keras, keras], ids=["tf_keras", "keras"])
@pytest.mark.parametrize(
    ("function", "cls"),
    [
        ("categorical_crossentropy", "CategoricalCrossentropy"),
        ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"),
    ],
)
def test_single_class_column_warns(family: object, function: str, cls: str) -> None:
    losses = family.losses  # type: ignore[attr-defined]
    with pytest.warns(SyntaxWarning, match=_TEXT.format(function)):
        out = getattr(losses, function)(ONE, ONE_P)
    np.testing.assert_allclose(out, 0, atol=1e-6)  # why it warns: renormalised to 1
    with pytest.warns(SyntaxWarning, match=_TEXT.format(function)):
        getattr(losses, cls)()(ONE, ONE_P)


@pytest.mark.parametrize("family", ["tf_keras", "keras"])
def test_binding_and_two_columns_stay_silent(family: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("categorical_crossentropy", "CategoricalCrossentropy"):
            fw.get(f"{family}.losses.{name}").bind(ONE, ONE_P)
        tf_keras.losses.categorical_crossentropy(YC, PC)
        tf_keras.losses.categorical_crossentropy(
            np.float32([1, 0]), np.float32([0.3, 0.7])
        )
