"""Mirror of the ``tensorflow`` namespace: ``tf.nn``, ``tf.keras`` (Keras 3) and
``tf.compat.v1.losses``."""

from __future__ import annotations

import importlib
from types import ModuleType

from crossent.frameworks.tf import nn

__all__ = ["compat", "keras", "nn"]


def __getattr__(name: str) -> ModuleType:
    # In TensorFlow >= 2.16 ``tf.keras`` is Keras 3: the same objects.
    if name == "keras":
        return importlib.import_module("crossent.frameworks.keras")
    if name == "compat":  # tf.compat.v1.losses, loaded when first reached
        return importlib.import_module("crossent.frameworks.tf.compat")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
