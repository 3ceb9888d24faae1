"""Mirrors under hostile input (#13): the framework's exception where it has one,
else ValueError/TypeError naming the mirror and the argument.

What the real frameworks do was checked in the parity environment (.venv-parity:
keras 3 and tf_keras on TensorFlow, torch 2.x) and is quoted beside each case.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from crossent.errors import (
    FrameworkAttributeError,
    FrameworkIndexError,
    FrameworkRuntimeError,
    FrameworkZeroDivisionError,
)
from crossent.frameworks import keras, optax, tf_keras, torch

F = torch.nn.functional
Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
P = np.array([[0.7, 0.2, 0.1], [0.2, 0.3, 0.5]])


def _names(path: str, arg: str) -> str:
    return re.escape(f"{path}: `{arg}`")


def test_keras_sparse_on_a_scalar_is_keras_index_error_and_a_value_error() -> None:
    # keras.losses.sparse_categorical_crossentropy(np.array(1), np.array(0.5))
    # raises IndexError('tuple index out of range') in Keras 3
    with pytest.raises(FrameworkIndexError) as info:
        keras.losses.categorical_crossentropy(
            np.array(1.0), np.array(0.5), label_smoothing=0.1
        )
    assert isinstance(info.value, IndexError)
    assert isinstance(info.value, ValueError)


def test_keras_none_is_attribute_error_and_type_error() -> None:
    # Keras 3: sparse_categorical_crossentropy(None, ...) raises
    # AttributeError("'NoneType' object has no attribute 'shape'")
    with pytest.raises(FrameworkAttributeError) as info:
        keras.losses.sparse_categorical_crossentropy(None, P)
    assert isinstance(info.value, AttributeError)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("value", [None, "abc", {"a": 1}])
def test_keras_categorical_not_an_array_is_a_type_error(value: object) -> None:
    # Keras 3 raises ValueError for None ("Attempt to convert a value (None)") and
    # UnimplementedError for a string; the mirror got AttributeError before #13
    with pytest.raises(
        TypeError, match=_names("keras.losses.categorical_crossentropy", "y_true")
    ):
        keras.losses.categorical_crossentropy(value, P)


@pytest.mark.parametrize("dtype", [complex, "datetime64[s]", object])
def test_keras_non_real_predictions_are_refused(dtype: object) -> None:
    # Keras 3 raises InvalidArgumentError for complex128 y_pred; the mirror
    # returned 1.19e-07 (complex), 1.354 (datetime) before #13
    with pytest.raises(
        TypeError, match=_names("keras.losses.CategoricalCrossentropy", "y_pred")
    ):
        keras.losses.CategoricalCrossentropy()(Y, P.astype(dtype))


def test_tf_keras_sparse_on_a_scalar_is_zero_division_and_value_error() -> None:
    # tf_keras.losses.sparse_categorical_crossentropy([0, 2], np.array(0.5)) raises
    # ZeroDivisionError('integer modulo by zero') (`axis %= rank` with rank 0)
    with pytest.raises(
        FrameworkZeroDivisionError, match="integer modulo by zero"
    ) as info:
        tf_keras.losses.sparse_categorical_crossentropy(np.array([0, 2]), np.array(0.5))
    assert isinstance(info.value, ZeroDivisionError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [math.nan, 1.5, "a"])
def test_torch_ignore_index_must_be_an_int(value: object) -> None:
    # torch: "cross_entropy_loss(): argument 'ignore_index' (position 5) must be
    # int, not float" (TypeError); the mirror returned 0.854 before #13
    with pytest.raises(
        TypeError, match=_names("torch.nn.functional.cross_entropy", "ignore_index")
    ):
        F.cross_entropy(np.log(P), np.array([0, 2]), ignore_index=value)
    with pytest.raises(
        TypeError, match=_names("torch.nn.functional.nll_loss", "ignore_index")
    ):
        F.nll_loss(np.log(P), np.array([0, 2]), ignore_index=value)


def test_torch_label_smoothing() -> None:
    z, t = np.zeros((1, 2), np.float32), np.array([0])
    # torch computes 0.6931 with label_smoothing=nan (NaN > 1 is false): refused
    with pytest.raises(
        ValueError, match=_names("torch.nn.functional.cross_entropy", "label_smoothing")
    ):
        F.cross_entropy(z, t, label_smoothing=math.nan)
    # torch: RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: inf")
    with pytest.raises(FrameworkRuntimeError, match=r"must be between 0\.0 and 1\.0"):
        F.cross_entropy(z, t, label_smoothing=math.inf)
    # torch: TypeError "argument 'label_smoothing' (position 6) must be float, not str"
    with pytest.raises(TypeError):
        F.cross_entropy(z, t, label_smoothing="x")
    # a negative value is what torch computes with (golden doc-ls-neg): kept
    assert np.isfinite(F.cross_entropy(z, t, label_smoothing=-0.1))


def test_torch_out_of_range_target_is_index_error_and_value_error() -> None:
    # torch: IndexError("Target 5 is out of bounds.")
    with pytest.raises(FrameworkIndexError, match="Target 5 is out of bounds"):
        F.cross_entropy(np.log(P), np.array([0, 5]))


def test_torch_weights() -> None:
    p, y = np.array([0.5, 0.5]), np.array([1.0, 1.0])
    # torch returns nan for a NaN weight and 0 for [-1, 1]: refused
    with pytest.raises(
        ValueError, match=_names("torch.nn.functional.binary_cross_entropy", "weight")
    ):
        F.binary_cross_entropy(p, y, weight=np.array([math.nan, 1.0]))
    with pytest.raises(ValueError, match="must not be negative"):
        F.binary_cross_entropy(p, y, weight=np.array([-1.0, 1.0]))
    with pytest.raises(
        ValueError, match=_names("torch.nn.BCEWithLogitsLoss", "pos_weight")
    ):
        torch.nn.BCEWithLogitsLoss(pos_weight=np.array(math.nan))(p, y)


@pytest.mark.parametrize(
    ("kwargs", "arg", "kind"),
    [
        ({"from_logits": "yes"}, "from_logits", TypeError),  # Keras: truthy, logits
        ({"from_logits": None}, "from_logits", TypeError),
        ({"label_smoothing": math.nan}, "label_smoothing", ValueError),  # Keras: nan
        ({"label_smoothing": "x"}, "label_smoothing", TypeError),
        ({"gamma": -1.0}, "gamma", ValueError),  # Keras: 1.386 for gamma=-1
        ({"alpha": 2.0, "apply_class_balancing": True}, "alpha", ValueError),
        ({"alpha": "x"}, "alpha", TypeError),  # unused without balancing; still refused
    ],
)
def test_keras_focal_options(
    kwargs: dict[str, object], arg: str, kind: type[Exception]
) -> None:
    y, p = np.array([[1.0, 0.0]]), np.array([[0.6, 0.3]])
    with pytest.raises(
        kind, match=_names("keras.losses.binary_focal_crossentropy", arg)
    ):
        keras.losses.binary_focal_crossentropy(y, p, **kwargs)
    with pytest.raises(kind, match=_names("keras.losses.BinaryFocalCrossentropy", arg)):
        keras.losses.BinaryFocalCrossentropy(**kwargs)(y, p)


def test_keras_sparse_ignore_class_must_be_an_int() -> None:
    # Keras 3 computes 0.6931 with ignore_class=nan
    with pytest.raises(
        TypeError,
        match=_names("keras.losses.SparseCategoricalCrossentropy", "ignore_class"),
    ):
        keras.losses.SparseCategoricalCrossentropy(ignore_class=math.nan)(
            np.array([0]), np.array([[0.5, 0.5]])
        )


def test_framework_checks_keep_their_own_message() -> None:
    # Keras: ValueError("`axis` must be of type `int`"), not the guard's wording
    with pytest.raises(ValueError, match=re.escape("`axis` must be of type `int`")):
        keras.losses.categorical_crossentropy(Y, P, axis=True)


def test_optax_integer_labels_of_the_wrong_shape() -> None:
    # optax/JAX: ValueError("Incompatible shapes for broadcasting: ...")
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        optax.softmax_cross_entropy_with_integer_labels(
            np.zeros((4, 5), np.float32), np.array([0, 2])
        )
    with pytest.raises(ValueError, match="empty class axis"):
        optax.softmax_cross_entropy_with_integer_labels(
            np.zeros((2, 0), np.float32), np.array([0, 0])
        )


def test_a_huge_broadcast_view_is_a_value_error() -> None:
    huge = np.broadcast_to(np.float32(0.5), (10**6, 10**7))  # 40 TB declared
    labels = np.broadcast_to(np.float32(1.0), huge.shape)
    with pytest.raises(ValueError):
        keras.losses.binary_crossentropy(labels, huge)
