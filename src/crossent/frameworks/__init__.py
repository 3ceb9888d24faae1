"""Framework mirrors: each framework's cross-entropy, reproduced in NumPy.

Reach a mirror by the framework's own dotted path, e.g.
``crossent.frameworks.keras.losses.CategoricalCrossentropy`` or
``crossent.frameworks.torch.nn.functional.cross_entropy``. No framework is imported.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from crossent.frameworks._plan import STEP_ORDER, Plan, Step
from crossent.frameworks._registry import Divergence, Implementation, get, registry

__all__ = [
    "STEP_ORDER",
    "Divergence",
    "Implementation",
    "Plan",
    "Step",
    "get",
    "registry",
]

_SUBPACKAGES = (
    "catboost",
    "keras",
    "keras2",
    "lightgbm",
    "megatron",
    "mlx",
    "onnx",
    "optax",
    "paddle",
    "sklearn",
    "tf",
    "tf_keras",
    "textbook",
    "torch",
    "transformers",
    "xgboost",
)


def __getattr__(name: str) -> ModuleType:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"crossent.frameworks.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
