"""Compare two golden files of one family: a regeneration against the committed one.

Usage (from the repository root)::

    python tools/golden/compare.py goldens/torch.json /tmp/new/torch.json

Ids, impls, kinds, terms and error results must be equal, and so must inits,
args and kwargs except for the values of float arrays; those, the expected
values and the gradients must agree within the bar of docs/design.md,
``4·eps(dtype)·(1 + |x|)·sqrt(terms)`` (``terms`` = 1 for inputs).  A machine
with other SIMD code changes the last bits of NumPy's ``exp`` (so of the float64
inputs drawn through a softmax) and of the frameworks' float32 results.  Exits 1 and prints the differences otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np

EXACT = ("impl", "kind", "terms")
INPUTS = ("init", "args", "kwargs")


def _array(v: dict[str, Any]) -> np.ndarray:
    a = v["array"]
    special = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}
    data = [special.get(x, x) if isinstance(x, str) else x for x in a["data"]]
    return np.asarray(data, dtype=np.float64).reshape(a["shape"])


def _eps(dtype: str) -> float:
    if dtype == "bfloat16":
        return float(ml_dtypes.finfo(ml_dtypes.bfloat16).eps)
    kind = np.dtype(dtype).kind
    return float(np.finfo(dtype).eps) if kind == "f" else 0.0


def _close(a: Any, b: Any, terms: int) -> str:
    """'' if the ARRAY objects ``a`` and ``b`` agree within the bar, else why not."""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "lengths differ"
        return next((w for w in (_close(x, y, terms) for x, y in zip(a, b)) if w), "")
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return "" if a == b else f"{a} != {b}"
    if "array" not in a or "array" not in b:
        if set(a) != set(b):
            return "keys differ"
        return next((w for w in (_close(a[k], b[k], terms) for k in a) if w), "")
    if _eps(a["array"]["dtype"]) == 0.0:
        return "" if a == b else "integer or bool data differ"
    if (a["array"]["dtype"], a["array"]["shape"]) != (
        b["array"]["dtype"],
        b["array"]["shape"],
    ):
        return "dtype or shape"
    x, y = _array(a), _array(b)
    if not np.array_equal(np.isfinite(x), np.isfinite(y)) or not np.array_equal(
        x[~np.isfinite(x)], y[~np.isfinite(y)], equal_nan=True
    ):
        return "non-finite pattern"
    fin = np.isfinite(x) & np.isfinite(y)
    tol = 4 * _eps(a["array"]["dtype"]) * (1 + np.abs(x)) * np.sqrt(max(terms, 1))
    worst = np.abs(x[fin] - y[fin]) - tol[fin]
    return "" if np.all(worst <= 0) else f"off by {float(np.max(worst)):g} over the bar"


def compare(old_path: Path, new_path: Path) -> list[str]:
    """The differences between two golden files (empty when they agree)."""
    old = json.loads(old_path.read_text(encoding="utf-8"))
    new = json.loads(new_path.read_text(encoding="utf-8"))
    problems = []
    old_ids = [c["id"] for c in old["cases"]]
    new_ids = [c["id"] for c in new["cases"]]
    if old_ids != new_ids:
        gone, added = set(old_ids) - set(new_ids), set(new_ids) - set(old_ids)
        problems.append(f"ids differ: {len(gone)} gone, {len(added)} new, or order")
    for a, b in zip(old["cases"], new["cases"]):
        if a["id"] != b["id"]:
            continue
        for key in EXACT:
            if a.get(key) != b.get(key):
                problems.append(f"{a['id']}: {key} differs")
        for key in INPUTS:
            why = _close(a.get(key), b.get(key), 1)
            if why:
                problems.append(f"{a['id']}: {key}: {why}")
        why = _close(a["expected"], b["expected"], a["terms"])
        if why:
            problems.append(f"{a['id']}: expected {why}")
        if ("grad" in a) != ("grad" in b):
            problems.append(f"{a['id']}: gradient present in one file only")
        elif "grad" in a:
            if a["grad"]["arg"] != b["grad"]["arg"]:
                problems.append(f"{a['id']}: grad.arg differs")
            why = _close(a["grad"]["value"], b["grad"]["value"], a["terms"])
            if why:
                problems.append(f"{a['id']}: grad {why}")
    return problems


def main(argv: list[str]) -> int:
    """Compare ``argv[0]`` (committed) with ``argv[1]`` (regenerated)."""
    old, new = Path(argv[0]), Path(argv[1])
    problems = compare(old, new)
    for p in problems:
        print(p)
    n = len(json.loads(old.read_text(encoding="utf-8"))["cases"])
    print(f"{old.name}: {n} cases, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
