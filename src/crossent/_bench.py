"""Benchmark crossent's fused kernels against the frameworks (``crossent bench``).

One interleaved run on the same data: the logits are written once to ``.npy``
files; every (implementation, size) pair then runs in a fresh worker process, in a
shuffled order each round, which loads the data, warms up (JIT compilation is not
timed), times forward and forward+backward calls alternately, and measures the
peak extra memory of one call of each (``VmHWM`` after resetting it through
``/proc/self/clear_refs``, minus ``VmRSS`` before the call, with
``MALLOC_MMAP_THRESHOLD_`` set so that freed buffers leave the process). The
machine's memory bandwidth (streaming read and copy, all threads) and the
per-core throughput of the vectorised ``exp`` are measured in the same run, so
each time can be set against its floor: the bytes that must move divided by the
bandwidth.

Frameworks are imported only inside the workers; a missing one is reported as
skipped. Results go to ``OUT/results.md`` (markdown tables), ``results.json`` and
``results.png`` (bar chart).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from crossent.fast._dispatch import Backend

__all__ = ["main"]

FULL_SIZES = ((4096, 1000), (8192, 32000), (4096, 128256))
QUICK_SIZES = ((1024, 16000),)
FULL_BCE = (8192, 32000)
QUICK_BCE = (1024, 16000)

CE_IMPLS = (
    "crossent",
    "crossent-out",
    "crossent-inplace",
    "crossent-numpy",
    "torch",
    "torch-compile",
    "jax",
    "tf",
    "numpy-naive",
)
BCE_IMPLS = ("crossent-bce", "crossent-bce-inplace", "torch-bce", "jax-bce")

LABELS = {
    "crossent": "crossent (numba, new gradient)",
    "crossent-out": "crossent (numba, out=)",
    "crossent-inplace": "crossent (numba, overwrite_logits)",
    "crossent-numpy": "crossent (NumPy fallback)",
    "torch": "torch F.cross_entropy",
    "torch-compile": "torch.compile(F.cross_entropy)",
    "jax": "jax.jit(optax) / value_and_grad",
    "tf": "tf sparse_softmax_xent / GradientTape",
    "numpy-naive": "numpy naive",
    "crossent-bce": "crossent BCE (numba, new gradient)",
    "crossent-bce-inplace": "crossent BCE (numba, overwrite_logits)",
    "torch-bce": "torch binary_cross_entropy_with_logits",
    "jax-bce": "jax.jit(optax.sigmoid_binary_cross_entropy)",
}


# ============================================================== worker (subprocess)
def _status(key: str) -> int:
    """A ``/proc/self/status`` field in bytes (0 where unavailable)."""
    try:
        with Path("/proc/self/status").open() as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return 0


def _reset_peak() -> bool:
    try:
        with Path("/proc/self/clear_refs").open("w") as f:
            f.write("5")
    except OSError:  # pragma: no cover - not Linux
        return False
    return True


Pair = tuple[Callable[[], Any], Callable[[], Any]]


def _mod(name: str) -> Any:
    """Import a framework module (typed as Any: no stubs are required)."""
    return importlib.import_module(name)


def _ce_impl(name: str, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Pair:
    """(forward, forward+backward) callables of one softmax-CE implementation."""
    n = x.shape[0]
    if name.startswith("crossent"):
        from crossent import fast
        from crossent import value_and_grad as vg

        backend: Backend = "numpy" if name == "crossent-numpy" else "numba"

        def fwd() -> Any:
            return fast.softmax_cross_entropy_with_integer_labels(
                x, y, reduction="mean", backend=backend
            )

        if name == "crossent-out":
            out = np.empty_like(x)

            def fb() -> Any:
                return vg.softmax_cross_entropy_with_integer_labels(
                    x, y, out=out, backend=backend
                )

        elif name == "crossent-inplace":
            work = x.copy()  # overwritten with gradients again and again

            def fb() -> Any:
                return vg.softmax_cross_entropy_with_integer_labels(
                    work, y, overwrite_logits=True, backend=backend
                )

        else:

            def fb() -> Any:
                return vg.softmax_cross_entropy_with_integer_labels(
                    x, y, backend=backend
                )

        return fwd, fb
    if name in ("torch", "torch-compile"):
        torch = _mod("torch")
        F = _mod("torch.nn.functional")
        xt = torch.from_numpy(x)
        yt = torch.from_numpy(y)
        ce: Any = F.cross_entropy
        if name == "torch-compile":
            ce = torch.compile(F.cross_entropy)

        def tfwd() -> Any:
            with torch.no_grad():
                return float(ce(xt, yt))

        def tfb() -> Any:
            xg = xt.detach().requires_grad_(True)
            loss = ce(xg, yt)
            loss.backward()
            return xg.grad

        return tfwd, tfb
    if name == "jax":
        jax, jnp, optax = _mod("jax"), _mod("jax.numpy"), _mod("optax")
        xj = jnp.asarray(x)
        yj = jnp.asarray(y.astype(np.int32))

        def loss(a: Any, b: Any) -> Any:
            return optax.softmax_cross_entropy_with_integer_labels(a, b).mean()

        jf = jax.jit(loss)
        jfb = jax.jit(jax.value_and_grad(loss))

        def jfwd() -> Any:
            return jf(xj, yj).block_until_ready()

        def jfbwd() -> Any:
            value, grad = jfb(xj, yj)
            return value.block_until_ready(), grad.block_until_ready()

        return jfwd, jfbwd
    if name == "tf":
        tf = _mod("tensorflow")
        xt_ = tf.constant(x)
        yt_ = tf.constant(y)

        def tf_fwd_py(a: Any, b: Any) -> Any:
            return tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=b, logits=a)
            )

        def tf_fb_py(a: Any, b: Any) -> Any:
            with tf.GradientTape() as tape:
                tape.watch(a)
                loss = tf_fwd_py(a, b)
            return loss, tape.gradient(loss, a)

        tf_fwd, tf_fb = tf.function(tf_fwd_py), tf.function(tf_fb_py)
        return (lambda: tf_fwd(xt_, yt_).numpy()), (lambda: tf_fb(xt_, yt_))
    if name == "numpy-naive":
        rows = np.arange(n)

        def nfwd() -> Any:
            m = x.max(axis=1, keepdims=True)
            s = np.exp(x - m).sum(axis=1)
            return float(np.mean(np.log(s) + m[:, 0] - x[rows, y]))

        def nfb() -> Any:
            m = x.max(axis=1, keepdims=True)
            e = np.exp(x - m)
            s = e.sum(axis=1)
            loss = float(np.mean(np.log(s) + m[:, 0] - x[rows, y]))
            e /= s[:, None]
            e[rows, y] -= 1
            e /= n
            return loss, e

        return nfwd, nfb
    raise ValueError(f"unknown implementation {name!r}")  # pragma: no cover


def _bce_impl(name: str, x: np.ndarray[Any, Any], yb: np.ndarray[Any, Any]) -> Pair:
    """(forward, forward+backward) callables of one sigmoid-BCE implementation."""
    if name.startswith("crossent"):
        from crossent import fast
        from crossent import value_and_grad as vg

        def fwd() -> Any:
            return fast.sigmoid_binary_cross_entropy(x, yb, reduction="mean")

        if name == "crossent-bce-inplace":
            work = x.copy()

            def fb() -> Any:
                return vg.sigmoid_binary_cross_entropy(work, yb, overwrite_logits=True)

        else:

            def fb() -> Any:
                return vg.sigmoid_binary_cross_entropy(x, yb)

        return fwd, fb
    if name == "torch-bce":
        torch = _mod("torch")
        F = _mod("torch.nn.functional")
        xt = torch.from_numpy(x)
        ytt = torch.from_numpy(yb)

        def tfwd() -> Any:
            with torch.no_grad():
                return float(F.binary_cross_entropy_with_logits(xt, ytt))

        def tfb() -> Any:
            xg = xt.detach().requires_grad_(True)
            F.binary_cross_entropy_with_logits(xg, ytt).backward()
            return xg.grad

        return tfwd, tfb
    if name == "jax-bce":
        jax, jnp, optax = _mod("jax"), _mod("jax.numpy"), _mod("optax")
        xj, yj = jnp.asarray(x), jnp.asarray(yb)

        def loss(a: Any, b: Any) -> Any:
            return optax.sigmoid_binary_cross_entropy(a, b).mean()

        jf = jax.jit(loss)
        jfb = jax.jit(jax.value_and_grad(loss))

        def jfwd() -> Any:
            return jf(xj, yj).block_until_ready()

        def jfbwd() -> Any:
            value, grad = jfb(xj, yj)
            return value.block_until_ready(), grad.block_until_ready()

        return jfwd, jfbwd
    raise ValueError(f"unknown implementation {name!r}")  # pragma: no cover


_MISSING = {
    "torch": "torch",
    "torch-compile": "torch",
    "torch-bce": "torch",
    "jax": "optax",
    "jax-bce": "optax",
    "tf": "tensorflow",
}


def _worker(args: argparse.Namespace) -> dict[str, Any]:
    """Time one implementation on one data set; the result as a JSON-able dict."""
    need = _MISSING.get(args.impl)
    if need and importlib.util.find_spec(need) is None:
        return {"skipped": f"{need} is not installed"}
    uses_numba = args.impl.startswith("crossent") and args.impl != "crossent-numpy"
    if uses_numba and importlib.util.find_spec("numba") is None:
        return {"skipped": "numba is not installed"}
    x = np.load(args.x)
    y = np.load(args.y)
    make = _bce_impl if args.kind == "bce" else _ce_impl
    t0 = time.perf_counter()
    fwd, fb = make(args.impl, x, y)
    fwd()
    fb()
    warmup = time.perf_counter() - t0
    samples: dict[str, list[float]] = {"fwd": [], "fwdbwd": []}
    memory: dict[str, list[float]] = {"fwd": [], "fwdbwd": []}
    for _ in range(args.reps):
        for what, f in (("fwd", fwd), ("fwdbwd", fb)):
            gc.collect()
            tracked = _reset_peak()
            base = _status("VmRSS")
            t = time.perf_counter()
            r = f()
            samples[what].append(time.perf_counter() - t)
            if tracked:
                memory[what].append(float(max(_status("VmHWM") - base, 0)))
            del r
    return {
        "fwd": samples["fwd"],
        "fwdbwd": samples["fwdbwd"],
        "mem_fwd": float(np.median(memory["fwd"])) if memory["fwd"] else None,
        "mem_fwdbwd": float(np.median(memory["fwdbwd"])) if memory["fwdbwd"] else None,
        "warmup_s": warmup,
    }


# =========================================================== ceilings (subprocess)
def _ceilings(nbytes: int) -> dict[str, Any]:
    """Streaming read and copy bandwidth (all threads) and exp throughput."""
    out: dict[str, Any] = {}
    n = nbytes // 4
    a = np.ones(n, np.float32)
    b = np.empty_like(a)
    reps = 9
    read: Callable[[], Any]
    copy: Callable[[], Any]
    fill: Callable[[Any], Any]
    try:
        from numba import get_num_threads, njit, prange

        from crossent.fast import _numba_kernels as k
    except ImportError:  # pragma: no cover - numba missing: NumPy, one thread

        def read() -> Any:
            return float(a.sum())

        def copy() -> Any:
            return np.copyto(b, a)

        def fill(dst: Any) -> Any:
            return dst.fill(2.0)

        out["method"] = "numpy, 1 thread"
    else:

        @njit(parallel=True, fastmath=True)
        def _sum(v: Any) -> Any:
            t = np.float32(0)
            for i in prange(v.shape[0]):
                t += v[i]
            return t

        @njit(parallel=True)
        def _copy(src: Any, dst: Any) -> None:
            for i in prange(src.shape[0]):
                dst[i] = src[i]

        @njit(parallel=True)
        def _fill(dst: Any) -> None:
            for i in prange(dst.shape[0]):
                dst[i] = 2.0

        @njit(fastmath=k._FM_LOOP, nogil=True)
        def _expsum(c: Any, r: int) -> float:
            t = 0.0
            for _ in range(r):
                t += k._chunk_expsum(c, c.dtype.type(0.0))
            return t

        def _expsum_threads(c: Any, r: int, nt: int) -> None:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(nt) as pool:
                list(pool.map(lambda i: _expsum(c[i], r), range(nt)))

        def read() -> Any:
            return _sum(a)

        def copy() -> Any:
            return _copy(a, b)

        def fill(dst: Any) -> Any:
            return _fill(dst)

        nt = get_num_threads()
        out["method"] = f"numba prange, {nt} threads"
        chunk = np.random.default_rng(0).normal(-3, 2, (nt, 2048)).astype(np.float32)
        chunk = np.minimum(chunk, 0)
        r = 20000
        _expsum(chunk[0], 1)
        t1 = min(_timeit(lambda: _expsum(chunk[0], r)) for _ in range(5))
        tn = min(_timeit(lambda: _expsum_threads(chunk, r, nt)) for _ in range(5))
        out["exp_gelem_s_1thread"] = 2048 * r / t1 / 1e9
        out["exp_gelem_s_all"] = nt * 2048 * r / tn / 1e9
        out["threads"] = nt
    read()
    copy()
    tr = sorted(_timeit(read) for _ in range(reps))
    tc = sorted(_timeit(copy) for _ in range(reps))
    out["read_gbs"] = nbytes / tr[reps // 2] / 1e9
    out["read_gbs_max"] = nbytes / tr[0] / 1e9
    out["copy_gbs"] = 2 * nbytes / tc[reps // 2] / 1e9
    out["copy_gbs_max"] = 2 * nbytes / tc[0] / 1e9
    # Writing into fresh memory (as a new gradient array is) first makes the OS
    # fault in and zero every page; a preallocated buffer does not pay that.
    fill(b)
    tw = min(_timeit(lambda: fill(b)) for _ in range(5))

    def fresh() -> None:
        dst = np.empty_like(a)
        fill(dst)
        del dst

    tf = min(_timeit(fresh) for _ in range(5))
    out["write_ms_per_gb"] = tw / nbytes * 1e12
    out["fresh_write_ms_per_gb"] = tf / nbytes * 1e12
    return out


def _timeit(f: Callable[[], Any]) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


# ================================================================ parent process
@dataclass
class Cell:
    """Timings of one implementation at one size, over all rounds."""

    impl: str
    kind: str
    n: int
    c: int
    fwd: list[float] = field(default_factory=list)
    fwdbwd: list[float] = field(default_factory=list)
    mem_fwd: float | None = None
    mem_fwdbwd: float | None = None
    skipped: str | None = None
    error: str | None = None


def _spawn(argv: list[str], timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    # The workers import this very crossent, wherever it was imported from.
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (root, env.get("PYTHONPATH", "")) if p
    )
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    proc = subprocess.run(
        [sys.executable, "-m", "crossent._bench", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit code {proc.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _write_data(
    tmp: Path, sizes: Sequence[tuple[int, int]], bce: tuple[int, int] | None
) -> dict[tuple[str, int, int], tuple[Path, Path]]:
    """Logits N(0, 3²) float32 and uniform int64 labels (1 % positives for BCE)."""
    rng = np.random.default_rng(0)
    files: dict[tuple[str, int, int], tuple[Path, Path]] = {}
    for n, c in sizes:
        xp, yp = tmp / f"x_{n}_{c}.npy", tmp / f"y_{n}_{c}.npy"
        _save_normal(xp, (n, c), rng)
        np.save(yp, rng.integers(0, c, n))
        files[("ce", n, c)] = (xp, yp)
    if bce is not None:
        n, c = bce
        xp = tmp / f"x_{n}_{c}.npy"
        if ("ce", n, c) not in files:
            _save_normal(xp, (n, c), rng)
        yp = tmp / f"yb_{n}_{c}.npy"
        yb = np.lib.format.open_memmap(yp, mode="w+", dtype=np.float32, shape=(n, c))
        for lo in range(0, n, 256):
            yb[lo : lo + 256] = rng.random((min(256, n - lo), c)) < 0.01
        yb.flush()
        del yb
        files[("bce", n, c)] = (xp, yp)
    return files


def _save_normal(path: Path, shape: tuple[int, int], rng: np.random.Generator) -> None:
    mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
    for lo in range(0, shape[0], 256):
        hi = min(lo + 256, shape[0])
        mm[lo:hi] = rng.standard_normal((hi - lo, shape[1]), dtype=np.float32) * 3
    mm.flush()
    del mm


def _reps(kind: str, n: int, c: int, quick: bool) -> tuple[int, int]:
    """(rounds, repetitions per round) for a size: fewer for the big ones, so that
    the full run stays near 15 minutes on 2 cores."""
    size = n * c
    if quick:
        return 1, 5
    if kind == "bce":
        return 2, 3
    if size <= 8_000_000:
        return 3, 15
    if size <= 300_000_000:
        return 2, 3
    return 2, 2


def _summary(ts: list[float]) -> tuple[float, float, float]:
    a = np.asarray(ts)
    return float(np.median(a)), float(a.min()), float(a.max())


def _fmt_ms(t: float) -> str:
    """Seconds as milliseconds: one decimal below 100 ms, none above."""
    ms = t * 1e3
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def _table(
    cells: list[Cell], kind: str, n: int, c: int, ceil: dict[str, Any]
) -> list[str]:
    """Markdown table of one size."""
    nbytes = n * c * 4
    # Bytes that must move: softmax CE reads the logits (fwd) and writes the
    # gradient (fwd+bwd); BCE also reads the targets.
    fwd_bytes = nbytes * (2 if kind == "bce" else 1)
    fb_bytes = fwd_bytes + nbytes
    read_bw, copy_bw = ceil["read_gbs_max"] * 1e9, ceil["copy_gbs_max"] * 1e9
    floor_f, floor_fb = fwd_bytes / read_bw, fb_bytes / copy_bw
    title = "softmax CE, integer labels" if kind == "ce" else "sigmoid BCE with logits"
    lines = [
        f"### {title}: {n} x {c} float32 ({nbytes / 1e9:.2f} GB of logits)",
        "",
        (
            f"Floors: forward {_fmt_ms(floor_f)} ms ({fwd_bytes / 1e9:.2f} GB at the "
            f"best measured read bandwidth, {ceil['read_gbs_max']:.1f} GB/s), "
            f"forward+backward {_fmt_ms(floor_fb)} ms ({fb_bytes / 1e9:.2f} GB at "
            f"the best copy bandwidth, {ceil['copy_gbs_max']:.1f} GB/s)."
        ),
        "",
        (
            "| implementation | fwd ms median (min-max) | fwd GB/s | fwd % of floor "
            "| fwd+bwd ms median (min-max) | fwd+bwd GB/s | fwd+bwd % of floor "
            "| extra memory fwd / fwd+bwd |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        if cell.kind != kind or (cell.n, cell.c) != (n, c):
            continue
        label = LABELS[cell.impl]
        if cell.skipped or cell.error or not cell.fwd:
            why = cell.skipped or cell.error or "no samples"
            lines.append(f"| {label} | skipped: {why} | | | | | | |")
            continue
        f_med, f_min, f_max = _summary(cell.fwd)
        b_med, b_min, b_max = _summary(cell.fwdbwd)
        mem = " / ".join(
            "n/a" if m is None else f"{m / nbytes:.2f}x ({m / 2**20:.0f} MiB)"
            for m in (cell.mem_fwd, cell.mem_fwdbwd)
        )
        lines.append(
            f"| {label} | {_fmt_ms(f_med)} ({_fmt_ms(f_min)}-{_fmt_ms(f_max)}) "
            f"| {fwd_bytes / f_med / 1e9:.1f} | {100 * floor_f / f_med:.0f} % "
            f"| {_fmt_ms(b_med)} ({_fmt_ms(b_min)}-{_fmt_ms(b_max)}) "
            f"| {fb_bytes / b_med / 1e9:.1f} | {100 * floor_fb / b_med:.0f} % | {mem} |"
        )
    lines.append("")
    return lines


def _targets(
    cells: list[Cell], ceil: dict[str, Any], size: tuple[int, int]
) -> list[str]:
    """The issue's targets at 8192 x 32000, checked against this run."""
    by = {(c.impl, c.n, c.c): c for c in cells if c.fwd and not (c.skipped or c.error)}
    n, c = size

    def med(impl: str, what: str) -> float | None:
        cell = by.get((impl, n, c))
        return None if cell is None else _summary(getattr(cell, what))[0]

    out = [f"### Targets at {n} x {c}", ""]
    nbytes = n * c * 4
    ours_fb, ours_f = med("crossent", "fwdbwd"), med("crossent", "fwd")

    def ratio(
        label: str, other: str, what: str, ours: float | None, need: float
    ) -> None:
        theirs = med(other, what)
        if ours is None or theirs is None:
            out.append(f"- {label}: not measured")
            return
        r = theirs / ours
        ok = "met" if r >= need else "NOT met"
        out.append(f"- {label}: {r:.1f}x (target >= {need:g}x) - {ok}")

    ratio("fwd+bwd vs torch F.cross_entropy + backward", "torch", "fwdbwd", ours_fb, 12)
    ratio("fwd+bwd vs jitted JAX value_and_grad", "jax", "fwdbwd", ours_fb, 3)
    floor_fb = 2 * nbytes / (ceil["copy_gbs_max"] * 1e9)
    for impl in ("crossent", "crossent-out", "crossent-inplace"):
        t = med(impl, "fwdbwd")
        if t is not None:
            frac = floor_fb / t
            ok = "met" if frac >= 0.45 else "NOT met"
            out.append(
                f"- fwd+bwd, {LABELS[impl]}: {100 * frac:.0f} % of the bandwidth "
                f"floor (>= 45 %) - {ok}"
            )
    if ours_f is not None:
        mult = ours_f / (nbytes / (ceil["read_gbs_max"] * 1e9))
        ok = "met" if mult <= 2.5 else "NOT met"
        out.append(f"- forward at {mult:.2f}x the bandwidth floor (<= 2.5x) - {ok}")
    for impl, want in (("crossent", 1.0), ("crossent-inplace", 0.0)):
        cell = by.get((impl, n, c))
        if cell is not None and cell.mem_fwdbwd is not None:
            x = cell.mem_fwdbwd / nbytes
            ok = "met" if x <= want + 0.05 else "NOT met"
            out.append(
                f"- peak extra memory fwd+bwd, {LABELS[impl]}: {x:.2f}x the logits "
                f"(target {want:g}x) - {ok}"
            )
    bn, bc = FULL_BCE if (n, c) == FULL_SIZES[1] else (n, c)
    theirs_b = by.get(("torch-bce", bn, bc))
    ours_b = by.get(("crossent-bce", bn, bc))
    if theirs_b is not None and ours_b is not None:
        r = _summary(theirs_b.fwdbwd)[0] / _summary(ours_b.fwdbwd)[0]
        ok = "met" if r >= 5 else "NOT met"
        out.append(f"- BCE fwd+bwd vs torch at {bn} x {bc}: {r:.1f}x (>= 5x) - {ok}")
    out.append("")
    return out


