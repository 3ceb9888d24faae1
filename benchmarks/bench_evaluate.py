"""``crossent.evaluate`` on page-cached logits against the forward kernel, in one run.

Writes ``--size-mb`` of float32 logits (``--vocab`` classes; 1 GB and V = 32000
by default) as one ``.npy`` file and the same rows as ``--shards`` ``.npy``
shards, plus integer labels, warms the page cache, and times (best of
``--repeat``, CPU seconds of this process and the workers alongside):

- ``forward kernel``: ``crossent.fast.softmax_cross_entropy_with_integer_labels``
  on the logits in memory (the speed ``evaluate`` is measured against);
- ``evaluate``: :func:`crossent.evaluate.evaluate` on the ``.npy`` path (the
  fused kernels, exact sums, every perplexity), and its peak extra resident
  memory (``VmHWM`` after ``/proc/self/clear_refs``, minus the resident memory
  before; the mapped file's pages are released batch by batch), and the same
  with numba held to one thread;
- ``evaluate, exact engine``: the float64 core on the first shard (the old path);
- equality: the result for several batch sizes, for the shards and for each
  Dask worker count is asserted ``==`` to the single-batch result;
- Dask, ``--workers`` (1 and 2): a ``LocalCluster`` of that many processes with
  one thread each (startup not timed) evaluating the shards, the first shard
  with the exact engine (compute-bound), and a control: ``--control-tasks``
  equal CPU-bound NumPy tasks, which shows how far N workers can scale on this
  machine at all.

Usage::

    PYTHONPATH=src python benchmarks/bench_evaluate.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from crossent import fast
from crossent.evaluate import evaluate


def make_dataset(root: Path, size_mb: int, vocab: int, shards: int) -> int:
    """``logits.npy``, ``shards/part-*.npy`` (the same rows) and ``labels.npy``."""
    rows = size_mb * 2**20 // (4 * vocab)
    rng = np.random.default_rng(0)
    base = (rng.normal(size=(min(rows, 512), vocab)) * 3).astype(np.float32)
    whole = np.lib.format.open_memmap(
        root / "logits.npy", mode="w+", dtype=np.float32, shape=(rows, vocab)
    )
    for a in range(0, rows, len(base)):
        b = min(rows, a + len(base))
        whole[a:b] = np.roll(base[: b - a], a, axis=1)
    (root / "shards").mkdir()
    per = -(-rows // shards)
    for i, a in enumerate(range(0, rows, per)):
        np.save(root / "shards" / f"part-{i:04d}.npy", whole[a : a + per])
    whole.flush()
    del whole
    np.save(root / "labels.npy", rng.integers(0, vocab, size=rows))
    return rows


def best_of(
    repeat: int, fn: Callable[[], Any], client: Any = None
) -> tuple[float, float, Any]:
    """Wall seconds of the fastest run, the CPU seconds it used, and its result."""
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


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return -1


def peak_extra_mib(fn: Callable[[], Any]) -> float:
    """Peak resident memory during ``fn`` above the resident memory before, MiB."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to VmRSS
    before = _status_kib("VmRSS")
    fn()
    return (_status_kib("VmHWM") - before) / 1024


def forward_kernel(path: Path, labels: np.ndarray, repeat: int) -> tuple[float, float]:
    """Wall and CPU seconds of the fused forward kernel on the logits in memory."""
    z = np.load(path)
    fast.softmax_cross_entropy_with_integer_labels(z[:64], labels[:64])
    wall, cpu, _ = best_of(
        repeat,
        lambda: fast.softmax_cross_entropy_with_integer_labels(
            z, labels, backend="numba"
        ),
    )
    return wall, cpu


def _burn(seed: int) -> float:
    """A fixed amount of CPU-bound NumPy work (the parallelism control)."""
    x = np.random.default_rng(seed).normal(size=200_000)
    for _ in range(40):
        np.exp(x).sum()
    return 0.0


