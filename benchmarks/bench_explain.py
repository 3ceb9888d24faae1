"""Benchmarks of the explain engine and the command's start-up (issues #4 and #5).

Measures, on this machine, in one run:

* ``crossent.explain`` on a (10,000 × 1,000) float32 input with ``observed`` and two
  implementations (target: under 2 s), repeated in one process and as the first
  call of a fresh process (what a script that explains one batch sees: its large
  arrays meet freshly mapped memory, whose page faults are most of the spread);
* ``crossent.explain`` on the seed 000 input after import (target: well under 100 ms);
* ``crossent explain`` on the seed 000 input as a fresh process, wall clock (target:
  under 0.5 s);
* ``crossent explain --observed`` on 64 × 100,000 float32 logits with class ids
  (25.6 MB), a number that one implementation computes and one that none does:
  wall clock and peak resident memory of the whole command (issue #13: under 2 s
  and 300 MB); and ``explain`` / ``identify`` on 100,000 × 250 float32 (95 MB),
  peak memory as a multiple of the input (issue #13's bar: 3×); with
  ``--issue-size`` also on 100,000 × 1,000 float32 (400 MB, the issue's own input).

Run: ``python benchmarks/bench_explain.py [--repeats N]``; prints a markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np


def _time(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


KERAS = "keras.losses.CategoricalCrossentropy"


def _large_explain() -> Callable[[], object]:
    """The large case: a callable explaining 10,000 × 1,000 float32 softmax outputs
    with one-hot labels, observed = Keras' value, against Keras and the textbook."""
    import crossent

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, (10_000, 1_000)).astype(np.float32)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.eye(1_000, dtype=np.float32)[rng.integers(0, 1_000, 10_000)]
    observed = float(crossent.frameworks.keras.losses.CategoricalCrossentropy()(y, p))
    return lambda: crossent.explain(
        y, p, observed=observed, against=[KERAS, "textbook.categorical"]
    )


