"""Row blocks (``crossent._core._blocks``): large NumPy inputs are computed a block of
rows at a time; the numbers must be those of the whole-array computation, bit for bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import crossent
from crossent._core import _blocks


def _assert_same(a: np.ndarray, b: np.ndarray) -> None:
    """Equal to the bit (−0.0 is not 0.0), NaN at the same places. A NaN's sign and
    payload are not compared: NumPy's SIMD and scalar loops (a block's tail runs the
    scalar one) make NaNs of either sign from the same inf − inf."""
    nan = np.isnan(a)
    np.testing.assert_array_equal(nan, np.isnan(b))
    bits = f"u{a.dtype.itemsize}"
    np.testing.assert_array_equal(
        np.ascontiguousarray(a).view(bits)[~nan],
        np.ascontiguousarray(b).view(bits)[~nan],
    )


def _inputs(dtype: Any, shape: tuple[int, ...], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 8, shape)
    flat = z.reshape(-1)
    # special values scattered over the rows: ±inf, NaN, huge and tiny logits
    idx = rng.choice(flat.size, 64, replace=False)
    flat[idx[:8]] = np.inf
    flat[idx[8:16]] = -np.inf
    flat[idx[16:20]] = np.nan
    flat[idx[20:40]] = 3e4
    flat[idx[40:64]] = -3e4
    z[..., 3, :] = -np.inf  # whole rows of -inf
    z = z.astype(dtype)
    p = rng.dirichlet(np.ones(shape[-1]), shape[:-1]).astype(dtype)
    p.reshape(-1)[idx[:6]] = 0.0
    labels = rng.integers(0, shape[-1], shape[:-1])
    y = np.eye(shape[-1], dtype=dtype)[labels]
    soft = rng.dirichlet(np.ones(shape[-1]) * 0.3, shape[:-1]).astype(dtype)
    return {"z": z, "p": p, "labels": labels, "y": y, "soft": soft}


CASES: dict[str, Callable[[dict[str, np.ndarray]], Any]] = {
    "softmax_ce one-hot": lambda d: crossent.softmax_cross_entropy(d["z"], d["y"]),
    "softmax_ce soft": lambda d: crossent.softmax_cross_entropy(d["z"], d["soft"]),
    "softmax_ce integer": lambda d: crossent.softmax_cross_entropy_with_integer_labels(
        d["z"], d["labels"]
    ),
    "softmax_ce integer ignore": lambda d: (
        crossent.softmax_cross_entropy_with_integer_labels(
            d["z"], np.where(d["labels"] == 1, -100, d["labels"]), ignore_index=-100
        )
    ),
    "cross_entropy one-hot": lambda d: crossent.cross_entropy(d["p"], d["y"]),
    "cross_entropy soft": lambda d: crossent.cross_entropy(d["p"], d["soft"]),
    "binary_cross_entropy": lambda d: crossent.binary_cross_entropy(d["p"], d["soft"]),
    "sigmoid_bce": lambda d: crossent.sigmoid_binary_cross_entropy(d["z"], d["soft"]),
    "sigmoid_bce pos_weight scalar": lambda d: crossent.sigmoid_binary_cross_entropy(
        d["z"], d["y"], pos_weight=3.0
    ),
    "sigmoid_bce pos_weight per class": lambda d: crossent.sigmoid_binary_cross_entropy(
        d["z"], d["y"], pos_weight=np.linspace(0, 5, d["z"].shape[-1])
    ),
    "sigmoid_bce pos_weight per element": lambda d: (
        crossent.sigmoid_binary_cross_entropy(d["z"], d["y"], pos_weight=d["soft"] * 4)
    ),
    "logsumexp": lambda d: crossent.logsumexp(d["z"]),
    "log_softmax": lambda d: crossent.log_softmax(d["z"]),
}

_MODULE = {
    "logsumexp": "crossent._core._logsumexp.by_rows",
    "log_softmax": "crossent._core._logsumexp.by_rows",
    "cross_entropy": "crossent._core._categorical.by_rows",
    "binary_cross_entropy": "crossent._core._blocks.by_rows",
    "sigmoid_bce": "crossent._core._blocks.by_rows",
}


def _count_blocks(monkeypatch, target: str) -> dict[str, int]:
    """Patch ``by_rows`` where ``target`` names it so that ``calls["n"]`` counts the
    computations it runs (one when the input is computed whole)."""
    calls = {"n": 0}
    by_rows = _blocks.by_rows

    def counting(compute, *args, **kwargs):
        def counted(*a):
            calls["n"] += 1
            return compute(*a)

        return by_rows(counted, *args, **kwargs)

    monkeypatch.setattr(target, counting)
    return calls


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape", [(700, 500), (3, 40, 2_500), (90_000, 3)])
def test_blocked_equals_whole_bit_for_bit(
    name: str, dtype: Any, shape: tuple[int, ...], monkeypatch
) -> None:
    data = _inputs(dtype, shape, seed=len(name) + shape[-1])
    target = next(
        (m for k, m in _MODULE.items() if name.startswith(k)),
        "crossent._core._categorical.by_rows",
    )
    calls = _count_blocks(monkeypatch, target)
    with np.errstate(all="ignore"):
        blocked = CASES[name](data)
    assert calls["n"] > 4  # it did run in blocks
    monkeypatch.setattr(_blocks, "BLOCK_ELEMENTS", 1 << 40)
    calls["n"] = 0
    with np.errstate(all="ignore"):
        whole = CASES[name](data)
    assert calls["n"] == 1
    assert blocked.dtype == whole.dtype == np.dtype(dtype)
    assert blocked.shape == whole.shape
    _assert_same(blocked, whole)


def test_non_contiguous_inputs_and_other_axes_are_computed_whole(monkeypatch) -> None:
    z = np.random.default_rng(0).normal(size=(1000, 600))
    y = np.eye(600)[np.arange(1000) % 600]
    calls = _count_blocks(monkeypatch, "crossent._core._categorical.by_rows")
    crossent.softmax_cross_entropy(z, y)
    assert calls["n"] > 1
    for zz, yy, axis in [(z[:, ::-1], y[:, ::-1], -1), (z.T, y.T, 0)]:
        calls["n"] = 0
        crossent.softmax_cross_entropy(zz, yy, axis=axis)
        assert calls["n"] <= 1  # one whole computation (axis 0 never reaches by_rows)
