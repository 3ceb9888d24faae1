"""Every mirror against the numbers the real frameworks printed (goldens/*.json).

The golden files are written by ``tools/make_golden.py`` running the real frameworks
(versions recorded in each file). Cases that cannot meet the bar are listed, with the
reason, in ``tests/frameworks/known_deviations.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from crossent.errors import FrameworkError

from ._golden import call, decode, load_cases, tolerance

CASES = load_cases()
DEVIATIONS = json.loads((Path(__file__).parent / "known_deviations.json").read_text())


def _id(case: dict) -> str:
    return case["id"]


def _check_warnings(case: dict, caught: list[str]) -> None:
    """The SyntaxWarnings the framework gave (in the note, cut at 100 characters)."""
    expected = [
        part.removeprefix("warns ")
        for part in case.get("note", "").split("; ")
        if part.startswith("warns SyntaxWarning: ")
    ]
    for text in expected:
        assert any(c.startswith(text) for c in caught), (text, caught)
    assert len(caught) == len(expected), (caught, expected)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_mirror_matches_framework(case: dict) -> None:
    if case["id"] in DEVIATIONS:
        pytest.xfail(DEVIATIONS[case["id"]])
    expected = decode(case["expected"])
    if isinstance(expected, dict) and "error" in expected:
        with pytest.raises(Exception) as info:
            call(case)
        err = info.value
        names = {c.__name__ for c in type(err).__mro__}
        framework_type = getattr(err, "framework_type", None)
        assert expected["error"] in names or framework_type == expected["error"], (
            f"raised {type(err).__name__}({err}) where the framework raised "
            f"{expected['error']}: {expected.get('message', '')}"
        )
        assert isinstance(
            err, (ValueError, TypeError, IndexError, RuntimeError, FrameworkError)
        )
        return
    caught: list[str] = []
    actual = np.asarray(call(case, caught))
    _check_warnings(case, caught)
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg="NaN pattern")
    np.testing.assert_array_equal(np.isinf(a) & (a > 0), np.isinf(e) & (e > 0), "+inf")
    np.testing.assert_array_equal(np.isinf(a) & (a < 0), np.isinf(e) & (e < 0), "-inf")
    finite = np.isfinite(e)
    tol = tolerance(expected, int(case.get("terms", 1)))
    diff = np.abs(a[finite] - e[finite])
    worst = float(np.max(diff - tol[finite], initial=-1.0))
    assert np.all(diff <= tol[finite]), (
        f"ours {a[finite]} vs framework {e[finite]}; worst excess over tolerance {worst:g}"
    )
