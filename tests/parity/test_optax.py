"""Live parity: the optax mirrors against the installed optax/JAX (x64 disabled).

Inputs are handed to optax as JAX arrays (``jnp.asarray``), as in a JAX program.
Tolerance per element 4·eps(dtype)·(1 + |optax|)·sqrt(terms); same dtype, shape,
NaN/inf pattern and exception class. Gradients: ``jax.grad`` of sum(output) with
x64 enabled, against central differences of the mirror's plan run in float64.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

jax = pytest.importorskip("jax")
optax_real = pytest.importorskip("optax")
hypothesis = pytest.importorskip("hypothesis")

import jax.numpy as jnp  # noqa: E402
import ml_dtypes  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crossent.frameworks import optax as mirror  # noqa: E402
from crossent.frameworks.optax import _classification as binds  # noqa: E402

pytestmark = pytest.mark.parity

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None)
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.float32, np.float64, np.float16, BF16]


def native(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return jnp.asarray(v)
    if isinstance(v, list):
        return tuple(v)
    return v


def run_optax(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """optax's output as NumPy, or the exception it raised."""
    fn = getattr(optax_real.losses, name)
    try:
        out = fn(
            *[native(a) for a in args], **{k: native(v) for k, v in kwargs.items()}
        )
    except Exception as err:  # optax's exception is the expectation
        return err
    return np.asarray(out)


def check(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    theirs = run_optax(name, args, kwargs)
    if isinstance(theirs, Exception):
        with pytest.raises(type(theirs)):
            getattr(mirror, name)(*args, **kwargs)
        return
    ours = np.asarray(getattr(mirror, name)(*args, **kwargs))
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    a, e = ours.astype(np.float64), theirs.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
    np.testing.assert_array_equal(np.isposinf(a), np.isposinf(e))
    np.testing.assert_array_equal(np.isneginf(a), np.isneginf(e))
    terms = math.ceil(max(np.size(x) for x in args) / max(theirs.size, 1))
    tol = (
        4
        * float(ml_dtypes.finfo(theirs.dtype).eps)
        * (1 + np.abs(e))
        * math.sqrt(terms)
    )
    fin = np.isfinite(e)
    assert np.all(np.abs(a[fin] - e[fin]) <= tol[fin]), (a, e)


@st.composite
def logits_and_axis(draw: Any) -> tuple[np.ndarray, int, np.random.Generator]:
    shape = draw(st.sampled_from([(4,), (3, 5), (0, 3), (2, 3, 4), (5, 2)]))
    dt = draw(st.sampled_from(FLOATS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1.0, 4.0, 40.0]))
    z = (rng.normal(size=shape) * scale).astype(dt)
    axis = draw(st.sampled_from([-1, 0])) if len(shape) > 1 and shape[0] else -1
    return z, axis, rng


def soft_labels(
    rng: np.random.Generator, z: np.ndarray, axis: int, one_hot: bool
) -> np.ndarray:
    moved = np.moveaxis(np.zeros_like(z, dtype=np.float32), axis, -1)
    c = moved.shape[-1]
    if one_hot:
        y = np.eye(c, dtype=np.float32)[rng.integers(0, c, size=moved.shape[:-1])]
    else:
        y = rng.dirichlet(np.ones(c), size=moved.shape[:-1]).astype(np.float32)
    return np.moveaxis(y, -1, axis).astype(z.dtype)


@SETTINGS
@given(logits_and_axis(), st.booleans(), st.booleans())
def test_softmax_cross_entropy(problem: Any, one_hot: bool, masked: bool) -> None:
    z, axis, rng = problem
    y = soft_labels(rng, z, axis, one_hot)
    where = (rng.random(z.shape) < 0.8) if masked else None
    check("softmax_cross_entropy", [z, y], {"axis": axis, "where": where})
    check(
        "poly_loss_cross_entropy",
        [z, y],
        {"axis": axis, "where": where, "epsilon": 1.5},
    )
    if axis == -1:
        check("safe_softmax_cross_entropy", [z, y], {})


@SETTINGS
@given(logits_and_axis(), st.booleans(), st.booleans())
def test_softmax_cross_entropy_with_integer_labels(
    problem: Any, masked: bool, wild: bool
) -> None:
    z, axis, rng = problem
    c = z.shape[axis]
    batch = tuple(np.delete(np.array(z.shape), axis % z.ndim))
    low, high = (-c - 1, c + 2) if wild else (0, c)
    y = rng.integers(low, high, size=batch).astype(np.int32)
    where = (rng.random(z.shape) < 0.8) if masked else None
    check(
        "softmax_cross_entropy_with_integer_labels",
        [z, y],
        {"axis": axis, "where": where},
    )


def test_integer_labels_axis_tuple() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=(2, 3, 4)).astype(np.float32)
    y = rng.integers(0, 12, size=(2,)).astype(np.int32)
    check("softmax_cross_entropy_with_integer_labels", [z, y], {"axis": (1, 2)})
    y = rng.integers(0, 3, size=(4,)).astype(np.int32)
    check("softmax_cross_entropy_with_integer_labels", [z, y], {"axis": (0, 1)})


