"""Run the real-question corpus with the real frameworks and write its golden file.

Usage::

    python tools/make_explain_corpus.py [--out goldens/explain/corpus.json]
                                        [--files keras_tf.py torch_other.py ...]

(run it with the interpreter of an environment that has the real frameworks,
e.g. ``.venv-parity/bin/python``).

The corpus is ``tools/explain_corpus/keras_tf.py`` and
``tools/explain_corpus/torch_other.py``: each defines ``CASES``, real user
questions rebuilt with small arrays, with a ``reproduce`` snippet that computes
the number the user saw with the real framework (it assigns ``observed``) and,
optionally, a ``reference`` snippet for the number they expected (it assigns
``expected``).  This script runs every snippet and writes one JSON file with
the cases, the numbers and the framework versions.  The format is described in
``tools/README.md``; ``tests/explain/test_corpus.py`` scores
``crossent.explain`` on it.

Snippets run with ``y_true`` and ``y_pred`` bound to fresh NumPy arrays:
``y_pred`` in the case's ``dtype``, ``y_true`` as int64 when every entry is an
integer (class ids), otherwise in ``dtype``.  Cases are written in corpus
order, and the script re-executes itself with ``PYTHONHASHSEED=0``, so a re-run
with the same framework versions gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import io
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.pop("TF_USE_LEGACY_KERAS", None)

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tools" / "explain_corpus"
#: corpus modules, in the order their cases are written
CORPUS_FILES = (
    "keras_tf.py",
    "torch_other.py",
    "heldout.py",
    "heldout2.py",
    "heldout3.py",
    "heldout4.py",
)
GENERATED_BY = "tools/make_explain_corpus.py"
#: distributions whose versions are recorded (those the snippets use)
DISTRIBUTIONS = (
    "numpy",
    "tensorflow",
    "keras",
    "tf_keras",
    "torch",
    "jax",
    "jaxlib",
    "optax",
    "scikit-learn",
)
#: the keys a corpus case must have (``reference`` is optional)
REQUIRED_KEYS = (
    "id",
    "source",
    "title",
    "question",
    "y_true",
    "y_pred",
    "dtype",
    "user_believes_logits",
    "against",
    "options",
    "reproduce",
    "headline",
    "acceptable",
    "expert_answer",
)
#: ``against`` names that are not registered crossent implementations, and the
#: registered name the golden file uses instead (the original is kept in
#: ``against_original``).  Today every corpus name is registered, so none applies.
AGAINST_ALIASES: dict[str, str] = {
    "torch.nn.CrossEntropyLoss": "torch.nn.functional.cross_entropy",
    "torch.nn.NLLLoss": "torch.nn.functional.nll_loss",
    "torch.nn.BCELoss": "torch.nn.functional.binary_cross_entropy",
    "torch.nn.BCEWithLogitsLoss": "torch.nn.functional.binary_cross_entropy_with_logits",
}
#: cases whose ``observed`` is a list of *different* quantities (not one number
#: per sample): the number the question is about, which ``explain`` is given as
#: ``observed_for_explain``, is the one at this index.
OBSERVED_FOR_EXPLAIN = {
    # [model.evaluate(), binary_crossentropy(y, model.predict())]
    "tf-keras-evaluate-uses-sigmoid-logits": 0,
    # [model.evaluate(), BinaryCrossentropy()(y, model.predict())]
    "tf-keras-bce-two-softmax-outputs-evaluate": 0,
    # the loss for alpha = 0.25, 10, 100 (all equal: alpha is ignored)
    "tf-keras-binary-focal-alpha-ignored": 0,
}


def load_corpus(files: tuple[str, ...] = CORPUS_FILES) -> list[dict[str, Any]]:
    """Every case of ``files`` (default: the corpus), in file order.

    Refuses duplicate ids and missing keys.
    """
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in files:
        path = CORPUS_DIR / name
        spec = importlib.util.spec_from_file_location(f"_corpus_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for case in module.CASES:
            missing = [k for k in REQUIRED_KEYS if k not in case]
            if missing:
                raise ValueError(f"{name}: case {case.get('id')!r} lacks {missing}")
            if case["id"] in seen:
                raise ValueError(f"duplicate case id {case['id']!r}")
            seen.add(case["id"])
            cases.append(case)
    return cases


def _all_ints(x: Any) -> bool:
    if isinstance(x, list):
        return all(_all_ints(v) for v in x)
    return isinstance(x, int) and not isinstance(x, bool)


def inputs(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Fresh ``(y_true, y_pred)`` arrays for one snippet run."""
    y_true = np.asarray(
        case["y_true"], dtype=np.int64 if _all_ints(case["y_true"]) else case["dtype"]
    )
    return y_true, np.asarray(case["y_pred"], dtype=case["dtype"])


