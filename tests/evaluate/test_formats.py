"""evaluate() on Zarr, Parquet, framework tensors and Dask arrays (parity suite).

Every layout must give the exact totals of the in-memory NumPy evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from crossent.evaluate import evaluate
from tests.evaluate._data import IGNORE, language_model

pytestmark = pytest.mark.parity

Z, LABELS, WEIGHTS = language_model(rows=31)


@pytest.fixture(scope="module")
def expected() -> object:
    return evaluate(Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS)


@pytest.fixture(scope="module")
def expected_exact() -> object:
    """The float64 core's result: what arrays of other libraries are computed with."""
    return evaluate(Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS, engine="exact")


def _evaluate(predictions: object, labels: object, **kwargs: object) -> object:
    return evaluate(predictions, labels, ignore_index=IGNORE, **kwargs)


# ----------------------------------------------------------------------------- Zarr


@pytest.fixture(scope="module")
def zarr_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    zarr = pytest.importorskip("zarr")
    path = tmp_path_factory.mktemp("zarr") / "eval.zarr"
    group = zarr.open_group(str(path), mode="w")
    for name, array, rows in [
        ("logits", Z, 4),
        ("labels", LABELS, 10),
        ("w", WEIGHTS, 31),
    ]:
        a = group.create_array(
            name, shape=array.shape, chunks=(rows, *array.shape[1:]), dtype=array.dtype
        )
        a[:] = array
    return path


@pytest.mark.parametrize("batch_bytes", [900, 2**20])
def test_zarr_group_members(
    zarr_store: Path, expected: object, batch_bytes: int
) -> None:
    got = _evaluate(
        f"{zarr_store}:logits",
        f"{zarr_store}:labels",
        weights=f"{zarr_store}:w",
        batch_bytes=batch_bytes,
    )
    assert got == expected


def test_zarr_array_objects(zarr_store: Path, expected: object) -> None:
    zarr = pytest.importorskip("zarr")
    group = zarr.open_group(str(zarr_store), mode="r")
    got = _evaluate(
        group["logits"], group["labels"], weights=group["w"], batch_bytes=900
    )
    assert got == expected


def test_zarr_group_without_a_member_is_refused(zarr_store: Path) -> None:
    with pytest.raises(
        ValueError, match=r"`predictions` must name an array of the Zarr group"
    ):
        _evaluate(str(zarr_store), LABELS)


# ----------------------------------------------------------------------------- Parquet


def _fixed_lists(array: np.ndarray) -> object:
    pa = pytest.importorskip("pyarrow")
    values = pa.array(array.reshape(-1))
    for size in reversed(array.shape[1:]):
        values = pa.FixedSizeListArray.from_arrays(values, size)
    return values


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    root = tmp_path_factory.mktemp("parquet")
    (root / "set").mkdir()
    for i, (a, b) in enumerate([(0, 12), (12, 31)]):
        table = pa.table(
            {
                "logits": _fixed_lists(Z[a:b]),
                # variable-length list type with uniform lengths, as from pandas
                "labels": pa.array([list(r) for r in LABELS[a:b]]),
                "weights": _fixed_lists(WEIGHTS[a:b]),
            }
        )
        pq.write_table(table, root / "set" / f"part-{i}.parquet", row_group_size=5)
    return root / "set"


def test_parquet_directory_columns(parquet_dir: Path, expected: object) -> None:
    got = _evaluate(
        f"{parquet_dir}:logits",
        f"{parquet_dir}:labels",
        weights=f"{parquet_dir}:weights",
    )
    assert got == expected


def test_parquet_single_file_against_npy_labels(
    parquet_dir: Path, tmp_path: Path
) -> None:
    np.save(tmp_path / "labels.npy", LABELS[:12])
    got = _evaluate(
        f"{parquet_dir / 'part-0.parquet'}:logits", str(tmp_path / "labels.npy")
    )
    assert got == _evaluate(Z[:12], LABELS[:12])


