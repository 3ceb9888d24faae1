"""tf_keras cases: the Keras 3 problems on the tf_keras entry points."""

from __future__ import annotations

from ._common import CaseList
from ._tf import TFRunner
from .keras import build_keras


def build() -> CaseList:
    """The tf_keras cases."""
    return build_keras("tf_keras")


def runner() -> TFRunner:
    """Imports TensorFlow and tf_keras."""
    return TFRunner("tf_keras")
