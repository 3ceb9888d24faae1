"""Live parity: ``torch.nn.functional.linear_cross_entropy`` and
``torch.nn.LinearCrossEntropyLoss`` (PyTorch 2.13) against the mirrors (#14).

Tolerance 4·eps(dtype)·(1 + |x|)·sqrt(terms) with terms = in_features × classes
(the matmul and the softmax sum); the chunked path (``options``) is held to the
same bar.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.parity

if not hasattr(torch.nn.functional, "linear_cross_entropy"):  # before 2.13
    pytest.skip("torch has no linear_cross_entropy", allow_module_level=True)

from crossent.errors import FrameworkRuntimeError  # noqa: E402
from crossent.frameworks.torch import nn as mirror_nn  # noqa: E402
from crossent.frameworks.torch.nn import functional as mirror_F  # noqa: E402

F = torch.nn.functional
R = np.random.default_rng(213)


def _close(ours: Any, theirs: Any, terms: int) -> None:
    theirs = theirs.detach().numpy()
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    tol = 4 * float(np.finfo(theirs.dtype).eps) * (1 + np.abs(theirs)) * np.sqrt(terms)
    assert np.all(np.abs(ours.astype(np.float64) - theirs) <= tol), (ours, theirs)


def _t(a: Any) -> Any:
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "case",
    ["plain", "bias", "weight", "ignore", "ignore-none", "smoothing", "kdim", "probs"],
)
@pytest.mark.parametrize("chunked", [False, True])
def test_functional(dtype: str, reduction: str, case: str, chunked: bool) -> None:
    n, h, c = 6, 5, 4
    x = R.normal(0, 1, (n, h)).astype(dtype)
    w = R.normal(0, 0.7, (c, 2, h) if case == "kdim" else (c, h)).astype(dtype)
    t: Any = R.integers(0, c, (n, 2) if case == "kdim" else n)
    if case == "probs":
        t = R.dirichlet(np.ones(c), n).astype(dtype)
    kw: dict[str, Any] = {"reduction": reduction}
    if case == "bias":
        kw["linear_bias"] = R.normal(0, 1, c).astype(dtype)
    if case == "weight":
        kw["weight"] = R.uniform(0.5, 2, c).astype(dtype)
    if case == "ignore":
        t[1], kw["ignore_index"] = 2, 2
    if case == "ignore-none":
        t[2], kw["ignore_index"] = -100, None
    if case == "smoothing":
        kw["label_smoothing"] = 0.1
    opts = {"options": torch.nn.LinearCrossEntropyOptions()} if chunked else {}
    with warnings.catch_warnings():
        # "``options`` ignored; chunked path needs ..." (the mirror does not warn)
        warnings.simplefilter("ignore", UserWarning)
        theirs = F.linear_cross_entropy(
            _t(x),
            _t(w),
            _t(t),
            **{k: _t(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()},
            **opts,
        )
    ours = mirror_F.linear_cross_entropy(x, w, t, **kw, options=opts.get("options"))
    _close(ours, theirs, terms=h * c)


def test_dtype_mismatch_raises_runtime_error() -> None:
    x, w = np.ones((2, 3), np.float32), np.ones((4, 3))
    with pytest.raises(RuntimeError) as real:
        F.linear_cross_entropy(_t(x), _t(w), torch.tensor([0, 1]))
    with pytest.raises(FrameworkRuntimeError) as ours:
        mirror_F.linear_cross_entropy(x, w, np.array([0, 1]))
    assert str(real.value) in str(ours.value)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("out_features", [(), (2,)])
def test_module_with_the_real_modules_parameters(
    bias: bool, out_features: tuple
) -> None:
    torch.manual_seed(0)
    real = torch.nn.LinearCrossEntropyLoss(5, 3, out_features=out_features, bias=bias)
    ours = mirror_nn.LinearCrossEntropyLoss(5, 3, out_features=out_features, bias=bias)
    ours.linear_weight = real.linear.weight.detach().numpy()
    if bias:
        ours.linear_bias = real.linear.bias.detach().numpy()
    x = R.normal(0, 1, (4, 5)).astype(np.float32)
    t = R.integers(0, 3, (4, *out_features))
    _close(ours(x, t), real(_t(x), _t(t)), terms=15)