def control_seconds(client: Any, tasks: int) -> float:
    """Wall seconds for ``tasks`` equal CPU-bound tasks: how far N workers scale here."""
    client.gather(client.map(_burn, range(1000, 1004), pure=False))  # warm up
    start = time.perf_counter()
    client.gather(client.map(_burn, range(tasks), pure=False))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1000)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--control-tasks", type=int, default=40)
    parser.add_argument("--json", metavar="FILE", help="also write the numbers here")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}

    def record(name: str, wall: float, cpu: float, nbytes: int) -> None:
        results[name] = {
            "seconds": wall,
            "gb_s": nbytes / wall / 1e9,
            "cpu_seconds": cpu,
        }
        print(
            f"{name:<44} {nbytes / wall / 1e9:7.2f} GB/s  ({wall * 1e3:8.1f} ms, "
            f"CPU {cpu * 1e3:8.1f} ms)",
            flush=True,
        )

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench_evaluate_") as tmp:
        root = Path(tmp)
        rows = make_dataset(root, args.size_mb, args.vocab, args.shards)
        path, shards, labels_path = (
            root / "logits.npy",
            root / "shards",
            root / "labels.npy",
        )
        labels = np.load(labels_path)
        nbytes = rows * args.vocab * 4
        print(f"{rows} x {args.vocab} float32 = {nbytes / 1e9:.2f} GB", flush=True)

        # The forward kernel on the logits in memory (and the page cache warmed).
        record(
            "forward kernel (in memory)",
            *forward_kernel(path, labels, args.repeat),
            nbytes,
        )
        for p in shards.iterdir():
            np.load(p)  # warm the shards' pages too

        def run(source: Any = None, **kw: Any) -> Any:
            return evaluate(str(source or path), str(labels_path), **kw)

        run(engine="numba")  # compiled kernels loaded
        wall, cpu, single = best_of(args.repeat, lambda: run(engine="numba"))
        record("evaluate (.npy, fused kernels)", wall, cpu, nbytes)
        results["evaluate_peak_extra_mib"] = peak_extra_mib(lambda: run())
        print(
            f"  peak extra memory: {results['evaluate_peak_extra_mib']:.1f} MiB",
            flush=True,
        )
        import numba

        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        record(
            "evaluate (.npy, fused kernels, 1 thread)",
            *best_of(args.repeat, lambda: run(engine="numba"))[:2],
            nbytes,
        )
        numba.set_num_threads(threads)
        ratio = (
            results["evaluate (.npy, fused kernels)"]["gb_s"]
            / results["forward kernel (in memory)"]["gb_s"]
        )
        results["evaluate_over_forward"] = ratio
        print(f"  evaluate / forward kernel: {ratio:.0%}", flush=True)

        # Equality for any batch size and shard layout (exact sums).
        one_batch = run(batch_bytes=2 * nbytes)
        for mib in (1, 4, 64):
            assert run(batch_bytes=mib * 2**20) == one_batch, f"{mib} MiB differs"
        assert run(source=shards) == one_batch, "the shards differ"
        assert single == one_batch
        results["equal_for_batches_and_shards"] = True

        first = sorted(shards.iterdir())[0]
        first_rows = int(np.load(first, mmap_mode="r").shape[0])
        np.save(root / "labels0.npy", labels[:first_rows])
        first_bytes = first_rows * args.vocab * 4

        def exact_first() -> Any:
            return evaluate(str(first), str(root / "labels0.npy"), engine="exact")

        wall, cpu, exact_local = best_of(1, exact_first)
        record("evaluate, exact engine (first shard)", wall, cpu, first_bytes)

        control: dict[int, float] = {}
        if args.workers:
            import distributed

            for n in args.workers:
                with (
                    distributed.LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    ) as cluster,
                    distributed.Client(cluster) as client,
                ):
                    got = run(source=shards, client=client)  # warm the workers
                    assert got == one_batch, "the cluster result differs"
                    wall, cpu, _ = best_of(
                        args.repeat, lambda: run(source=shards, client=client), client
                    )
                    record(f"Dask {n} worker(s): evaluate shards", wall, cpu, nbytes)
                    wall, cpu, got = best_of(
                        1,
                        lambda: evaluate(
                            str(first),
                            str(root / "labels0.npy"),
                            engine="exact",
                            client=client,
                        ),
                        client,
                    )
                    assert got == exact_local, "the exact cluster result differs"
                    record(
                        f"Dask {n} worker(s): exact engine, first shard",
                        wall,
                        cpu,
                        first_bytes,
                    )
                    control[n] = control_seconds(client, args.control_tasks)
                    print(
                        f"  control: {args.control_tasks} CPU-bound NumPy tasks take "
                        f"{control[n]:.2f} s",
                        flush=True,
                    )
        results["control_seconds_by_workers"] = control

    info = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip()
        + f", {os.cpu_count()} CPUs",
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "numba": numba.__version__,
        "size_mb": args.size_mb,
        "vocab": args.vocab,
        "shards": args.shards,
        "repeat": args.repeat,
        "results": results,
    }
    print(json.dumps(info, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