def _machine(ceil: dict[str, Any]) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open() as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover - not Linux
        pass
    versions = []
    for mod in ("numpy", "numba", "torch", "jax", "optax", "tensorflow"):
        try:
            from importlib.metadata import version

            versions.append(f"{mod} {version(mod)}")
        except Exception:  # any metadata problem means "absent"
            versions.append(f"{mod} absent")
    lines = [
        (
            f"- Machine: {cpu}, {os.cpu_count()} logical CPUs, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}"
        ),
        f"- Versions: {', '.join(versions)}",
        (
            f"- Bandwidth ({ceil.get('method')}, 1 GB arrays): read "
            f"{ceil['read_gbs']:.1f} GB/s (best {ceil['read_gbs_max']:.1f}), copy R+W "
            f"{ceil['copy_gbs']:.1f} GB/s (best {ceil['copy_gbs_max']:.1f})"
        ),
    ]
    if "fresh_write_ms_per_gb" in ceil:
        lines.append(
            f"- Writing 1 GB: {ceil['write_ms_per_gb']:.0f} ms into a preallocated "
            f"buffer, {ceil['fresh_write_ms_per_gb']:.0f} ms into freshly allocated "
            f"memory (page faults and zeroing by the OS: what a new gradient costs)"
        )
    if "exp_gelem_s_1thread" in ceil:
        lines.append(
            f"- crossent's vectorised exp (sum of exp over an L1-resident chunk): "
            f"{ceil['exp_gelem_s_1thread']:.2f} G elements/s on 1 thread, "
            f"{ceil['exp_gelem_s_all']:.2f} G/s on {ceil['threads']} threads"
        )
    return lines


