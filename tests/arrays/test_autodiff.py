"""The core inside autodiff and compilation: PyTorch autograd, ``jax.grad``, ``jax.jit``.

The gradient of the softmax cross-entropy with respect to the logits is
``softmax(z) - y`` (per row); both frameworks must get it through the core's ops.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent

pytestmark = pytest.mark.parity

Z = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7], [30.0, -4.0, 0.0]])
Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.3, 0.5]])


def _expected_grad() -> np.ndarray:
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    softmax = e / e.sum(axis=-1, keepdims=True)
    return softmax * Y.sum(axis=-1, keepdims=True) - Y


def test_torch_autograd_through_softmax_cross_entropy() -> None:
    torch = pytest.importorskip("torch")
    z = torch.tensor(Z, requires_grad=True)
    loss = crossent.softmax_cross_entropy(z, torch.tensor(Y)).sum()
    loss.backward()
    np.testing.assert_allclose(z.grad.numpy(), _expected_grad(), rtol=1e-12, atol=1e-15)


def test_jax_grad_and_jit_through_softmax_cross_entropy() -> None:
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        jz, jy = jax.numpy.asarray(Z), jax.numpy.asarray(Y)

        def total(z: object) -> object:
            return crossent.softmax_cross_entropy(z, jy).sum()

        grad = np.asarray(jax.jit(jax.grad(total))(jz))
        value = float(jax.jit(total)(jz))
    np.testing.assert_allclose(grad, _expected_grad(), rtol=1e-12, atol=1e-15)
    expected = float(crossent.softmax_cross_entropy(Z, Y).sum())
    assert value == pytest.approx(expected, rel=1e-14)


def test_jax_jit_rejects_value_checks_it_cannot_run() -> None:
    # Label ranges are checked on concrete values; under jit there are none, and
    # the core says so instead of indexing out of range (JAX would clamp).
    jax = pytest.importorskip("jax")
    f = jax.jit(crossent.softmax_cross_entropy_with_integer_labels)
    with pytest.raises(jax.errors.TracerBoolConversionError):
        f(jax.numpy.zeros((2, 3)), jax.numpy.array([0, 1]))
