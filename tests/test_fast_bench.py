"""The benchmark's pieces on tiny data (the full run is not a test)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from crossent import _bench


def _ceil() -> dict[str, float]:
    return {
        "read_gbs": 20.0,
        "read_gbs_max": 30.0,
        "copy_gbs": 30.0,
        "copy_gbs_max": 40.0,
    }


def test_worker_times_and_measures_memory(tmp_path: Path) -> None:
    x = np.random.default_rng(0).normal(size=(64, 300)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.arange(64) % 300)
    args = argparse.Namespace(
        impl="crossent-numpy",
        kind="ce",
        x=str(tmp_path / "x.npy"),
        y=str(tmp_path / "y.npy"),
        reps=3,
    )
    res = _bench._worker(args)
    assert len(res["fwd"]) == 3
    assert len(res["fwdbwd"]) == 3
    assert res["mem_fwdbwd"] is None or res["mem_fwdbwd"] >= 0


def test_tables_and_targets_from_cells() -> None:
    n, c = _bench.FULL_SIZES[1]
    cells = [
        _bench.Cell("crossent", "ce", n, c, [0.06], [0.1], 0.0, n * c * 4.0),
        _bench.Cell("torch", "ce", n, c, [0.6], [1.8], n * c * 4.0, 3 * n * c * 4.0),
        _bench.Cell("jax", "ce", n, c, skipped="optax is not installed"),
    ]
    table = "\n".join(_bench._table(cells, "ce", n, c, _ceil()))
    assert "| torch F.cross_entropy | 600 (600-600) |" in table
    assert "skipped: optax is not installed" in table
    targets = "\n".join(_bench._targets(cells, _ceil(), (n, c)))
    assert "fwd+bwd vs torch F.cross_entropy + backward: 18.0x" in targets
    assert "jitted JAX value_and_grad: not measured" in targets


def test_unknown_implementation_is_rejected() -> None:
    assert _bench.main(["--impls", "crossent,nope"]) == 2
