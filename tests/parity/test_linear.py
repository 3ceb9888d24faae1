"""Live parity: crossent.linear_cross_entropy against PyTorch's F.linear_cross_entropy.

The value and the autograd gradients of h, W and b, in float64 (rtol 1e-12) and
float32 (float32 rounding), over PyTorch's options.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from crossent import linear_cross_entropy  # noqa: E402

pytestmark = pytest.mark.parity

F = torch.nn.functional
RNG = np.random.default_rng(11)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ignore_index": 3},
        {"label_smoothing": 0.1},
        {"weight": True},
        {"bias": True},
    ],
)
def test_matches_torch(dtype, reduction, options) -> None:
    if not hasattr(F, "linear_cross_entropy"):
        pytest.skip("this PyTorch has no F.linear_cross_entropy")
    n, d, v = 12, 8, 17
    h = RNG.normal(size=(n, d)).astype(dtype)
    w = RNG.normal(size=(v, d)).astype(dtype)
    y = RNG.integers(0, v, size=n)
    b = RNG.normal(size=v).astype(dtype) if options.get("bias") else None
    cw = RNG.uniform(0.5, 2, size=v).astype(dtype) if options.get("weight") else None
    ignore = options.get("ignore_index")
    ls = options.get("label_smoothing", 0.0)
    ht, wt = torch.tensor(h, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt = None if b is None else torch.tensor(b, requires_grad=True)
    out = F.linear_cross_entropy(
        ht, wt, torch.tensor(y), linear_bias=bt,
        weight=None if cw is None else torch.tensor(cw), reduction=reduction,
        ignore_index=-100 if ignore is None else ignore, label_smoothing=ls,
    )  # fmt: skip
    out.sum().backward()
    ours = linear_cross_entropy(
        h, w, y, bias=b, weight=cw, reduction=reduction, ignore_index=ignore,
        label_smoothing=ls,
    )  # fmt: skip
    rtol = 1e-12 if dtype == np.float64 else 2e-5
    atol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(ours.value, out.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(ours.grad_h, ht.grad.numpy(), rtol=rtol * 10, atol=atol)
    np.testing.assert_allclose(ours.grad_W, wt.grad.numpy(), rtol=rtol * 10, atol=atol)
    if b is not None:
        np.testing.assert_allclose(
            ours.grad_bias, bt.grad.numpy(), rtol=rtol * 10, atol=atol
        )
