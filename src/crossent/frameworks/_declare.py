"""A mirror is declared once: :class:`Mirror`, a decorator with keyword-only fields.

Write the mirror with the framework's own signature (names, order, defaults) and a
body that builds its plan; decorate it with ``Mirror(...)``::

    @Mirror(
        framework="torch",
        versions="PyTorch 1.11–2.13",
        reference="https://pytorch.org/docs/...",
        summary="softmax CE from logits ...",
        expects="logits",
        labels="integer",
        y_true="target",
        y_pred="input",
        options={"reduction": ("mean", "sum", "none")},
    )
    def cross_entropy(input, target, weight=None, reduction="mean"):
        \"\"\"The framework's docstring, with its doctests.\"\"\"
        return plan, state

The decorator gives, from that one declaration,

* the public callable: the same name, signature, docstring and module, returning
  ``result(plan.run(state)["value"])`` (``np.asarray`` of it by default);
* the binder ``bind(y_true, y_pred, *, option=default, ...)`` in crossent's
  canonical argument order, whose options are the function's other arguments,
  keyword-only, with the function's own defaults;
* the registry entry (:class:`~crossent.frameworks._registry.Implementation`),
  registered under ``path`` (by default the function's dotted path below
  ``crossent.frameworks``).

A loss *class* is declared the same way: ``Mirror(...)`` on the class registers a
binder whose options are the constructor's arguments (plus ``sample_weight``);
the class must have ``bind(y_true, y_pred, sample_weight) -> (plan, state)``, and
is returned unchanged.

Fields shared by a family go into ``functools.partial(Mirror, framework=...,
versions=...)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, ParamSpec, TypeVar, overload

import numpy as np

from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import (
    Binder,
    Divergence,
    Implementation,
    register,
)

__all__ = ["Mirror", "as_array", "unchanged"]

P = ParamSpec("P")
C = TypeVar("C", bound=type)

_PREFIX = "crossent.frameworks."
_KW = inspect.Parameter.KEYWORD_ONLY
_POS = inspect.Parameter.POSITIONAL_OR_KEYWORD
_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def as_array(value: Any) -> np.ndarray:
    """The default ``result``: the plan's value as a NumPy array."""
    return np.asarray(value)


def unchanged(value: Any) -> Any:
    """A ``result`` that returns the plan's value as it is."""
    return value


