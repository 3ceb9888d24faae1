"""Keras 3 (TensorFlow backend) and tf_keras cases."""

from __future__ import annotations

from ._common import (
    CaseList,
)
from ._keras_common import _add_keras_problems, _keras_impls
from ._tf import TFRunner
from .keras_binary import (
    _binary_focal_problems,
    _binary_problems,
    _categorical_focal_problems,
)
from .keras_doc import _add_keras_doc_cases
from .keras_extras import _add_keras_class_extras
from .keras_problems import _categorical_problems, _sparse_problems


def build_keras(flavour: str) -> CaseList:
    """Cases for Keras 3 (``flavour="keras"``) or tf_keras (``"tf_keras"``)."""
    cl = CaseList()
    impls = _keras_impls(flavour)
    _add_keras_problems(cl, impls["cce"], _categorical_problems())
    _add_keras_problems(cl, impls["scce"], _sparse_problems(), float_labels=False)
    _add_keras_problems(cl, impls["bce"], _binary_problems())
    _add_keras_problems(cl, impls["bfc"], _binary_focal_problems())
    _add_keras_problems(cl, impls["cfc"], _categorical_focal_problems())
    _add_keras_class_extras(cl, flavour)
    _add_keras_doc_cases(cl, flavour)
    return cl


def build() -> CaseList:
    """The keras (Keras 3, TensorFlow backend) cases."""
    return build_keras("keras")


def runner() -> TFRunner:
    """Imports TensorFlow and Keras 3."""
    return TFRunner("keras")
