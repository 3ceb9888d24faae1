"""Run the real ML frameworks and write golden JSON files for the mirror tests.

Usage::

    python tools/make_golden.py [--only torch,keras] [--out goldens]

(run it with the interpreter of an environment that has the real frameworks,
e.g. ``.venv-parity/bin/python``).

One file per framework family is written to ``--out`` (``keras.json``,
``tf_keras.json``, ``tf_nn.json``, ``torch.json``, ``optax.json``,
``sklearn.json``).  Every case records the call (``impl`` is the mirror's dotted
path under ``crossent.frameworks``), the inputs, and what the real framework
returned (an array, or the exception it raised), plus the gradient of
``sum(output)`` with respect to the predictions where the framework gives one.
The format is described in ``tools/README.md`` and checked by
``tests/test_golden_format.py``.

Inputs come from fixed NumPy generators (seeded from the case name), and cases
are written in a fixed order, so re-running the script with the same framework
versions reproduces the files byte for byte.  Each framework is imported only
when its family is generated.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import os
import sys
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.pop("TF_USE_LEGACY_KERAS", None)

import ml_dtypes
import numpy as np

import crossent.frameworks as mirrors
from crossent.frameworks.keras import _loss as keras_loss

FAMILIES = ("keras", "tf_keras", "tf_nn", "torch", "optax", "sklearn")
GENERATED_BY = "tools/make_golden.py"
BF16 = ml_dtypes.bfloat16
INF = math.inf
NAN = math.nan

F32_F64_F16 = ("float32", "float64", "float16")
F32_F64 = ("float32", "float64")
F32 = ("float32",)
ALL_FLOATS = ("float32", "float64", "float16", "bfloat16")
#: warning categories worth recording in a case's note (deprecations are noise)
NOTED_WARNINGS = (UserWarning, SyntaxWarning, RuntimeWarning, FutureWarning)


# ----------------------------------------------------------------------------
# Cases and their JSON encoding
# ----------------------------------------------------------------------------


@dataclass
class Case:
    """One call of one framework function or loss object.

    ``args``/``kwargs``/``init`` hold NumPy arrays or plain JSON values.  ``grad``
    is the positional index (or, for keyword-only calls such as ``tf.nn``, the
    keyword name) of the argument to differentiate, or None.
    """

    impl: str
    kind: str
    dtype: str
    tag: str
    args: list[Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    init: dict[str, Any] = field(default_factory=dict)
    grad: int | str | None = None
    note: str = ""

    @property
    def id(self) -> str:
        """The stable unique id: ``impl/dtype/tag``."""
        return f"{self.impl}/{self.dtype}/{self.tag}"


class CaseList:
    """An ordered list of cases that refuses duplicate ids."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self._ids: set[str] = set()

    def add(self, case: Case | None) -> None:
        """Append ``case`` (None is ignored); raise if its id is already taken."""
        if case is None:
            return
        if case.id in self._ids:
            raise ValueError(f"duplicate case id {case.id!r}")
        self._ids.add(case.id)
        self.cases.append(case)


def _json_number(x: float | int | bool) -> float | int | bool | str:
    """A JSON-safe scalar: non-finite floats become "nan", "inf", "-inf"."""
    if isinstance(x, bool | int):
        return x
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode_array(a: np.ndarray) -> dict[str, Any]:
    """Encode a NumPy array as ``{"array": {"dtype", "shape", "data"}}``."""
    a = np.asarray(a)
    name = "bfloat16" if a.dtype == BF16 else a.dtype.name
    if a.dtype.kind == "f" or a.dtype == BF16:
        flat = a.astype(np.float64).ravel().tolist()
    elif a.dtype.kind in "iub":
        flat = a.ravel().tolist()
    else:
        raise TypeError(f"cannot encode dtype {a.dtype}")
    return {
        "array": {
            "dtype": name,
            "shape": list(a.shape),
            "data": [_json_number(v) for v in flat],
        }
    }


def encode_value(v: Any) -> Any:
    """Encode an argument: arrays as ARRAY objects, plain JSON values as is."""
    if isinstance(v, np.ndarray | np.generic):
        return encode_array(np.asarray(v))
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("plain non-finite floats are not allowed; use arrays")
        return v
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, list | tuple):
        return [encode_value(x) for x in v]
    raise TypeError(f"cannot encode {type(v).__name__}")


# ----------------------------------------------------------------------------
# Input helpers (all return float64 unless cast)
# ----------------------------------------------------------------------------


def rng(*key: object) -> np.random.Generator:
    """A generator seeded from ``key`` so each case's inputs are independent."""
    return np.random.default_rng(zlib.crc32("/".join(map(str, key)).encode()))


def cast(x: Any, dtype: str) -> np.ndarray:
    """Cast ``x`` to ``dtype`` (bfloat16 through ml_dtypes)."""
    x = np.asarray(x)
    if dtype == "bfloat16":
        return x.astype(BF16)
    return x.astype(dtype)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax in float64."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Log-softmax in float64."""
    s = z - z.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def probs(r: np.random.Generator, shape: tuple[int, ...], axis: int = -1) -> np.ndarray:
    """Random probability rows (summing to 1 along ``axis``)."""
    return softmax(r.normal(size=shape) * 1.5, axis)


def logits(r: np.random.Generator, shape: tuple[int, ...], scale: float = 3.0):
    """Random logits."""
    return r.normal(size=shape) * scale


