"""The command line: which families, the deterministic re-execution, writing files.

Each family module (``golden.<module>``) has ``build()``, its case list, and
``runner()``, which imports the real framework(s).  When more than one family is
asked for, each runs in its own interpreter: PaddlePaddle 3.3.1 segfaults when
imported after TensorFlow (docs/semantics.md N10.1), and one framework's
import-time state (JAX's x64 flag, TensorFlow's thread pools) cannot leak into
another's numbers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ._common import run_case

GENERATED_BY = "tools/make_golden.py"
ENTRY = Path(__file__).resolve().parents[1] / "make_golden.py"

#: family -> module of ``golden`` that builds and runs it
FAMILIES: dict[str, str] = {
    "keras": "keras",
    "tf_keras": "tf_keras",
    "tf_nn": "tf_nn",
    "torch": "torch",
    "optax": "optax",
    "sklearn": "sklearn",
    "tf_compat_v1": "tf_compat_v1",
    "mlx": "mlx",
    "onnx": "onnx",
    "paddle": "paddle",
    "transformers": "transformers",
    "megatron": "megatron",
    "lightgbm": "lightgbm",
    "xgboost": "xgboost",
    "catboost": "catboost",
    "optax_x64": "optax_x64",
}


def write_golden(
    path: Path, header: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    """Write the golden file: the header, then one case per line."""
    head = json.dumps(header, allow_nan=False)[:-1]
    body = ",\n".join(
        json.dumps(c, allow_nan=False, separators=(",", ":")) for c in cases
    )
    path.write_text(f'{head}, "cases": [\n{body}\n]}}\n', encoding="utf-8")


def generate(family: str, out_dir: Path) -> None:
    """Generate ``out_dir/<family>.json`` in this interpreter and print its summary."""
    t0 = time.perf_counter()
    module = importlib.import_module(f"golden.{FAMILIES[family]}")
    cl = module.build()
    runner = module.runner()
    results = [run_case(runner, case) for case in cl.cases]
    header = {
        "framework": family,
        "versions": runner.versions(),
        "generated_by": GENERATED_BY,
    }
    path = out_dir / f"{family}.json"
    write_golden(path, header, results)
    n_err = sum("error" in r["expected"] for r in results)
    n_grad = sum("grad" in r for r in results)
    dt = time.perf_counter() - t0
    print(
        f"{family:12s} {len(results):5d} cases  {n_err:4d} expected errors  "
        f"{n_grad:5d} gradients  {path.stat().st_size / 1e6:.2f} MB  {dt:.1f}s",
        flush=True,
    )


def _counts(path: Path) -> tuple[int, int]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return len(cases), sum("error" in c["expected"] for c in cases)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    if argv is None and os.environ.get("PYTHONHASHSEED") != "0":
        # Error messages may print Python sets; fix string hashing so that their
        # order, and hence the files, are the same on every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, str(ENTRY), *sys.argv[1:]])
    names = ", ".join(FAMILIES)
    ap = argparse.ArgumentParser(
        description="Run the real ML frameworks and write golden JSON files."
    )
    ap.add_argument(
        "--only", default="", help=f"comma-separated families (default: all of {names})"
    )
    ap.add_argument("--out", default="goldens", help="output directory")
    ns = ap.parse_args(argv)
    families = [f for f in ns.only.split(",") if f] or list(FAMILIES)
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        ap.error(f"unknown families {unknown}; choose from {names}")
    out_dir = Path(ns.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if len(families) == 1:
        try:
            generate(families[0], out_dir)
        except ImportError as e:
            print(f"{families[0]:12s} skipped: cannot import its framework ({e})")
            return 3
        return 0
    n = n_err = 0
    skipped: list[str] = []
    for family in families:
        cmd = [sys.executable, str(ENTRY), "--only", family, "--out", str(out_dir)]
        rc = subprocess.run(cmd, check=False).returncode
        if rc == 3:
            skipped.append(family)
            continue
        if rc != 0:
            print(f"{family:12s} failed (exit status {rc})")
            return 1
        c, e = _counts(out_dir / f"{family}.json")
        n, n_err = n + c, n_err + e
    print(
        f"total        {n:5d} cases  {n_err:4d} expected errors"
        + (f"  skipped: {', '.join(skipped)}" if skipped else "")
    )
    return 0