@dataclass(frozen=True, kw_only=True)
class Mirror:
    """One mirror's declaration; decorating a function or class registers it.

    Attributes
    ----------
    framework, versions, reference, summary, expects, labels, divergences, options, reduce_options
        The registry entry's fields (see
        :class:`~crossent.frameworks._registry.Implementation`); ``options`` are
        the values :func:`crossent.identify` tries, and the option grids
        ``tools/make_golden.py`` reads.
    path : str
        The mirror's dotted path; by default the decorated object's module below
        ``crossent.frameworks`` and its name. Required for objects defined in a
        private module (``keras/_loss_functions.py``) and for binder-only entries
        (``"keras.losses.categorical_crossentropy[softmax_logits]"``).
    y_true, y_pred : str
        The framework's names of the targets and the predictions
        (``"target"``/``"input"`` for PyTorch, ``"labels"``/``"logits"`` for
        optax and ``tf.nn``).
    hidden : tuple of str
        Arguments the binder does not take (deprecated aliases such as torch's
        ``size_average``, ``name``): they keep the function's defaults.
    defaults : mapping
        Binder defaults for arguments the framework requires (``tf.nn``'s
        ``pos_weight``) or defaults the binder sets otherwise. An argument whose
        name starts with ``_`` is the declaration's own (``_warn``): it is in
        neither the public signature nor the binder's, and the binder passes its
        value from ``defaults``.
    result : callable
        What the public function returns of the plan's value (``as_array``).
    """

    framework: str
    versions: str
    reference: str
    summary: str
    expects: Literal["logits", "probabilities"]
    labels: Literal["one_hot", "integer", "binary"]
    path: str = ""
    divergences: tuple[Divergence, ...] = ()
    options: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    reduce_options: tuple[str, ...] = ("reduction",)
    y_true: str = "y_true"
    y_pred: str = "y_pred"
    hidden: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    result: Callable[[Any], Any] = as_array

    @overload
    def __call__(self, target: C) -> C: ...

    @overload
    def __call__(self, target: Callable[P, tuple[Plan, State]]) -> Callable[P, Any]: ...

    def __call__(self, target: Any) -> Any:
        path = self._path(target)
        if inspect.isclass(target):
            self._register(path, _class_binder(target, path))
            return target
        self._register(path, self._binder(target, path))
        return self._public(target)

    # the three products -------------------------------------------------------

    def _register(self, path: str, bind: Binder) -> None:
        register(
            Implementation(
                path=path,
                framework=self.framework,
                versions=self.versions,
                reference=self.reference,
                summary=self.summary,
                expects=self.expects,
                labels=self.labels,
                bind=bind,
                divergences=self.divergences,
                options=self.options,
                reduce_options=self.reduce_options,
            )
        )

    def _public(self, fn: Callable[..., tuple[Plan, State]]) -> Callable[..., Any]:
        result = self.result

        @functools.wraps(fn)
        def public(*args: Any, **kwargs: Any) -> Any:
            plan, state = fn(*args, **kwargs)
            return result(plan.run(state)["value"])

        # not a wrapper to unwrap: ``fn`` returns a plan, the public callable a value
        del public.__wrapped__
        returns = inspect.signature(result).return_annotation
        sig = inspect.signature(fn)
        public.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[p for p in sig.parameters.values() if not _private(p.name)],
            return_annotation=returns,
        )
        public.__annotations__ = {**fn.__annotations__, "return": returns}
        return public

    def _binder(self, fn: Callable[..., tuple[Plan, State]], path: str) -> Binder:
        params = inspect.signature(fn).parameters
        for name in (self.y_true, self.y_pred, *self.hidden, *self.defaults):
            if name not in params:
                raise TypeError(
                    f"Mirror {path!r}: {fn.__name__} has no argument {name!r}"
                )
        options = [
            p.replace(kind=_KW, default=self.defaults.get(p.name, p.default))
            for p in params.values()
            if p.name not in (self.y_true, self.y_pred, *self.hidden)
            and p.kind not in _VARIADIC
            and not _private(p.name)
        ]
        true_name, pred_name = self.y_true, self.y_pred
        accepted = frozenset(p.name for p in options)
        defaults = dict(self.defaults)  # the binder's own, private ones included

        def bind(y_true: Any, y_pred: Any, **kwargs: Any) -> tuple[Plan, State]:
            _check_options(bind, accepted, kwargs)
            return fn(**{true_name: y_true, pred_name: y_pred, **defaults, **kwargs})

        return _named(bind, fn.__name__, path, options)

    def _path(self, target: Any) -> str:
        if self.path:
            return self.path
        module = str(target.__module__)
        inner = module.removeprefix(_PREFIX)
        if inner == module or any(part.startswith("_") for part in inner.split(".")):
            raise TypeError(
                f"Mirror on {target.__qualname__} in {module}: give path=..., the "
                "dotted path below crossent.frameworks the mirror is reached by."
            )
        return f"{inner}.{target.__name__}"


def _private(name: str) -> bool:
    """An argument of the declaration only (``_warn``): in neither signature."""
    return name.startswith("_")


def _class_binder(cls: type, path: str) -> Binder:
    """``cls(**options).bind(y_true, y_pred, sample_weight)``, options from ``__init__``."""
    init = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    options = [
        inspect.Parameter("sample_weight", _KW, default=None),
        *(
            p.replace(kind=_KW)
            for name, p in init.items()
            if name != "self" and p.kind not in _VARIADIC
        ),
    ]
    accepted = frozenset(p.name for p in options)

    def bind(
        y_true: Any, y_pred: Any, *, sample_weight: Any = None, **kwargs: Any
    ) -> tuple[Plan, State]:
        _check_options(bind, accepted, kwargs)
        loss: Any = cls(**kwargs)
        bound: tuple[Plan, State] = loss.bind(y_true, y_pred, sample_weight)
        return bound

    return _named(bind, cls.__name__, path, options)


def _named(
    bind: Callable[..., tuple[Plan, State]],
    name: str,
    path: str,
    options: list[inspect.Parameter],
) -> Binder:
    """Give ``bind`` its name, docstring and the signature explain reads."""
    bind.__name__ = bind.__qualname__ = f"bind_{name}"
    bind.__doc__ = (
        f"Plan of ``{path}``, arguments in crossent's (y_true, y_pred) order."
    )
    bind.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("y_true", _POS),
            inspect.Parameter("y_pred", _POS),
            *options,
        ],
        return_annotation="tuple[Plan, State]",
    )
    return bind


def _check_options(
    bind: Callable[..., Any], accepted: frozenset[str], given: Mapping[str, Any]
) -> None:
    for name in given:
        if name not in accepted:
            raise TypeError(
                f"{bind.__name__}() got an unexpected keyword argument {name!r}"
            )
