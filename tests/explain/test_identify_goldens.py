"""identify() over the whole golden set: given the inputs and the real framework's output,
it must name the implementation that produced it (issue #4).

The hit rate and the ambiguity (cases where several implementations reproduce the same
number, all of them listed) are written to ``identify-goldens.json`` in pytest's temp
directory and summarised in the test's output; known misses, with reasons, are in
``identify_misses.json``.
"""

from __future__ import annotations

import collections
import inspect
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import crossent
from crossent.frameworks._registry import mirror
from tests.frameworks._golden import decode, load_cases

MISSES = json.loads((Path(__file__).parent / "identify_misses.json").read_text())

CLASS_TO_FUNCTION = {
    "torch.nn.CrossEntropyLoss": "torch.nn.functional.cross_entropy",
    "torch.nn.NLLLoss": "torch.nn.functional.nll_loss",
    "torch.nn.BCELoss": "torch.nn.functional.binary_cross_entropy",
    "torch.nn.BCEWithLogitsLoss": "torch.nn.functional.binary_cross_entropy_with_logits",
}


#: Parameter names of the predictions and of the targets, across the mirrors.
PRED_NAMES = frozenset(
    {"y_pred", "y_proba", "input", "inputs", "logits", "logit", "scores", "prob", "predictions",
     "source", "vocab_parallel_logits", "approx", "output"}
)  # fmt: skip
TRUE_NAMES = frozenset(
    {"y_true", "target", "targets", "label", "labels", "onehot_labels",
     "multi_class_labels"}
)  # fmt: skip


def canonical(case: dict[str, Any]) -> tuple[str, Any, Any, dict[str, Any]] | None:
    """(registered path, y_true, y_pred, options used) of a golden case, or None.

    The call's arguments are bound to the mirror's signature; the targets and the
    predictions are told apart by their parameter names (``input``/``target`` in
    PyTorch, ``logits``/``labels`` in optax and tf.nn, ``y_true``/``y_pred`` in
    Keras...), and every other argument is an option.
    """
    impl = CLASS_TO_FUNCTION.get(case["impl"], case["impl"])
    if impl == "optax.smooth_labels":
        return None
    args = decode(case.get("args", []))
    kwargs = dict(decode(case.get("kwargs", {})))
    try:
        target = mirror(impl)
        sig = inspect.signature(target)
        if inspect.isclass(target):  # a loss class: its call takes the arrays
            call = inspect.signature(target.__call__)
            sig = call.replace(parameters=list(call.parameters.values())[1:])
        bound = sig.bind_partial(*args, **kwargs).arguments
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    options = dict(decode(case.get("init", {})))
    y_true = y_pred = None
    for name, value in bound.items():
        if name in PRED_NAMES and y_pred is None:
            y_pred = value
        elif name in TRUE_NAMES and y_true is None:
            y_true = value
        elif name == "kwargs" and isinstance(value, dict):
            options.update(value)
        else:
            options[name] = value
    if y_true is None or y_pred is None:
        return None
    return impl, y_true, y_pred, options


def test_identify_names_the_producer_of_every_golden_case(tmp_path_factory) -> None:
    stats: collections.Counter[str] = collections.Counter()
    ambiguous: dict[str, list[str]] = {}
    missed: dict[str, list[str]] = {}
    known = crossent.frameworks.registry()
    for case in load_cases():
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
    # a miss whose reason is a float32 ulp of the CPU's SIMD math may be a hit on
    # another CPU: only the others must stay misses
    stale = [
        k
        for k in MISSES
        if k not in missed and not MISSES[k].startswith("depends on the CPU")
    ]
    assert stale == [], f"listed as misses but now identified: {stale}"
    assert np.isfinite(report["hit_rate"])