@st.composite
def binary_problem(draw: Any) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(st.sampled_from([(5,), (3, 4), (0, 2), (2, 2, 3)]))
    dt = draw(st.sampled_from(FLOATS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = (rng.normal(size=shape) * draw(st.sampled_from([1.0, 10.0, 100.0]))).astype(dt)
    if draw(st.booleans()):
        y = (rng.random(shape) < 0.5).astype(dt)
    else:
        y = rng.uniform(0, 1, size=shape).astype(dt)
    return x, y


@SETTINGS
@given(
    binary_problem(),
    st.sampled_from([None, 0.25, 0.7]),
    st.sampled_from([0.0, 1.0, 2.0, 3.5]),
)
def test_sigmoid_losses(problem: Any, alpha: Any, gamma: float) -> None:
    x, y = problem
    check("sigmoid_binary_cross_entropy", [x, y], {})
    check("sigmoid_focal_loss", [x, y], {"alpha": alpha, "gamma": gamma})


def test_sigmoid_infinities() -> None:
    x = np.float32([np.inf, np.inf, -np.inf, -np.inf, 1e3, -1e3, 0])
    y = np.float32([0, 1, 0, 1, 0, 1, 1])
    check("sigmoid_binary_cross_entropy", [x, y], {})
    check("sigmoid_focal_loss", [x, y], {"alpha": 0.25})


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0])
def test_smooth_labels(dtype: Any, alpha: float) -> None:
    y = np.eye(4)[[0, 3, 1]].astype(dtype)
    check("smooth_labels", [y, alpha], {})
    check("smooth_labels", [y, alpha], {"axis": 0})
    where = np.array([[True, True, False, True]] * 3)
    check("smooth_labels", [y, alpha], {"where": where})


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        (
            "softmax_cross_entropy_with_integer_labels",
            [np.float32([[1, 2]]), np.float32([1])],
            {},
        ),
        (
            "softmax_cross_entropy",
            [np.array([[1, 2]], np.int32), np.float32([[0, 1]])],
            {},
        ),
        ("softmax_cross_entropy", [np.float32([[1, 2, 3]]), np.float32([[0, 1]])], {}),
        (
            "safe_softmax_cross_entropy",
            [np.float32([[1, 2, 3]]), np.float32([[0, 1]])],
            {},
        ),
        (
            "poly_loss_cross_entropy",
            [np.float32([[1, 2]]), np.array([[0, 1]], np.int32)],
            {},
        ),
        (
            "poly_loss_cross_entropy",
            [np.float32([[1, 2]] * 3), np.float32([[0, 1]] * 3)],
            {"where": np.array([True, False, True])},
        ),
        (
            "sigmoid_binary_cross_entropy",
            [np.array([1, 2], np.int32), np.float32([0, 1])],
            {},
        ),
        ("smooth_labels", [np.array([[0, 1]], np.int32), 0.1], {}),
        (
            "softmax_cross_entropy_with_integer_labels",
            [np.float32([[1, 2]]), np.array([1], np.int32)],
            {"axis": 2},
        ),
    ],
)
def test_invalid_input_raises_the_same_class(
    name: str, args: list[Any], kwargs: dict[str, Any]
) -> None:
    theirs = run_optax(name, args, kwargs)
    assert isinstance(theirs, Exception)
    with pytest.raises(type(theirs)):
        getattr(mirror, name)(*args, **kwargs)


# --- gradients: jax.grad with x64 enabled vs central differences in float64 ---


def mirror_float64(
    bind: Any, labels: np.ndarray, logits: np.ndarray, **kw: Any
) -> np.ndarray:
    """The mirror's plan run on float64 arrays (its own entry point casts to float32)."""
    plan, state = bind(labels, logits, **kw)
    y = labels if labels.dtype.kind == "f" else state["y_true"]
    return np.asarray(plan.run({**state, "y_pred": logits, "y_true": y})["value"])


def central_difference(f: Any, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


GRADIENT_CASES = [
    ("softmax_cross_entropy", binds.plan_softmax_cross_entropy, "soft", {}),
    ("safe_softmax_cross_entropy", binds.plan_safe_softmax_cross_entropy, "soft", {}),
    (
        "softmax_cross_entropy_with_integer_labels",
        binds.plan_softmax_cross_entropy_with_integer_labels,
        "int",
        {},
    ),
    (
        "poly_loss_cross_entropy",
        binds.plan_poly_loss_cross_entropy,
        "soft",
        {"epsilon": 2.0},
    ),
    (
        "sigmoid_binary_cross_entropy",
        binds.plan_sigmoid_binary_cross_entropy,
        "binary",
        {},
    ),
    (
        "sigmoid_focal_loss",
        binds.plan_sigmoid_focal_loss,
        "binary",
        {"alpha": 0.3, "gamma": 1.5},
    ),
]


@pytest.mark.parametrize(("name", "bind", "kind", "kw"), GRADIENT_CASES)
@pytest.mark.parametrize("seed", range(4))
def test_gradient(
    name: str, bind: Any, kind: str, kw: dict[str, Any], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(3, 4)) * 2
    if kind == "soft":
        y = rng.dirichlet(np.ones(4), size=3)
    elif kind == "int":
        y = rng.integers(0, 4, size=3).astype(np.int32)
    else:
        y = rng.uniform(0, 1, size=(3, 4))
    fn = getattr(optax_real.losses, name)
    with jax.enable_x64(True):
        expected = np.asarray(
            jax.grad(lambda x: jnp.sum(fn(x, jnp.asarray(y), **kw)))(jnp.asarray(z))
        )
    assert expected.dtype == np.float64
    got = central_difference(lambda v: mirror_float64(bind, y, v, **kw), z)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
