"""What the Keras 3 and tf_keras loss mirrors have in common.

Both families mirror the same Keras loss API: ``keras/src/losses/losses.py``
(Keras 3) and ``tf_keras/losses.py`` (tf_keras 2.4–2.21) take the same arguments,
in the same order, with the same defaults, and warn the same way about a single
class column. What is the same lives here once:

* :class:`LossAPI` — each loss's arguments (:data:`CATEGORICAL`, :data:`SPARSE`,
  :data:`BINARY`, :data:`BINARY_FOCAL`, :data:`CATEGORICAL_FOCAL`);
* :func:`loss_function` — gives a family's plan-building body the loss
  function's signature (and the single-class warning);
* :func:`loss_class` — gives a family's loss class the loss's constructor (the
  loss's arguments, then the family's ``reduction``/``name``/``dtype``);
* :class:`KerasLoss` — the base of both families' loss classes: the options kept
  from the constructor and ``__call__`` (warn, bind, run);
* :func:`warn_single_class` — Keras' ``SyntaxWarning``;
* :data:`BACKEND_OP` — the declaration fields of a backend op mirror
  (``keras.ops`` and ``tf_keras.backend``).

Each family's modules keep what differs: the steps (Keras 3 converts to float32
and clips once; tf_keras keeps the dtype and adds ε twice), the reductions, the
messages and the defaults of ``reduction``.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from crossent.frameworks._plan import Plan, State

__all__ = [
    "BACKEND_OP",
    "BINARY",
    "BINARY_FOCAL",
    "CATEGORICAL",
    "CATEGORICAL_FOCAL",
    "LOSS_NAMES",
    "SPARSE",
    "Arg",
    "KerasLoss",
    "LossAPI",
    "loss_class",
    "loss_function",
    "warn_single_class",
]

C = TypeVar("C", bound=type)
Body = Callable[..., tuple[Plan, State]]

_POS = inspect.Parameter.POSITIONAL_OR_KEYWORD
_KW = inspect.Parameter.KEYWORD_ONLY


@dataclass(frozen=True)
class Arg:
    """One argument of a Keras loss: its name, default and annotation."""

    name: str
    default: Any
    annotation: str

    def parameter(self) -> inspect.Parameter:
        """The argument as a positional-or-keyword parameter."""
        return inspect.Parameter(
            self.name, _POS, default=self.default, annotation=self.annotation
        )


_FROM_LOGITS = Arg("from_logits", False, "bool")
_LABEL_SMOOTHING = Arg("label_smoothing", 0.0, "float")
_AXIS = Arg("axis", -1, "int")
_GAMMA = Arg("gamma", 2.0, "float")
#: ``_warn``: the declaration's own argument (identify and explain bind silently)
_WARN = Arg("_warn", True, "bool")


@dataclass(frozen=True)
class LossAPI:
    """A Keras loss's public face: function and class names, and its arguments.

    Attributes
    ----------
    function, cls : str
        ``categorical_crossentropy`` and ``CategoricalCrossentropy``.
    args : tuple of Arg
        The loss's own arguments, in the function's order (after ``y_true``,
        ``y_pred``) and the class's (before ``reduction``).
    warns : bool
        Whether a call warns on a single class column (the categorical losses).
    """

    function: str
    cls: str
    args: tuple[Arg, ...]
    warns: bool = False

    def parameters(
        self, order: Sequence[str] | None = None, extra: Sequence[Arg] = ()
    ) -> list[inspect.Parameter]:
        """The arguments in ``order`` (default: :attr:`args`, then ``extra``)."""
        pool = {a.name: a for a in (*self.args, *extra)}
        names = order or [a.name for a in (*self.args, *extra)]
        return [pool[name].parameter() for name in names]

    def complete(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """``options`` with the defaults of those not given, in :attr:`args` order."""
        unknown = sorted(set(options) - {a.name for a in self.args})
        if unknown:
            raise TypeError(f"{self.function}() got unexpected options {unknown}")
        return {a.name: options.get(a.name, a.default) for a in self.args}


CATEGORICAL = LossAPI(
    "categorical_crossentropy",
    "CategoricalCrossentropy",
    (_FROM_LOGITS, _LABEL_SMOOTHING, _AXIS),
    warns=True,
)
SPARSE = LossAPI(
    "sparse_categorical_crossentropy",
    "SparseCategoricalCrossentropy",
    (_FROM_LOGITS, Arg("ignore_class", None, "int | None"), _AXIS),
)
BINARY = LossAPI(
    "binary_crossentropy",
    "BinaryCrossentropy",
    (_FROM_LOGITS, _LABEL_SMOOTHING, _AXIS),
)
BINARY_FOCAL = LossAPI(
    "binary_focal_crossentropy",
    "BinaryFocalCrossentropy",
    (
        Arg("apply_class_balancing", False, "bool"),
        Arg("alpha", 0.25, "float"),
        _GAMMA,
        _FROM_LOGITS,
        _LABEL_SMOOTHING,
        _AXIS,
    ),
)
CATEGORICAL_FOCAL = LossAPI(
    "categorical_focal_crossentropy",
    "CategoricalFocalCrossentropy",
    (Arg("alpha", 0.25, "Any"), _GAMMA, _FROM_LOGITS, _LABEL_SMOOTHING, _AXIS),
    warns=True,
)
_APIS = (CATEGORICAL, SPARSE, BINARY, BINARY_FOCAL, CATEGORICAL_FOCAL)

#: the ``__all__`` both ``losses`` modules share: the classes, then the functions
LOSS_NAMES: tuple[str, ...] = (
    *sorted(api.cls for api in _APIS),
    *sorted(api.function for api in _APIS),
)

#: the declaration fields every backend op mirror shares (``target``/``output``)
BACKEND_OP: Mapping[str, Any] = {
    "expects": "probabilities",
    "options": {"from_logits": (False, True)},
    "y_true": "target",
    "y_pred": "output",
}


def _bind(
    sig: inspect.Signature, owner: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The arguments by name, defaults filled; Python's own TypeError otherwise."""
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{owner}() {_python_text(sig, args, kwargs, error)}") from None
    bound.apply_defaults()
    return dict(bound.arguments)


