"""Keras 3 and tf_keras: the mirrors' entry points and options, and cases from problems."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

import crossent.frameworks as mirrors
from crossent.frameworks.keras import _loss as keras_loss

from ._common import (
    BF16,
    Case,
    CaseList,
    Problem,
    accepted,
    cast,
    grid,
)

# ----------------------------------------------------------------------------
# Keras 3 and tf_keras
# ----------------------------------------------------------------------------


def class_reductions(flavour: str) -> tuple[Any, ...]:
    """The reductions a Keras ``Loss`` class accepts, from its mirror.

    Keras 3: ``standardize_reduction``'s choices (``None`` last); tf_keras: the
    constructor's default ``"auto"``, then the reductions identify tries.
    """
    if flavour == "keras":
        return keras_loss.REDUCTIONS
    path = f"{flavour}.losses.CategoricalCrossentropy"
    default = inspect.signature(mirrors.get(path).bind).parameters["reduction"]
    return (default.default, *grid(path, "reduction"))


def _keras_impls(flavour: str) -> dict[str, dict[str, tuple[str, set[str]]]]:
    """Mirror paths, kinds and accepted options (from the registry) by loss group."""
    p = flavour
    backend = "keras.ops" if p == "keras" else "tf_keras.backend"
    groups = {
        "cce": ("CategoricalCrossentropy", "categorical_crossentropy", True),
        "scce": (
            "SparseCategoricalCrossentropy",
            "sparse_categorical_crossentropy",
            True,
        ),
        "bce": ("BinaryCrossentropy", "binary_crossentropy", True),
        "bfc": ("BinaryFocalCrossentropy", "binary_focal_crossentropy", False),
        "cfc": (
            "CategoricalFocalCrossentropy",
            "categorical_focal_crossentropy",
            False,
        ),
    }
    impls: dict[str, dict[str, tuple[str, set[str]]]] = {}
    for group, (cls, fn, has_backend) in groups.items():
        paths = {
            f"{p}.losses.{cls}": "class",
            f"{p}.losses.{fn}": "function",
            **({f"{backend}.{fn}": "function"} if has_backend else {}),
        }
        impls[group] = {path: (kind, accepted(path)) for path, kind in paths.items()}
    return impls


def _keras_case(
    impl: str,
    spec: tuple[str, set[str]],
    dtype: str,
    tag: str,
    y: Any,
    p: Any,
    opts: dict[str, Any],
    note: str = "",
    sample_weight: Any = None,
) -> Case | None:
    """A Keras call ``(y_true, y_pred)``; None if ``impl`` lacks an option."""
    kind, allowed = spec
    if not set(opts) <= allowed:
        return None
    if sample_weight is not None and kind != "class":
        return None
    grad = 1 if np.asarray(p).dtype.kind == "f" or np.asarray(p).dtype == BF16 else None
    if kind == "class":
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        return Case(impl, kind, dtype, tag, [y, p], kwargs, dict(opts), grad, note)
    return Case(impl, kind, dtype, tag, [y, p], dict(opts), {}, grad, note)


def _add_keras_problems(
    cl: CaseList,
    impls: dict[str, tuple[str, set[str]]],
    problems: list[Problem],
    float_labels: bool = True,
) -> None:
    """Turn problems into cases for every implementation in ``impls``."""
    for impl, spec in impls.items():
        for tag, dtypes, (y, p), opts, note in problems:
            for dt in dtypes:
                yy = cast(y, dt) if float_labels or y.dtype.kind == "f" else y
                c = _keras_case(impl, spec, dt, tag, yy, cast(p, dt), opts, note)
                cl.add(c)