def big_logits(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Logits that are multiples of 250 in [-1000, 1000]."""
    return r.integers(-4, 5, size=shape) * 250.0


def int_labels(r: np.random.Generator, shape: tuple[int, ...], c: int) -> np.ndarray:
    """Random class ids in [0, c)."""
    return r.integers(0, c, size=shape)


def one_hot(labels: Any, c: int, axis: int = -1) -> np.ndarray:
    """One-hot encode ``labels`` with the class axis at ``axis``."""
    return np.moveaxis(np.eye(c)[np.asarray(labels)], -1, axis)


def bin_labels(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random 0/1 labels as floats."""
    return r.integers(0, 2, size=shape).astype(np.float64)


def bin_probs(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random probabilities in (0.02, 0.98)."""
    return r.uniform(0.02, 0.98, size=shape)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid in float64."""
    return 1.0 / (1.0 + np.exp(-x))


# A problem is (tag, dtypes, inputs, options, note); builders turn each problem
# into cases for every implementation that supports its options.
Problem = tuple[str, tuple[str, ...], tuple[Any, ...], dict[str, Any], str]


# ----------------------------------------------------------------------------
# Keras 3 and tf_keras
# ----------------------------------------------------------------------------


def accepted(path: str) -> set[str]:
    """The options the mirror at ``path`` accepts: its registered binder's arguments."""
    params = inspect.signature(mirrors.get(path).bind).parameters
    return set(params) - {"y_true", "y_pred", "sample_weight"}


def grid(path: str, option: str) -> tuple[Any, ...]:
    """The values of ``option`` that :func:`crossent.identify` tries for ``path``."""
    return tuple(mirrors.get(path).options[option])


def class_reductions(flavour: str) -> tuple[Any, ...]:
    """The reductions a Keras ``Loss`` class accepts, from its mirror.

    Keras 3: ``standardize_reduction``'s choices (``None`` last); tf_keras: the
    constructor's default ``"auto"``, then the reductions identify tries.
    """
    if flavour == "keras":
        return keras_loss.REDUCTIONS
    path = f"{flavour}.losses.CategoricalCrossentropy"
    default = inspect.signature(mirrors.get(path).bind).parameters["reduction"]
    return (default.default, *grid(path, "reduction"))


def _keras_impls(flavour: str) -> dict[str, dict[str, tuple[str, set[str]]]]:
    """Mirror paths, kinds and accepted options (from the registry) by loss group."""
    p = flavour
    backend = "keras.ops" if p == "keras" else "tf_keras.backend"
    groups = {
        "cce": ("CategoricalCrossentropy", "categorical_crossentropy", True),
        "scce": (
            "SparseCategoricalCrossentropy",
            "sparse_categorical_crossentropy",
            True,
        ),
        "bce": ("BinaryCrossentropy", "binary_crossentropy", True),
        "bfc": ("BinaryFocalCrossentropy", "binary_focal_crossentropy", False),
        "cfc": (
            "CategoricalFocalCrossentropy",
            "categorical_focal_crossentropy",
            False,
        ),
    }
    impls: dict[str, dict[str, tuple[str, set[str]]]] = {}
    for group, (cls, fn, has_backend) in groups.items():
        paths = {
            f"{p}.losses.{cls}": "class",
            f"{p}.losses.{fn}": "function",
            **({f"{backend}.{fn}": "function"} if has_backend else {}),
        }
        impls[group] = {path: (kind, accepted(path)) for path, kind in paths.items()}
    return impls


def _keras_case(
    impl: str,
    spec: tuple[str, set[str]],
    dtype: str,
    tag: str,
    y: Any,
    p: Any,
    opts: dict[str, Any],
    note: str = "",
    sample_weight: Any = None,
) -> Case | None:
    """A Keras call ``(y_true, y_pred)``; None if ``impl`` lacks an option."""
    kind, allowed = spec
    if not set(opts) <= allowed:
        return None
    if sample_weight is not None and kind != "class":
        return None
    grad = 1 if np.asarray(p).dtype.kind == "f" or np.asarray(p).dtype == BF16 else None
    if kind == "class":
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        return Case(impl, kind, dtype, tag, [y, p], kwargs, dict(opts), grad, note)
    return Case(impl, kind, dtype, tag, [y, p], dict(opts), {}, grad, note)


def _categorical_problems() -> list[Problem]:
    """One-hot / soft-label problems for CCE-like Keras losses."""
    out: list[Problem] = []
    for shape, seed in (((4, 3), 0), ((5, 7), 1)):
        r = rng("cat", shape, seed)
        y = one_hot(int_labels(r, shape[:-1], shape[-1]), shape[-1])
        dts = F32_F64_F16 if seed == 0 else F32_F64
        out.append((f"random-{seed}", dts, (y, probs(r, shape)), {}, ""))
        out.append(
            (f"logits-{seed}", dts, (y, logits(r, shape)), {"from_logits": True}, "")
        )
    r = rng("cat", "soft")
    ys = probs(r, (4, 3))
    out.append(("soft-labels", F32_F64, (ys, probs(r, (4, 3))), {}, ""))
    out.append(
        ("soft-labels-logits", F32, (ys, logits(r, (4, 3))), {"from_logits": True}, "")
    )
    y43 = one_hot([0, 2, 1, 1], 3)
    out.append(
        (
            "unnormalised",
            F32_F64_F16,
            (y43, r.uniform(0, 1, (4, 3))),
            {},
            "rows of y_pred do not sum to 1",
        )
    )
    edge_p = [
        [1, 0, 0],
        [1, 0, 0],
        [0.2, 0.2, 0.2],
        [2, -1, 0],
        [0.5, 0.5, 0],
        [0.5, 0, 0],
    ]
    edge_y = one_hot([0, 1, 0, 0, 2, 1], 3)
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (edge_y, np.array(edge_p, float)),
            {},
            "edge: exact 0/1 probabilities, unnormalised and negative rows",
        )
    )
    out.append(
        (
            "zero-and-nan-rows",
            F32,
            (one_hot([0, 0], 3), np.array([[0, 0, 0], [NAN, 0.5, 0.5]])),
            {},
            "edge: all-zero row and NaN entry",
        )
    )
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (y43, big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    inf_z = [[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]]
    out.append(
        (
            "logits-inf",
            F32_F64,
            (one_hot([0, 0, 1, 1], 3), np.array(inf_z)),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    r = rng("cat", "3d")
    y3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    out.append(
        (
            "axis1-3d",
            F32_F64,
            (y3, probs(r, (2, 3, 4), axis=1)),
            {"axis": 1},
            "class axis 1 of (2,3,4)",
        )
    )
    out.append(
        (
            "axis1-3d-logits",
            F32,
            (y3, logits(r, (2, 3, 4))),
            {"from_logits": True, "axis": 1},
            "",
        )
    )
    y0 = one_hot([1, 0], 3, axis=0)
    out.append(("axis0", F32, (y0, probs(r, (3, 2), axis=0)), {"axis": 0}, ""))
    ylast = one_hot(int_labels(r, (2, 3), 4), 4)
    out.append(("last-axis-3d", F32_F64, (ylast, probs(r, (2, 3, 4))), {}, ""))
    r = rng("cat", "ls")
    yls = one_hot([1, 0, 2, 1], 3)
    pls = probs(r, (4, 3))
    out.append(("ls-0.1", F32_F64_F16, (yls, pls), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "ls-0.1-logits",
            F32,
            (yls, logits(r, (4, 3))),
            {"label_smoothing": 0.1, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "ls-0.3-axis1",
            F32,
            (y3, probs(r, (2, 3, 4), axis=1)),
            {"label_smoothing": 0.3, "axis": 1},
            "label smoothing with axis != -1 (C taken from which axis?)",
        )
    )
    out.append(("ls-negative", F32, (yls, pls), {"label_smoothing": -0.1}, ""))
    out.append(("ls-1.5", F32, (yls, pls), {"label_smoothing": 1.5}, ""))
    out.append(
        (
            "single-class",
            F32,
            (np.ones((4, 1)), np.full((4, 1), 0.7)),
            {},
            "last dimension 1",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    out.append(
        (
            "shape-mismatch",
            F32,
            (y43, probs(r, (4, 4))),
            {},
            "edge: y_true (4,3) vs y_pred (4,4)",
        )
    )
    # seed 000 / 001 (float64 NumPy inputs, as in the question)
    s_y = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    s_p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    s_q = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    out.append(
        (
            "seed000-unnormalised",
            ("float64",),
            (s_y, s_p),
            {},
            "seed 000: CategoricalCrossentropy 0.3239681",
        )
    )
    out.append(
        (
            "seed000-clip",
            ("float64",),
            (np.array([[0.0, 1]]), np.array([[0.99999999999, 0.00000000001]])),
            {},
            "seed 000: 16.118095",
        )
    )
    out.append(
        (
            "seed001-normalised",
            ("float64",),
            (s_y, s_q),
            {},
            "seed 001: [0.10536052 0.11653382 0.0618754]",
        )
    )
    return out


def _sparse_problems() -> list[Problem]:
    """Integer-label problems for SCCE-like Keras losses."""
    out: list[Problem] = []
    r = rng("sparse", 0)
    y0 = int_labels(r, (4,), 3)
    out.append(("random-0", F32_F64_F16, (y0, probs(r, (4, 3))), {}, ""))
    out.append(
        ("logits-0", F32_F64_F16, (y0, logits(r, (4, 3))), {"from_logits": True}, "")
    )
    r = rng("sparse", 1)
    y1 = int_labels(r, (5,), 7).astype(np.int32)
    out.append(("random-1-int32", F32_F64, (y1, probs(r, (5, 7))), {}, ""))
    out.append(
        ("logits-1-int32", F32, (y1, logits(r, (5, 7))), {"from_logits": True}, "")
    )
    r = rng("sparse", "float")
    out.append(
        (
            "float-labels",
            F32,
            (np.array([0, 1.7, 2, 0.2]), probs(r, (4, 3))),
            {},
            "float labels (1.7, 0.2 are fractional)",
        )
    )
    out.append(
        (
            "label-column",
            F32,
            (int_labels(r, (4, 1), 3), probs(r, (4, 3))),
            {},
            "labels of shape (B,1)",
        )
    )
    r = rng("sparse", "3d")
    y3 = int_labels(r, (2, 3), 4)
    out.append(("3d", F32_F64, (y3, probs(r, (2, 3, 4))), {}, ""))
    out.append(
        ("3d-logits", F32, (y3, logits(r, (2, 3, 4))), {"from_logits": True}, "")
    )
    ya = int_labels(r, (2, 4), 3)
    out.append(
        ("axis1", F32, (ya, probs(r, (2, 3, 4), axis=1)), {"axis": 1}, "class axis 1")
    )
    out.append(
        (
            "axis1-logits",
            F32,
            (ya, logits(r, (2, 3, 4))),
            {"axis": 1, "from_logits": True},
            "class axis 1",
        )
    )
    edge_p = np.array(
        [[0.5, 0, 0], [1, 0, 0], [0.2, 0.2, 0.2], [2, -1, 0], [0, 1, 0]], float
    )
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array([1, 0, 0, 0, 0]), edge_p),
            {},
            "edge: exact 0/1, unnormalised, negative",
        )
    )
    out.append(
        ("zero-row", F32, (np.array([0]), np.zeros((1, 3))), {}, "edge: all-zero row")
    )
    p23 = np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])
    out.append(("label-oob-3", F32, (np.array([0, 3]), p23), {}, "edge: label == C"))
    out.append(
        ("label-neg1", F32, (np.array([-1, 0]), p23), {}, "edge: negative label")
    )
    out.append(
        (
            "label-oob-logits",
            F32,
            (np.array([3, 0]), p23),
            {"from_logits": True},
            "edge: label == C",
        )
    )
    p_ign = np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    y_ign = np.array([0, -1, 2])
    out.append(("ignore-class", F32_F64, (y_ign, p_ign), {"ignore_class": -1}, ""))
    out.append(
        (
            "ignore-class-logits",
            F32,
            (y_ign, np.array([[2.0, 1, 0], [0, 0, 0], [0, 1, 3]])),
            {"ignore_class": -1, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "ignore-class-1",
            F32,
            (np.array([0, 1, 2, 1]), probs(r, (4, 3))),
            {"ignore_class": 1},
            "ignore a valid class id",
        )
    )
    out.append(
        (
            "all-ignored",
            F32,
            (np.array([-1, -1]), p_ign[:2]),
            {"ignore_class": -1},
            "edge: every label ignored",
        )
    )
    out.append(
        (
            "ignore-class-3d",
            F32,
            (np.array([[0, -1], [2, 1]]), probs(r, (2, 2, 3))),
            {"ignore_class": -1},
            "",
        )
    )
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (np.array([0, 1, 2, 1]), big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    out.append(
        (
            "logits-inf",
            F32,
            (np.array([0, 0, 0, 1]), inf_z),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    out.append(
        (
            "empty",
            F32,
            (np.zeros((0,), np.int64), np.zeros((0, 3))),
            {},
            "edge: empty batch",
        )
    )
    return out


def _binary_problems() -> list[Problem]:
    """Problems for BCE-like Keras losses."""
    out: list[Problem] = []
    for shape, seed in (((4, 3), 0), ((5, 7), 1)):
        r = rng("bin", shape, seed)
        y = bin_labels(r, shape)
        dts = F32_F64_F16 if seed == 0 else F32_F64
        out.append((f"random-{seed}", dts, (y, bin_probs(r, shape)), {}, ""))
        out.append(
            (f"logits-{seed}", dts, (y, logits(r, shape)), {"from_logits": True}, "")
        )
    r = rng("bin", "soft")
    out.append(
        (
            "soft-labels",
            F32_F64,
            (r.uniform(0, 1, (4, 3)), bin_probs(r, (4, 3))),
            {},
            "",
        )
    )
    out.append(
        ("1d", F32_F64, (bin_labels(r, (6,)), bin_probs(r, (6,))), {}, "1-D inputs")
    )
    out.append(
        (
            "1d-logits",
            F32,
            (bin_labels(r, (6,)), logits(r, (6,))),
            {"from_logits": True},
            "1-D inputs",
        )
    )
    out.append(("3d", F32, (bin_labels(r, (2, 3, 4)), bin_probs(r, (2, 3, 4))), {}, ""))
    out.append(
        (
            "logits-large",
            F32_F64_F16,
            (bin_labels(r, (4, 3)), big_logits(r, (4, 3))),
            {"from_logits": True},
            "logits up to +-1e3",
        )
    )
    x_inf = [INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20]
    y_inf = [0, 1, 0, 1, 0, 0, 1, 1, 0]
    out.append(
        (
            "logits-inf",
            F32_F64,
            (np.array(y_inf, float)[:, None], np.array(x_inf)[:, None]),
            {"from_logits": True},
            "edge: infinite and saturated logits, one per row",
        )
    )
    p_e = [0, 0, 1, 1, 1e-8, 1 - 1e-8, 0.5, 1.5, -0.5, 1e-30, 1 - 1e-7, 1e-7]
    y_e = [1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array(y_e, float)[:, None], np.array(p_e)[:, None]),
            {},
            "edge: exact 0/1, near 0/1, outside [0,1], one per row",
        )
    )
    out.append(
        (
            "nan-prob",
            F32,
            (np.array([[1.0], [0.0]]), np.array([[NAN], [0.3]])),
            {},
            "edge: NaN probability",
        )
    )
    out.append(
        (
            "label-2-and-neg",
            F32,
            (np.array([[2.0], [-1.0]]), np.array([[0.3], [0.3]])),
            {},
            "edge: labels outside [0,1]",
        )
    )
    r = rng("bin", "ls")
    y_ls, p_ls = bin_labels(r, (4, 3)), bin_probs(r, (4, 3))
    out.append(("ls-0.1", F32_F64_F16, (y_ls, p_ls), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "ls-0.25-logits",
            F32,
            (y_ls, logits(r, (4, 3))),
            {"label_smoothing": 0.25, "from_logits": True},
            "",
        )
    )
    out.append(("axis0", F32, (y_ls, p_ls), {"axis": 0}, "mean over axis 0"))
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    out.append(("shape-mismatch", F32, (y_ls, p_ls[:, :2]), {}, "edge: (4,3) vs (4,2)"))
    out.append(
        (
            "softmax-output",
            F32,
            (
                np.array([[1.0, 0, 0], [0, 1, 0]]),
                np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]]),
            ),
            {},
            "binary formula on softmax outputs",
        )
    )
    s_y = np.array([[0.0, 1, 0], [0, 0, 1]])
    s_p = np.array(
        [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
    )
    out.append(
        (
            "seed003-binary-formula",
            ("float64",),
            (s_y, s_p),
            {},
            "seed 003: binary formula on softmax outputs",
        )
    )
    for a in (10.0, 15.0, 20.0):
        x = np.array([[-a], [a]], np.float32)
        yy = np.array([[0.0], [1.0]])
        out.append(
            (
                f"seed002-sigmoid-{a:g}",
                F32,
                (yy, sigmoid(x.astype(np.float64))),
                {},
                "seed 002: sigmoid outputs of Dense(1) for x=[-a, a]",
            )
        )
        out.append(
            (
                f"seed002-logits-{a:g}",
                F32,
                (yy, x.astype(np.float64)),
                {"from_logits": True},
                "seed 002: same as logits",
            )
        )
    return out


def _binary_focal_problems() -> list[Problem]:
    """Problems for binary focal cross-entropy."""
    out: list[Problem] = []
    r = rng("bfc", 0)
    y, p, z = bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), logits(r, (4, 3))
    out.append(("random-0", F32_F64_F16, (y, p), {}, ""))
    out.append(("logits-0", F32_F64, (y, z), {"from_logits": True}, ""))
    out.append(("gamma-0", F32, (y, p), {"gamma": 0.0}, ""))
    out.append(("gamma-3.5", F32, (y, p), {"gamma": 3.5}, ""))
    out.append(("balanced", F32_F64, (y, p), {"apply_class_balancing": True}, ""))
    out.append(
        (
            "balanced-alpha-0.6-logits",
            F32,
            (y, z),
            {"apply_class_balancing": True, "alpha": 0.6, "from_logits": True},
            "",
        )
    )
    out.append(
        (
            "alpha-unbalanced",
            F32,
            (y, p),
            {"alpha": 0.6},
            "alpha without apply_class_balancing",
        )
    )
    out.append(("ls-0.2", F32, (y, p), {"label_smoothing": 0.2}, ""))
    out.append(("axis0", F32, (y, p), {"axis": 0}, ""))
    p_e = [0, 0, 1, 1, 0.5, 1.5, -0.5]
    y_e = [1, 0, 0, 1, 1, 1, 0]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (np.array(y_e, float)[:, None], np.array(p_e)[:, None]),
            {},
            "edge: one probability per row",
        )
    )
    x_e = [-20, -200, 20, INF, -INF, 1e3]
    y_x = [1, 1, 0, 0, 1, 1]
    out.append(
        (
            "logits-saturated",
            F32,
            (np.array(y_x, float)[:, None], np.array(x_e)[:, None]),
            {"from_logits": True},
            "edge: saturated and infinite logits, one per row",
        )
    )
    out.append(
        (
            "doc-1d-logits",
            F32,
            (np.array([0.0, 1, 0, 0]), np.array([-18.6, 0.51, 2.94, -12.8])),
            {"gamma": 2.0, "from_logits": True},
            "Keras docstring example",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    return out


def _categorical_focal_problems() -> list[Problem]:
    """Problems for categorical focal cross-entropy."""
    out: list[Problem] = []
    r = rng("cfc", 0)
    y = one_hot(int_labels(r, (4,), 3), 3)
    p, z = probs(r, (4, 3)), logits(r, (4, 3))
    out.append(("random-0", F32_F64_F16, (y, p), {}, ""))
    out.append(("logits-0", F32_F64, (y, z), {"from_logits": True}, ""))
    out.append(("soft-labels", F32, (probs(r, (4, 3)), p), {}, ""))
    out.append(("gamma-0", F32, (y, p), {"gamma": 0.0}, "alpha still applied"))
    out.append(("gamma-3.5-alpha-1", F32, (y, p), {"gamma": 3.5, "alpha": 1.0}, ""))
    out.append(
        (
            "alpha-list",
            F32,
            (y, p),
            {"alpha": [0.1, 0.2, 0.7]},
            "per-class alpha as a list",
        )
    )
    out.append(("ls-0.1", F32, (y, p), {"label_smoothing": 0.1}, ""))
    y3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    out.append(("axis1-3d", F32, (y3, probs(r, (2, 3, 4), axis=1)), {"axis": 1}, ""))
    edge_p = [[1, 0, 0], [1, 0, 0], [0.2, 0.2, 0.2], [2, -1, 0]]
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (one_hot([0, 1, 0, 0], 3), np.array(edge_p, float)),
            {},
            "edge: exact 0/1, unnormalised",
        )
    )
    inf_z = [[INF, 0, 0], [0, -INF, 0], [1e3, -1e3, 0]]
    out.append(
        (
            "logits-inf",
            F32,
            (one_hot([0, 0, 1], 3), np.array(inf_z)),
            {"from_logits": True},
            "edge: infinite logits",
        )
    )
    out.append(
        ("empty", F32, (np.zeros((0, 3)), np.zeros((0, 3))), {}, "edge: empty batch")
    )
    return out


