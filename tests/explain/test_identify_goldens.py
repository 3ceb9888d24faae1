"""identify() over the whole golden set: given the inputs and the real framework's output,
it must name the implementation that produced it (issue #4).

The hit rate and the ambiguity (cases where several implementations reproduce the same
number, all of them listed) are written to ``identify-goldens.json`` in pytest's temp
directory and summarised in the test's output; known misses, with reasons, are in
``identify_misses.json``.
"""

from __future__ import annotations

import collections
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import crossent
from tests.frameworks._golden import decode, load_cases

MISSES = json.loads((Path(__file__).parent / "identify_misses.json").read_text())

#: the golden files this ratchet covers; the files of the #17 mirrors (tf_compat_v1,
#: transformers, paddle, mlx, onnx, megatron, lightgbm, xgboost, catboost,
#: optax_x64) have other argument layouts that :func:`canonical` does not map yet
FILES = {
    "keras.json",
    "tf_keras.json",
    "tf_nn.json",
    "torch.json",
    "optax.json",
    "sklearn.json",
}

CLASS_TO_FUNCTION = {
    "torch.nn.CrossEntropyLoss": "torch.nn.functional.cross_entropy",
    "torch.nn.NLLLoss": "torch.nn.functional.nll_loss",
    "torch.nn.BCELoss": "torch.nn.functional.binary_cross_entropy",
    "torch.nn.BCEWithLogitsLoss": "torch.nn.functional.binary_cross_entropy_with_logits",
}


def canonical(case: dict[str, Any]) -> tuple[str, Any, Any, dict[str, Any]] | None:
    """(registered path, y_true, y_pred, options used) of a golden case, or None."""
    impl = CLASS_TO_FUNCTION.get(case["impl"], case["impl"])
    args = decode(case.get("args", []))
    kwargs = dict(decode(case.get("kwargs", {})))
    options = {**dict(decode(case.get("init", {}))), **kwargs}
    if impl.startswith("tf.nn."):
        y_true, y_pred = options.pop("labels"), options.pop("logits")
    elif impl.startswith("torch."):
        y_pred, y_true = args[0], args[1]
    elif impl.startswith("optax."):
        if impl == "optax.smooth_labels":
            return None
        y_pred, y_true = args[0], args[1]
    else:
        y_true, y_pred = args[0], args[1]
    return impl, y_true, y_pred, options


def test_identify_names_the_producer_of_every_golden_case(tmp_path_factory) -> None:
    stats: collections.Counter[str] = collections.Counter()
    ambiguous: dict[str, list[str]] = {}
    missed: dict[str, list[str]] = {}
    known = crossent.frameworks.registry()
    for case in load_cases():
        if case["_file"] not in FILES:
            continue
        expected = decode(case["expected"])
        if isinstance(expected, dict):  # an expected exception: nothing to identify
            continue
        mapped = canonical(case)
        if mapped is None or mapped[0] not in known:
            stats["not registered"] += 1
            continue
        impl, y_true, y_pred, options = mapped
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = crossent.identify(y_true, y_pred, expected, **options)
        paths = list(dict.fromkeys(m.spec.path for m in found))
        stats["cases"] += 1
        if impl in paths:
            stats["hit"] += 1
            if len(paths) > 1:
                stats["ambiguous"] += 1
                ambiguous[case["id"]] = paths
        else:
            missed[case["id"]] = paths
    report = {
        "cases": stats["cases"],
        "hit": stats["hit"],
        "hit_rate": stats["hit"] / max(stats["cases"], 1),
        "ambiguous": stats["ambiguous"],
        "not_registered": stats["not registered"],
        "missed": missed,
        "ambiguous_cases": ambiguous,
    }
    out = tmp_path_factory.mktemp("identify") / "identify-goldens.json"
    out.write_text(json.dumps(report, indent=1))
    print(
        f"\nidentify over goldens: {stats['hit']}/{stats['cases']} hit "
        f"({report['hit_rate']:.1%}), {stats['ambiguous']} ambiguous; report {out}"
    )
    unexpected = {k: v for k, v in missed.items() if k not in MISSES}
    assert unexpected == {}, (
        f"{len(unexpected)} golden cases not identified: {list(unexpected)[:20]}"
    )
    stale = [k for k in MISSES if k not in missed]
    assert stale == [], f"listed as misses but now identified: {stale}"
    assert np.isfinite(report["hit_rate"])