def _plot(cells: list[Cell], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    groups = sorted({(c.kind, c.n, c.c) for c in cells})
    fig, axes = plt.subplots(
        1, len(groups), figsize=(5.5 * len(groups), 5), squeeze=False
    )
    for ax, (kind, n, c) in zip(axes[0], groups, strict=True):
        sel = [x for x in cells if (x.kind, x.n, x.c) == (kind, n, c) and x.fwd]
        names = [LABELS[x.impl] for x in sel]
        ypos = np.arange(len(sel))
        f = [_summary(x.fwd)[0] * 1e3 for x in sel]
        b = [_summary(x.fwdbwd)[0] * 1e3 for x in sel]
        ax.barh(ypos - 0.2, f, height=0.4, label="forward")
        ax.barh(ypos + 0.2, b, height=0.4, label="forward+backward")
        ax.set_yticks(ypos, names, fontsize=7)
        ax.set_xscale("log")
        ax.invert_yaxis()
        ax.set_xlabel("ms (median, log scale)")
        ax.set_title(f"{'CE' if kind == 'ce' else 'BCE'} {n} x {c}", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="crossent bench",
        description="Time crossent's fused cross-entropy kernels against PyTorch, "
        "JAX, TensorFlow and NumPy on the same data.",
    )
    p.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    p.add_argument(
        "--sizes",
        default=None,
        help="comma-separated NxC sizes for softmax CE, e.g. 4096x1000,8192x32000",
    )
    p.add_argument(
        "--impls", default=None, help="comma-separated implementations (default all)"
    )
    p.add_argument("--no-bce", action="store_true", help="skip the BCE comparison")
    p.add_argument("--out", default="bench-out", help="output folder")
    p.add_argument("--seed", type=int, default=0, help="seed of the shuffled order")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--ceilings", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--impl", help=argparse.SUPPRESS)
    p.add_argument("--kind", default="ce", help=argparse.SUPPRESS)
    p.add_argument("--x", help=argparse.SUPPRESS)
    p.add_argument("--y", help=argparse.SUPPRESS)
    p.add_argument("--reps", type=int, default=5, help=argparse.SUPPRESS)
    p.add_argument("--bytes", type=int, default=1 << 30, help=argparse.SUPPRESS)
    return p.parse_args(argv)