def _add_keras_problems(
    cl: CaseList,
    impls: dict[str, tuple[str, set[str]]],
    problems: list[Problem],
    float_labels: bool = True,
) -> None:
    """Turn problems into cases for every implementation in ``impls``."""
    for impl, spec in impls.items():
        for tag, dtypes, (y, p), opts, note in problems:
            for dt in dtypes:
                yy = cast(y, dt) if float_labels or y.dtype.kind == "f" else y
                c = _keras_case(impl, spec, dt, tag, yy, cast(p, dt), opts, note)
                cl.add(c)


def _add_keras_class_extras(cl: CaseList, flavour: str) -> None:
    """Reductions, sample weights, empty batches and dtype for Loss classes."""
    impls = _keras_impls(flavour)
    reductions = class_reductions(flavour)
    r = rng(flavour, "extras")
    sw4 = r.uniform(0, 2, (4,))
    sw4[1] = 0.0
    data = {
        "cce": (one_hot([0, 2, 1, 1], 3), probs(r, (4, 3)), {}),
        "scce": (np.array([0, 2, 1, 1]), probs(r, (4, 3)), {}),
        "bce": (bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), {}),
        "bfc": (bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), {}),
        "cfc": (one_hot([1, 2, 0, 1], 3), probs(r, (4, 3)), {}),
        "scce-ignore": (
            np.array([0, -1, 2, 1]),
            probs(r, (4, 3)),
            {"ignore_class": -1},
        ),
    }
    for key, (y, p, opts) in data.items():
        group = key.split("-")[0]
        cls_impl = next(i for i, s in impls[group].items() if s[0] == "class")
        spec = impls[group][cls_impl]
        suffix = "-ignore" if key.endswith("ignore") else ""
        dts = F32_F64 if key in ("cce", "bce", "scce") else F32
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            pp = cast(p, dt)
            for red in reductions:
                o = {**opts, "reduction": red}
                rtag = "None" if red is None else red
                for sw_tag, sw in (("", None), ("-sw", cast(sw4, dt))):
                    c = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"reduction-{rtag}{sw_tag}{suffix}",
                        yy,
                        pp,
                        o,
                        "",
                        sw,
                    )
                    cl.add(c)
                    e = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"empty-reduction-{rtag}{sw_tag}{suffix}",
                        yy[:0],
                        pp[:0],
                        o,
                        "edge: empty batch",
                        None if sw is None else cast(sw4[:0], dt),
                    )
                    cl.add(e)
            for sw_tag, sw, note in (
                ("sw-zeros", np.zeros(4), "all sample weights zero"),
                ("sw-column", sw4[:, None], "sample_weight of shape (B,1)"),
                ("sw-scalar", 2.0, "scalar sample_weight"),
            ):
                sw_v = sw if isinstance(sw, float) else cast(sw, dt)
                for red in (reductions[0], "sum", reductions[-1]):
                    rtag = "None" if red is None else red
                    c = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"{sw_tag}-{rtag}{suffix}",
                        yy,
                        pp,
                        {**opts, "reduction": red},
                        note,
                        sw_v,
                    )
                    cl.add(c)
            if flavour == "keras":
                mws = {**opts, "reduction": "mean_with_sample_weight"}
                c = _keras_case(
                    cls_impl,
                    spec,
                    dt,
                    f"sw-zeros-mwsw{suffix}",
                    yy,
                    pp,
                    mws,
                    "all sample weights zero",
                    cast(np.zeros(4), dt),
                )
                cl.add(c)
        bad = _keras_case(
            cls_impl,
            spec,
            "float32",
            f"reduction-bogus{suffix}",
            cast(y, "float32") if y.dtype.kind == "f" else y,
            cast(p, "float32"),
            {**opts, "reduction": "bogus"},
            "invalid reduction",
        )
        cl.add(bad)
    # (B,T) losses with (B,) and (B,1) sample weights (B == T == 2 and B != T)
    scce_cls = f"{flavour}.losses.SparseCategoricalCrossentropy"
    scce_spec = impls["scce"][scce_cls]
    y22 = np.array([[1, 2], [0, 1]])
    z223 = np.array([[[1.0, 2, 3], [0, 0, 0]], [[5, 1, 0.5], [1, 2, 0]]])
    for red in (reductions[0], "sum", reductions[-1]) + (
        ("mean_with_sample_weight",) if flavour == "keras" else ()
    ):
        rtag = "None" if red is None else red
        o = {"from_logits": True, "reduction": red}
        for sw_tag, sw in (
            ("sw-B", np.array([1.0, 0.0])),
            ("sw-B1", np.array([[1.0], [0.0]])),
        ):
            cl.add(
                _keras_case(
                    scce_cls,
                    scce_spec,
                    "float32",
                    f"seq-{sw_tag}-{rtag}",
                    y22,
                    cast(z223, "float32"),
                    o,
                    "(B,T) losses with per-sample weights",
                    cast(sw, "float32"),
                )
            )
    y23 = np.array([[1, 2, 0], [0, 1, 1]])
    z233 = rng("seq", 3).normal(size=(2, 3, 3))
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "seq-sw-B-mismatch",
            y23,
            cast(z233, "float32"),
            {"from_logits": True},
            "(B,T)=(2,3) losses with (B,) weights",
            cast(np.array([1.0, 0.5]), "float32"),
        )
    )
    o_ign = {"from_logits": True, "ignore_class": -1}
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "seq-ignore-sw-B1",
            np.array([[1, -1], [0, 1]]),
            cast(z223, "float32"),
            o_ign,
            "ignore_class mask with (B,1) weights",
            cast(np.array([[2.0], [1.0]]), "float32"),
        )
    )
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "ignore-sw",
            np.array([0, -1, 2]),
            cast(
                np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]), "float32"
            ),
            {"ignore_class": -1},
            "ignore_class with sample weights",
            cast(np.array([2.0, 1.0, 1.0]), "float32"),
        )
    )
    # BCE with 1-D inputs and sample weights vs (B,1)
    bce_cls = f"{flavour}.losses.BinaryCrossentropy"
    bce_spec = impls["bce"][bce_cls]
    w = cast(np.array([1.0, 0.0]), "float32")
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "1d-sw",
            cast([0.0, 1.0], "float32"),
            cast([0.9, 0.9], "float32"),
            {},
            "1-D inputs with sample weights",
            w,
        )
    )
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "column-sw",
            cast([[0.0], [1.0]], "float32"),
            cast([[0.9], [0.9]], "float32"),
            {},
            "(B,1) inputs with sample weights",
            w,
        )
    )
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "doc-logits-sw",
            cast([[0.0, 1], [0, 0]], "float32"),
            cast([[-18.6, 0.51], [2.94, -12.8]], "float32"),
            {"from_logits": True},
            "Keras docstring example",
            cast([0.8, 0.2], "float32"),
        )
    )
    if flavour == "keras":
        # dtype="float64" computes in float64 instead of the default float32
        for group, (y, p) in {
            "cce": (np.array([[0.0, 1]]), np.array([[1.0, 0.0]])),
            "bce": (np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])),
            "scce": (np.array([1, 0]), np.array([[1.0, 0.0], [0.3, 0.7]])),
        }.items():
            ci = next(i for i, s in impls[group].items() if s[0] == "class")
            for dt in ("float64", "float16"):
                yy = cast(y, dt) if y.dtype.kind == "f" else y
                cl.add(
                    _keras_case(
                        ci,
                        impls[group][ci],
                        dt,
                        f"dtype-{dt}",
                        yy,
                        cast(p, dt),
                        {"dtype": dt},
                        f"Loss(dtype={dt!r}) on clipped inputs",
                    )
                )
                cl.add(
                    _keras_case(
                        ci,
                        impls[group][ci],
                        dt,
                        "dtype-default",
                        yy,
                        cast(p, dt),
                        {},
                        "default Loss dtype on clipped inputs",
                    )
                )


def _doc(value: Any, section: str) -> str:
    """A note quoting the value docs/semantics.md gives for the same inputs."""
    return f"docs/semantics.md {section}: {json.dumps(value)}"


