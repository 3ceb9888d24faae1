"""value_and_grad against the real frameworks' autograd (run with ``-m parity``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from crossent import value_and_grad as vg
from tests._fast_reference import BACKENDS

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(3)
N, C = 12, 9


def _torch() -> Any:
    return pytest.importorskip("torch")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"ignore_index": -100},
        {"label_smoothing": 0.2},
        {"weight": True},
        {"weight": True, "ignore_index": -100, "label_smoothing": 0.1},
    ],
)
def test_integer_labels_match_torch_autograd(
    backend: str, reduction: str, opts: dict[str, Any]
) -> None:
    torch = _torch()
    z = RNG.normal(0, 3, (N, C))
    z[0, 1] = -np.inf
    y = RNG.integers(0, C, N)
    y[0] = 0
    kw: dict[str, Any] = dict(opts)
    if opts.get("weight"):
        kw["weight"] = RNG.uniform(0.2, 2.0, C)
    if "ignore_index" in opts:
        y[[2, 5]] = -100
    zt = torch.tensor(z, requires_grad=True)
    torch_kw = {
        "weight": None if "weight" not in kw else torch.tensor(kw["weight"]),
        "ignore_index": kw.get("ignore_index", -100),
        "label_smoothing": kw.get("label_smoothing", 0.0),
        "reduction": reduction,
    }
    if "label_smoothing" in kw:  # torch gives NaN for a -inf logit under smoothing
        z[0, 1] = zt.data[0, 1] = -30.0
    loss = torch.nn.functional.cross_entropy(zt, torch.tensor(y), **torch_kw)
    loss.sum().backward()
    r = vg.softmax_cross_entropy_with_integer_labels(
        z, y, reduction=reduction, backend=backend, **kw
    )
    np.testing.assert_allclose(r.value, loss.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.grad, zt.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_soft_labels_match_torch_autograd(backend: str, reduction: str) -> None:
    torch = _torch()
    z = RNG.normal(0, 3, (N, C))
    t = RNG.dirichlet(np.ones(C), N)
    zt = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(zt, torch.tensor(t), reduction=reduction)
    loss.sum().backward()
    r = vg.softmax_cross_entropy(z, t, reduction=reduction, backend=backend)
    np.testing.assert_allclose(r.value, loss.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(r.grad, zt.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("pos_weight", [False, True])
def test_bce_matches_torch_autograd(
    backend: str, reduction: str, pos_weight: bool
) -> None:
    torch = _torch()
    z = RNG.normal(0, 5, (N, C))
    y = RNG.uniform(size=(N, C))
    y[:, 0] = 1.0
    pw = RNG.uniform(0.5, 4, C) if pos_weight else None
    zt = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        zt,
        torch.tensor(y),
        reduction=reduction,
        pos_weight=None if pw is None else torch.tensor(pw),
    )
    loss.sum().backward()
    r = vg.sigmoid_binary_cross_entropy(
        z, y, pos_weight=pw, reduction=reduction, backend=backend
    )
    np.testing.assert_allclose(r.value, loss.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(r.grad, zt.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
def test_match_jax_grad(backend: str) -> None:
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    jnp = jax.numpy
    z = RNG.normal(0, 3, (N, C)).astype(np.float32)
    y = RNG.integers(0, C, N)
    t = RNG.dirichlet(np.ones(C), N).astype(np.float32)
    yb = (RNG.uniform(size=(N, C)) < 0.3).astype(np.float32)
    cases = [
        (
            lambda a: optax.softmax_cross_entropy_with_integer_labels(
                a, jnp.asarray(y, jnp.int32)
            ).mean(),
            vg.softmax_cross_entropy_with_integer_labels(z, y, backend=backend),
        ),
        (
            lambda a: optax.softmax_cross_entropy(a, jnp.asarray(t)).mean(),
            vg.softmax_cross_entropy(z, t, backend=backend),
        ),
        (
            lambda a: optax.sigmoid_binary_cross_entropy(a, jnp.asarray(yb)).mean(),
            vg.sigmoid_binary_cross_entropy(z, yb, backend=backend),
        ),
    ]
    for f, ours in cases:
        value, grad = jax.value_and_grad(f)(jnp.asarray(z))
        np.testing.assert_allclose(ours.value, np.asarray(value), rtol=2e-6)
        np.testing.assert_allclose(ours.grad, np.asarray(grad), rtol=1e-5, atol=2e-8)
