"""``plain_formulas()``: the core's plain float64 path, for callers that want speed.

explain() uses it on large inputs (``crossent.explain._identify.PLAIN_ABOVE``):
there the double-double path (within 1 ulp, relative) costs 6–12x and explain
compares numbers with the digits a person wrote.
"""

from __future__ import annotations

import numpy as np

import crossent
from crossent._core._exact_softmax import applies, plain_formulas, plain_only


def test_the_switch_is_scoped() -> None:
    z = np.zeros((2, 3))
    assert applies(np, z)
    assert not plain_only()
    with plain_formulas():
        assert plain_only()
        assert not applies(np, z)
    assert applies(np, z)
    assert not plain_only()


def test_plain_and_exact_agree_on_ordinary_rows() -> None:
    rng = np.random.default_rng(0)
    z = rng.standard_normal((64, 10)) * 3
    y = rng.integers(0, 10, 64)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    onehot = np.eye(10)[y]
    exact = (
        crossent.softmax_cross_entropy_with_integer_labels(z, y),
        crossent.cross_entropy(p, onehot),
        crossent.logsumexp(z, axis=-1),
    )
    with plain_formulas():
        plain = (
            crossent.softmax_cross_entropy_with_integer_labels(z, y),
            crossent.cross_entropy(p, onehot),
            crossent.logsumexp(z, axis=-1),
        )
    for a, b in zip(exact, plain):
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-15)