# Worked examples of docs/semantics.md for the Keras-like entry points, as a table:
# (group, entry, tag, y_true, y_pred, options, Keras 3 value, tf_keras value,
#  section, sample_weight, dtype).  entry: "ops" = keras.ops / tf_keras.backend,
# "fn" = losses function, "cls" = Loss class.  A value of None means the spec
# quotes no number for that flavour; K3_ONLY rows are not run for tf_keras.
# A section "a|b" is the Keras 3 section and the tf_keras section.
# Labels written with a float (1.0) are float arrays; all-int lists are int64.
K3_ONLY = "keras 3 only"
_Y2 = [[0.0, 1, 0], [0, 0, 1]]
_P2 = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
_YV, _PV = [[0.0, 1, 0]], [[0.1, 0.8, 0.1]]
_ZB = [[-18.6, 0.51], [2.94, -12.8]]
_YB = [[0.0, 1], [0, 0]]
_PI = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]
_YI = [0, -1, 2]
_ZF = [-18.6, 0.51, 2.94, -12.8]
_YF = [0.0, 1, 0, 0]
_LOGITS = {"from_logits": True}
_IGN = {"ignore_class": -1}
# fmt: off
KERAS_DOC: list[tuple[Any, ...]] = [
    ("cce", "ops", "cce", _Y2, _P2, {}, [0.0512933061, 2.30258512], None, "2.11", None,
     "float32"),
    ("scce", "ops", "scce", [1, 2], _P2, {}, [0.0512934439, 2.30258512], None, "2.11",
     None, "float32"),
    ("cce", "cls", "cce", _Y2, _P2, {}, 1.1769392, None, "2.7.1", None, "float32"),
    ("cce", "cls", "cce-sw", _Y2, _P2, {}, 0.813598812, None, "2.11", [0.3, 0.7],
     "float32"),
    ("cce", "cls", "cce-sum", _Y2, _P2, {"reduction": "sum"}, 2.3538785, None, "2.11",
     None, "float32"),
    ("cce", "cls", "cce-sw-zero", _Y2, _P2, {}, 0.0, None, "2.11", [0.0, 0.0],
     "float32"),
    ("scce", "cls", "scce-ytrue-col", [[1], [2]], _P2, {}, 1.17693925, None, "2.11",
     None, "float32"),
    ("cce", "fn", "cce-ls0.1", _YV, _PV, {"label_smoothing": 0.1}, [0.361772984], None,
     "2.11", None, "float32"),
    ("cce", "fn", "cce-ls0.1-logits", _YV, [[1.0, 2, 3]],
     {"label_smoothing": 0.1, "from_logits": True}, [1.40760589], None, "2.11", None,
     "float32"),
    ("cce", "fn", "cce-ls-0.1", _YV, _PV, {"label_smoothing": -0.1}, [0.0845141], None,
     "D10", None, "float32"),
    ("cce", "fn", "cce-ls1.5", _YV, _PV, {"label_smoothing": 1.5}, [2.3025851], None,
     "D10", None, "float32"),
    ("cce", "ops", "cce-logits-as-probs", [[1.0, 0, 0]], [[2.0, 1, 0.1]], {},
     [0.438254863], [0.438254863], "D6", None, "float32"),
    ("cce", "ops", "cce-neg-probs", [[1.0, 0, 0]], [[2.0, -1, 0.5]], {},
     [1.1920929e-07], [1.1920929e-07], "D6", None, "float32"),
    ("cce", "ops", "cce-soft-unnorm", [[0.5, 0.5, 0.5]], [[0.7, 0.2, 0.1]], {},
     [2.13434887], [2.13434887], "2.11", None, "float32"),
    ("cce", "ops", "cce-axis0", [[1.0, 0], [0, 1], [0, 0]],
     [[0.7, 0.25], [0.2, 0.5], [0.1, 0.25]], {"axis": 0}, [0.356674969, 0.693147182],
     None, "2.11", None, "float32"),
    ("bce", "fn", "bce-ls0.1", [[0.0, 1]], [[0.2, 0.7]], {"label_smoothing": 0.1},
     [0.34574908], None, "2.11", None, "float32"),
    ("bce", "fn", "bce-mean-last-axis", _YB, [[0.6, 0.4], [0.4, 0.6]], {},
     [0.91629076, 0.713558197], None, "2.11", None, "float32"),
    ("bce", "fn", "bce-onehot", [[1.0, 0, 0]], [[0.7, 0.2, 0.1]], {}, [0.2283930], None,
     "D5", None, "float32"),
    ("bce", "cls", "bce-logits", _YB, _ZB, _LOGITS, 0.865458012, None, "2.11", None,
     "float32"),
    ("bce", "cls", "bce-logits-sw", _YB, _ZB, _LOGITS, 0.243638605, None, "2.11",
     [0.8, 0.2], "float32"),
    ("bce", "cls", "bce-logits-mwsw", _YB, _ZB,
     {"from_logits": True, "reduction": "mean_with_sample_weight"}, 0.48727721, K3_ONLY,
     "2.11", [0.8, 0.2], "float32"),
    ("bce", "cls", "bce-1d", _YF, [0.6, 0.3, 0.2, 0.8], {}, 0.988211274, None, "2.11",
     None, "float32"),
    ("bce", "cls", "bce-1d-sw", [0.0, 1], [0.9, 0.9], {}, 0.6019863, None, "2.7.4",
     [1.0, 0.0], "float32"),
    ("bce", "cls", "bce-col-sw", [[0.0], [1]], [[0.9], [0.9]], {}, 1.1512924, None,
     "2.7.4", [1.0, 0.0], "float32"),
    ("bce", "ops", "bce-y1p0", [1.0], [0.0], {}, [16.118095], [15.424949], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, [15.942385], [15.333239], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y1p1", [1.0], [1.0], {}, [1.1920929e-07], [0.0], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y1p0.3", [1.0], [0.3], {}, None, [1.2039725], "2.4|3.1", None,
     "float32"),
    ("bce", "ops", "bce-y2-p0.3", [2.0], [0.3], {}, [2.05127072], None, "2.11", None,
     "float32"),
    ("bce", "ops", "bce-logits-20", [1.0], [-20.0], _LOGITS, [20.0], [20.0], "2.11",
     None, "float32"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, [16.1180957], None, "2.11", None,
     "float64"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, ["inf"], None, "2.11", None,
     "float16"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [16.1180954],
     [16.1180954], "2.11", None, "float32"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [16.1180957],
     [16.1180957], "2.11", None, "float64"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [15.9453125],
     [15.9453125], "2.11", None, "float16"),
    ("bce", "cls", "bce-y0p1", [[0.0]], [[1.0]], {}, 15.9423847, K3_ONLY, "2.11", None,
     "float64"),
    ("bce", "cls", "bce-y0p1-dtype64", [[0.0]], [[1.0]], {"dtype": "float64"},
     16.1180957, K3_ONLY, "2.11", None, "float64"),
    ("scce", "ops", "scce-unnorm", [1], [[0.5, 0, 0]], {}, [15.4249477], [15.4249477],
     "2.11", None, "float32"),
    ("scce", "ops", "scce-perfect", [0], [[1.0, 0, 0]], {}, [2.38418551e-07],
     [2.38418551e-07], "2.11", None, "float32"),
    ("scce", "ops", "scce-float-label", [1.7], [[0.2, 0.3, 0.5]], {}, [1.20397282],
     [1.20397282], "2.11", None, "float32"),
    ("scce", "cls", "scce-ignore", _YI, _PI, _IGN, 0.289909273, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-ignore-sum", _YI, _PI,
     {"ignore_class": -1, "reduction": "sum"}, 0.579818487, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-ignore-sw", _YI, _PI, _IGN, 0.468246788, None, "2.11",
     [2.0, 1, 1], "float32"),
    ("scce", "cls", "scce-ignore-logits", _YI, [[2.0, 1, 0], [0, 0, 0], [0, 1, 3]],
     {"ignore_class": -1, "from_logits": True}, 0.288726002, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-all-ignored", [-1, -1], _PI[:2], _IGN, 0.0, "nan",
     "2.11|3.2 (inferred)", None, "float32"),
    ("bfc", "cls", "bfc", _YF, _ZF, {"gamma": 2.0, "from_logits": True}, 0.691212177,
     None, "2.11", None, "float32"),
    ("bfc", "cls", "bfc-balanced", _YF, _ZF,
     {"gamma": 2.0, "from_logits": True, "apply_class_balancing": True}, 0.510133326,
     None, "2.11", None, "float32"),
    ("bfc", "fn", "bfc-logit-20", [1.0], [-20.0], _LOGITS, 20.0, None, "2.11", None,
     "float32"),
    ("bfc", "fn", "bfc-probs", _YB, [[0.6, 0.4], [0.4, 0.6]], {},
     [0.329864681, 0.205798388], None, "2.11", None, "float32"),
    ("bfc", "fn", "bfc-ls", [[0.0, 1]], [[0.6, 0.4]], {"label_smoothing": 0.2},
     [0.294600427], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc", _Y2, [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]], {},
     [0.000263401482, 0.675912082], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc-logits", _YV, [[1.0, 2, 3]], _LOGITS, [0.200736955], None,
     "2.11", None, "float32"),
    ("cfc", "fn", "cfc-alpha-list", _YV, [[0.2, 0.5, 0.3]], {"alpha": [0.1, 0.2, 0.7]},
     [0.0346573591], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc-gamma0", _YV, _PV, {"gamma": 0.0}, [0.0557859], None, "2.6.5",
     None, "float32"),
]
# fmt: on
_KERAS_NAMES = {
    "cce": ("categorical_crossentropy", "CategoricalCrossentropy"),
    "scce": ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    "bce": ("binary_crossentropy", "BinaryCrossentropy"),
    "bfc": ("binary_focal_crossentropy", "BinaryFocalCrossentropy"),
    "cfc": ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"),
}


def _add_keras_doc_cases(cl: CaseList, flavour: str) -> None:
    """The worked examples of docs/semantics.md (same inputs; values in the notes)."""
    impls = _keras_impls(flavour)
    k3 = flavour == "keras"
    backend = "keras.ops" if k3 else "tf_keras.backend"
    for row in KERAS_DOC:
        group, entry, tag, y, p, opts, v_k3, v_tfk, section, sw, dt = row
        if not k3 and v_tfk == K3_ONLY:
            continue
        fn, cls = _KERAS_NAMES[group]
        impl = {
            "ops": f"{backend}.{fn}",
            "fn": f"{flavour}.losses.{fn}",
            "cls": f"{flavour}.losses.{cls}",
        }[entry]
        value = v_k3 if k3 else v_tfk
        yy = np.asarray(y)
        yy = cast(yy, dt) if yy.dtype.kind == "f" else yy
        section = section.split("|")[0 if k3 else -1]
        note = "" if value is None else _doc(value, section)
        sw_v = None if sw is None else cast(sw, dt)
        case = _keras_case(
            impl,
            impls[group][impl],
            dt,
            f"doc-{tag}",
            yy,
            cast(p, dt),
            opts,
            note,
            sw_v,
        )
        cl.add(case)


def build_keras(flavour: str) -> CaseList:
    """Cases for Keras 3 (``flavour="keras"``) or tf_keras (``"tf_keras"``)."""
    cl = CaseList()
    impls = _keras_impls(flavour)
    _add_keras_problems(cl, impls["cce"], _categorical_problems())
    _add_keras_problems(cl, impls["scce"], _sparse_problems(), float_labels=False)
    _add_keras_problems(cl, impls["bce"], _binary_problems())
    _add_keras_problems(cl, impls["bfc"], _binary_focal_problems())
    _add_keras_problems(cl, impls["cfc"], _categorical_focal_problems())
    _add_keras_class_extras(cl, flavour)
    _add_keras_doc_cases(cl, flavour)
    return cl


# ----------------------------------------------------------------------------
# tf.nn
# ----------------------------------------------------------------------------


def _tf_nn_case(impl: str, dt: str, tag: str, note: str = "", **kw: Any) -> Case:
    """A keyword-only ``tf.nn`` call; the gradient is taken w.r.t. ``logits``."""
    return Case(f"tf.nn.{impl}", "function", dt, tag, [], kw, {}, "logits", note)


