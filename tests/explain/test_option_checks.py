"""Options are checked where they enter explain's public functions (#13)."""

from __future__ import annotations

import numpy as np
import pytest

import crossent

Y = np.eye(3)
P = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: crossent.explain(Y, P, from_logits="x"), TypeError, "`from_logits` must be True, False or None; got 'x'"),
        (lambda: crossent.identify(Y, P, 0.3, from_logits=1), TypeError, "`from_logits` must be True"),
        (lambda: crossent.trace("keras.losses.CategoricalCrossentropy", Y, P, from_logits="yes"), TypeError, "from_logits"),
        (lambda: crossent.compare("exact.categorical", "textbook.categorical", Y, P, from_logits="no"), TypeError, "from_logits"),
        (lambda: crossent.explain(Y, P, label_smothing=0.1), TypeError, "did you mean 'label_smoothing'"),
        (lambda: crossent.identify(Y, P, 0.3, reductoin="sum"), TypeError, "did you mean 'reduction'"),
        (lambda: crossent.compare("exact.categorical", "textbook.categorical", Y, P, wieght=[1, 2, 3]), TypeError, "did you mean 'weight'"),
        (lambda: crossent.explain(Y, P, against="keras.losses.CategoricalCrossentropy(from_logits='anything')"), TypeError, "`from_logits` must be True or False"),
        (lambda: crossent.trace("keras.losses.CategoricalCrossentropy(label_smothing=0.1)", Y, P), ValueError, "Did you mean 'label_smoothing'"),
    ],
)  # fmt: skip
def test_bad_options_are_refused_by_name(call, error, message) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_good_options_still_pass() -> None:
    exp = crossent.explain(
        Y, P, observed=0.3240, from_logits=False, label_smoothing=0.0
    )
    assert exp.values
    t = crossent.trace("keras.losses.CategoricalCrossentropy(from_logits=False)", Y, P)
    assert np.isfinite(float(t.value))
