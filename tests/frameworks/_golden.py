"""Load the golden files written by ``tools/make_golden.py`` and run mirrors on them."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np

GOLDENS = Path(
    os.environ.get("CROSSENT_GOLDENS", Path(__file__).resolve().parents[2] / "goldens")
)

_SPECIAL = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}


def decode(value: Any) -> Any:
    """A golden JSON value as a NumPy array (arrays) or as itself (plain values)."""
    if isinstance(value, dict) and "array" in value:
        spec = value["array"]
        dtype = (
            ml_dtypes.bfloat16
            if spec["dtype"] == "bfloat16"
            else np.dtype(spec["dtype"])
        )
        data = [_SPECIAL.get(x, x) if isinstance(x, str) else x for x in spec["data"]]
        return (
            np.asarray(data, dtype=np.float64 if np.dtype(dtype).kind == "V" else None)
            .astype(dtype)
            .reshape(spec["shape"])
        )
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def load_cases() -> list[dict[str, Any]]:
    """Every case of every golden file, with its file's framework and versions."""
    cases = []
    for path in sorted(GOLDENS.glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            cases.append(
                {**case, "_file": path.name, "_versions": doc.get("versions", {})}
            )
    return cases


def resolve(path: str) -> Any:
    """The mirror object at ``crossent.frameworks.<path>``."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(
                "crossent.frameworks." + ".".join(parts[:cut])
            )
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(path)


def call(case: dict[str, Any], caught: list[str] | None = None) -> Any:
    """Run the mirror of ``case`` on its decoded arguments.

    A case with a ``context`` (e.g. ``"optax.enable_x64"``) runs inside that
    mirror context manager, as the framework ran inside its own (``jax.enable_x64``).

    Warnings the mirror emits on purpose (scikit-learn's "do not sum to one",
    Keras' single-class-column ``SyntaxWarning``) are recorded, not raised: the
    framework emitted them too. ``caught`` receives each SyntaxWarning as
    ``"SyntaxWarning: message"``.
    """
    target = resolve(case["impl"])
    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    # only SyntaxWarnings are recorded; any other warning stays an error
    context = case.get("context")
    scope = resolve(context)() if context else contextlib.nullcontext()
    with scope, warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("always", SyntaxWarning)
        try:
            if case.get("kind") == "class":
                target = target(**decode(case.get("init", {})))
            return target(*args, **kwargs)
        finally:
            if caught is not None:
                caught += [f"{w.category.__name__}: {w.message}" for w in recorded]


def tolerance(expected: np.ndarray, terms: int) -> np.ndarray:
    """4·eps(dtype)·(1 + |expected|)·sqrt(terms), the fidelity bar of docs/design.md."""
    dtype = expected.dtype
    eps = (
        float(ml_dtypes.finfo(dtype).eps)
        if dtype.name == "bfloat16"
        else float(np.finfo(dtype).eps)
    )
    return 4 * eps * (1 + np.abs(expected.astype(np.float64))) * np.sqrt(max(terms, 1))
