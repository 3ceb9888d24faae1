"""Live parity: the optax mirrors with JAX's x64 mode on (issue #14).

``jax.enable_x64(True)`` around optax; the mirrors follow it either by reading
``jax.config`` (JAX is imported here) or inside ``optax.enable_x64()``.
float64 inputs then stay float64, and the tolerance is float64's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

jax = pytest.importorskip("jax")
pytest.importorskip("optax")

from crossent.frameworks import optax as mirror  # noqa: E402
from crossent.frameworks.optax import _jax  # noqa: E402

from .test_optax import check  # noqa: E402

pytestmark = pytest.mark.parity

R = np.random.default_rng(14)
Z = R.normal(0, 3, (5, 4))
Y = np.eye(4)[R.integers(0, 4, 5)]
LABELS = R.integers(0, 4, 5)
B = R.integers(0, 2, (5, 4)).astype(np.float64)
CASES: list[tuple[str, list[Any], dict[str, Any]]] = [
    ("softmax_cross_entropy", [Z, Y], {}),
    ("softmax_cross_entropy", [Z, Y], {"where": Y.sum(0) > -1}),
    ("softmax_cross_entropy_with_integer_labels", [Z, LABELS], {}),
    ("safe_softmax_cross_entropy", [Z, Y], {}),
    ("sigmoid_binary_cross_entropy", [Z, B], {}),
    ("sigmoid_focal_loss", [Z, B], {"alpha": 0.25, "gamma": 2.0}),
    ("poly_loss_cross_entropy", [Z, Y], {"epsilon": 2.0}),
    ("smooth_labels", [Y, 0.1], {}),
    ("smooth_labels", [Y, 0.1], {"where": np.array([True, True, False, True])}),
]


@pytest.mark.parametrize("explicit", [False, True], ids=["jax.config", "enable_x64"])
@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_x64(
    name: str, args: list[Any], kwargs: dict[str, Any], explicit: bool
) -> None:
    with jax.enable_x64(True):
        if explicit:
            with jax.enable_x64(False), mirror.enable_x64():
                assert _jax.x64_enabled()
            with mirror.enable_x64():
                check(name, args, kwargs)
        else:
            assert _jax.x64_enabled()
            check(name, args, kwargs)


def test_x64_off_by_default_even_for_float64() -> None:
    assert not _jax.x64_enabled()
    assert mirror.softmax_cross_entropy(Z, Y).dtype == np.float32
    with mirror.enable_x64():
        assert mirror.softmax_cross_entropy(Z, Y).dtype == np.float64


def test_float32_logits_with_float64_labels_give_float64() -> None:
    # log_softmax runs in float32 (the logits' dtype), the product promotes to
    # float64: float32 accuracy in a float64 result
    import optax

    z32 = Z.astype(np.float32)
    with jax.enable_x64(True):
        theirs = np.asarray(
            optax.softmax_cross_entropy(jax.numpy.asarray(z32), jax.numpy.asarray(Y))
        )
        ours = mirror.softmax_cross_entropy(z32, Y)
    assert ours.dtype == theirs.dtype == np.float64
    eps32 = float(np.finfo(np.float32).eps)
    np.testing.assert_allclose(ours, theirs, rtol=8 * eps32, atol=4 * eps32)
