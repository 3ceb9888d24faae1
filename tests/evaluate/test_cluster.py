"""evaluate() on a real Dask cluster: several worker processes, a data set larger
than a worker's memory limit, and a worker killed in the middle (parity suite).

The cluster result must be the single-machine result exactly (same exact sums),
or, when the scheduler gives up on a task, a clear error; never another number.

The memory-limited workers run the NumPy kernels (``engine="numpy"``): numba and
its LLVM add about 120 MiB to each worker process, more than these 200 MiB
workers leave free. numba on a cluster is checked without the limit.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crossent.evaluate import Evaluation, evaluate
from crossent.evaluate._sources import Window, open_source
from crossent.fast import numba_available

pytestmark = [
    pytest.mark.parity,
    # Sockets to a killed worker may be closed only when garbage-collected.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

MEMORY_LIMIT = 200 * 2**20  # per worker
VOCAB = 1000
SHARDS = 40
ROWS_PER_SHARD = 5 * MEMORY_LIMIT // (2 * SHARDS * 4 * VOCAB)  # 2.5x a worker's limit
BATCH_BYTES = 8 * 2**20  # ~45 MiB per task at peak, next to ~65 MiB of worker
ENGINE = "numpy"  # light workers: see the module notes


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """500 MiB of float32 logits in 40 .npy shards, labels in one .npy file."""
    root = tmp_path_factory.mktemp("cluster")
    rng = np.random.default_rng(7)
    base = (rng.normal(size=(ROWS_PER_SHARD, VOCAB)) * 3).astype(np.float32)
    (root / "logits").mkdir()
    for i in range(SHARDS):
        shard = np.lib.format.open_memmap(
            root / "logits" / f"part-{i}.npy",
            mode="w+",
            dtype=np.float32,
            shape=base.shape,
        )
        shard[:] = np.roll(base, i, axis=1)  # different losses per shard, cheaply
        shard.flush()
        del shard
    labels = rng.integers(0, VOCAB, size=SHARDS * ROWS_PER_SHARD)
    labels[::17] = -100
    np.save(root / "labels.npy", labels)
    return root / "logits", root / "labels.npy"


@pytest.fixture(scope="module")
def single_machine(dataset: tuple[Path, Path]) -> Evaluation:
    logits, labels = dataset
    return evaluate(
        str(logits),
        str(labels),
        ignore_index=-100,
        batch_bytes=BATCH_BYTES,
        engine=ENGINE,
    )


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    allowed_failures = getattr(request, "param", 3)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=MEMORY_LIMIT,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def _kill_one_worker_after(client: object, fraction: float) -> tuple[object, list[int]]:
    """A progress callback that SIGKILLs one worker once ``fraction`` of rows are done."""
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    victim = sorted(pids)[0]
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if not killed and done >= fraction * total:
            os.kill(pids[victim], signal.SIGKILL)
            killed.append(done)

    return progress, killed


def test_cluster_result_is_the_single_machine_result(
    dataset: tuple[Path, Path], single_machine: Evaluation, client: object
) -> None:
    logits, labels = dataset
    assert SHARDS * ROWS_PER_SHARD * VOCAB * 4 > 2.4 * MEMORY_LIMIT
    workers = client.run(os.getpid)  # type: ignore[attr-defined]
    got = evaluate(
        str(logits),
        str(labels),
        ignore_index=-100,
        batch_bytes=BATCH_BYTES,
        engine=ENGINE,
        client=client,
    )
    assert got == single_machine  # the exact totals: every aggregate, bit for bit
    assert got.count == int((np.load(labels) != -100).sum())
    # No worker went over its memory limit (the nanny would have restarted it).
    assert client.run(os.getpid) == workers  # type: ignore[attr-defined]


def test_killed_worker_does_not_change_the_result(
    dataset: tuple[Path, Path], single_machine: Evaluation, client: object
) -> None:
    logits, labels = dataset
    progress, killed = _kill_one_worker_after(client, 0.3)
    got = evaluate(
        str(logits),
        str(labels),
        ignore_index=-100,
        batch_bytes=BATCH_BYTES,
        engine=ENGINE,
        client=client,
        progress=progress,
    )
    assert killed, "the worker was not killed"
    assert got == single_machine


@dataclass(frozen=True)
class PoisonedRows:
    """A source whose batch holding ``row`` kills the Dask worker that reads it."""

    inner: Any
    row: int

    name = "poisoned"
    shape = property(lambda self: self.inner.shape)
    dtype = property(lambda self: self.inner.dtype)
    splittable = property(lambda self: self.inner.splittable)

    def pieces(self) -> list[int]:
        return list(self.inner.pieces())

    def read(self, start: int, stop: int) -> Any:
        if start <= self.row < stop:
            os._exit(1)  # as the kernel's OOM killer would
        return self.inner.read(start, stop)

    def window(self, start: int, stop: int) -> Window:
        return Window(self, start, stop)


@pytest.mark.parametrize("client", [1], indirect=True)
def test_a_batch_that_keeps_killing_workers_is_an_error(
    dataset: tuple[Path, Path], client: object
) -> None:
    logits, labels = dataset
    poisoned = PoisonedRows(open_source(str(logits), "predictions"), row=1000)
    with pytest.raises(
        RuntimeError, match=r"^evaluate: Dask workers died while running"
    ):
        evaluate(
            poisoned,
            str(labels),
            ignore_index=-100,
            batch_bytes=BATCH_BYTES,
            engine=ENGINE,
            client=client,
        )


@pytest.mark.skipif(not numba_available(), reason="numba is not installed")
def test_numba_engine_on_a_cluster_gives_the_local_sums(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(8)
    z = (rng.normal(size=(600, 2500)) * 3).astype(np.float32)  # 1.5M logits: numba
    y = rng.integers(0, 2500, size=600)
    np.save(tmp_path / "z.npy", z)
    local = evaluate(str(tmp_path / "z.npy"), y)
    assert local.engine == "numba"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        got = evaluate(str(tmp_path / "z.npy"), y, batch_bytes=100_000, client=c)
    assert got == local