def _python_text(
    sig: inspect.Signature,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: TypeError,
) -> str:
    """The words Python uses for a bad call of a function with signature ``sig``.

    Python checks the keywords first, then the number of positional arguments,
    then the missing ones (``Signature.bind`` has another order and words).
    """
    params = list(sig.parameters)
    positional = [n for n, p in sig.parameters.items() if p.kind is _POS]
    for key in kwargs:
        if key not in params:
            return f"got an unexpected keyword argument {key!r}"
        if params.index(key) < min(len(args), len(positional)):
            return f"got multiple values for argument {key!r}"
    empty = inspect.Parameter.empty
    required = [n for n, p in sig.parameters.items() if p.default is empty]
    if len(args) > len(positional):
        return (
            f"takes from {len(required)} to {len(positional)} positional arguments "
            f"but {len(args)} were given"
        )
    missing = [repr(n) for n in required[len(args) :] if n not in kwargs]
    if not missing:
        return str(error)
    listed = " and ".join(missing[-2:])
    if len(missing) > 2:
        listed = ", ".join(missing[:-2]) + ", " + listed.replace(" and ", ", and ")
    plural = "s" if len(missing) > 1 else ""
    return f"missing {len(missing)} required positional argument{plural}: {listed}"


def loss_function(
    api: LossAPI, order: Sequence[str] | None = None
) -> Callable[[Body], Body]:
    """Decorate ``body(y_true, y_pred, **options)`` into the loss function.

    The result has the Keras signature ``(y_true, y_pred, <api.args>)`` (in
    ``order`` where a family's differs), plus the keyword-only ``_warn=True`` for
    the losses that warn on a single class column, and calls ``body`` with every option given or
    defaulted, in signature order. ``body``'s name, module and docstring (with its
    doctests) are the function's.
    """
    # ``_warn`` is keyword-only: a sixth positional argument is Python's TypeError
    warn = [_WARN.parameter().replace(kind=_KW)] if api.warns else []
    params = [
        inspect.Parameter("y_true", _POS, annotation="Any"),
        inspect.Parameter("y_pred", _POS, annotation="Any"),
        *api.parameters(order),
        *warn,
    ]
    sig = inspect.Signature(params, return_annotation="tuple[Plan, State]")

    def decorate(body: Body) -> Body:
        @functools.wraps(body)
        def function(*args: Any, **kwargs: Any) -> tuple[Plan, State]:
            options = _bind(sig, body.__name__, args, kwargs)
            y_true, y_pred = options.pop("y_true"), options.pop("y_pred")
            if options.pop("_warn", False):
                warn_single_class(api.function, y_pred)
            return body(y_true, y_pred, **options)

        del function.__wrapped__  # its signature is this one, not the body's
        function.__signature__ = sig  # type: ignore[attr-defined]
        return function

    return decorate


