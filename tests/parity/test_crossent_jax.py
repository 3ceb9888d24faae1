"""crossent.jax: the fused kernels under jax.jit and jax.grad, against optax."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")

import jax.numpy as jnp  # noqa: E402

import crossent.jax as cj  # noqa: E402

pytestmark = pytest.mark.parity
RNG = np.random.default_rng(5)


def test_integer_labels_value_and_grad_match_optax() -> None:
    z = jnp.asarray(RNG.normal(size=(3, 4, 7)).astype(np.float32))
    y = jnp.asarray(RNG.integers(0, 7, size=(3, 4)))
    ours = jax.jit(cj.softmax_cross_entropy_with_integer_labels)(z, y)
    ref = optax.softmax_cross_entropy_with_integer_labels(z, y)
    np.testing.assert_allclose(ours, ref, rtol=2e-6, atol=1e-6)
    w = jnp.asarray(RNG.uniform(size=(3, 4)).astype(np.float32))

    def loss(f):
        return lambda z: (f(z, y) * w).sum()

    g1 = jax.jit(jax.grad(loss(cj.softmax_cross_entropy_with_integer_labels)))(z)
    g2 = jax.grad(loss(optax.softmax_cross_entropy_with_integer_labels))(z)
    np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_linear_cross_entropy_matches_the_two_step_optax_loss(reduction) -> None:
    h = jnp.asarray(RNG.normal(size=(6, 5)).astype(np.float32))
    w = jnp.asarray(RNG.normal(size=(11, 5)).astype(np.float32))
    y = jnp.asarray(RNG.integers(0, 11, size=6))
    up = jnp.asarray(RNG.uniform(size=6).astype(np.float32))

    def two_step(h, w):
        per = optax.softmax_cross_entropy_with_integer_labels(h @ w.T, y)
        return {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]

    def ours(h, w):
        return cj.linear_cross_entropy(h, w, y, reduction)

    np.testing.assert_allclose(
        jax.jit(ours)(h, w), two_step(h, w), rtol=2e-6, atol=1e-6
    )

    def scalar(f):
        return lambda h, w: (f(h, w) * (up if reduction == "none" else 1.0)).sum()

    g1 = jax.jit(jax.grad(scalar(ours), (0, 1)))(h, w)
    g2 = jax.grad(scalar(two_step), (0, 1))(h, w)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_docstring_examples() -> None:
    # the default environment has no JAX, so crossent.jax's doctests run here
    import doctest

    failed, tried = doctest.testmod(cj, optionflags=doctest.ELLIPSIS)
    assert tried >= 2
    assert failed == 0
