"""Fuzz of the public API with hostile and careless input (issue #13).

Every public function of the core (``crossent._core.__all__``) and every mirror in
the registry (``crossent.frameworks.registry()``), so that a function added later
is fuzzed without touching this file, is driven by hypothesis with:

* valid input (random shapes, float32/float64, values): it must give real numbers;
* hostile arrays for the labels or the predictions (``None``, strings, dicts,
  objects, ragged and deeply nested lists, complex, datetime, object, string and
  bool arrays, 0-d and empty arrays, NaN and inf, shapes that do not fit, a
  10^13-element broadcast view): a ``ValueError`` or ``TypeError`` (crossent's
  subclasses count), never another exception; nonsense never gives a number;
* hostile option values (strings, NaN, inf, None, floats where ints go, ints
  where bools go, out-of-range numbers): refused, never a number.

Warnings are silenced inside each call: a RuntimeWarning on NaN input is a
warning to a user, not an exception, whatever pytest's ``-W error`` makes of it.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crossent
import crossent._core
from crossent.frameworks import registry
from crossent.frameworks._registry import mirror

#: Examples run, by test, for the report at the end of the module.
RAN: Counter[str] = Counter()

_PRED = {"y_pred", "output", "input", "logits", "probs", "y_proba", "x", "loss"}
_PRED |= {"source", "logit", "vocab_parallel_logits", "scores"}  # #17 mirrors
_LABEL = {"y_true", "target", "labels"}


@dataclass(frozen=True)
class Target:
    """A public function or class and how to call it."""

    name: str
    obj: Any
    labels: str | None  # "one_hot", "integer", "binary", or None (no labels)
    expects: str  # "logits", "probabilities" or "any"

    @property
    def is_class(self) -> bool:
        return inspect.isclass(self.obj)

    def params(self) -> dict[str, inspect.Parameter]:
        fn = self.obj.__init__ if self.is_class else self.obj
        return dict(inspect.signature(fn).parameters)

    def call(self, labels: Any, preds: Any, **options: Any) -> Any:
        obj = self.obj
        if self.name.startswith("tf.nn.weighted"):
            options.setdefault("pos_weight", 2.0)
        if self.name.endswith("log_loss") and self.name.startswith("sklearn"):
            options.setdefault("labels", [0, 1])
        if self.is_class:
            instance = obj(**options)
            first = next(iter(inspect.signature(instance.__call__).parameters))
            return (
                instance(preds, labels) if first == "input" else instance(labels, preds)
            )
        if self.name == "core.smooth_labels":
            return obj(preds, options.pop("alpha", 0.1), **options)
        names = list(inspect.signature(obj).parameters)
        if "vocab_size" in names:  # transformers' LM losses require it
            try:
                shape = np.shape(preds)
            except ValueError:
                shape = ()
            options.setdefault("vocab_size", shape[-1] if shape else 1)
        if self.labels is None:
            return obj(preds, **options)
        if "linear_weight" in names:  # a linear head of ones, as many classes as inputs
            n = np.shape(preds)[-1] if np.ndim(preds) else 1
            kind = np.asarray(preds).dtype
            head = np.ones(1, kind if kind.kind == "f" else np.float32)
            return obj(preds, np.broadcast_to(head, (n, n)), labels, **options)
        if names[0] in _PRED:
            return obj(preds, labels, **options)
        return obj(labels, preds, **options)


_CORE_KINDS: dict[str, tuple[str | None, str]] = {
    "binary_cross_entropy": ("binary", "probabilities"),
    "cross_entropy": ("one_hot", "probabilities"),
    "sigmoid_binary_cross_entropy": ("binary", "logits"),
    "sigmoid_focal_cross_entropy": ("binary", "logits"),
    "softmax_cross_entropy": ("one_hot", "logits"),
    "softmax_focal_cross_entropy": ("one_hot", "logits"),
    "softmax_cross_entropy_with_integer_labels": ("integer", "logits"),
    "smooth_labels": (None, "any"),
    "log_sigmoid": (None, "logits"),
    "log_softmax": (None, "logits"),
    "logsumexp": (None, "logits"),
    "softplus": (None, "logits"),
    "reduce_loss": (None, "any"),
}


def _targets() -> list[Target]:
    out: list[Target] = []
    seen: set[int] = set()
    for name in crossent._core.__all__:
        obj = getattr(crossent, name)
        if not callable(obj) or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue  # the `Reduction` type alias
        labels, expects = _CORE_KINDS[name]  # a new core function must be added here
        out.append(Target("core." + name, obj, labels, expects))
    for path, impl in registry().items():
        obj = mirror(path)
        if obj is None or id(obj) in seen:
            continue  # exact.* and bracketed variants have no public object
        seen.add(id(obj))
        labels = "binary" if path.endswith("log_loss") else impl.labels
        out.append(Target(path, obj, labels, impl.expects))
    return out


TARGETS = _targets()
IDS = [t.name for t in TARGETS]


def test_every_public_function_is_fuzzed() -> None:
    names = {t.name for t in TARGETS}
    assert {"core." + n for n in crossent._core.__all__ if n != "Reduction"} <= names
    assert "torch.nn.functional.cross_entropy" in names
    assert "keras.losses.SparseCategoricalCrossentropy" in names
    assert len(TARGETS) >= 60


# ---------------------------------------------------------------------------
# Valid input


@st.composite
def valid_inputs(draw: st.DrawFn, target: Target) -> tuple[Any, Any]:
    n = draw(st.integers(1, 4))
    c = draw(st.integers(2, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    if target.name.startswith(("keras2.custom", "sklearn")):
        dtype = np.float64 if target.name.startswith("sklearn") else dtype
    if target.labels == "binary":
        shape: tuple[int, ...] = (n,) if target.name.startswith("sklearn") else (n, c)
        if target.name.startswith(("torch", "tf.nn", "lightgbm", "xgboost")):
            shape = (n,)
    else:
        shape = (n, c)
    if target.expects == "logits":
        preds = draw(
            st.lists(
                st.floats(-20, 20), min_size=math.prod(shape), max_size=math.prod(shape)
            )
        )
        p = np.asarray(preds, dtype).reshape(shape)
    else:
        raw = draw(
            st.lists(
                st.floats(0.01, 1.0),
                min_size=math.prod(shape),
                max_size=math.prod(shape),
            )
        )
        p = np.asarray(raw, np.float64).reshape(shape)
        if target.labels != "binary" and target.expects == "probabilities":
            p = p / p.sum(axis=-1, keepdims=True)
        p = p.astype(dtype)
    if target.labels is None:
        return None, p
    if target.labels == "integer":
        ids = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
        return np.asarray(ids, np.int64), p
    if target.labels == "one_hot":
        ids = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
        return np.eye(c, dtype=dtype)[ids], p
    bits = draw(
        st.lists(
            st.integers(0, 1), min_size=math.prod(shape), max_size=math.prod(shape)
        )
    )
    y = np.asarray(bits).reshape(shape)
    if target.name.startswith("sklearn"):
        return y, p
    return y.astype(dtype), p


def _quiet(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _expect_refusal(what: str, fn: Callable[[], Any]) -> None:
    """``fn()`` must raise ValueError or TypeError; another exception propagates."""
    try:
        result = _quiet(fn)
    except (ValueError, TypeError):
        return
    pytest.fail(f"{what} gave {result!r}")


def _is_number(result: Any) -> bool:
    a = np.asarray(result)
    return a.dtype.kind == "f" or (a.dtype.kind == "V" and a.dtype.itemsize <= 2)


_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
@_SETTINGS
@given(data=st.data())
def test_valid_input_gives_numbers(target: Target, data: st.DataObject) -> None:
    labels, preds = data.draw(valid_inputs(target))
    RAN["valid"] += 1
    result = _quiet(lambda: target.call(labels, preds))
    assert _is_number(result), (target.name, result)


# ---------------------------------------------------------------------------
# Hostile arrays

_HUGE = np.broadcast_to(np.float32(0.5), (10**6, 10**7))  # 40 TB declared, 4 bytes held

#: Values no cross-entropy can make sense of: refused, never a number.
NONSENSE: dict[str, Callable[[st.DrawFn], Any]] = {
    "None": lambda d: None,
    "text": lambda d: d(st.text(max_size=12)),
    "bytes": lambda d: d(st.binary(max_size=8)),
    "dict": lambda d: {d(st.text(max_size=3)): 1.0},
    "set": lambda d: {1.0, 2.0},
    "object": lambda d: object(),
    "ragged": lambda d: [[0.5, 0.5], [0.5]],
    "strings in list": lambda d: [[0.5, d(st.text(min_size=1, max_size=4))]],
    "complex": lambda d: np.array([[0.5 + 1j, 0.5], [0.2, 0.8]]),
    "datetime": lambda d: np.array([[1, 2], [3, 4]], dtype="datetime64[s]"),
    "timedelta": lambda d: np.array([[1, 2], [3, 4]], dtype="timedelta64[s]"),
    "object array": lambda d: np.array([[0.5, 0.5], [0.2, 0.8]], dtype=object),
    "string array": lambda d: np.array([["a", "b"], ["c", "d"]]),
}

#: Careless but readable: refused with ValueError/TypeError, or a number (NaN in,
#: NaN out), never another exception.
CARELESS: dict[str, Callable[[st.DrawFn], Any]] = {
    "0-d": lambda d: np.array(d(st.floats(0, 1))),
    "python float": lambda d: d(st.floats(allow_nan=True, allow_infinity=True)),
    "empty": lambda d: np.zeros(d(st.sampled_from([(0,), (0, 3), (2, 0), (0, 0)]))),
    "nan": lambda d: np.full((2, 3), np.nan),
    "inf": lambda d: np.full((2, 3), d(st.sampled_from([np.inf, -np.inf]))),
    "wrong shape": lambda d: np.full(
        d(st.sampled_from([(5,), (4, 5), (2, 3, 4), (1, 1)])), 0.5
    ),
    "bool": lambda d: np.array([[True, False, False], [False, True, False]]),
    "int": lambda d: np.array([[1, 0, 0], [0, 0, 1]]),
    "huge int": lambda d: np.array([[2**62, 0, 0], [0, 0, 1]]),
    "nested deep": lambda d: [[[[[[0.5]]]]]],
    "float16": lambda d: np.array([[0.7, 0.2, 0.1], [60000, 0.3, 0.5]], np.float16),
    "huge view": lambda d: _HUGE,
}


@st.composite
def hostile(
    draw: st.DrawFn, table: dict[str, Callable[[st.DrawFn], Any]]
) -> tuple[str, Any]:
    kind = draw(st.sampled_from(sorted(table)))
    return kind, table[kind](draw)


def _call_hostile(target: Target, role: str, value: Any, valid: tuple[Any, Any]) -> Any:
    labels, preds = valid
    if role == "labels":
        labels = value
    else:
        preds = value
    return _quiet(lambda: target.call(labels, preds))


_ROLES = st.sampled_from(["labels", "predictions"])


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
@_SETTINGS
@given(data=st.data())
def test_nonsense_arrays_are_refused(target: Target, data: st.DataObject) -> None:
    valid = data.draw(valid_inputs(target))
    role = data.draw(_ROLES if target.labels is not None else st.just("predictions"))
    kind, value = data.draw(hostile(NONSENSE))
    if (
        target.name.startswith("sklearn")
        and role == "labels"
        and kind in {"text", "strings in list", "string array", "object array"}
    ):
        kind, value = (
            "complex",
            NONSENSE["complex"](data.draw),
        )  # sklearn's labels may be strings
    RAN["nonsense arrays"] += 1
    _expect_refusal(
        f"{target.name}({role}={kind})",
        lambda: _call_hostile(target, role, value, valid),
    )


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
@_SETTINGS
@given(data=st.data())
def test_careless_arrays_raise_only_value_or_type_errors(
    target: Target, data: st.DataObject
) -> None:
    valid = data.draw(valid_inputs(target))
    role = data.draw(_ROLES if target.labels is not None else st.just("predictions"))
    kind, value = data.draw(hostile(CARELESS))
    if kind == "huge view" and target.name.startswith("core."):
        # The core streams any input in row blocks: a 10^13-element view is not
        # refused, it takes hours. The mirrors materialise their inputs.
        kind, value = "nan", CARELESS["nan"](data.draw)
    RAN["careless arrays"] += 1
    try:
        result = _call_hostile(target, role, value, valid)
    except (ValueError, TypeError):
        return
    assert _is_number(result) or np.asarray(result).size == 0, (
        target.name,
        kind,
        result,
    )


# ---------------------------------------------------------------------------
# Hostile options

_TEXT = st.text(max_size=12)
_NONFINITE = st.sampled_from([math.nan, math.inf, -math.inf])

#: For each option a mirror or the core takes: values that must be refused.
BAD_OPTIONS: dict[str, st.SearchStrategy[Any]] = {
    "from_logits": st.one_of(_TEXT, st.integers(), st.floats(), st.none()),
    "apply_class_balancing": st.one_of(_TEXT, st.integers(), st.none()),
    "normalize": st.one_of(_TEXT, st.integers(2, 5), st.none()),
    "keepdims": st.one_of(_TEXT, st.integers(2, 5), st.none()),
    "label_smoothing": st.one_of(_TEXT, st.just(math.nan), st.none(), st.booleans()),
    "gamma": st.one_of(_TEXT, _NONFINITE, st.floats(-1e6, -1e-6), st.booleans()),
    "alpha": st.one_of(
        _TEXT, _NONFINITE, st.floats(1.000001, 1e6), st.floats(-1e6, -1e-6)
    ),
    "epsilon": st.one_of(_TEXT, _NONFINITE, st.none()),
    "ignore_index": st.one_of(_TEXT, _NONFINITE, st.floats(0.1, 0.9), st.booleans()),
    "ignore_class": st.one_of(_TEXT, _NONFINITE, st.floats(0.1, 0.9), st.booleans()),
    "axis": st.one_of(_TEXT, _NONFINITE, st.floats(0.1, 0.9), st.booleans()),
    "reduction": st.one_of(
        _TEXT.filter(
            lambda s: (
                s
                not in {
                    "none",
                    "sum",
                    "mean",
                    "sum_over_batch_size",
                    "mean_over_elements",
                    "weighted_mean",
                    "auto",
                }
            )
        ),
        st.integers(),
        st.floats(),
    ),
    "pos_weight": st.one_of(_TEXT, _NONFINITE, st.floats(-1e6, -1e-6)),
    "weight": st.one_of(_TEXT, st.just(np.array([1 + 1j, 1, 1]))),
    "weights": st.one_of(_TEXT, _NONFINITE, st.just(-1.0)),
    "sample_weight": st.one_of(_TEXT, st.just(math.nan), st.just(-1.0)),
    "where": st.one_of(_TEXT, st.just({"a": 1})),
}


def _options(target: Target) -> list[str]:
    params = target.params()
    return sorted(
        name
        for name in params
        if name in BAD_OPTIONS
        and not (name == "labels" and target.name.startswith("sklearn"))
    )


OPTION_TARGETS = [t for t in TARGETS if _options(t)]


@pytest.mark.parametrize("target", OPTION_TARGETS, ids=[t.name for t in OPTION_TARGETS])
@_SETTINGS
@given(data=st.data())
def test_nonsense_options_are_refused(target: Target, data: st.DataObject) -> None:
    valid = data.draw(valid_inputs(target))
    option = data.draw(st.sampled_from(_options(target)))
    value = data.draw(BAD_OPTIONS[option])
    RAN["nonsense options"] += 1
    labels, preds = valid
    _expect_refusal(
        f"{target.name}({option}={value!r})",
        lambda: target.call(labels, preds, **{option: value}),
    )


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    total = sum(RAN.values())
    print(f"\ntest_fuzz_api: {total} examples ({dict(RAN)})")  # shown with -s