def loss_class(
    api: LossAPI,
    reduction: Arg,
    *,
    dtype: bool = False,
    order: Sequence[str] | None = None,
) -> Callable[[C], C]:
    """Give a loss class the Keras constructor ``(<api.args>, reduction, name[, dtype])``.

    ``reduction`` is the family's (its default differs), ``name`` defaults to the
    loss function's name and ``dtype`` (Keras 3) to ``None``; ``order`` lists the
    arguments where the framework interleaves them. The constructor binds its
    arguments as Python would and hands them, by name and in order, to the
    class's ``_configure(arguments)``; the class warns as :attr:`LossAPI.function`
    when the loss does.
    """
    tail: tuple[Arg, ...] = (reduction, Arg("name", api.function, "str"))
    if dtype:
        tail += (Arg("dtype", None, "Any"),)

    def decorate(cls: C) -> C:
        params = api.parameters(order, tail)
        self_param = inspect.Parameter("self", _POS)
        sig = inspect.Signature([self_param, *params], return_annotation="None")
        owner = f"{cls.__name__}.__init__"

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            arguments = _bind(sig, owner, (self, *args), kwargs)
            del arguments["self"]
            self._configure(arguments)

        __init__.__signature__ = sig  # type: ignore[attr-defined]
        __init__.__qualname__ = f"{cls.__qualname__}.__init__"
        __init__.__module__ = cls.__module__
        setattr(cls, "__init__", __init__)  # noqa: B010 (a method set on a class)
        setattr(cls, "_warns_as", api.function if api.warns else "")  # noqa: B010
        return cls

    return decorate


class KerasLoss:
    """What both families' loss classes share: the options and the call.

    Subclasses get their constructor from :func:`loss_class`, whose arguments
    reach ``_configure``; they keep the loss's options with :meth:`_keep` and
    implement ``bind(y_true, y_pred, sample_weight) -> (plan, state)``.
    """

    #: the loss function whose single-class-column warning a call repeats
    _warns_as: str = ""
    _option_names: tuple[str, ...] = ()

    def _keep(self, options: Mapping[str, Any]) -> None:
        """Keep the loss's options as attributes, like Keras, in their order."""
        self._option_names = tuple(options)
        for key, value in options.items():
            setattr(self, key, value)

    def _option_values(self) -> dict[str, Any]:
        """The loss's options (attributes, so changing one changes the loss)."""
        return {key: getattr(self, key) for key in self._option_names}

    def bind(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> tuple[Plan, State]:  # pragma: no cover - the families implement it
        """The plan of ``self(y_true, y_pred, sample_weight)`` and its first state."""
        raise NotImplementedError

    def __call__(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> np.ndarray:
        """The weighted, reduced loss (a 0-d array unless ``reduction`` is "none")."""
        if self._warns_as:
            warn_single_class(self._warns_as, y_pred)
        plan, state = self.bind(y_true, y_pred, sample_weight)
        return np.asarray(plan.run(state)["value"])


def warn_single_class(loss: str, y_pred: Any) -> None:
    """Keras' ``SyntaxWarning`` for a single class column (the loss is then 0).

    ``categorical_crossentropy`` and ``categorical_focal_crossentropy`` (and their
    classes) warn when ``y_pred.shape[-1] == 1``, with the same text in Keras 3
    (keras/src/losses/losses.py) and tf_keras 2.11–2.21 (tf_keras/losses.py).
    """
    try:
        shape = tuple(int(n) for n in np.shape(y_pred))
    except ValueError:  # ragged input: the conversion error comes next
        return
    if shape and shape[-1] == 1:
        warnings.warn(
            f"In loss {loss}, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=4,
        )
