"""crossent.torch: the fused kernels as autograd functions, against PyTorch's own ops.

gradcheck in float64; values and gradients against torch.nn.functional in float32
and float64; a few training steps give the same parameters; CUDA is refused.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import crossent.torch as ct  # noqa: E402
from crossent.torch import nn as cnn  # noqa: E402

pytestmark = pytest.mark.parity
F = torch.nn.functional


def _leaf(*shape, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=dtype).requires_grad_(True)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "kw", [{}, {"label_smoothing": 0.1}, {"ignore_index": 2}, {"weight": True}]
)
def test_cross_entropy_gradcheck_and_values(reduction, kw) -> None:
    z = _leaf(5, 4)
    y = torch.tensor([0, 2, 3, 1, 2])
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda z: ct.cross_entropy(z, y, reduction=reduction, **kw), (z,))  # fmt: skip
    ours = ct.cross_entropy(z, y, reduction=reduction, **kw)
    ref = F.cross_entropy(z, y, reduction=reduction, **kw)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-14)
    (g1,) = torch.autograd.grad(ours.sum(), z)
    (g2,) = torch.autograd.grad(ref.sum(), z)
    torch.testing.assert_close(g1, g2, rtol=1e-10, atol=1e-13)


def test_cross_entropy_class_axis_1_and_probability_targets() -> None:
    z = _leaf(2, 3, 4)
    y = torch.tensor([[0, 2, 1, 1], [2, 2, 0, 1]])
    torch.testing.assert_close(ct.cross_entropy(z, y), F.cross_entropy(z, y))
    p = torch.softmax(torch.randn(2, 3, 4, dtype=torch.float64), dim=1)
    torch.testing.assert_close(
        ct.cross_entropy(z, p, label_smoothing=0.2),
        F.cross_entropy(z, p, label_smoothing=0.2),
    )
    assert torch.autograd.gradcheck(lambda z: ct.cross_entropy(z, p), (z,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits(reduction) -> None:
    z = _leaf(4, 3)
    y = torch.rand(
        4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1)
    )
    w = torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64)
    pw = torch.tensor([3.0, 1.0, 0.2], dtype=torch.float64)
    kw = {"weight": w, "pos_weight": pw, "reduction": reduction}
    torch.testing.assert_close(ct.binary_cross_entropy_with_logits(z, y, **kw), F.binary_cross_entropy_with_logits(z, y, **kw))  # fmt: skip
    assert torch.autograd.gradcheck(lambda z: ct.binary_cross_entropy_with_logits(z, y, **kw), (z,))  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_linear_cross_entropy_gradcheck(reduction) -> None:
    h, w, b = _leaf(6, 4), _leaf(10, 4, seed=1), _leaf(10, seed=2)
    y = torch.tensor([1, 0, 9, 3, -100, 7])

    def f(h, w, b):
        return ct.linear_cross_entropy(
            h, w, y, linear_bias=b, reduction=reduction, label_smoothing=0.1
        )

    assert torch.autograd.gradcheck(f, (h, w, b))
    ref = F.linear_cross_entropy(
        h, w, y, linear_bias=b, reduction=reduction, label_smoothing=0.1
    )
    torch.testing.assert_close(f(h, w, b), ref, rtol=1e-12, atol=1e-14)


def test_training_steps_match_torch() -> None:
    torch.manual_seed(0)
    emb = torch.nn.Embedding(50, 16)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(16, 32), torch.nn.GELU(), torch.nn.Linear(32, 16)
    )
    head = cnn.LinearCrossEntropyLoss(16, 50)
    models = [torch.nn.ModuleList([emb, mlp, head])]
    models.append(__import__("copy").deepcopy(models[0]))
    opts = [torch.optim.AdamW(m.parameters(), lr=1e-2) for m in models]
    gen = torch.Generator().manual_seed(3)
    for _ in range(5):
        x = torch.randint(0, 50, (8, 6), generator=gen)
        y = torch.randint(0, 50, (8, 6), generator=gen)
        for i, (m, opt) in enumerate(zip(models, opts)):
            hid = m[1](m[0](x))
            if i == 0:
                loss = m[2](hid.reshape(-1, 16), y.reshape(-1))
            else:
                loss = F.cross_entropy(
                    hid.reshape(-1, 16) @ m[2].linear_weight.T, y.reshape(-1)
                )
            opt.zero_grad()
            loss.backward()
            opt.step()
    for p1, p2 in zip(models[0].parameters(), models[1].parameters()):
        torch.testing.assert_close(p1, p2, rtol=1e-4, atol=1e-5)


def test_float32_module_and_cuda_refused() -> None:
    z = torch.randn(5, 7, requires_grad=True)
    y = torch.randint(0, 7, (5,))
    torch.testing.assert_close(cnn.CrossEntropyLoss()(z, y), F.cross_entropy(z, y))
    with pytest.raises(ValueError, match="reduction"):
        ct.cross_entropy(z, y, reduction="avg")
    meta = torch.empty(5, 7, device="meta")
    with pytest.raises(ValueError, match="on meta"):
        ct.cross_entropy(meta, y)


def test_docstring_examples() -> None:
    # the default environment has no torch, so crossent.torch's doctests run here
    import doctest

    import crossent.torch

    failed, tried = doctest.testmod(crossent.torch, optionflags=doctest.ELLIPSIS)
    assert tried >= 2
    assert failed == 0
