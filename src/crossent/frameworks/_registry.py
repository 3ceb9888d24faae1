"""The registry of implementations: every mirror and textbook formula, as data."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crossent.errors import UnknownImplementationError
from crossent.frameworks._plan import Plan, State

__all__ = [
    "Binder",
    "Divergence",
    "Implementation",
    "get",
    "mirror",
    "register",
    "registry",
]

#: ``bind(y_true, y_pred, **options) -> (plan, state)``, arguments in crossent's
#: canonical order whatever the framework's own order is.
Binder = Callable[..., tuple[Plan, State]]


@dataclass(frozen=True)
class Divergence:
    """One way an implementation departs from the exact core, with its source."""

    step: str
    what: str
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class Implementation:
    """An implementation of cross-entropy that crossent can run step by step.

    Attributes
    ----------
    path : str
        The mirror's dotted path under :mod:`crossent.frameworks`
        (``"torch.nn.functional.cross_entropy"``) or a textbook name.
    framework : str
        ``"keras"``, ``"tf_keras"``, ``"keras2"``, ``"tf.nn"``, ``"torch"``,
        ``"optax"``, ``"sklearn"``, ``"sklearn<1.5"`` or ``"textbook"``.
    versions : str
        The framework versions whose numbers it reproduces.
    reference : str
        The framework's documentation or source for it.
    summary : str
        One line: what it computes.
    expects : {"logits", "probabilities"}
        What ``y_pred`` means by default.
    labels : {"one_hot", "integer", "binary"}
        The kind of ``y_true`` it takes.
    bind : callable
        ``bind(y_true, y_pred, **options) -> (plan, state)``.
    divergences : tuple of Divergence
        How it differs from the exact core.
    options : mapping
        The option values :func:`crossent.identify` tries, by option name.
    reduce_options : tuple of str
        Options that change only the "reduce" and "output" steps: identify runs
        the steps before "reduce" once for every value of them.
    """

    path: str
    framework: str
    versions: str
    reference: str
    summary: str
    expects: Literal["logits", "probabilities"]
    labels: Literal["one_hot", "integer", "binary"]
    bind: Binder = field(repr=False, compare=False)
    divergences: tuple[Divergence, ...] = ()
    options: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    reduce_options: tuple[str, ...] = ("reduction",)


_REGISTRY: dict[str, Implementation] = {}

# Modules that register implementations when imported, in display order.
_MODULES = (
    "crossent.frameworks.textbook",
    "crossent.frameworks.keras.losses",
    "crossent.frameworks.keras.ops",
    "crossent.frameworks.tf_keras.losses",
    "crossent.frameworks.tf_keras.backend",
    "crossent.frameworks.keras2.losses",
    "crossent.frameworks.keras2.backend",
    "crossent.frameworks.tf.nn",
    "crossent.frameworks.torch.nn.functional",
    "crossent.frameworks.optax",
    "crossent.frameworks.sklearn.metrics",
    "crossent.frameworks.transformers.loss.loss_utils",
    "crossent.frameworks.transformers.trainer",
    "crossent.frameworks.paddle.nn.functional",
    "crossent.frameworks.tf.compat.v1.losses",
    "crossent.frameworks.lightgbm.metric",
    "crossent.frameworks.xgboost.metric",
    "crossent.frameworks.catboost.utils",
    "crossent.frameworks.megatron.core.tensor_parallel.cross_entropy",
    "crossent.frameworks.onnx.ops",
    "crossent.frameworks.mlx.nn.losses",
)


# Display and search order, whatever order the modules happened to be imported in:
# the hand-written formulas first (the simplest explanation of a number wins ties).
_FRAMEWORKS = (
    "textbook",
    "exact",
    "keras",
    "tf_keras",
    "keras2",
    "tf.nn",
    "torch",
    "optax",
    "sklearn",
    "sklearn<1.5",
    "transformers",
    "paddle",
    "tf.compat.v1",
    "lightgbm",
    "xgboost",
    "catboost",
    "megatron",
    "onnx",
    "mlx",
)


def register(impl: Implementation) -> Implementation:
    """Add ``impl`` to the registry (a later registration of a path replaces it)."""
    _REGISTRY[impl.path] = impl
    return impl


def registry() -> Mapping[str, Implementation]:
    """Every implementation crossent knows, by path (imports the mirrors once)."""
    for module in _MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:  # a mirror module not written yet
            if not (err.name or "").startswith("crossent.frameworks"):
                raise
    order = {name: i for i, name in enumerate(_FRAMEWORKS)}
    ranked = sorted(
        enumerate(_REGISTRY.values()),
        key=lambda t: (order.get(t[1].framework, len(order)), t[0]),
    )
    return {impl.path: impl for _, impl in ranked}


def mirror(path: str) -> Any:
    """The mirror object (function or class) at ``crossent.frameworks.<path>``, or None."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(
                "crossent.frameworks." + ".".join(parts[:cut])
            )
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def get(path: str) -> Implementation:
    """The implementation registered under ``path``; clear error otherwise."""
    known = registry()
    key = path.removeprefix("crossent.frameworks.")
    if key.startswith("tf.keras."):
        key = "keras." + key.removeprefix("tf.keras.")
    if key in known:
        return known[key]
    close = sorted(k for k in known if key.split(".")[-1].lower() in k.lower())[:5]
    if not close:  # a typo: the nearest names by spelling
        close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UnknownImplementationError(
        f"unknown implementation {path!r}: it must name a registered "
        f"implementation by its mirror path, such as "
        f"'keras.losses.CategoricalCrossentropy' or 'textbook.categorical' (see "
        f"`crossent frameworks`).{hint}"
    )