def build_tf_nn() -> CaseList:
    """Cases for the four ``tf.nn`` cross-entropy functions."""
    cl = CaseList()
    sce = "softmax_cross_entropy_with_logits"
    r = rng("tfnn", "sce")
    y43, z43 = one_hot(int_labels(r, (4,), 3), 3), logits(r, (4, 3))
    y57, z57 = one_hot(int_labels(r, (5,), 7), 7), logits(r, (5, 7))
    ys = probs(r, (4, 3))
    y3, z3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1), logits(r, (2, 3, 4))
    y0, z0 = one_hot(int_labels(r, (3, 4), 2), 2, axis=0), logits(r, (2, 3, 4))
    inf_z = np.array(
        [[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0], [-INF, -INF, 0]]
    )
    problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, y43, z43, {}, ""),
        ("random-1", ALL_FLOATS, y57, z57, {}, ""),
        ("soft-labels", F32_F64, ys, z43, {}, ""),
        (
            "unnormalised-labels",
            F32,
            np.full((1, 3), 0.5),
            np.array([[1.0, 2, 3]]),
            {},
            "labels sum to 1.5",
        ),
        (
            "negative-labels",
            F32,
            np.array([[-1.0, 2, 0]]),
            np.array([[1.0, 2, 3]]),
            {},
            "labels outside [0,1]",
        ),
        (
            "logits-large",
            ALL_FLOATS,
            y43,
            big_logits(r, (4, 3)),
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32_F64,
            one_hot([0, 0, 1, 1, 2], 3),
            inf_z,
            {},
            "edge: infinite logits",
        ),
        ("axis1-3d", F32_F64, y3, z3, {"axis": 1}, "class axis 1"),
        ("axis0-3d", F32, y0, z0, {"axis": 0}, "class axis 0"),
        ("last-3d", F32_F64_F16, one_hot(int_labels(r, (2, 3), 4), 4), z3, {}, ""),
        (
            "1d",
            F32,
            np.array([0.0, 1, 0]),
            np.array([0.5, 1.5, 0.1]),
            {},
            "unbatched (C,)",
        ),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), {}, "edge: empty batch"),
        ("shape-mismatch", F32, y43, z43[:, :2], {}, "edge: (4,3) vs (4,2)"),
        (
            "seed003",
            ("float64", "float32"),
            np.array([[0.0, 1, 0], [0, 0, 1]]),
            np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]),
            {},
            "seed 003: [0.4790107 1.19967598]",
        ),
    ]
    for tag, dts, y, z, opts, note in problems:
        for dt in dts:
            cl.add(
                _tf_nn_case(
                    sce, dt, tag, note, labels=cast(y, dt), logits=cast(z, dt), **opts
                )
            )
    cl.add(
        _tf_nn_case(
            sce,
            "float32",
            "int-labels",
            "integer labels",
            labels=one_hot([0, 1], 3).astype(np.int32),
            logits=cast(z43[:2], "float32"),
        )
    )

    ssce = "sparse_softmax_cross_entropy_with_logits"
    r = rng("tfnn", "ssce")
    sparse: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, int_labels(r, (4,), 3), logits(r, (4, 3)), ""),
        (
            "random-1-int32",
            F32_F64,
            int_labels(r, (5,), 7).astype(np.int32),
            logits(r, (5, 7)),
            "",
        ),
        ("3d", F32_F64, int_labels(r, (2, 3), 4), logits(r, (2, 3, 4)), ""),
        (
            "logits-large",
            ALL_FLOATS,
            np.array([0, 1, 2, 1]),
            big_logits(r, (4, 3)),
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32_F64,
            np.array([0, 0, 1, 1, 2]),
            inf_z,
            "edge: infinite logits",
        ),
        ("label-oob-3", F32, np.array([0, 3]), logits(r, (2, 3)), "edge: label == C"),
        (
            "label-neg1",
            F32,
            np.array([-1, 0]),
            logits(r, (2, 3)),
            "edge: negative label",
        ),
        ("scalar", F32, np.array(1), np.array([0.5, 1.5, 0.1]), "unbatched (C,)"),
        ("empty", F32, np.zeros((0,), np.int64), np.zeros((0, 3)), "edge: empty batch"),
        ("float-labels", F32, np.array([0.0, 1.0]), logits(r, (2, 3)), "float labels"),
        (
            "shape-mismatch",
            F32,
            np.array([0, 1, 2]),
            logits(r, (2, 3)),
            "edge: labels (3,) vs logits (2,3)",
        ),
    ]
    for tag, dts, y, z, note in sparse:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            cl.add(_tf_nn_case(ssce, dt, tag, note, labels=yy, logits=cast(z, dt)))

    sig = "sigmoid_cross_entropy_with_logits"
    wce = "weighted_cross_entropy_with_logits"
    r = rng("tfnn", "sig")
    x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
    y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
    binary: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, bin_labels(r, (4, 3)), logits(r, (4, 3)), ""),
        ("random-1", F32_F64, bin_labels(r, (5, 7)), logits(r, (5, 7)), ""),
        ("soft-labels", F32_F64, r.uniform(0, 1, (4, 3)), logits(r, (4, 3)), ""),
        ("3d", F32, bin_labels(r, (2, 3, 4)), logits(r, (2, 3, 4)), ""),
        (
            "logits-large",
            ALL_FLOATS,
            bin_labels(r, (4, 3)),
            big_logits(r, (4, 3)),
            "logits up to +-1e3",
        ),
        ("logits-inf", F32_F64_F16, y_inf, x_inf, "edge: infinite/saturated logits"),
        (
            "labels-outside",
            F32,
            np.array([2.0, -1.0, 2.0]),
            np.array([1.0, 1, -3]),
            "labels outside [0,1]",
        ),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), "edge: empty batch"),
        (
            "shape-mismatch",
            F32,
            np.zeros((4, 3)),
            np.zeros((4, 2)),
            "edge: (4,3) vs (4,2)",
        ),
    ]
    for a in (10.0, 15.0, 20.0):
        binary.append(
            (
                f"seed002-{a:g}",
                F32,
                np.array([0.0, 1.0]),
                np.array([-a, a]),
                "seed 002: x=[-a, a], y=[0, 1]",
            )
        )
    for tag, dts, y, z, note in binary:
        for dt in dts:
            cl.add(
                _tf_nn_case(sig, dt, tag, note, labels=cast(y, dt), logits=cast(z, dt))
            )
    for tag, dts, y, z, note in binary:
        if tag.startswith("seed002"):
            continue
        for dt in dts:
            cl.add(
                _tf_nn_case(
                    wce,
                    dt,
                    f"{tag}-pw3",
                    note,
                    labels=cast(y, dt),
                    logits=cast(z, dt),
                    pos_weight=3.0,
                )
            )
    r = rng("tfnn", "wce")
    yw, zw = bin_labels(r, (4, 3)), logits(r, (4, 3))
    for dt in F32_F64:
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-1",
                "pos_weight=1 equals the sigmoid loss",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=1.0,
            )
        )
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-0.5",
                "",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=0.5,
            )
        )
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-per-class",
                "pos_weight array (C,)",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=cast([0.5, 1.0, 4.0], dt),
            )
        )
    cl.add(
        _tf_nn_case(
            wce,
            "float32",
            "logits-inf-pw1",
            "edge: infinite logits with pos_weight=1 (compare the sigmoid loss)",
            labels=cast(y_inf, "float32"),
            logits=cast(x_inf, "float32"),
            pos_weight=1.0,
        )
    )
    # worked examples of docs/semantics.md (values in the notes)
    for dt, val in (
        ("float32", 1.4076059),
        ("float16", 1.4072266),
        ("bfloat16", 1.40625),
        ("float64", 1.4076059644),
    ):
        cl.add(
            _tf_nn_case(
                sce,
                dt,
                "doc-1.4076",
                _doc([val], "4.1"),
                labels=cast([[0.0, 1, 0]], dt),
                logits=cast([[1.0, 2, 3]], dt),
            )
        )
    for dt in ("float16", "bfloat16"):
        cl.add(
            _tf_nn_case(
                ssce,
                dt,
                "doc-1.4076",
                "",
                labels=np.array([1]),
                logits=cast([[1.0, 2, 3]], dt),
            )
        )
    cl.add(
        _tf_nn_case(
            ssce,
            "float32",
            "doc-neginf",
            _doc([1.3132616], "D16"),
            labels=np.array([0]),
            logits=cast([[0.0, -INF, 1]], "float32"),
        )
    )
    cl.add(
        _tf_nn_case(
            sce,
            "float32",
            "doc-neginf",
            _doc(["nan"], "D16"),
            labels=cast([[1.0, 0, 0]], "float32"),
            logits=cast([[0.0, -INF, 1]], "float32"),
        )
    )
    cl.add(
        _tf_nn_case(
            sig,
            "float32",
            "doc-x-100",
            _doc([100.0], "4.3"),
            labels=cast([1.0], "float32"),
            logits=cast([-100.0], "float32"),
        )
    )
    return cl


# ----------------------------------------------------------------------------
# torch
# ----------------------------------------------------------------------------

TORCH_CLASSES = {
    "cross_entropy": "CrossEntropyLoss",
    "nll_loss": "NLLLoss",
    "binary_cross_entropy": "BCELoss",
    "binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
}


def _add_torch(cl: CaseList, fn: str, problems: list[Problem]) -> None:
    """Add ``fn`` and its ``nn`` class for every problem (options → init)."""
    for tag, dts, (x, t), opts, note in problems:
        for dt in dts:
            xx = cast(x, dt)
            tt = cast(t, dt) if t.dtype.kind == "f" else t
            o = {
                k: cast(v, dt) if isinstance(v, np.ndarray) else v
                for k, v in opts.items()
            }
            cl.add(
                Case(
                    f"torch.nn.functional.{fn}",
                    "function",
                    dt,
                    tag,
                    [xx, tt],
                    o,
                    {},
                    0,
                    note,
                )
            )
            cl.add(
                Case(
                    f"torch.nn.{TORCH_CLASSES[fn]}",
                    "class",
                    dt,
                    tag,
                    [xx, tt],
                    {},
                    o,
                    0,
                    note,
                )
            )


def _torch_ce_problems(fn: str) -> list[Problem]:
    """Problems for ``cross_entropy`` (logits) or ``nll_loss`` (log-probs)."""
    nll = fn == "nll_loss"
    reductions = grid(f"torch.nn.functional.{fn}", "reduction")  # mean, sum, none

    def inp(z: np.ndarray, axis: int = 1) -> np.ndarray:
        return log_softmax(z, axis) if nll else z

    out: list[Problem] = []
    r = rng("torch", fn, 0)
    z43, t4 = logits(r, (4, 3)), int_labels(r, (4,), 3)
    z57, t5 = logits(r, (5, 7)), int_labels(r, (5,), 7)
    w3 = np.array([1.0, 2.0, 3.0])
    out.append(("random-0", ALL_FLOATS, (inp(z43), t4), {}, ""))
    out.append(("random-1", F32_F64, (inp(z57), t5), {}, ""))
    for red in reductions[::-1]:
        out.append(
            (f"reduction-{red}", F32_F64, (inp(z43), t4), {"reduction": red}, "")
        )
        out.append(
            (
                f"weight-{red}",
                F32_F64,
                (inp(z43), t4),
                {"weight": w3, "reduction": red},
                "class weights",
            )
        )
    t_ign = np.array([1, -100, 2, 0])
    out.append(
        (
            "ignore-default",
            F32_F64,
            (inp(z43), t_ign),
            {},
            "target -100 ignored by default",
        )
    )
    out.append(("ignore-default-weight", F32, (inp(z43), t_ign), {"weight": w3}, ""))
    out.append(
        ("ignore-default-none", F32, (inp(z43), t_ign), {"reduction": "none"}, "")
    )
    out.append(
        (
            "ignore-index-1",
            F32,
            (inp(z43), np.array([1, 0, 1, 2])),
            {"ignore_index": 1},
            "custom ignore_index",
        )
    )
    for red in reductions:
        out.append(
            (
                f"all-ignored-{red}",
                F32,
                (inp(z43[:2]), np.array([-100, -100])),
                {"reduction": red},
                "edge: every target ignored",
            )
        )
    r = rng("torch", fn, "kdim")
    z234, t24 = logits(r, (2, 3, 4)), int_labels(r, (2, 4), 3)
    z2322, t222 = logits(r, (2, 3, 2, 2)), int_labels(r, (2, 2, 2), 3)
    out.append(("kdim-1", F32_F64, (inp(z234), t24), {}, "K=1: (N,C,d1)"))
    out.append(("kdim-1-none", F32, (inp(z234), t24), {"reduction": "none"}, ""))
    t24i = t24.copy()
    t24i[0, 1] = -100
    out.append(("kdim-1-weight-ignore", F32, (inp(z234), t24i), {"weight": w3}, ""))
    out.append(("kdim-2", F32, (inp(z2322), t222), {}, "K=2: (N,C,d1,d2)"))
    out.append(
        (
            "unbatched",
            F32_F64,
            (inp(z43[0], 0), np.array(2)),
            {},
            "unbatched (C,) input with scalar target",
        )
    )
    out.append(
        ("target-uint8", F32, (inp(z43), t4.astype(np.uint8)), {}, "uint8 targets")
    )
    out.append(
        ("target-int32", F32, (inp(z43), t4.astype(np.int32)), {}, "int32 targets")
    )
    out.append(
        ("label-oob-3", F32, (inp(z43[:2]), np.array([0, 3])), {}, "edge: target == C")
    )
    out.append(
        (
            "label-neg1",
            F32,
            (inp(z43[:2]), np.array([-1, 0])),
            {},
            "edge: negative target",
        )
    )
    out.append(
        (
            "shape-mismatch",
            F32,
            (inp(z43), np.array([0, 1, 2])),
            {},
            "edge: batch sizes differ",
        )
    )
    for red in reductions:
        out.append(
            (
                f"empty-{red}",
                F32,
                (np.zeros((0, 3)), np.zeros((0,), np.int64)),
                {"reduction": red},
                "edge: empty batch",
            )
        )
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    if nll:
        out.append(
            (
                "probabilities-not-logs",
                F32,
                (softmax(z43), t4),
                {},
                "probabilities passed instead of log-probabilities",
            )
        )
        with np.errstate(divide="ignore"):
            logp0 = np.log(np.array([[1.0, 0, 0], [0.5, 0.5, 0]]))
        out.append(
            (
                "neg-inf-logprob",
                F32,
                (logp0, np.array([0, 2])),
                {},
                "edge: log(0) = -inf input",
            )
        )
        return out
    out.append(
        (
            "logits-large",
            ALL_FLOATS,
            (big_logits(r, (4, 3)), t4),
            {},
            "logits up to +-1e3",
        )
    )
    out.append(
        (
            "logits-inf",
            F32_F64,
            (inf_z, np.array([0, 0, 1, 1])),
            {},
            "edge: infinite logits",
        )
    )
    out.append(
        (
            "probs-as-logits",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([0])),
            {},
            "probabilities passed as logits",
        )
    )
    for ls in (0.1, 1.0, -0.1, 1.5):
        dts = ALL_FLOATS if ls == 0.1 else F32
        out.append((f"ls-{ls:g}", dts, (z43, t4), {"label_smoothing": ls}, ""))
    for red in reductions[::-1]:
        out.append(
            (
                f"ls-0.1-weight-{red}",
                F32_F64,
                (z43, t4),
                {"label_smoothing": 0.1, "weight": w3, "reduction": red},
                "",
            )
        )
    out.append(("ls-0.1-ignore", F32, (z43, t_ign), {"label_smoothing": 0.1}, ""))
    out.append(("ls-0.1-kdim", F32, (z234, t24), {"label_smoothing": 0.1}, ""))
    # probability targets
    r = rng("torch", fn, "prob")
    soft = probs(r, (4, 3))
    oh = one_hot(t4, 3)
    out.append(("prob-target", F32_F64, (z43, soft), {}, "probability targets"))
    out.append(
        (
            "prob-target-bf16",
            ("bfloat16", "float16"),
            (z43, soft),
            {},
            "probability targets",
        )
    )
    for red in reductions[::-1]:
        out.append(
            (
                f"prob-target-weight-{red}",
                F32,
                (z43, oh),
                {"weight": w3, "reduction": red},
                "one-hot probability targets with class weights",
            )
        )
    out.append(("prob-target-ls-0.1", F32, (z43, soft), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "prob-target-ls-weight",
            F32,
            (z43, oh),
            {"label_smoothing": 0.1, "weight": w3},
            "",
        )
    )
    out.append(
        (
            "prob-target-kdim",
            F32,
            (z234, probs(r, (2, 3, 4), axis=1)),
            {},
            "probability targets (N,C,d1)",
        )
    )
    out.append(
        (
            "prob-target-unnormalised",
            F32,
            (z43, r.uniform(0, 1, (4, 3))),
            {},
            "targets do not sum to 1",
        )
    )
    out.append(
        (
            "prob-target-neginf",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([[1.0, 0, 0]])),
            {},
            "edge: -inf logit with zero target",
        )
    )
    out.append(
        (
            "index-target-neginf",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([0])),
            {},
            "edge: -inf logit, index target",
        )
    )
    out.append(
        (
            "prob-target-ignore-index",
            F32,
            (z43, soft),
            {"ignore_index": 1},
            "ignore_index >= 0 with probability targets",
        )
    )
    out.append(
        (
            "prob-target-empty",
            F32,
            (np.zeros((0, 3)), np.zeros((0, 3))),
            {},
            "edge: empty batch, probability targets",
        )
    )
    return out


