"""Score ``crossent.explain`` on the real-question corpus (``goldens/explain/corpus.json``).

The golden file is written by ``tools/make_explain_corpus.py`` from
``tools/explain_corpus/``: real user questions, the numbers the real frameworks
gave, and the cause an expert names first (``headline``) plus the other causes
that are also right (``acceptable``).  This module reads it with ``json`` and
NumPy only, runs ``explain`` on every case the way a user would (``observed``,
``against`` and ``options``; ``from_logits`` left to inference), and computes
the three figures of issue #12:

* headline first: ``codes[0] == headline``;
* expected present: the headline or an acceptable code is among the codes;
* extra codes: the mean number of codes per case that are neither.

A case on which ``explain`` raises counts as a miss with no codes.  Used by
``tests/explain/test_corpus.py`` and ``tools/score_explain_corpus.py``.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import crossent

CORPUS = Path(__file__).resolve().parents[2] / "goldens" / "explain" / "corpus.json"
NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def load(path: Path = CORPUS) -> dict[str, Any]:
    """The golden file: ``generated_by``, ``versions`` and ``cases``."""
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def number(x: Any) -> Any:
    """A JSON number, or a nested list of them, with "nan"/"inf"/"-inf" decoded."""
    if isinstance(x, list):
        return [number(v) for v in x]
    if isinstance(x, str):
        return NON_FINITE[x]
    return float(x)


def _all_ints(x: Any) -> bool:
    if isinstance(x, list):
        return all(_all_ints(v) for v in x)
    return isinstance(x, int) and not isinstance(x, bool)


def array(x: Any, dtype: str) -> np.ndarray:
    """Integers (class ids, label lists) as int64, anything else in ``dtype``."""
    return np.asarray(x, dtype=np.int64 if _all_ints(x) else dtype)


def explain_arguments(case: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The positional and keyword arguments of ``crossent.explain`` for ``case``."""
    dtype = case["dtype"]
    options = {
        k: array(v, dtype) if isinstance(v, list) else v
        for k, v in case["options"].items()
    }
    observed = number(case.get("observed_for_explain", case["observed"]))
    # the number the user compared with, as they would pass it: the thread's
    # expected value (None when the question has none)
    expected = case.get("expected")
    return (
        (array(case["y_true"], dtype), np.asarray(case["y_pred"], dtype=dtype)),
        {
            "observed": observed,
            "expected": None if expected is None else number(expected),
            "against": case["against"] or None,
            "from_logits": None,
            **options,
        },
    )


@dataclass(frozen=True)
class Result:
    """What ``explain`` answered on one case."""

    id: str
    headline: str
    acceptable: tuple[str, ...]
    codes: tuple[str, ...]
    error: str | None = None

    @property
    def headline_first(self) -> bool:
        return bool(self.codes) and self.codes[0] == self.headline

    @property
    def expected_present(self) -> bool:
        return any(c == self.headline or c in self.acceptable for c in self.codes)

    @property
    def extra(self) -> tuple[str, ...]:
        """Codes that are neither the headline nor acceptable."""
        return tuple(
            c for c in self.codes if c != self.headline and c not in self.acceptable
        )


def run_case(case: dict[str, Any]) -> Result:
    """Run ``crossent.explain`` on one case; an exception is a miss."""
    args, kwargs = explain_arguments(case)
    codes: tuple[str, ...] = ()
    error = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            codes = tuple(crossent.explain(*args, **kwargs).codes)
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
    return Result(case["id"], case["headline"], tuple(case["acceptable"]), codes, error)


@dataclass(frozen=True)
class Scores:
    """The three figures over a list of results."""

    cases: int
    headline_first: int
    expected_present: int
    extra_codes: int
    errors: int

    @property
    def headline_first_rate(self) -> float:
        return self.headline_first / self.cases

    @property
    def expected_present_rate(self) -> float:
        return self.expected_present / self.cases

    @property
    def extra_codes_mean(self) -> float:
        return self.extra_codes / self.cases


def score(results: list[Result]) -> Scores:
    """Count the hits over ``results``."""
    return Scores(
        cases=len(results),
        headline_first=sum(r.headline_first for r in results),
        expected_present=sum(r.expected_present for r in results),
        extra_codes=sum(len(r.extra) for r in results),
        errors=sum(r.error is not None for r in results),
    )


def run(path: Path = CORPUS) -> tuple[list[Result], Scores]:
    """Run every case of the golden file; return the results and their scores."""
    results = [run_case(c) for c in load(path)["cases"]]
    return results, score(results)