def _peak_run(cmd: list[str]) -> tuple[float, float]:
    """``(wall seconds, peak resident MB)`` of one command, measured by a
    parent process that runs nothing else."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
    ).stdout.split()
    return float(out[0]), float(out[1])


def _memory_rows(
    cmd: list[str], repeats: int, issue_size: bool = False
) -> list[tuple[str, list[float], list[float], str]]:
    """The large-vocabulary and large-batch commands of issue #13."""
    import crossent

    rng = np.random.default_rng(0)
    tmp = Path(tempfile.mkdtemp(prefix="crossent-bench-"))
    out = []
    try:
        z = rng.normal(0, 3, (64, 100_000)).astype(np.float32)
        y = rng.integers(0, 100_000, 64)
        np.save(tmp / "z.npy", z)
        np.save(tmp / "y.npy", y)
        torch_value = float(crossent.frameworks.torch.nn.functional.cross_entropy(z, y))
        files = ["--y-true", str(tmp / "y.npy"), "--y-pred", str(tmp / "z.npy")]
        for what, obs in (
            ("one implementation computes", torch_value),
            ("none computes", 3.14159),
        ):
            runs = [
                _peak_run([*cmd, "explain", *files, "--observed", f"{obs:.6g}"])
                for _ in range(repeats)
            ]
            out.append(
                (
                    f"`crossent explain --observed` 64 × 100,000 float32, class ids; a number {what}",
                    [t for t, _ in runs],
                    [m for _, m in runs],
                    "2 s, 300 MB (286 MiB)",
                )
            )
        del z
        for classes in (250, *((1_000,) if issue_size else ())):
            z = rng.normal(0, 3, (100_000, classes)).astype(np.float32)
            y = rng.integers(0, classes, 100_000)
            np.save(tmp / "z.npy", z)
            np.save(tmp / "y.npy", y)
            mb = z.nbytes / 2**20
            torch_value = float(
                crossent.frameworks.torch.nn.functional.cross_entropy(z, y)
            )
            del z
            for command in ("explain", "identify"):
                for what, obs in (("computed", torch_value), ("not computed", 3.14159)):
                    t, m = _peak_run(
                        [*cmd, command, *files, "--observed", f"{obs:.6g}"]
                    )
                    out.append(
                        (
                            f"`crossent {command} --observed` 100,000 × {classes:,} float32 "
                            f"({mb:.0f} MiB), a number {what}; peak = {m / mb:.1f}× the input",
                            [t],
                            [m],
                            f"3× = {3 * mb:.0f} MiB",
                        )
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _first_call_seconds() -> float:
    """One large explain as the first call of a fresh process (this script, re-run)."""
    out = subprocess.run(
        [sys.executable, __file__, "--first-call"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--first-call", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--issue-size",
        action="store_true",
        help="also 100,000 × 1,000 float32 (400 MB), the input of issue #13 (2 more minutes)",
    )
    args = parser.parse_args(argv)

    large = _large_explain()
    if args.first_call:
        t = time.perf_counter()
        large()
        print(time.perf_counter() - t)
        return 0

    import crossent

    y0 = np.eye(3)
    p0 = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])

    def seed() -> None:
        crossent.explain(y0, p0, observed=0.0946, against=KERAS)

    seed()  # warm: registry import
    rows = []
    t_large = _time(large, args.repeats)
    rows.append(
        ("explain, 10,000 × 1,000 float32, observed + 2 implementations", t_large, 2.0)
    )
    rows.append(
        (
            "explain, 10,000 × 1,000 float32, first call in a fresh process",
            [_first_call_seconds() for _ in range(args.repeats)],
            2.0,
        )
    )
    t_seed = _time(seed, args.repeats * 4)
    rows.append(("explain, seed 000 input (after import)", t_seed, 0.1))
    script = Path(sys.executable).with_name("crossent")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "crossent"]
    cli = [
        *cmd,
        "explain",
        "--y-true",
        "[[1,0,0],[0,1,0],[0,0,1]]",
        "--y-pred",
        "[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]",
        "--observed",
        "0.0946",
    ]
    # ``pip install`` compiles every module to bytecode, so an installed crossent
    # starts from cached .pyc files. Make sure they exist (an editable install writes
    # them on first run, unless PYTHONDONTWRITEBYTECODE is set, as it is on some
    # machines), then also time the uncached start for comparison.
    package = Path(crossent.__file__).parent
    compileall.compile_dir(str(package), quiet=1)
    env = {**os.environ, "NO_COLOR": "1"}
    env_uncached = {**env, "PYTHONDONTWRITEBYTECODE": "1"}

    def startup() -> None:
        subprocess.run(cli, capture_output=True, check=True, env=env)

    # The uncached start: a copy of the package without __pycache__, first on the
    # path, bytecode writing off (NumPy and the rest keep their installed .pyc).
    uncached_root = tempfile.mkdtemp(prefix="crossent-uncached-")
    shutil.copytree(
        package,
        Path(uncached_root) / "crossent",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env_uncached["PYTHONPATH"] = os.pathsep.join(
        [uncached_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    where = subprocess.run(
        [sys.executable, "-c", "import crossent; print(crossent.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=env_uncached,
    ).stdout.strip()
    assert where.startswith(uncached_root), where
    cli_uncached = [sys.executable, "-m", "crossent", *cli[len(cmd) :]]

    def startup_uncached() -> None:
        subprocess.run(cli_uncached, capture_output=True, check=True, env=env_uncached)

    startup()
    rows.append(
        (
            "`crossent explain` seed 000, fresh process (wall), bytecode cached as after `pip install`",
            _time(startup, args.repeats * 4),
            0.5,
        )
    )
    rows.append(
        (
            "`crossent explain` seed 000, fresh process (wall), no bytecode cache (every module compiled)",
            _time(startup_uncached, args.repeats * 2),
            None,
        )
    )

    shutil.rmtree(uncached_root, ignore_errors=True)
    memory = _memory_rows(cmd, args.repeats, args.issue_size)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}"
    )
    print()
    print("| what | median s | min s | max s | target s | met |")
    print("|---|---|---|---|---|---|")
    for name, times, target in rows:
        med = statistics.median(times)
        met = "—" if target is None else ("yes" if med < target else "no")
        print(
            f"| {name} | {med:.3f} | {min(times):.3f} | {max(times):.3f} | {target or '—'} | {met} |"
        )
    print()
    print(
        "| command | median s | max s | peak MiB (median) | peak MiB (max) | target |"
    )
    print("|---|---|---|---|---|---|")
    for name, times, peaks, target in memory:
        print(
            f"| {name} | {statistics.median(times):.2f} | {max(times):.2f} | "
            f"{statistics.median(peaks):.0f} | {max(peaks):.0f} | {target} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