def _torch_bce_problems(logit_input: bool) -> list[Problem]:
    """Problems for ``binary_cross_entropy`` (probabilities) or the logits form."""
    fn = "binary_cross_entropy_with_logits" if logit_input else "binary_cross_entropy"
    reductions = grid(f"torch.nn.functional.{fn}", "reduction")  # mean, sum, none
    out: list[Problem] = []
    r = rng("torch", "bce", logit_input)

    def inp(shape: tuple[int, ...]) -> np.ndarray:
        return logits(r, shape) if logit_input else bin_probs(r, shape)

    y43, x43 = bin_labels(r, (4, 3)), inp((4, 3))
    out.append(("random-0", ALL_FLOATS, (x43, y43), {}, ""))
    out.append(("random-1", F32_F64, (inp((5, 7)), bin_labels(r, (5, 7))), {}, ""))
    out.append(("soft-labels", F32_F64, (x43, r.uniform(0, 1, (4, 3))), {}, ""))
    out.append(("1d", F32, (inp((6,)), bin_labels(r, (6,))), {}, ""))
    out.append(("3d", F32, (inp((2, 3, 4)), bin_labels(r, (2, 3, 4))), {}, ""))
    w3 = np.array([0.5, 1.0, 2.0])
    for red in reductions[::-1]:
        out.append((f"reduction-{red}", F32_F64, (x43, y43), {"reduction": red}, ""))
        out.append(
            (
                f"weight-{red}",
                F32,
                (x43, y43),
                {"weight": w3, "reduction": red},
                "weight (C,) broadcast",
            )
        )
    out.append(
        (
            "weight-full",
            F32,
            (x43, y43),
            {"weight": r.uniform(0, 2, (4, 3))},
            "weight of the input's shape",
        )
    )
    for red in reductions:
        out.append(
            (
                f"empty-{red}",
                F32,
                (np.zeros((0, 3)), np.zeros((0, 3))),
                {"reduction": red},
                "edge: empty batch",
            )
        )
    out.append(("shape-mismatch", F32, (x43, y43[:, :2]), {}, "edge: (4,3) vs (4,2)"))
    out.append(
        (
            "softmax-output",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {},
            "binary formula on softmax outputs",
        )
    )
    if logit_input:
        x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
        y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
        out.append(
            (
                "logits-inf",
                F32_F64_F16,
                (x_inf, y_inf),
                {"reduction": "none"},
                "edge: infinite/saturated logits",
            )
        )
        out.append(
            (
                "logits-large",
                ALL_FLOATS,
                (big_logits(r, (4, 3)), y43),
                {},
                "logits up to +-1e3",
            )
        )
        out.append(
            (
                "labels-outside",
                F32,
                (np.array([1.0, 1, -3]), np.array([2.0, -1, 2])),
                {"reduction": "none"},
                "labels outside [0,1]",
            )
        )
        pw = np.array([0.5, 1.0, 3.0])
        for red in ("none", "mean"):
            out.append(
                (
                    f"pos-weight-{red}",
                    F32_F64,
                    (x43, y43),
                    {"pos_weight": pw, "reduction": red},
                    "pos_weight (C,)",
                )
            )
        out.append(
            ("pos-weight-weight", F32, (x43, y43), {"pos_weight": pw, "weight": w3}, "")
        )
        out.append(
            (
                "pos-weight-3d",
                F32,
                (inp((2, 3, 4)), bin_labels(r, (2, 3, 4))),
                {"pos_weight": np.array([1.0, 2, 3, 4])},
                "pos_weight broadcast on the last dim",
            )
        )
        out.append(
            (
                "pos-weight-inf",
                F32,
                (x_inf, y_inf),
                {"pos_weight": np.array([3.0]), "reduction": "none"},
                "edge: infinite logits with pos_weight",
            )
        )
        return out
    p_e = np.array([0, 0, 1, 1, 1e-8, 1 - 1e-8, 0.5, 1e-30, 1 - 1e-7, 1e-7])
    y_e = np.array([1, 0, 0, 1, 1, 0, 1, 1, 0, 1.0])
    out.append(
        (
            "edge-probs",
            F32_F64_F16,
            (p_e, y_e),
            {"reduction": "none"},
            "edge: exact and near 0/1 probabilities",
        )
    )
    out.append(
        (
            "tiny-prob-f64",
            ("float64",),
            (np.array([1e-50, 1e-300]), np.array([1.0, 1.0])),
            {"reduction": "none"},
            "log clamp at -100",
        )
    )
    out.append(
        (
            "prob-above-1",
            F32,
            (np.array([1.5, 0.5]), np.array([1.0, 0])),
            {},
            "edge: input > 1",
        )
    )
    out.append(
        (
            "prob-negative",
            F32,
            (np.array([-0.5, 0.5]), np.array([0.0, 0])),
            {},
            "edge: input < 0",
        )
    )
    out.append(
        (
            "prob-nan",
            F32,
            (np.array([NAN, 0.5]), np.array([1.0, 0])),
            {},
            "edge: NaN input",
        )
    )
    out.append(
        (
            "label-2",
            F32,
            (np.array([0.3, 0.5]), np.array([2.0, 0])),
            {},
            "edge: target > 1",
        )
    )
    return out


def build_torch() -> CaseList:
    """Cases for the torch functional losses and their ``nn`` classes."""
    cl = CaseList()
    _add_torch(cl, "cross_entropy", _torch_ce_problems("cross_entropy"))
    _add_torch(cl, "nll_loss", _torch_ce_problems("nll_loss"))
    _add_torch(cl, "binary_cross_entropy", _torch_bce_problems(False))
    _add_torch(cl, "binary_cross_entropy_with_logits", _torch_bce_problems(True))
    _add_torch_doc_cases(cl)
    return cl


def _add_torch_doc_cases(cl: CaseList) -> None:
    """The worked examples of docs/semantics.md §5 (values in the notes)."""
    z = np.array([[1.0, 2, 3], [3, 1, 0], [0, 0, 0]])
    t = np.array([1, 0, 2])
    w = np.array([1.0, 2, 3])
    oh = one_hot(t, 3)
    ce: list[Problem] = [
        (
            "doc-none",
            F32,
            (z, t),
            {"reduction": "none"},
            _doc([1.4076059, 0.1698460, 1.0986123], "5.1"),
        ),
        ("doc-mean", F32, (z, t), {}, _doc(0.8920214, "5.1")),
        ("doc-weight", F32, (z, t), {"weight": w}, _doc(1.0468158, "5.1")),
        ("doc-prob-weight", F32, (z, oh), {"weight": w}, _doc(2.0936315, "5.1")),
        ("doc-ls", F32, (z, t), {"label_smoothing": 0.1}, _doc(0.9475769, "5.1")),
        (
            "doc-ls-none",
            F32,
            (z, t),
            {"label_smoothing": 0.1, "reduction": "none"},
            _doc([1.4076059, 0.3365127, 1.0986123], "5.1"),
        ),
        (
            "doc-ls-weight",
            F32,
            (z, t),
            {"label_smoothing": 0.1, "weight": w},
            _doc(1.0924474, "5.1"),
        ),
        (
            "doc-prob-ls-weight",
            F32,
            (z, oh),
            {"label_smoothing": 0.1, "weight": w},
            _doc(2.1848950, "5.1"),
        ),
        ("doc-ignore", F32, (z, np.array([1, -100, 2])), {}, _doc(1.2531091, "5.1")),
        (
            "doc-weight-0.5-0-2",
            F32,
            (z, t),
            {"weight": np.array([0.5, 0, 2])},
            _doc(0.9128591, "D4"),
        ),
        (
            "doc-1.4076",
            ("float16", "bfloat16"),
            (z[:1], t[:1]),
            {},
            "docs/semantics.md 5.1: float16 1.4072266, bfloat16 1.40625",
        ),
        (
            "doc-ls-neg",
            F32,
            (z[:1], t[:1]),
            {"label_smoothing": -0.1},
            _doc(1.4076059, "D10"),
        ),
        (
            "doc-neginf-index",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([0])),
            {},
            _doc(1.3132616, "D16"),
        ),
    ]
    _add_torch(cl, "cross_entropy", ce)
    nll: list[Problem] = [
        ("doc-softmax-input", F32, (softmax(z), t), {}, _doc(-0.4739522, "5.2")),
        (
            "doc-logits-input",
            F32,
            (np.array([[2.0, 1, 0.1]]), np.array([0])),
            {},
            _doc(-2.0, "D6"),
        ),
    ]
    _add_torch(cl, "nll_loss", nll)
    bce: list[Problem] = [
        (
            "doc-soft-target",
            F32,
            (np.array([0.3]), np.array([0.5])),
            {},
            _doc(0.7803239, "5.3"),
        ),
        (
            "doc-f16",
            ("float16",),
            (np.array([0.3]), np.array([1.0])),
            {},
            _doc(1.2041016, "5.3"),
        ),
        (
            "doc-f64-1-1e-7",
            ("float64",),
            (np.array([1 - 1e-7]), np.array([0.0])),
            {},
            _doc(16.118095651, "5.3"),
        ),
        (
            "doc-onehot-mean",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {},
            _doc(0.2283930, "D5"),
        ),
        (
            "doc-onehot-sum",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0, 0]])),
            {"reduction": "sum"},
            _doc(0.6851791, "D5"),
        ),
    ]
    _add_torch(cl, "binary_cross_entropy", bce)
    bcel: list[Problem] = [
        (
            "doc-pos-weight",
            F32,
            (np.array([-3.0]), np.array([1.0])),
            {"pos_weight": np.array([3.0])},
            _doc(9.1457615, "5.4"),
        ),
        (
            "doc-label-2",
            F32,
            (np.array([1.0]), np.array([2.0])),
            {},
            _doc(-0.6867383, "5.4"),
        ),
        (
            "doc-x-200",
            F32,
            (np.array([-200.0]), np.array([1.0])),
            {},
            _doc(200.0, "5.4"),
        ),
    ]
    _add_torch(cl, "binary_cross_entropy_with_logits", bcel)


# ----------------------------------------------------------------------------
# optax
# ----------------------------------------------------------------------------