def test_parquet_ragged_lists_are_refused(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(
        pa.table({"p": pa.array([[0.0, 1.0], [0.0]])}), tmp_path / "r.parquet"
    )
    with pytest.raises(ValueError, match=r"must hold lists of one length"):
        evaluate(str(tmp_path / "r.parquet"), np.zeros(2, np.int64))


# ----------------------------------------------------------------------------- tensors


def test_torch_tensors_are_computed_by_torch(expected_exact: object) -> None:
    torch = pytest.importorskip("torch")
    got = _evaluate(
        torch.asarray(Z),
        torch.asarray(LABELS),
        weights=torch.asarray(WEIGHTS),
        batch_bytes=4000,
    )
    assert got.count == expected_exact.count
    # torch's exp/log1p differ from NumPy's by an ulp: equal to float64 rounding.
    for name in ("mean", "weighted_mean", "sequence_mean", "mean_sequence_perplexity"):
        assert getattr(got, name) == pytest.approx(
            getattr(expected_exact, name), rel=1e-14
        )


def test_torch_cuda_tensors(expected_exact: object) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    z, labels = torch.asarray(Z, device="cuda"), torch.asarray(LABELS, device="cuda")
    got = _evaluate(z, labels, weights=WEIGHTS, batch_bytes=4000)
    assert got.count == expected_exact.count
    assert got.mean == pytest.approx(expected_exact.mean, rel=1e-14)


def test_jax_arrays_with_x64(expected_exact: object) -> None:
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        jnp = jax.numpy
        got = _evaluate(
            jnp.asarray(Z),
            jnp.asarray(LABELS),
            weights=jnp.asarray(WEIGHTS),
            batch_bytes=4000,
        )
    assert got.count == expected_exact.count
    # XLA's exp/log1p differ from NumPy's by an ulp: equal to float64 rounding.
    assert got.mean == pytest.approx(expected_exact.mean, rel=1e-14)
    assert got.sequence_mean == pytest.approx(expected_exact.sequence_mean, rel=1e-14)


def test_jax_arrays_without_x64_compute_in_float32(expected: object) -> None:
    jax = pytest.importorskip("jax")
    got = _evaluate(jax.numpy.asarray(Z), jax.numpy.asarray(LABELS), batch_bytes=4000)
    reference = _evaluate(Z, LABELS)
    assert got.count == reference.count
    assert got.mean == pytest.approx(reference.mean, rel=1e-6)


# ----------------------------------------------------------------------------- Dask arrays


@pytest.mark.parametrize("chunks", [(7, 3, 5), (31, 9, 13), (1, 9, 13)])
def test_dask_arrays_any_chunking(chunks: tuple[int, ...], expected: object) -> None:
    da = pytest.importorskip("dask.array")
    import dask

    z = da.from_array(Z, chunks=chunks)
    labels = da.from_array(LABELS, chunks=(5, 4))
    with dask.config.set(scheduler="threads"):
        got = _evaluate(z, labels, weights=WEIGHTS)
    assert got == expected


def test_dask_array_errors_name_the_rows() -> None:
    da = pytest.importorskip("dask.array")
    labels = LABELS.copy()
    labels[20, 0] = 99
    with pytest.raises(
        ValueError, match=r"^evaluate: rows 20:30 of `predictions`: .*\[99\]"
    ):
        _evaluate(da.from_array(Z, chunks=(10, 9, 13)), labels)


# ----------------------------------------------------------------------------- clients


@pytest.fixture(scope="module")
def threaded_client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_in_memory_arrays_on_a_client(
    threaded_client: object, expected: object
) -> None:
    got = _evaluate(
        Z, LABELS, weights=WEIGHTS, batch_bytes=3000, client=threaded_client
    )
    assert got == expected


def test_dask_arrays_on_a_client(threaded_client: object, expected: object) -> None:
    da = pytest.importorskip("dask.array")
    z = da.from_array(Z, chunks=(6, 9, 13))
    got = _evaluate(z, LABELS, weights=WEIGHTS, client=threaded_client)
    assert got == expected


def test_batch_errors_on_a_client_name_the_rows(threaded_client: object) -> None:
    labels = LABELS.copy()
    labels[12, 3] = 13
    with pytest.raises(
        ValueError, match=r"^evaluate: rows 10:15 of `predictions`: .*\[13\]"
    ):
        # 5 rows per batch: float32 logits as stored
        _evaluate(Z, labels, batch_bytes=5 * 9 * 13 * 4, client=threaded_client)
