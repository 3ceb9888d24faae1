"""Live parity: the torch mirrors against the installed PyTorch (CPU).

Hypothesis inputs (deterministic); tolerance per element
4·eps(dtype)·(1 + |torch|)·sqrt(terms), same dtype, shape and NaN/inf pattern;
the same exception class for invalid input; autograd gradients of sum(output)
in float64 against central differences of the mirror.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")

import ml_dtypes  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crossent.frameworks.torch import nn as mnn  # noqa: E402
from crossent.frameworks.torch.nn import functional as MF  # noqa: E402

pytestmark = pytest.mark.parity

F = torch.nn.functional
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)
BF16 = np.dtype(ml_dtypes.bfloat16)


def to_torch(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        if x.dtype == BF16:
            return torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(np.array(x, copy=True))
    return x


def to_numpy(t: Any) -> np.ndarray:
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.float().numpy().astype(BF16)
    return t.numpy()


def assert_parity(ours: Any, theirs: np.ndarray, terms: int) -> None:
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    a, e = ours.astype(np.float64), theirs.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(e))
    np.testing.assert_array_equal(np.isneginf(a), np.isneginf(e))
    eps = float(ml_dtypes.finfo(theirs.dtype).eps)
    tol = 4 * eps * (1 + np.abs(e)) * math.sqrt(max(terms, 1))
    fin = np.isfinite(e)
    assert np.all(np.abs(a[fin] - e[fin]) <= tol[fin]), (a, e)


def run_torch(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """torch's output as NumPy, or the exception torch raised."""
    try:
        out = getattr(F, name)(
            *[to_torch(a) for a in args], **{k: to_torch(v) for k, v in kwargs.items()}
        )
    except Exception as err:  # torch's exception is the expectation
        return err
    return to_numpy(out)