def build_optax() -> CaseList:
    """Cases for the optax cross-entropy family (JAX defaults: x64 disabled)."""
    cl = CaseList()
    f64_note = "jax x64 disabled (default): float64 inputs are computed in float32"

    def add(
        fn: str,
        dt: str,
        tag: str,
        args: list[Any],
        kwargs: dict[str, Any],
        note: str = "",
        grad: int | None = 0,
    ) -> None:
        if dt == "float64":
            note = f"{note}; {f64_note}" if note else f64_note
        cl.add(Case(f"optax.{fn}", "function", dt, tag, args, kwargs, {}, grad, note))

    r = rng("optax", "ce")
    z43, y43 = logits(r, (4, 3)), one_hot(int_labels(r, (4,), 3), 3)
    z57, y57 = logits(r, (5, 7)), one_hot(int_labels(r, (5,), 7), 7)
    soft = probs(r, (4, 3))
    z234 = logits(r, (2, 3, 4))
    y234_ax1 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    where43 = np.array(
        [
            [True, True, False],
            [True, True, True],
            [False, True, True],
            [True, False, True],
        ]
    )
    y_where = one_hot([0, 1, 2, 2], 3)
    soft_problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, z43, y43, {}, ""),
        ("random-1", F32_F64, z57, y57, {}, ""),
        ("soft-labels", F32_F64, z43, soft, {}, ""),
        (
            "unnormalised-labels",
            F32,
            np.array([[1.0, 2, 3]]),
            np.full((1, 3), 0.5),
            {},
            "labels sum to 1.5",
        ),
        (
            "logits-large",
            ALL_FLOATS,
            big_logits(r, (4, 3)),
            y43,
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32,
            inf_z,
            one_hot([0, 0, 1, 1], 3),
            {},
            "edge: infinite logits",
        ),
        ("all-zero-labels", F32, z43[:2], np.zeros((2, 3)), {}, ""),
        ("axis1-3d", F32_F64, z234, y234_ax1, {"axis": 1}, "class axis 1"),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), {}, "edge: empty batch"),
        ("shape-mismatch", F32, z43, y43[:, :2], {}, "edge: (4,3) vs (4,2)"),
    ]
    masked = [
        ("where", F32_F64, z43, y_where, {"where": where43}, "class mask"),
        (
            "where-row",
            F32,
            z43,
            y_where,
            {"where": np.array([True, False, True, True])},
            "where of rank 1 (expanded at axis)",
        ),
        (
            "where-all-false",
            F32,
            z43[:2],
            y43[:2],
            {"where": np.zeros((2, 3), bool)},
            "edge: everything masked",
        ),
    ]
    for fn in (
        "softmax_cross_entropy",
        "safe_softmax_cross_entropy",
        "poly_loss_cross_entropy",
    ):
        probs_list = soft_problems + (
            masked if fn != "safe_softmax_cross_entropy" else []
        )
        for tag, dts, z, y, opts, note in probs_list:
            if fn == "safe_softmax_cross_entropy" and "axis" in opts:
                continue
            for dt in dts:
                kw = {
                    k: v
                    if k == "where" or not isinstance(v, np.ndarray)
                    else cast(v, dt)
                    for k, v in opts.items()
                }
                add(fn, dt, tag, [cast(z, dt), cast(y, dt)], kw, note)
    for eps in (0.0, -1.0, 5.0):
        add(
            "poly_loss_cross_entropy",
            "float32",
            f"epsilon-{eps:g}",
            [cast(z43, "float32"), cast(soft, "float32")],
            {"epsilon": eps},
        )

    fn = "softmax_cross_entropy_with_integer_labels"
    r = rng("optax", "int")
    t4 = int_labels(r, (4,), 3).astype(np.int32)
    int_problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, z43, t4, {}, ""),
        ("random-1", F32_F64, z57, int_labels(r, (5,), 7).astype(np.int32), {}, ""),
        ("labels-int64", F32, z43, t4.astype(np.int64), {}, "int64 labels"),
        (
            "logits-large",
            ALL_FLOATS,
            big_logits(r, (4, 3)),
            t4,
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32,
            inf_z,
            np.array([0, 0, 0, 1], np.int32),
            {},
            "edge: infinite logits",
        ),
        (
            "label-oob-3",
            F32,
            z43[:2],
            np.array([0, 3], np.int32),
            {},
            "edge: label == C",
        ),
        (
            "label-neg1",
            F32,
            z43[:2],
            np.array([-1, 0], np.int32),
            {},
            "edge: negative label",
        ),
        ("float-labels", F32, z43[:2], np.array([0.0, 1.0]), {}, "float labels"),
        (
            "axis1-3d",
            F32_F64,
            z234,
            int_labels(r, (2, 4), 3).astype(np.int32),
            {"axis": 1},
            "class axis 1",
        ),
        (
            "axis0-3d",
            F32,
            z234,
            int_labels(r, (3, 4), 2).astype(np.int32),
            {"axis": 0},
            "class axis 0",
        ),
        (
            "axis-tuple",
            F32,
            z234,
            int_labels(r, (2,), 12).astype(np.int32),
            {"axis": [1, 2]},
            "axis tuple (1, 2): those axes flattened",
        ),
        (
            "where",
            F32,
            z43,
            np.array([0, 1, 2, 2], np.int32),
            {"where": where43},
            "class mask",
        ),
        (
            "where-all-false",
            F32,
            z43[:2],
            t4[:2],
            {"where": np.zeros((2, 3), bool)},
            "edge: everything masked",
        ),
        (
            "empty",
            F32,
            np.zeros((0, 3)),
            np.zeros((0,), np.int32),
            {},
            "edge: empty batch",
        ),
    ]
    for tag, dts, z, y, opts, note in int_problems:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            add(fn, dt, tag, [cast(z, dt), yy], dict(opts), note)

    r = rng("optax", "sigmoid")
    x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
    y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
    yb, xb = bin_labels(r, (4, 3)), logits(r, (4, 3))
    bin_problems: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, xb, yb, ""),
        ("random-1", F32_F64, logits(r, (5, 7)), bin_labels(r, (5, 7)), ""),
        ("soft-labels", F32_F64, xb, r.uniform(0, 1, (4, 3)), ""),
        ("logits-large", ALL_FLOATS, big_logits(r, (4, 3)), yb, "logits up to +-1e3"),
        ("logits-inf", F32_F64_F16, x_inf, y_inf, "edge: infinite/saturated logits"),
        (
            "labels-outside",
            F32,
            np.array([1.0, 1, -3]),
            np.array([2.0, -1, 2]),
            "labels outside [0,1]",
        ),
        ("int-labels", F32, xb, yb.astype(np.int32), "integer labels"),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), "edge: empty batch"),
    ]
    for tag, dts, x, y, note in bin_problems:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            add("sigmoid_binary_cross_entropy", dt, tag, [cast(x, dt), yy], {}, note)
            add("sigmoid_focal_loss", dt, tag, [cast(x, dt), yy], {}, note)
    for kw, tag in (
        ({"alpha": 0.25}, "alpha-0.25"),
        ({"gamma": 0.0}, "gamma-0"),
        ({"alpha": 0.6, "gamma": 3.5}, "alpha-0.6-gamma-3.5"),
    ):
        for dt in F32_F64:
            add("sigmoid_focal_loss", dt, tag, [cast(xb, dt), cast(yb, dt)], kw)
    add(
        "sigmoid_focal_loss",
        "float32",
        "alpha-0.25-inf",
        [cast(x_inf, "float32"), cast(y_inf, "float32")],
        {"alpha": 0.25},
        "edge: infinite/saturated logits",
    )

    fn = "smooth_labels"
    r = rng("optax", "smooth")
    oh = one_hot(int_labels(r, (4,), 3), 3)
    for dt in ALL_FLOATS:
        add(fn, dt, "alpha-0.1", [cast(oh, dt), 0.1], {}, grad=None)
    add(fn, "float32", "alpha-0", [cast(oh, "float32"), 0.0], {}, grad=None)
    add(fn, "float32", "alpha-1", [cast(oh, "float32"), 1.0], {}, grad=None)
    add(fn, "float32", "soft", [cast(probs(r, (4, 3)), "float32"), 0.2], {}, grad=None)
    add(
        fn,
        "float32",
        "axis0",
        [cast(one_hot([0, 1], 3, axis=0), "float32"), 0.1],
        {"axis": 0},
        grad=None,
    )
    add(
        fn,
        "float32",
        "where",
        [cast(oh, "float32"), 0.1],
        {"where": where43},
        "C counted from where",
        grad=None,
    )
    # worked examples of docs/semantics.md §6 (values in the notes)
    z_doc, y_doc = np.array([[1.0, 2, 3]]), np.array([[0.0, 1, 0]])
    add(
        "softmax_cross_entropy",
        "bfloat16",
        "doc-1.4076",
        [cast(z_doc, "bfloat16"), cast(y_doc, "bfloat16")],
        {},
        _doc([1.40625], "6"),
    )
    zi = cast([[0.0, -INF, 1]], "float32")
    add(
        "softmax_cross_entropy",
        "float32",
        "doc-neginf",
        [zi, cast([[1.0, 0, 0]], "float32")],
        {},
        _doc(["nan"], "6"),
    )
    add(
        "safe_softmax_cross_entropy",
        "float32",
        "doc-neginf",
        [zi, cast([[1.0, 0, 0]], "float32")],
        {},
        _doc([1.3132616], "6"),
    )
    add(
        "softmax_cross_entropy_with_integer_labels",
        "float32",
        "doc-neginf",
        [zi, np.array([0], np.int32)],
        {},
        _doc([1.3132615], "6"),
    )
    add(
        "sigmoid_focal_loss",
        "float32",
        "doc-logit-20",
        [cast([-20.0], "float32"), cast([1.0], "float32")],
        {"alpha": 0.25},
        _doc([5.0], "6"),
    )
    return cl


# ----------------------------------------------------------------------------
# scikit-learn
# ----------------------------------------------------------------------------


