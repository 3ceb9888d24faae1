"""Schema checks for the golden files written by ``tools/make_golden.py``.

Only ``json`` and ``numpy`` are used: these tests check that every golden case
is well formed and decodable, not that any mirror reproduces it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "goldens"
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.json"))
MAX_TOTAL_BYTES = 5_000_000

#: the family of each file and the prefix of its cases' ``impl``
IMPL_PREFIX = {
    "keras": ("keras.losses.", "keras.ops."),
    "tf_keras": ("tf_keras.losses.", "tf_keras.backend."),
    "tf_nn": ("tf.nn.",),
    "torch": ("torch.nn.functional.", "torch.nn."),
    "optax": ("optax.",),
    "sklearn": ("sklearn.metrics.",),
    "tf_compat_v1": ("tf.compat.v1.losses.",),
    "transformers": ("transformers.loss.loss_utils.",),
    "paddle": ("paddle.nn.functional.",),
    "mlx": ("mlx.nn.losses.",),
    "onnx": ("onnx.ops.",),
    "lightgbm": ("lightgbm.metric.",),
    "xgboost": ("xgboost.metric.",),
    "catboost": ("catboost.utils.",),
    "megatron": ("megatron.core.tensor_parallel.cross_entropy.",),
    "optax_x64": ("optax.",),
}
#: the mirror context managers a case may run in (``context``)
CONTEXTS = {"optax_x64": "optax.enable_x64"}
FLOAT_DTYPES = {"float16", "bfloat16", "float32", "float64"}
INT_DTYPES = {"int32", "int64", "uint8"}
DTYPES = FLOAT_DTYPES | INT_DTYPES | {"bool"}
CASE_KEYS = {"id", "impl", "kind", "init", "args", "kwargs", "expected", "terms"}
OPTIONAL_KEYS = {"grad", "note", "context"}
NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _is_array(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"array"}


def decode_array(v: dict[str, Any]) -> np.ndarray:
    """Decode an ARRAY object; raise AssertionError if it is malformed.

    bfloat16 arrays are returned as float32 after checking that every value is
    representable in bfloat16 (so that NumPy alone suffices here).
    """
    a = v["array"]
    assert set(a) == {"dtype", "shape", "data"}, sorted(a)
    dtype, shape, data = a["dtype"], a["shape"], a["data"]
    assert dtype in DTYPES, dtype
    assert isinstance(shape, list), shape
    assert all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ), shape
    assert isinstance(data, list)
    assert len(data) == math.prod(shape), (len(data), shape)
    if dtype == "bool":
        assert all(isinstance(x, bool) for x in data)
        return np.array(data, dtype=bool).reshape(shape)
    if dtype in INT_DTYPES:
        assert all(isinstance(x, int) and not isinstance(x, bool) for x in data)
        info = np.iinfo(dtype)
        assert all(info.min <= x <= info.max for x in data), dtype
        return np.array(data, dtype=dtype).reshape(shape)
    values = []
    for x in data:
        if isinstance(x, str):
            assert x in NON_FINITE, x
            values.append(NON_FINITE[x])
        else:
            assert isinstance(x, int | float), x
            assert not isinstance(x, bool), x
            assert math.isfinite(x), x
            values.append(float(x))
    f64 = np.array(values, dtype=np.float64)
    if dtype == "bfloat16":
        f32 = f64.astype(np.float32)
        assert np.array_equal(f32.astype(np.float64), f64, equal_nan=True)
        finite = f32[np.isfinite(f32)]
        assert not np.any(finite.view(np.uint32) & 0xFFFF), "not bfloat16 values"
        return f32.reshape(shape)
    out = f64.astype(dtype)
    # values must round-trip exactly through the declared dtype
    assert np.array_equal(out.astype(np.float64), f64, equal_nan=True), dtype
    return out.reshape(shape)


def _check_value(v: Any) -> None:
    """An argument: an ARRAY, or a plain JSON scalar/string/list of those."""
    if _is_array(v):
        decode_array(v)
    elif isinstance(v, list):
        for x in v:
            assert not isinstance(x, dict), x
            _check_value(x)
    else:
        assert v is None or isinstance(v, bool | int | float | str), v
        if isinstance(v, float):
            assert math.isfinite(v), v


def _check_case(case: dict[str, Any], family: str) -> None:
    keys = set(case)
    assert keys >= CASE_KEYS, sorted(CASE_KEYS - keys)
    assert keys <= CASE_KEYS | OPTIONAL_KEYS, sorted(keys - CASE_KEYS - OPTIONAL_KEYS)
    assert isinstance(case["id"], str)
    assert isinstance(case["impl"], str)
    assert case["impl"].startswith(IMPL_PREFIX[family]), case["impl"]
    assert case["id"].startswith(case["impl"] + "/"), case["id"]
    assert case["kind"] in ("class", "function")
    assert isinstance(case["init"], dict)
    if case["kind"] == "function":
        assert case["init"] == {}
    for v in case["init"].values():
        _check_value(v)
    assert isinstance(case["args"], list)
    for v in case["args"]:
        _check_value(v)
    assert isinstance(case["kwargs"], dict)
    for k, v in case["kwargs"].items():
        assert isinstance(k, str)
        _check_value(v)
    expected = case["expected"]
    if _is_array(expected):
        decode_array(expected)
    else:
        assert set(expected) == {"error", "message"}, expected
        assert isinstance(expected["error"], str)
        assert expected["error"]
        assert isinstance(expected["message"], str)
        assert len(expected["message"]) <= 200
    if "grad" in case:
        grad = case["grad"]
        assert set(grad) == {"arg", "value"}, grad
        assert _is_array(expected), "a gradient needs a successful forward result"
        which = grad["arg"]
        if isinstance(which, int) and not isinstance(which, bool):
            assert 0 <= which < len(case["args"])
            source = case["args"][which]
        else:
            assert isinstance(which, str), which
            assert which in case["kwargs"], which
            source = case["kwargs"][which]
        assert _is_array(source)
        g = decode_array(grad["value"])
        assert g.shape == decode_array(source).shape
        assert grad["value"]["array"]["dtype"] in FLOAT_DTYPES
    terms = case["terms"]
    assert isinstance(terms, int), terms
    assert not isinstance(terms, bool), terms
    assert terms >= 1, terms
    if "note" in case:
        assert isinstance(case["note"], str)
    if "context" in case:
        assert case["context"] == CONTEXTS.get(family), case["context"]


def test_golden_files_exist() -> None:
    assert GOLDEN_FILES, f"no golden files in {GOLDEN_DIR}"
    assert {p.stem for p in GOLDEN_FILES} == set(IMPL_PREFIX)


def test_golden_files_are_small() -> None:
    total = sum(p.stat().st_size for p in GOLDEN_FILES)
    assert total < MAX_TOTAL_BYTES, total


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_header_has_framework_versions_and_generator(path: Path) -> None:
    doc = _load(path)
    assert set(doc) == {"framework", "versions", "generated_by", "cases"}
    assert doc["framework"] == path.stem
    assert doc["generated_by"] == "tools/make_golden.py"
    versions = doc["versions"]
    assert isinstance(versions, dict)
    assert "numpy" in versions
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in versions.items())
    assert isinstance(doc["cases"], list)
    assert doc["cases"]


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_every_case_matches_the_schema(path: Path) -> None:
    doc = _load(path)
    for case in doc["cases"]:
        try:
            _check_case(case, path.stem)
        except AssertionError as e:
            raise AssertionError(f"{path.name}: {case.get('id')!r}: {e}") from e


def test_case_ids_are_unique() -> None:
    seen: dict[str, str] = {}
    for path in GOLDEN_FILES:
        for case in _load(path)["cases"]:
            assert case["id"] not in seen, (case["id"], seen.get(case["id"]))
            seen[case["id"]] = path.name


def test_decode_array_round_trips_special_values() -> None:
    v = {
        "array": {
            "dtype": "float32",
            "shape": [2, 2],
            "data": [0.10000000149011612, "nan", "inf", "-inf"],
        }
    }
    a = decode_array(v)
    assert a.dtype == np.float32
    assert a[0, 0] == np.float32(0.1)
    assert np.isnan(a[0, 1])
    assert a[1, 0] == np.inf
    assert a[1, 1] == -np.inf


def test_decode_array_rejects_values_not_in_the_dtype() -> None:
    v = {"array": {"dtype": "float32", "shape": [1], "data": [0.1]}}
    with pytest.raises(AssertionError):
        decode_array(v)