def check(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Run ``name`` in torch and in the mirror; compare values or exceptions."""
    theirs = run_torch(name, args, kwargs)
    if isinstance(theirs, Exception):
        with pytest.raises(type(theirs)):
            getattr(MF, name)(*args, **kwargs)
        return
    ours = getattr(MF, name)(*args, **kwargs)
    n_in = max(np.size(a) for a in args)
    assert_parity(ours, theirs, math.ceil(n_in / max(theirs.size, 1)))


dtypes = st.sampled_from([np.float32, np.float64])
reductions = st.sampled_from(["mean", "sum", "none"])


@st.composite
def ce_problems(draw: Any, probability: bool = False) -> tuple[Any, ...]:
    n = draw(st.integers(0 if not probability else 1, 9))
    c = draw(st.integers(2, 6))
    k = draw(st.sampled_from([(), (), (3,), (2, 2)]))
    dt = draw(dtypes)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1.0, 5.0, 30.0]))
    z = (rng.normal(size=(n, c, *k)) * scale).astype(dt)
    if probability:
        t = rng.dirichlet(np.ones(c), size=(n, *k)).astype(dt)
        t = np.moveaxis(t, -1, 1)
    else:
        t = rng.integers(0, c, size=(n, *k))
        if draw(st.booleans()):
            t[rng.random(t.shape) < 0.3] = -100
    w = rng.uniform(0.1, 3.0, size=c).astype(dt) if draw(st.booleans()) else None
    return z, t, w


@SETTINGS
@given(ce_problems(), reductions, st.sampled_from([0.0, 0.0, 0.1, 0.45, 1.0]))
def test_cross_entropy_class_indices(problem: Any, reduction: str, ls: float) -> None:
    z, t, w = problem
    check(
        "cross_entropy",
        [z, t],
        {"weight": w, "reduction": reduction, "label_smoothing": ls},
    )


@SETTINGS
@given(ce_problems(probability=True), reductions, st.sampled_from([0.0, 0.2]))
def test_cross_entropy_probabilities(problem: Any, reduction: str, ls: float) -> None:
    z, t, w = problem
    check(
        "cross_entropy",
        [z, t],
        {"weight": w, "reduction": reduction, "label_smoothing": ls},
    )


@SETTINGS
@given(ce_problems(), reductions, st.sampled_from([-100, 0, 1]))
def test_nll_loss(problem: Any, reduction: str, ignore_index: int) -> None:
    z, t, w = problem
    log_p = to_numpy(F.log_softmax(to_torch(z), dim=1)) if z.size else z
    check(
        "nll_loss",
        [log_p, t],
        {"weight": w, "reduction": reduction, "ignore_index": ignore_index},
    )


@st.composite
def binary_problems(draw: Any, logits: bool) -> tuple[Any, ...]:
    shape = draw(st.sampled_from([(0,), (1,), (5,), (3, 4), (2, 3, 2)]))
    dt = draw(dtypes)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if logits:
        x = (rng.normal(size=shape) * draw(st.sampled_from([1.0, 10.0, 60.0]))).astype(
            dt
        )
    else:
        x = rng.uniform(0, 1, size=shape)
        x[rng.random(shape) < 0.15] = 0.0
        x[rng.random(shape) < 0.15] = 1.0
        x = x.astype(dt)
    y = (rng.random(shape) < 0.5).astype(dt)
    if draw(st.booleans()):
        y = rng.uniform(0, 1, size=shape).astype(dt)
    w = None
    if draw(st.booleans()) and shape[-1]:
        w = rng.uniform(0.1, 2.0, size=shape[-1:]).astype(dt)
    return x, y, w


@SETTINGS
@given(binary_problems(logits=False), reductions)
def test_binary_cross_entropy(problem: Any, reduction: str) -> None:
    p, y, w = problem
    check("binary_cross_entropy", [p, y], {"weight": w, "reduction": reduction})


@SETTINGS
@given(binary_problems(logits=True), reductions, st.booleans())
def test_binary_cross_entropy_with_logits(
    problem: Any, reduction: str, pw: bool
) -> None:
    x, y, w = problem
    pos_weight = None
    if pw and x.shape[-1]:
        pos_weight = np.linspace(0.5, 3.0, x.shape[-1]).astype(x.dtype)
    check(
        "binary_cross_entropy_with_logits",
        [x, y],
        {"weight": w, "reduction": reduction, "pos_weight": pos_weight},
    )


@pytest.mark.parametrize("dtype", [np.float16, BF16])
@pytest.mark.parametrize("seed", range(6))
def test_half_precision(dtype: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = (rng.normal(size=(7, 5)) * 3).astype(dtype)
    t = rng.integers(0, 5, size=7)
    for reduction in ("none", "mean", "sum"):
        check("cross_entropy", [z, t], {"reduction": reduction})
        check("cross_entropy", [z, t], {"reduction": reduction, "label_smoothing": 0.1})
        check("nll_loss", [z, t], {"reduction": reduction})
        p = rng.uniform(0, 1, size=(4, 3)).astype(dtype)
        y = (rng.random((4, 3)) < 0.5).astype(dtype)
        check("binary_cross_entropy", [p, y], {"reduction": reduction})
        check(
            "binary_cross_entropy_with_logits", [z[:4, :3], y], {"reduction": reduction}
        )


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("cross_entropy", [np.float32([[1, 2]]), np.array([2])], {}),
        ("cross_entropy", [np.float32([[1, 2]]), np.array([-1])], {}),
        ("cross_entropy", [np.float32([[1, 2]]), np.array([1], np.int32)], {}),
        ("cross_entropy", [np.float32([[1, 2]]), np.array([1, 0])], {}),
        (
            "cross_entropy",
            [np.float32([[1, 2]]), np.float32([[1, 0]])],
            {"ignore_index": 0},
        ),
        (
            "cross_entropy",
            [np.float32([[1, 2]]), np.array([1])],
            {"label_smoothing": 2.0},
        ),
        ("cross_entropy", [np.float32([[1, 2]]), np.array([1])], {"reduction": "avg"}),
        (
            "cross_entropy",
            [np.float32([[1, 2]]), np.array([1])],
            {"weight": np.float32([1])},
        ),
        (
            "cross_entropy",
            [np.float32([[1, 2]]), np.array([1])],
            {"weight": np.float64([1, 1])},
        ),
        ("cross_entropy", [np.array([[1, 2]]), np.array([1])], {}),
        ("cross_entropy", [np.float32([[1, 2]]), np.array([[1, 0]])], {}),
        ("nll_loss", [np.float32([[1, 2]]), np.array([5])], {}),
        ("binary_cross_entropy", [np.float32([1.5]), np.float32([1])], {}),
        ("binary_cross_entropy", [np.float32([np.nan]), np.float32([1])], {}),
        ("binary_cross_entropy", [np.float32([0.5]), np.float32([-1])], {}),
        ("binary_cross_entropy", [np.float32([0.5, 0.5]), np.float32([1])], {}),
        ("binary_cross_entropy", [np.float32([0.5]), np.float64([1])], {}),
        (
            "binary_cross_entropy_with_logits",
            [np.float32([0.5, 0.5]), np.float32([1])],
            {},
        ),
        ("binary_cross_entropy_with_logits", [np.array([1]), np.array([1])], {}),
    ],
)
def test_invalid_input_raises_the_same_class(
    name: str, args: list[Any], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(Exception) as real:
        getattr(F, name)(
            *[to_torch(a) for a in args], **{k: to_torch(v) for k, v in kwargs.items()}
        )
    with pytest.raises(type(real.value)):
        getattr(MF, name)(*args, **kwargs)


def test_loss_classes_match_functional() -> None:
    rng = np.random.default_rng(7)
    z, t = rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 4, size=6)
    w = np.float32([1, 2, 3, 4])
    theirs = torch.nn.CrossEntropyLoss(weight=to_torch(w), label_smoothing=0.2)(
        to_torch(z), to_torch(t)
    )
    assert_parity(
        mnn.CrossEntropyLoss(weight=w, label_smoothing=0.2)(z, t), to_numpy(theirs), 4
    )
    theirs = torch.nn.NLLLoss(ignore_index=1, reduction="sum")(to_torch(z), to_torch(t))
    assert_parity(
        mnn.NLLLoss(ignore_index=1, reduction="sum")(z, t), to_numpy(theirs), 4
    )
    p, y = (
        rng.uniform(size=(6, 4)).astype(np.float32),
        (rng.random((6, 4)) < 0.5).astype(np.float32),
    )
    theirs = torch.nn.BCELoss(weight=to_torch(w))(to_torch(p), to_torch(y))
    assert_parity(mnn.BCELoss(weight=w)(p, y), to_numpy(theirs), 24)
    theirs = torch.nn.BCEWithLogitsLoss(pos_weight=to_torch(w))(
        to_torch(z), to_torch(y)
    )
    assert_parity(mnn.BCEWithLogitsLoss(pos_weight=w)(z, y), to_numpy(theirs), 24)


# --- gradients: torch autograd (float64) vs central differences of the mirror ---


def central_difference(f: Any, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


def torch_gradient(name: str, x: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    out = getattr(F, name)(
        xt, *[to_torch(a) for a in args], **{k: to_torch(v) for k, v in kwargs.items()}
    )
    out.sum().backward()
    return xt.grad.numpy()


@SETTINGS
@given(
    st.integers(0, 2**32 - 1), reductions, st.sampled_from([0.0, 0.1]), st.booleans()
)
def test_cross_entropy_gradient(
    seed: int, reduction: str, ls: float, prob: bool
) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(3, 4)) * 2
    t = rng.dirichlet(np.ones(4), size=3) if prob else rng.integers(0, 4, size=3)
    w = rng.uniform(0.5, 2, size=4)
    kw = {"weight": w, "reduction": reduction, "label_smoothing": ls}
    expected = torch_gradient("cross_entropy", z, t, **kw)
    got = central_difference(lambda v: MF.cross_entropy(v, t, **kw), z)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@SETTINGS
@given(st.integers(0, 2**32 - 1), reductions, st.booleans())
def test_binary_gradients(seed: int, reduction: str, logits: bool) -> None:
    rng = np.random.default_rng(seed)
    y = rng.uniform(0, 1, size=(2, 3))
    w = rng.uniform(0.5, 2, size=3)
    if logits:
        x = rng.normal(size=(2, 3)) * 3
        kw = {
            "weight": w,
            "reduction": reduction,
            "pos_weight": np.array([0.5, 1.0, 3.0]),
        }
        name = "binary_cross_entropy_with_logits"
    else:
        x = rng.uniform(0.05, 0.95, size=(2, 3))  # away from the −100 clamp
        kw = {"weight": w, "reduction": reduction}
        name = "binary_cross_entropy"
    expected = torch_gradient(name, x, y, **kw)
    got = central_difference(lambda v: getattr(MF, name)(v, y, **kw), x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@SETTINGS
@given(st.integers(0, 2**32 - 1), reductions)
def test_nll_loss_gradient(seed: int, reduction: str) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3))
    t = np.array([0, 2, -100, 1])
    expected = torch_gradient("nll_loss", x, t, reduction=reduction)
    got = central_difference(lambda v: MF.nll_loss(v, t, reduction=reduction), x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
