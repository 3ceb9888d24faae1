"""The core on any array-API array: same library, same device, same dtype, same values.

NumPy and array-api-strict run in the default suite; PyTorch (CPU), JAX (CPU, with
and without x64) and Dask run with ``-m parity``, as do PyTorch on CUDA and CuPy
where a GPU and CuPy are present (skipped otherwise). The reference is the NumPy core on
the same values (itself checked against mpmath elsewhere); libraries that compute in
float64 agree with it to a few ulp, JAX without x64 computes in float32.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import crossent
from tests.arrays._cases import CASES, inputs, reference


@dataclass(frozen=True)
class Library:
    """How to build arrays of one library and what its results must look like."""

    name: str
    to: Callable[[np.ndarray], Any]
    to_numpy: Callable[[Any], np.ndarray]
    is_native: Callable[[Any], bool]
    context: Callable[[], contextlib.AbstractContextManager[Any]]
    rtol64: float  # against the NumPy reference, float64 inputs
    rtol32: float  # float32 inputs
    has_float16: bool = True
    atol: float = 0.0  # for a float32 working dtype: what underflows there


def _numpy() -> Library:
    return Library(
        "numpy",
        np.asarray,
        np.asarray,
        lambda r: isinstance(r, (np.ndarray, np.generic)),
        contextlib.nullcontext,
        0.0,
        0.0,
    )


def _strict() -> Library:
    xps = pytest.importorskip("array_api_strict")
    return Library(
        "array_api_strict",
        xps.asarray,
        np.from_dlpack,
        lambda r: type(r).__module__.startswith("array_api_strict"),
        contextlib.nullcontext,
        # A thin layer over NumPy, but NumPy arrays alone take the core's exact
        # float64 path: the plain formulas agree with it to a few ulp.
        1e-13,
        0.0,
        has_float16=False,  # the standard has no float16
    )


def _torch() -> Library:
    torch = pytest.importorskip("torch")
    return Library(
        "torch",
        lambda a: torch.asarray(a, device="cpu"),
        lambda r: r.detach().cpu().numpy(),
        lambda r: isinstance(r, torch.Tensor) and r.device.type == "cpu",
        contextlib.nullcontext,
        1e-13,
        1e-6,
    )


def _torch_cuda() -> Library:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    return Library(
        "torch_cuda",
        lambda a: torch.asarray(a, device="cuda"),
        lambda r: r.detach().cpu().numpy(),
        lambda r: isinstance(r, torch.Tensor) and r.device.type == "cuda",
        contextlib.nullcontext,
        1e-13,  # float64 on the GPU; CUDA's exp/log1p differ from NumPy's by ulps
        1e-6,
    )


def _cupy() -> Library:
    cp = pytest.importorskip("cupy")
    return Library(
        "cupy",
        cp.asarray,
        cp.asnumpy,
        lambda r: isinstance(r, cp.ndarray),
        contextlib.nullcontext,
        1e-13,
        1e-6,
    )


def _jax(x64: bool) -> Library:
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    return Library(
        "jax_x64" if x64 else "jax",
        jnp.asarray,
        np.asarray,
        lambda r: isinstance(r, jax.Array),
        lambda: jax.enable_x64(x64),
        1e-13 if x64 else 5e-6,  # without x64 the working dtype is float32
        1e-6 if x64 else 5e-6,
        atol=0.0 if x64 else float(np.finfo(np.float32).tiny),
    )


def _dask() -> Library:
    da = pytest.importorskip("dask.array")

    @contextlib.contextmanager
    def synchronous() -> Iterator[None]:
        import dask

        with dask.config.set(scheduler="synchronous"):
            yield

    return Library(
        "dask",
        lambda a: da.from_array(a, chunks=3 if a.ndim else ()),
        lambda r: np.asarray(r.compute()),
        lambda r: isinstance(r, da.Array),
        synchronous,
        1e-13,  # the plain formulas on each chunk (NumPy arrays: exact path)
        0.0,
    )


LIBRARIES = [
    pytest.param(_numpy, id="numpy"),
    pytest.param(_strict, id="array_api_strict"),
    pytest.param(_torch, id="torch", marks=pytest.mark.parity),
    pytest.param(_torch_cuda, id="torch_cuda", marks=pytest.mark.parity),
    pytest.param(_cupy, id="cupy", marks=pytest.mark.parity),
    pytest.param(lambda: _jax(False), id="jax", marks=pytest.mark.parity),
    pytest.param(lambda: _jax(True), id="jax_x64", marks=pytest.mark.parity),
    pytest.param(_dask, id="dask", marks=pytest.mark.parity),
]


@pytest.fixture(params=LIBRARIES)
def lib(request: pytest.FixtureRequest) -> Library:
    made: Library = request.param()
    return made


def _input_dtype(lib: Library, dtype: Any) -> Any:
    with lib.context():
        return lib.to(np.zeros(1, dtype)).dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_library_dtype_and_values(lib: Library, case: str, dtype: Any) -> None:
    with lib.context():
        out = CASES[case](lib.to, inputs(dtype))
        assert lib.is_native(out), f"{case} returned {type(out)!r}"
        assert out.dtype == _input_dtype(lib, dtype)
        got = lib.to_numpy(out)
    # JAX without x64 turns float64 inputs into float32: compare like with like.
    expected = reference(case, got.dtype)
    assert got.shape == expected.shape
    rtol = lib.rtol64 if got.dtype == np.float64 else lib.rtol32
    if rtol == 0.0:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(
            got, expected, rtol=rtol, atol=lib.atol, equal_nan=True
        )


@pytest.mark.parametrize(
    "case", ["integer_labels", "softmax_cross_entropy", "logsumexp"]
)
def test_half_precision_inputs_keep_their_dtype(lib: Library, case: str) -> None:
    if not lib.has_float16:
        pytest.skip(f"{lib.name} has no float16")
    expected = reference(case, np.float16)
    with lib.context():
        out = CASES[case](lib.to, inputs(np.float16))
        assert lib.is_native(out)
        assert out.dtype == _input_dtype(lib, np.float16)
        got = lib.to_numpy(out).astype(np.float64)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=0, equal_nan=True)


def test_integer_logits_are_rejected_with_the_library_dtype(lib: Library) -> None:
    with lib.context():
        z = lib.to(np.zeros((2, 3), dtype=np.int32))
        with pytest.raises(TypeError, match=r"^log_softmax: `x` must have a floating"):
            crossent.log_softmax(z)


def test_out_of_range_labels_name_the_values(lib: Library) -> None:
    with lib.context():
        z = lib.to(np.zeros((3, 4), dtype=np.float32))
        k = lib.to(np.array([0, 4, 7], dtype=np.int32))
        with pytest.raises(ValueError, match=r"must be in \[0, 4\); got \[4, 7\]"):
            crossent.softmax_cross_entropy_with_integer_labels(z, k)


def test_probabilities_outside_unit_interval_are_rejected(lib: Library) -> None:
    with lib.context():
        p = lib.to(np.array([[0.5, 1.5]], dtype=np.float32))
        y = lib.to(np.array([[0.0, 1.0]], dtype=np.float32))
        with pytest.raises(ValueError, match=r"must be probabilities in \[0, 1\]"):
            crossent.cross_entropy(p, y)
