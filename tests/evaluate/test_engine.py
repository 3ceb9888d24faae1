"""The fast engine: within the kernels' bound of the core, and the same sums for
every batch size, shard layout and backend choice made once per evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crossent
from crossent.evaluate import evaluate
from crossent.evaluate._engine import fast_example_losses, resolve_engine
from crossent.fast import numba_available
from tests.evaluate._data import IGNORE, language_model, save_shards

BACKENDS = ["numpy", *(["numba"] if numba_available() else [])]

Z, LABELS, WEIGHTS = language_model(rows=30, tokens=7, vocab=11)


def _bound(dtype: type, losses: np.ndarray) -> np.ndarray:
    """The kernels' documented per-example bound, 4 eps (1 + |loss|)."""
    return 4 * np.finfo(dtype).eps * (1 + np.abs(losses))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_example_losses_are_within_the_bound_of_the_core(
    backend: str, dtype: type
) -> None:
    rng = np.random.default_rng(1)
    z = (rng.normal(size=(64, 3000)) * 5).astype(dtype)  # rows longer than a chunk
    y = rng.integers(0, 3000, size=64)
    y[::9] = IGNORE
    got, included = fast_example_losses(
        z,
        y,
        kind="categorical",
        axis=1,
        integer_labels=True,
        ignore_index=IGNORE,
        backend=backend,
    )
    core = crossent.softmax_cross_entropy_with_integer_labels(
        z.astype(np.float64), y, ignore_index=IGNORE
    )
    assert included is not None
    assert np.array_equal(included, y != IGNORE)
    assert np.all(np.abs(got - core) <= _bound(dtype, core))


@pytest.mark.parametrize("backend", BACKENDS)
def test_soft_and_binary_losses_are_within_the_bound(backend: str) -> None:
    rng = np.random.default_rng(2)
    z = rng.normal(size=(40, 6, 9)).astype(np.float32) * 3
    soft = rng.dirichlet(np.ones(6), size=(40, 9)).transpose(0, 2, 1)
    got, _ = fast_example_losses(
        z,
        soft,
        kind="categorical",
        axis=1,
        integer_labels=False,
        ignore_index=None,
        backend=backend,
    )
    core = crossent.softmax_cross_entropy(z.astype(np.float64), soft, axis=1)
    assert got.shape == core.shape == (40, 9)
    assert np.all(np.abs(got - core) <= _bound(np.float32, core))
    y = rng.uniform(size=(40, 6)).round()
    got, _ = fast_example_losses(
        z[:, :, 0],
        y,
        kind="binary",
        axis=-1,
        integer_labels=False,
        ignore_index=None,
        backend=backend,
    )
    core = crossent.sigmoid_binary_cross_entropy(z[:, :, 0].astype(np.float64), y)
    assert np.all(np.abs(got - core) <= _bound(np.float32, core))


@pytest.mark.parametrize("backend", BACKENDS)
def test_aggregates_are_within_the_bound_of_the_exact_engine(backend: str) -> None:
    fast = evaluate(Z, LABELS, weights=WEIGHTS, ignore_index=IGNORE, engine=backend)
    exact = evaluate(Z, LABELS, weights=WEIGHTS, ignore_index=IGNORE, engine="exact")
    assert (fast.engine, exact.engine) == (backend, "exact")
    assert (fast.count, fast.sequences) == (exact.count, exact.sequences)
    # Means of per-example errors below 4 eps (1 + |loss|) stay below it.
    for name in ("mean", "weighted_mean", "sequence_mean", "document_mean"):
        a, b = getattr(fast, name), getattr(exact, name)
        assert abs(a - b) <= 4 * np.finfo(np.float32).eps * (1 + abs(b)), name


