"""Chunked evaluation of logits stored in .npy files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest

from crossent import fast
from tests._fast_reference import BACKENDS, EPS32, assert_close

RNG = np.random.default_rng(11)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
def test_chunked_equals_in_memory(tmp_path: Path, backend: str, dtype: Any) -> None:
    z = RNG.normal(0, 3, (37, 500)).astype(dtype)
    z[5, 7] = np.inf
    y = RNG.integers(0, 500, 37)
    y[3] = -100
    path = tmp_path / "z.npy"
    np.save(path, z)  # bfloat16 is saved as raw 2-byte records (|V2); view it back
    mapped = np.load(path, mmap_mode="r").view(dtype)
    opts: dict[str, Any] = {
        "ignore_index": -100,
        "label_smoothing": 0.05,
        "backend": backend,
    }
    for reduction in ("none", "sum", "mean"):
        ref = fast.softmax_cross_entropy_with_integer_labels(
            z, y, reduction=reduction, **opts
        )
        sources = (mapped, z) if dtype == ml_dtypes.bfloat16 else (path, mapped, z)
        for src in sources:
            got = fast.chunked_softmax_cross_entropy_with_integer_labels(
                src, y, reduction=reduction, max_block_bytes=7000, **opts
            )
            assert got.dtype == z.dtype
            assert_close(got, ref, 4 * EPS32)


def test_chunked_peak_memory_stays_small(tmp_path: Path) -> None:
    # 1000 x 65536 float32 = 262 MB on disk; the process may grow by ~16 MiB.
    path = tmp_path / "big.npy"
    mm = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(1000, 65536)
    )
    for lo in range(0, 1000, 100):
        mm[lo : lo + 100] = RNG.normal(0, 2, (100, 65536)).astype(np.float32)
    mm.flush()
    del mm
    labels = RNG.integers(0, 65536, 1000)
    np.save(tmp_path / "y.npy", labels)
    code = textwrap.dedent(
        f"""
        import numpy as np
        from crossent import fast

        def status(key):
            for line in open("/proc/self/status"):
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        y = np.load({str(tmp_path / "y.npy")!r})
        fast.softmax_cross_entropy_with_integer_labels(np.zeros((4, 8), np.float32), [0, 1, 2, 3], backend="numba")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        base = status("VmRSS")
        loss = fast.chunked_softmax_cross_entropy_with_integer_labels(
            {str(path)!r}, y, reduction="none", max_block_bytes=16 << 20, backend="numba")
        print(status("VmHWM") - base, float(loss.mean()))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    extra, mean = int(out[0]), float(out[1])
    assert extra < 64 << 20, f"peak extra memory {extra / 2**20:.1f} MiB"
    z = np.load(path, mmap_mode="r")
    ref = fast.softmax_cross_entropy_with_integer_labels(
        z[:50], labels[:50], backend="numba"
    )
    assert 0 < mean < 2 * float(ref.mean())