def build_sklearn() -> CaseList:
    """Cases for ``sklearn.metrics.log_loss``."""
    cl = CaseList()
    impl = "sklearn.metrics.log_loss"

    def add(dt: str, tag: str, y: Any, p: Any, note: str = "", **kw: Any) -> None:
        cl.add(Case(impl, "function", dt, tag, [y, p], kw, {}, None, note))

    r = rng("sk", 0)
    y5 = np.array([0, 2, 1, 3, 2])
    p54 = probs(r, (5, 4))
    yb = np.array([0, 1, 1, 0, 1, 0])
    pb = bin_probs(r, (6,))
    for dt in F32_F64_F16:
        add(dt, "multiclass", y5, cast(p54, dt))
        add(dt, "binary-1d", yb, cast(pb, dt), "1-D y_proba = P(class 1)")
        add(
            dt,
            "edge-exact-0-1",
            np.array([0, 1, 1, 0]),
            cast([[1.0, 0], [1.0, 0], [0.0, 1], [0.5, 0.5]], dt),
            "edge: true class probability 0 and 1",
        )
    add("float64", "binary-2col", yb, np.stack([1 - pb, pb], axis=1))
    add("float64", "binary-column", yb, pb[:, None], "y_proba of shape (n, 1)")
    add("float64", "normalize-false", y5, p54, normalize=False)
    sw = r.uniform(0, 2, (5,))
    add("float64", "sample-weight", y5, p54, sample_weight=sw)
    add("float64", "sample-weight-sum", y5, p54, normalize=False, sample_weight=sw)
    add(
        "float64",
        "sample-weight-zero",
        y5,
        p54,
        "edge: all weights zero",
        sample_weight=np.zeros(5),
    )
    add(
        "float64",
        "labels-arg",
        np.array([0, 2, 2]),
        probs(r, (3, 3)),
        "labels= with a class missing from y_true",
        labels=[0, 1, 2],
    )
    add(
        "float64",
        "single-class",
        np.array([1, 1, 1]),
        np.array([0.9, 0.8, 0.7]),
        "edge: one class, no labels=",
    )
    add(
        "float64",
        "single-class-labels",
        np.array([1, 1, 1]),
        np.array([0.9, 0.8, 0.7]),
        "one class with labels=",
        labels=[0, 1],
    )
    add(
        "float64",
        "unnormalised",
        np.array([0, 1]),
        np.array([[0.2, 0.2], [0.2, 0.2]]),
        "rows do not sum to 1",
    )
    add(
        "float64",
        "prob-above-1",
        np.array([0, 1]),
        np.array([[1.5, 0.0], [0.2, 0.8]]),
        "edge: probability > 1",
    )
    add(
        "float64",
        "prob-negative",
        np.array([0, 1]),
        np.array([[-0.1, 0.9], [0.2, 0.8]]),
        "edge: probability < 0",
    )
    add(
        "float64",
        "prob-nan",
        np.array([0, 1]),
        np.array([[NAN, 0.5], [0.2, 0.8]]),
        "edge: NaN probability",
    )
    add(
        "float64",
        "empty",
        np.zeros((0,), np.int64),
        np.zeros((0, 2)),
        "edge: empty input",
    )
    add(
        "float64",
        "soft-y-true",
        np.array([0.3, 0.7]),
        np.array([0.4, 0.6]),
        "edge: non-integer y_true",
    )
    add(
        "float64",
        "multilabel-indicator",
        one_hot([0, 2, 1], 3).astype(np.int64),
        probs(r, (3, 3)),
        "one-hot y_true",
    )
    add(
        "float64",
        "n-classes-mismatch",
        y5,
        probs(r, (5, 3)),
        "edge: y_proba has fewer columns than classes",
    )
    add(
        "float64",
        "string-labels",
        ["spam", "ham", "ham", "eggs"],
        probs(r, (4, 3)),
        "string labels, sorted lexicographically",
    )
    add(
        "float64",
        "float-labels",
        np.array([0.0, 1.0, 1.0]),
        np.array([0.2, 0.7, 0.9]),
        "float class labels 0./1.",
    )
    add(
        "float64",
        "seed000",
        np.array([0, 1, 2]),
        np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]),
        "seed 000 inputs (unnormalised row)",
    )
    add(
        "float64",
        "seed001",
        np.array([0, 1, 2]),
        np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]]),
        "seed 001 inputs",
    )
    add(
        "float64",
        "doc-docstring",
        ["spam", "ham", "ham", "spam"],
        np.array([[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]),
        _doc(0.2161619, "7"),
    )
    add(
        "float64",
        "doc-true-prob-0",
        np.array([0, 1]),
        np.array([[0.0, 1.0], [0.0, 1.0]]),
        _doc(18.0218265, "7 (36.043653/2)"),
    )
    add(
        "float16",
        "doc-true-prob-0",
        np.array([0, 1]),
        cast([[0.0, 1.0], [0.0, 1.0]], "float16"),
        "docs/semantics.md 7: about 6.93/2",
    )
    return cl


# ----------------------------------------------------------------------------
# Runners: call the real frameworks
# ----------------------------------------------------------------------------


class Runner:
    """Calls one framework family; subclasses convert arrays and take gradients."""

    family = ""

    def versions(self) -> dict[str, str]:
        """Versions of the packages the results depend on."""
        raise NotImplementedError

    def resolve(self, impl: str) -> Any:
        """The real object for a mirror path."""
        raise NotImplementedError

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Run ``target(*args, **kwargs)``; return (output, gradient or None)."""
        raise NotImplementedError

    def make_target(self, case: Case) -> Callable[..., Any]:
        """The function, or the loss object built from ``case.init``."""
        obj = self.resolve(case.impl)
        if case.kind == "class":
            return obj(**{k: self.native(v) for k, v in case.init.items()})
        return obj

    def native(self, v: Any) -> Any:
        """Convert an init value for the framework (default: unchanged)."""
        return v


def _resolve_path(root: Any, dotted: str) -> Any:
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a64 = np.asarray(a).astype(np.float64)
    b64 = np.asarray(b).astype(np.float64)
    return a64.shape == b64.shape and bool(np.array_equal(a64, b64, equal_nan=True))


class TFRunner(Runner):
    """keras (TF backend), tf_keras and tf.nn, with tf.GradientTape gradients."""

    def __init__(self, family: str) -> None:
        import tensorflow as tf

        self.family = family
        self.tf = tf
        self.roots: dict[str, Any] = {"tf": tf}
        if family == "keras":
            import keras

            if keras.backend.backend() != "tensorflow":
                raise RuntimeError("KERAS_BACKEND must be tensorflow")
            self.roots["keras"] = keras
        elif family == "tf_keras":
            import tf_keras

            self.roots["tf_keras"] = tf_keras

    def versions(self) -> dict[str, str]:
        v = {"tensorflow": self.tf.__version__, "numpy": np.__version__}
        if self.family == "keras":
            v = {"keras": self.roots["keras"].__version__, **v}
        if self.family == "tf_keras":
            v = {"tf_keras": self.roots["tf_keras"].__version__, **v}
        return v

    def resolve(self, impl: str) -> Any:
        root, rest = impl.split(".", 1)
        return _resolve_path(self.roots[root], rest)

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        tf = self.tf
        out = np.asarray(target(*case.args, **case.kwargs))
        if case.grad is None or not _is_float(_get_arg(case, case.grad)):
            return out, None
        x = tf.constant(_get_arg(case, case.grad))
        args, kwargs = _replace_arg(case, case.grad, x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = target(*args, **kwargs)
        g = tape.gradient(y, x)
        if not _same(np.asarray(y), out):
            print(
                f"  note: {case.id}: tensor and NumPy inputs give different "
                "outputs; keeping the NumPy one"
            )
        return out, None if g is None else np.asarray(g)


class TorchRunner(Runner):
    """torch.nn.functional and torch.nn losses, with autograd gradients."""

    family = "torch"

    def __init__(self) -> None:
        import torch

        self.torch = torch

    def versions(self) -> dict[str, str]:
        return {"torch": self.torch.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return _resolve_path(self.torch, impl.split(".", 1)[1])

    def native(self, v: Any) -> Any:
        torch = self.torch
        if isinstance(v, np.ndarray):
            if v.dtype == BF16:
                return torch.from_numpy(v.astype(np.float32)).to(torch.bfloat16)
            return torch.from_numpy(np.array(v, copy=True, order="C"))
        return v

    def to_numpy(self, t: Any) -> np.ndarray:
        """A torch tensor as a NumPy array of the same dtype."""
        t = t.detach()
        if t.dtype == self.torch.bfloat16:
            return t.float().numpy().astype(BF16)
        return t.numpy().copy()

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        args = [self.native(a) for a in case.args]
        kwargs = {k: self.native(v) for k, v in case.kwargs.items()}
        x = None
        if isinstance(case.grad, int) and args[case.grad].is_floating_point():
            x = args[case.grad].requires_grad_(True)
        out = target(*args, **kwargs)
        out_np = self.to_numpy(out)
        if x is None or not out.requires_grad:
            return out_np, None
        try:
            out.backward(self.torch.ones_like(out))
        except RuntimeError as e:
            print(f"  note: {case.id}: backward failed ({e!s:.80}); no gradient")
            return out_np, None
        return out_np, None if x.grad is None else self.to_numpy(x.grad)


class OptaxRunner(Runner):
    """optax losses, with jax.vjp gradients (JAX default config, x64 disabled)."""

    family = "optax"

    def __init__(self) -> None:
        import jax
        import jaxlib
        import optax

        self.jax, self.jaxlib, self.optax = jax, jaxlib, optax

    def versions(self) -> dict[str, str]:
        return {
            "optax": self.optax.__version__,
            "jax": self.jax.__version__,
            "jaxlib": self.jaxlib.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return getattr(self.optax.losses, impl.split(".", 1)[1])

    def native(self, v: Any) -> Any:
        return self.jax.numpy.asarray(v) if isinstance(v, np.ndarray) else v

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        jax, jnp = self.jax, self.jax.numpy
        # NumPy inputs become JAX arrays first, as in a JAX program (this matters
        # for smooth_labels, which would otherwise do NumPy arithmetic).
        args = [self.native(a) for a in case.args]
        kwargs = {
            k: tuple(v) if k == "axis" and isinstance(v, list) else self.native(v)
            for k, v in case.kwargs.items()
        }
        out = np.asarray(target(*args, **kwargs))
        if case.grad is None or not _is_float(_get_arg(case, case.grad)):
            return out, None
        i = case.grad
        assert isinstance(i, int)

        def f(x: Any) -> Any:
            return target(*args[:i], x, *args[i + 1 :], **kwargs)

        y, vjp = jax.vjp(f, args[i])
        (g,) = vjp(jnp.ones_like(y))
        if not _same(np.asarray(y), out):
            print(f"  note: {case.id}: vjp and plain call disagree")
        return out, np.asarray(g)


class SklearnRunner(Runner):
    """scikit-learn ``log_loss`` (no gradients)."""

    family = "sklearn"

    def __init__(self) -> None:
        import scipy
        import sklearn
        import sklearn.metrics

        self.sklearn, self.scipy = sklearn, scipy

    def versions(self) -> dict[str, str]:
        return {
            "scikit-learn": self.sklearn.__version__,
            "scipy": self.scipy.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return _resolve_path(self.sklearn, impl.split(".", 1)[1])

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        out = target(*case.args, **case.kwargs)
        return np.asarray(out, dtype=np.float64), None


def _is_float(a: Any) -> bool:
    return isinstance(a, np.ndarray) and (a.dtype.kind == "f" or a.dtype == BF16)


def _get_arg(case: Case, which: int | str) -> Any:
    return case.args[which] if isinstance(which, int) else case.kwargs[which]


def _replace_arg(
    case: Case, which: int | str, x: Any
) -> tuple[list[Any], dict[str, Any]]:
    args, kwargs = list(case.args), dict(case.kwargs)
    if isinstance(which, int):
        args[which] = x
    else:
        kwargs[which] = x
    return args, kwargs


# ----------------------------------------------------------------------------
# Running cases and writing files
# ----------------------------------------------------------------------------


def _terms(case: Case, out: np.ndarray | None) -> int:
    """Summed terms per output element: input elements / output elements."""
    arrays = [
        a for a in [*case.args, *case.kwargs.values()] if isinstance(a, np.ndarray)
    ]
    n_in = max((a.size for a in arrays), default=1)
    n_out = 1 if out is None else max(out.size, 1)
    return max(1, math.ceil(n_in / n_out))


@contextlib.contextmanager
def _recorded_warnings() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def run_case(runner: Runner, case: Case) -> dict[str, Any]:
    """Run one case and return its JSON object."""
    expected: Any
    grad = None
    out = None
    with _recorded_warnings() as caught:
        try:
            target = runner.make_target(case)
            out, grad = runner.call(target, case)
            expected = encode_array(out)
        except Exception as e:  # the framework's error is the expected result
            expected = {"error": type(e).__name__, "message": str(e)[:200]}
    notes = [case.note] if case.note else []
    seen = set()
    for w in caught:
        if issubclass(w.category, NOTED_WARNINGS):
            text = f"warns {w.category.__name__}: {str(w.message)[:100]}"
            if text not in seen:
                seen.add(text)
                notes.append(text)
    obj: dict[str, Any] = {
        "id": case.id,
        "impl": case.impl,
        "kind": case.kind,
        "init": {k: encode_value(v) for k, v in case.init.items()},
        "args": [encode_value(a) for a in case.args],
        "kwargs": {k: encode_value(v) for k, v in case.kwargs.items()},
        "expected": expected,
    }
    if grad is not None and case.grad is not None:
        obj["grad"] = {"arg": case.grad, "value": encode_array(grad)}
    obj["terms"] = 1 if out is None else _terms(case, out)
    if notes:
        obj["note"] = "; ".join(notes)
    return obj


def make_runner(family: str) -> Runner:
    """Import the framework(s) of ``family`` and return its runner."""
    if family in ("keras", "tf_keras", "tf_nn"):
        return TFRunner(family)
    if family == "torch":
        return TorchRunner()
    if family == "optax":
        return OptaxRunner()
    if family == "sklearn":
        return SklearnRunner()
    raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")


def build_cases(family: str) -> CaseList:
    """The case list of ``family``."""
    if family in ("keras", "tf_keras"):
        return build_keras(family)
    builders = {
        "tf_nn": build_tf_nn,
        "torch": build_torch,
        "optax": build_optax,
        "sklearn": build_sklearn,
    }
    return builders[family]()


def write_golden(
    path: Path, header: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    """Write the golden file: the header, then one case per line."""
    head = json.dumps(header, allow_nan=False)[:-1]
    body = ",\n".join(
        json.dumps(c, allow_nan=False, separators=(",", ":")) for c in cases
    )
    path.write_text(f'{head}, "cases": [\n{body}\n]}}\n', encoding="utf-8")


def generate(family: str, out_dir: Path) -> dict[str, int]:
    """Generate ``out_dir/<family>.json``; return counts for the summary."""
    t0 = time.perf_counter()
    cl = build_cases(family)
    runner = make_runner(family)
    results = []
    for case in cl.cases:
        results.append(run_case(runner, case))
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
        f"{family:9s} {len(results):5d} cases  {n_err:4d} expected errors  "
        f"{n_grad:5d} gradients  {path.stat().st_size / 1e6:.2f} MB  {dt:.1f}s"
    )
    return {"cases": len(results), "errors": n_err, "grads": n_grad}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    if argv is None and os.environ.get("PYTHONHASHSEED") != "0":
        # Error messages may print Python sets; fix string hashing so that their
        # order, and hence the files, are the same on every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--only",
        default="",
        help=f"comma-separated families (default: all of {FAMILIES})",
    )
    ap.add_argument("--out", default="goldens", help="output directory")
    ns = ap.parse_args(argv)
    families = [f for f in ns.only.split(",") if f] or list(FAMILIES)
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        ap.error(f"unknown families {unknown}; choose from {', '.join(FAMILIES)}")
    out_dir = Path(ns.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    total: dict[str, dict[str, int]] = {}
    skipped: list[str] = []
    for family in families:
        try:
            total[family] = generate(family, out_dir)
        except ImportError as e:
            print(f"{family:9s} skipped: cannot import its framework ({e})")
            skipped.append(family)
    n = sum(t["cases"] for t in total.values())
    n_err = sum(t["errors"] for t in total.values())
    print(
        f"total     {n:5d} cases  {n_err:4d} expected errors"
        + (f"  skipped: {', '.join(skipped)}" if skipped else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