@pytest.mark.parametrize("backend", [*BACKENDS, "exact"])
@pytest.mark.parametrize("batch_bytes", [1, 5 * 7 * 11 * 4, 4096, 2**30])
def test_the_sums_do_not_depend_on_the_batch_size(
    backend: str, batch_bytes: int
) -> None:
    kwargs = {"weights": WEIGHTS, "ignore_index": IGNORE, "engine": backend}
    single = evaluate(Z, LABELS, batch_bytes=2**40, **kwargs)
    assert evaluate(Z, LABELS, batch_bytes=batch_bytes, **kwargs) == single


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_row_gets_the_same_loss_in_any_batch(backend: str) -> None:
    rng = np.random.default_rng(3)
    z = (rng.normal(size=(50, 4099)) * 4).astype(np.float32)  # 2 chunks and a tail
    y = rng.integers(0, 4099, size=50)
    z[7, 11] = np.inf  # a row the kernels hand to the exact path
    spec = {"kind": "categorical", "axis": 1, "integer_labels": True}
    whole, _ = fast_example_losses(z, y, ignore_index=None, backend=backend, **spec)
    for a, b in [(0, 1), (1, 8), (5, 6), (13, 50), (0, 50)]:
        part, _ = fast_example_losses(
            np.array(z[a:b]), y[a:b], ignore_index=None, backend=backend, **spec
        )
        assert np.array_equal(part, whole[a:b], equal_nan=True), (a, b)


@pytest.mark.parametrize("backend", BACKENDS)
def test_shard_layouts_give_the_same_sums(tmp_path: Path, backend: str) -> None:
    kwargs = {"weights": WEIGHTS, "ignore_index": IGNORE, "engine": backend}
    single = evaluate(Z, LABELS, batch_bytes=2**40, **kwargs)
    for i, cuts in enumerate([[1], [3, 4, 17], list(range(1, 30))]):
        shards = save_shards(tmp_path / f"layout-{i}", Z, cuts)
        assert evaluate(str(shards), LABELS, batch_bytes=3000, **kwargs) == single
    np.save(tmp_path / "z.npy", Z)
    assert evaluate(str(tmp_path / "z.npy"), LABELS, **kwargs) == single


def test_the_backend_is_chosen_once_for_the_whole_set() -> None:
    # Below NUMBA_MIN_ELEMENTS the NumPy kernels; one choice for every batch.
    assert resolve_engine("fast", from_logits=True, host_numpy=True, size=10) == (
        "numpy"
    )
    assert resolve_engine("fast", from_logits=False, host_numpy=True, size=10) == (
        "exact"
    )
    assert resolve_engine("fast", from_logits=True, host_numpy=False, size=10) == (
        "exact"
    )
    if numba_available():
        big = resolve_engine("fast", from_logits=True, host_numpy=True, size=2**30)
        assert big == "numba"


def test_probabilities_and_other_libraries_take_the_core() -> None:
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.ones(5), size=20)
    k = rng.integers(0, 5, size=20)
    assert evaluate(p, k, from_logits=False).engine == "exact"
    with pytest.raises(ValueError, match=r"^evaluate: `engine` 'numba' computes"):
        evaluate(p, k, from_logits=False, engine="numba")
    with pytest.raises(ValueError, match=r"^evaluate: `engine` must be one of"):
        evaluate(p, k, engine="fastest")  # type: ignore[arg-type]


def test_memory_mapped_pages_are_released(tmp_path: Path) -> None:
    from crossent.evaluate._engine import Pages, row_blocks

    z = np.lib.format.open_memmap(
        tmp_path / "z.npy", mode="w+", dtype=np.float32, shape=(64, 1024)
    )
    z[:] = 1.0
    z.flush()
    del z
    readonly = np.load(tmp_path / "z.npy", mmap_mode="r")
    assert Pages(readonly).mm is not None
    # A copy-on-write map may hold writes: only crossent's own is released.
    assert Pages(np.load(tmp_path / "z.npy", mmap_mode="c")).mm is None
    assert Pages(np.load(tmp_path / "z.npy", mmap_mode="c"), ours=True).mm is not None
    assert Pages(np.ones(3)).mm is None
    seen = [(lo, hi) for lo, hi, _ in row_blocks(readonly, 10)]
    assert seen[0] == (0, 10)
    assert seen[-1] == (60, 64)
    assert float(readonly.sum()) == 64 * 1024  # still readable after release
