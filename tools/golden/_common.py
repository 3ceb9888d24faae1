"""Shared by every family: cases, their JSON encoding, input helpers, the runner
base class and running one case."""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.pop("TF_USE_LEGACY_KERAS", None)

import ml_dtypes
import numpy as np

import crossent.frameworks as mirrors

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
    #: a mirror context manager (dotted path under ``crossent.frameworks``) the
    #: call runs in, e.g. ``optax.enable_x64``; written only when set
    context: str = ""

    @property
    def id(self) -> str:
        """The stable unique id: ``impl/dtype/tag``."""
        return f"{self.impl}/{self.dtype}/{self.tag}"


def fn_case(
    impl: str,
    dtype: str,
    tag: str,
    args: list[Any],
    kwargs: dict[str, Any] | None = None,
    grad: int | str | None = None,
    note: str = "",
) -> Case:
    """A function call ``impl(*args, **kwargs)``."""
    return Case(impl, "function", dtype, tag, args, dict(kwargs or {}), {}, grad, note)


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


def accepted(path: str) -> set[str]:
    """The options the mirror at ``path`` accepts: its registered binder's arguments."""
    params = inspect.signature(mirrors.get(path).bind).parameters
    return set(params) - {"y_true", "y_pred", "sample_weight"}


def grid(path: str, option: str) -> tuple[Any, ...]:
    """The values of ``option`` that :func:`crossent.identify` tries for ``path``."""
    return tuple(mirrors.get(path).options[option])


# A problem is (tag, dtypes, inputs, options, note); builders turn each problem
# into cases for every implementation that supports its options.
Problem = tuple[str, tuple[str, ...], tuple[Any, ...], dict[str, Any], str]


def _doc(value: Any, section: str) -> str:
    """A note quoting the value docs/semantics.md gives for the same inputs."""
    return f"docs/semantics.md {section}: {json.dumps(value)}"


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
    if case.context:
        obj["context"] = case.context
    return obj


class CallRunner(Runner):
    """A framework called once per case, with no gradients: arrays go through
    :meth:`native`, the result through :meth:`to_numpy`."""

    def to_numpy(self, out: Any) -> np.ndarray:
        """The framework's result as a NumPy array of the same dtype."""
        return np.asarray(out)

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        args = [self.native(a) for a in case.args]
        kwargs = {k: self.native(v) for k, v in case.kwargs.items()}
        return self.to_numpy(target(*args, **kwargs)), None