def run_snippet(case: dict[str, Any], key: str, result: str) -> Any:
    """Run ``case[key]`` and return the value it assigns to ``result``.

    The snippets are this project's own code (``tools/explain_corpus``), and
    ``exec`` runs them only here, in a developer tool; nothing in crossent
    executes user-supplied code.
    """
    y_true, y_pred = inputs(case)
    namespace: dict[str, Any] = {"y_true": y_true, "y_pred": y_pred}
    # Frameworks print progress and warn (deprecations, retracing); neither
    # changes the number.
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        exec(compile(case[key], f"<{case['id']}:{key}>", "exec"), namespace)
    if result not in namespace:
        raise ValueError(f"{case['id']}: `{key}` did not assign `{result}`")
    return numbers(namespace[result], f"{case['id']}: {result}")


def numbers(x: Any, what: str) -> Any:
    """A float, or a nested list of floats, JSON-safe (non-finite as strings)."""
    if isinstance(x, list | tuple):
        return [numbers(v, what) for v in x]
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"{what} must be a number or a list of numbers; got {x!r}")
    v = float(x)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def registered_against(case: dict[str, Any]) -> dict[str, Any]:
    """``against`` as a registered crossent name (see :data:`AGAINST_ALIASES`)."""
    against = case["against"]
    if against is None:
        return {"against": None}
    try:
        from crossent.explain._spec import as_spec, check_options
    except ImportError:  # crossent not installed here: keep the name as written
        return {"against": against}
    name, sep, rest = against.partition("(")
    if name in AGAINST_ALIASES:
        mapped = AGAINST_ALIASES[name] + sep + rest
        out = {"against": mapped, "against_original": against}
    else:
        mapped, out = against, {"against": against}
    spec = as_spec(mapped)
    _ = spec.implementation  # raises for a name crossent does not register
    check_options(spec)
    return out


def build_case(case: dict[str, Any]) -> dict[str, Any]:
    """The golden record of one corpus case."""
    # the keys up to ``against`` are copied as they are
    copied = REQUIRED_KEYS[: REQUIRED_KEYS.index("against")]
    out: dict[str, Any] = {k: case[k] for k in copied}
    out.update(registered_against(case))
    out["options"] = case["options"]
    out["observed"] = run_snippet(case, "reproduce", "observed")
    if case["id"] in OBSERVED_FOR_EXPLAIN:
        if not isinstance(out["observed"], list):
            raise ValueError(f"{case['id']}: observed is not a list")
        out["observed_for_explain"] = out["observed"][OBSERVED_FOR_EXPLAIN[case["id"]]]
    if case.get("reference"):
        out["expected"] = run_snippet(case, "reference", "expected")
    for k in ("headline", "acceptable", "expert_answer"):
        out[k] = case[k]
    return out


def versions() -> dict[str, str]:
    """Versions of the packages the numbers depend on."""
    found = {}
    for name in DISTRIBUTIONS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return found


def write(path: Path, header: dict[str, Any], cases: list[dict[str, Any]]) -> None:
    """Write the header, then one case per line (as ``make_golden.py`` does)."""
    head = json.dumps(header, allow_nan=False)[:-1]
    body = ",\n".join(
        json.dumps(c, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        for c in cases
    )
    path.write_text(f'{head}, "cases": [\n{body}\n]}}\n', encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    if argv is None and os.environ.get("PYTHONHASHSEED") != "0":
        # Same as make_golden.py: fix string hashing so that anything printed
        # from a set comes out in the same order on every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A subdirectory: goldens/*.json are the mirror tests' framework goldens.
    ap.add_argument(
        "--out",
        default=str(ROOT / "goldens" / "explain" / "corpus.json"),
        help="output file (default: goldens/explain/corpus.json)",
    )
    ap.add_argument(
        "--files",
        nargs="+",
        default=list(CORPUS_FILES),
        metavar="FILE",
        help=(
            "corpus modules in tools/explain_corpus/, in output order (default: "
            f"{' '.join(CORPUS_FILES)}; e.g. add heldout.py, with --out elsewhere)"
        ),
    )
    ns = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = []
    for case in load_corpus(tuple(ns.files)):
        t = time.perf_counter()
        results.append(build_case(case))
        print(f"{case['id']:58s} {time.perf_counter() - t:6.2f}s", flush=True)
    header = {"generated_by": GENERATED_BY, "versions": versions()}
    path = Path(ns.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path, header, results)
    print(
        f"{len(results)} cases, {sum('expected' in r for r in results)} with a "
        f"reference -> {path} ({time.perf_counter() - t0:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
