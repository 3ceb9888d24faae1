"""``crossent.explain`` on the real-question corpus (``goldens/explain/corpus.json``).

The corpus (``tools/explain_corpus/``, written to JSON by
``tools/make_explain_corpus.py`` with the real frameworks) holds real user
questions, the numbers they saw, and the cause an expert names first.  The
scoring is ``tests/explain/_corpus.py``; ``tools/score_explain_corpus.py``
prints it case by case.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from crossent.explain import CAUSE_CODES
from crossent.frameworks import get
from tests.explain._corpus import Scores, load, run

#: codes the corpus uses that crossent does not have yet (the corpus introduces
#: them): Keras' fit()/evaluate() computing the loss from the layer's logits, a
#: log base other than e, a mean of per-batch (or per-sequence) means, and
#: logits given where log-probabilities are expected (NLLLoss).
PROPOSED_CODES = ("fit_vs_call", "log_base", "batch_mean", "logits_as_log_probs")
KNOWN_CODES = frozenset(CAUSE_CODES) | frozenset(PROPOSED_CODES)
DTYPES = ("float16", "float32", "float64")
NON_FINITE = ("nan", "inf", "-inf")

# A ratchet, not a goal.  The targets of issue #12 are: headline first in 90 %
# of the cases, the headline or an acceptable code present in 95 %, and at most
# 0.3 extra codes per case.  These floors are what explain achieved when they
# were last set; raise them (never lower them) as explain improves.
# tools/explain_corpus/heldout.py, heldout2.py and heldout3.py (24, 24 and 20
# cases) were built blind: explain scored 10/24, 11/24 and 9/20 headline first on
# them when they arrived, and the changes they led to were general hypotheses, not
# per-case rules.  Since 2026-12-05 each case passes the number the user compared
# with (``expected=``, as the thread states it): on the first 112 cases 92 -> 97
# headline first and 96 -> 102 present; the extra-codes ceiling rose from 8 to 9
# with it (label_smoothing named as a suspect on
# keras-backend-cce-arguments-swapped-after-2-1).  The fourth blind set
# (heldout4.py, 20 cases, the new mirrors among them) scored 11/20 headline first
# with the code of the session that started it and 13/20 (with expected=) when it
# arrived; the general changes it led to brought it to 17/20 and the first 112 to
# 100 and 104.  The floors below count all six files.
CASES = 132
HEADLINE_FIRST_FLOOR = 121  # of 132 cases
EXPECTED_PRESENT_FLOOR = 126  # of 132 cases
EXTRA_CODES_CEILING = 8  # extra codes over all 132 cases (0.06 per case)


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    return load()


@pytest.fixture(scope="module")
def scores() -> Scores:
    return run()[1]


def _numbers(x: Any) -> list[Any]:
    if isinstance(x, list):
        return [v for item in x for v in _numbers(item)]
    return [x]


def _is_number(v: Any) -> bool:
    if isinstance(v, str):
        return v in NON_FINITE
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def test_schema(corpus: dict[str, Any]) -> None:
    assert corpus["generated_by"] == "tools/make_explain_corpus.py"
    assert corpus["versions"]
    cases = corpus["cases"]
    assert cases
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        where = c["id"]
        assert re.fullmatch(r"https?://\S+", c["source"]), where
        for key in ("title", "question", "expert_answer"):
            assert c[key], (where, key)
        assert c["headline"] in KNOWN_CODES, where
        assert set(c["acceptable"]) <= KNOWN_CODES, where
        assert c["headline"] not in c["acceptable"], where
        assert c["dtype"] in DTYPES, where
        assert c["user_believes_logits"] in (True, False, None), where
        if c["against"] is not None:
            get(c["against"].partition("(")[0])  # a registered implementation
        for key in ("y_true", "y_pred", "observed", "expected"):
            if key in c:
                values = _numbers(c[key])
                assert values, (where, key)
                assert all(map(_is_number, values)), (where, key)
        if "observed_for_explain" in c:
            assert c["observed_for_explain"] in c["observed"], where
        for name, v in c["options"].items():
            if isinstance(v, list):
                assert all(map(_is_number, _numbers(v))), (where, name)
        np.asarray(c["y_pred"], dtype=c["dtype"])  # rectangular


def test_ratchet(scores: Scores) -> None:
    assert scores.cases == CASES  # the floors are counts over these cases
    assert scores.headline_first >= HEADLINE_FIRST_FLOOR, scores
    assert scores.expected_present >= EXPECTED_PRESENT_FLOOR, scores
    assert scores.extra_codes <= EXTRA_CODES_CEILING, scores