class _SizesError(ValueError):
    """--sizes that are not NxC pairs of positive integers."""


def _parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"4096x1000,8192x32000"`` as (N, C) pairs, or a _SizesError naming --sizes."""
    out = []
    for item in text.split(","):
        parts = item.strip().lower().split("x")
        try:
            n, c = (int(v) for v in parts)
        except ValueError:
            raise _SizesError(
                f"--sizes: {item.strip()!r} is not NxC (e.g. 4096x1000)"
            ) from None
        if n < 1 or c < 1:
            raise _SizesError(f"--sizes: {item.strip()!r} needs N ≥ 1 and C ≥ 1")
        out.append((n, c))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (see the module docstring); returns the exit status."""
    args = _parse(argv)
    if args.worker:
        print(json.dumps(_worker(args)))
        return 0
    if args.ceilings:
        print(json.dumps(_ceilings(args.bytes)))
        return 0
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    sizes: Sequence[tuple[int, int]] = QUICK_SIZES if args.quick else FULL_SIZES
    if args.sizes:
        try:
            sizes = _parse_sizes(args.sizes)
        except _SizesError as err:
            print(f"crossent bench: error: {err}", file=sys.stderr)
            return 2
    bce = None if args.no_bce else (QUICK_BCE if args.quick else FULL_BCE)
    wanted = set(args.impls.split(",")) if args.impls else None
    unknown = sorted((wanted or set()) - set(CE_IMPLS) - set(BCE_IMPLS))
    if unknown:
        known = ", ".join((*CE_IMPLS, *BCE_IMPLS))
        console.print(
            f"[red]crossent bench[/]: unknown --impls {unknown}; known: {known}"
        )
        return 2
    ce_impls = [i for i in CE_IMPLS if wanted is None or i in wanted]
    bce_impls = [i for i in BCE_IMPLS if wanted is None or i in wanted]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crossent-bench-") as tmp:
        console.print("[bold]crossent bench[/]: writing the data ...")
        files = _write_data(Path(tmp), sizes, bce if bce_impls else None)
        jobs: list[tuple[int, str, str, int, int, int]] = []
        for key in files:
            kind, n, c = key
            rounds, reps = _reps(kind, n, c, args.quick)
            for r in range(rounds):
                for impl in ce_impls if kind == "ce" else bce_impls:
                    jobs.append((r, kind, impl, n, c, reps))
        # Interleave: round by round, sizes in order, implementations shuffled.
        ordered: list[tuple[int, str, str, int, int, int]] = []
        for r in sorted({j[0] for j in jobs}):
            for key in files:
                group = [j for j in jobs if j[0] == r and (j[1], j[3], j[4]) == key]
                rng.shuffle(group)
                ordered.extend(group)
        cells: dict[tuple[str, str, int, int], Cell] = {}
        ceilings: list[dict[str, Any]] = []
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("bandwidth", total=len(ordered) + 2)
            ceilings.append(_spawn(["--ceilings"], timeout=600))
            progress.advance(task)
            for r, kind, impl, n, c, reps in ordered:
                progress.update(task, description=f"round {r + 1}: {impl} {n}x{c}")
                xp, yp = files[(kind, n, c)]
                argv = ["--worker", "--impl", impl, "--kind", kind, "--reps", str(reps)]
                res = _spawn([*argv, "--x", str(xp), "--y", str(yp)], timeout=1800)
                cell = cells.setdefault((kind, impl, n, c), Cell(impl, kind, n, c))
                if "skipped" in res:
                    cell.skipped = res["skipped"]
                elif "error" in res:
                    cell.error = res["error"]
                else:
                    cell.fwd += res["fwd"]
                    cell.fwdbwd += res["fwdbwd"]
                    for what in ("mem_fwd", "mem_fwdbwd"):
                        prev, now = getattr(cell, what), res[what]
                        if now is not None:
                            setattr(cell, what, now if prev is None else min(prev, now))
                progress.advance(task)
            progress.update(task, description="bandwidth again")
            ceilings.append(_spawn(["--ceilings"], timeout=600))
            progress.advance(task)
    good = [cl for cl in ceilings if "read_gbs" in cl]
    if not good:
        console.print(f"[red]bandwidth measurement failed[/]: {ceilings}")
        return 1
    # The best samples of both measurements stand for the machine's capability.
    ceil = dict(max(good, key=lambda cl: float(cl["read_gbs"])))
    for best in ("read_gbs_max", "copy_gbs_max"):
        ceil[best] = max(float(cl[best]) for cl in good)
    all_cells = list(cells.values())
    lines = ["## Results", "", *_machine(ceil), ""]
    for kind, n, c in files:
        lines += _table(all_cells, kind, n, c, ceil)
    target_size = FULL_SIZES[1] if FULL_SIZES[1] in sizes else tuple(sizes[-1])
    lines += _targets(all_cells, ceil, target_size)  # type: ignore[arg-type]
    lines.append(f"Total benchmark time: {time.perf_counter() - t_start:.0f} s.")
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(
        json.dumps(
            {"ceilings": ceilings, "cells": [asdict(c) for c in all_cells]}, indent=1
        )
    )
    plotted = _plot(all_cells, out / "results.png")
    print(text)
    console.print(
        f"wrote {out / 'results.md'}, {out / 'results.json'}"
        + (f", {out / 'results.png'}" if plotted else "")
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
