"""Throughput of ``crossent.evaluate`` against reading the same files with NumPy.

Writes a sharded prediction set (float32 logits in ``.npy`` shards, integer
labels in one ``.npy``), then times, best of ``--repeat`` runs with a warm page
cache:

- ``numpy read``: ``np.load`` of every shard (the I/O floor);
- ``numpy read + sum``: the same plus a float64 sum (one pass over the data);
- ``core, shard by shard``: ``np.load`` + the core loss + ``np.sum`` per shard,
  i.e. what a hand-written loop with crossent's core costs;
- ``evaluate (1 process)``: the streaming path;
- ``evaluate on Dask, N workers``: a ``LocalCluster`` of N processes with one
  thread each (startup not timed), followed by a control: 40 equal CPU-bound
  NumPy tasks on the same cluster, which shows how far N workers can scale on
  this machine at all.

Each row also gives GB per CPU-second (this process plus the workers), which
a busy neighbour on a shared machine disturbs less than the wall time.

glibc's allocator settings matter: Dask's nanny starts workers with
``MALLOC_TRIM_THRESHOLD_=65536``, which returns freed memory at once, so every
batch faults its temporaries in again. ``MALLOC_TRIM_THRESHOLD_`` and
``MALLOC_MMAP_THRESHOLD_`` set in this process's environment are passed on to
the workers, so both settings can be compared.

Usage::

    PYTHONPATH=src python benchmarks/bench_evaluate.py --size-mb 512 --vocab 1000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import crossent
from crossent.evaluate import evaluate


def make_dataset(
    root: Path, size_mb: int, vocab: int, shards: int
) -> tuple[Path, Path]:
    rows = size_mb * 2**20 // (4 * vocab)
    per_shard = -(-rows // shards)
    rng = np.random.default_rng(0)
    base = (rng.normal(size=(min(per_shard, 4096), vocab)) * 3).astype(np.float32)
    (root / "logits").mkdir()
    for i, start in enumerate(range(0, rows, per_shard)):
        n = min(per_shard, rows - start)
        out = np.lib.format.open_memmap(
            root / "logits" / f"part-{i:04d}.npy",
            mode="w+",
            dtype=np.float32,
            shape=(n, vocab),
        )
        for a in range(0, n, len(base)):
            b = min(n, a + len(base))
            out[a:b] = np.roll(base[: b - a], i + a, axis=1)
        out.flush()
        del out
    np.save(root / "labels.npy", rng.integers(0, vocab, size=rows))
    return root / "logits", root / "labels.npy"


def best_of(
    repeat: int, fn: Callable[[], Any], client: Any = None
) -> tuple[float, float, Any]:
    """Wall seconds of the fastest run, the CPU seconds it used, and its result.

    CPU seconds count this process and, with a client, its workers: on a shared
    machine the wall time depends on the neighbours, the CPU time much less.
    """
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(repeat):
        cpu0 = _cpu_seconds(client)
        start = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - start
        if wall < best:
            best, cpu = wall, _cpu_seconds(client) - cpu0
    return best, cpu, result


def _cpu_seconds(client: Any) -> float:
    own = time.process_time()
    if client is None:
        return own
    return own + sum(client.run(time.process_time).values())


def numpy_read(shards: list[Path]) -> int:
    n = 0
    for path in shards:
        n += np.load(path).nbytes
    return n


def numpy_read_sum(shards: list[Path]) -> float:
    return float(sum(np.load(p).sum(dtype=np.float64) for p in shards))


def core_by_shard(shards: list[Path], labels: Path) -> float:
    k = np.load(labels)
    total, offset = 0.0, 0
    for path in shards:
        z = np.load(path)
        loss = crossent.softmax_cross_entropy_with_integer_labels(
            z.astype(np.float64), k[offset : offset + len(z)]
        )
        total += float(np.sum(loss))
        offset += len(z)
    return total


def _burn(seed: int) -> float:
    """A fixed amount of CPU-bound NumPy work (the parallelism control)."""
    x = np.random.default_rng(seed).normal(size=200_000)
    for _ in range(40):
        np.exp(x).sum()
    return 0.0


def control_seconds(client: Any, tasks: int = 40) -> float:
    """Wall seconds for ``tasks`` equal CPU-bound tasks: how far N workers scale here."""
    client.gather(client.map(_burn, range(1000, 1004), pure=False))  # warm up
    start = time.perf_counter()
    client.gather(client.map(_burn, range(tasks), pure=False))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--vocab", type=int, default=1000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--batch-mb", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--json", metavar="FILE", help="also write the numbers here")
    args = parser.parse_args(argv)

    batch_bytes = int(args.batch_mb * 2**20)
    # Read before distributed is imported: starting a cluster sets these here too.
    malloc_env = {
        k: os.environ.get(k)
        for k in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")
    }
    rows: list[tuple[str, dict[str, float]]] = []
    control: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench_evaluate_") as tmp:
        logits, labels = make_dataset(Path(tmp), args.size_mb, args.vocab, args.shards)
        shards = sorted(logits.iterdir())
        nbytes = sum(np.load(p, mmap_mode="r").nbytes for p in shards)
        numpy_read(shards)  # warm the page cache

        def record(name: str, wall: float, cpu: float) -> None:
            wall_rate, cpu_rate = nbytes / wall / 1e9, nbytes / cpu / 1e9
            rows.append((name, {"wall_gb_s": wall_rate, "cpu_gb_s": cpu_rate}))
            print(
                f"{name:<32} {wall_rate:7.3f} GB/s wall  "
                f"{cpu_rate:7.3f} GB per CPU-s  ({wall:.2f} s)"
            )

        record("numpy read", *best_of(args.repeat, lambda: numpy_read(shards))[:2])
        record(
            "numpy read + sum",
            *best_of(args.repeat, lambda: numpy_read_sum(shards))[:2],
        )
        record(
            "core, shard by shard",
            *best_of(args.repeat, lambda: core_by_shard(shards, labels))[:2],
        )
        wall, cpu, local = best_of(
            args.repeat,
            lambda: evaluate(str(logits), str(labels), batch_bytes=batch_bytes),
        )
        record("evaluate (1 process)", wall, cpu)
        if args.workers:
            import dask
            import distributed

            malloc = {k: v for k, v in malloc_env.items() if v is not None}
            environ = dask.config.get("distributed.nanny.pre-spawn-environ")
            for n in args.workers:
                with (
                    dask.config.set(
                        {"distributed.nanny.pre-spawn-environ": {**environ, **malloc}}
                    ),
                    distributed.LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    ) as cluster,
                    distributed.Client(cluster) as client,
                ):
                    wall, cpu, got = best_of(
                        args.repeat,
                        lambda: evaluate(
                            str(logits),
                            str(labels),
                            batch_bytes=batch_bytes,
                            client=client,
                        ),
                        client,
                    )
                    assert got == local, "the cluster result differs"
                    control[n] = control_seconds(client)
                record(f"evaluate on Dask, {n} worker(s)", wall, cpu)
                print(f"  control: 40 CPU-bound NumPy tasks take {control[n]:.2f} s")

    info = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "numpy": np.__version__,
        "size_mb": args.size_mb,
        "vocab": args.vocab,
        "shards": args.shards,
        "batch_mb": args.batch_mb,
        "malloc_env": malloc_env,
        "repeat": args.repeat,
        "results": dict(rows),
        "control_seconds_by_workers": control,
    }
    print(json.dumps(info, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
