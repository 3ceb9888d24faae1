"""Naming an implementation with options: ``"textbook.categorical(reduction='mean')"``."""

from __future__ import annotations

import ast
import difflib
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crossent.explain._question import bind_impl
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Implementation, get, mirror

__all__ = [
    "SCALAR_REDUCTIONS",
    "Spec",
    "accepted_options",
    "as_spec",
    "bind",
    "check_from_logits",
    "check_option_names",
    "check_options",
    "reduced_like",
]


@dataclass(frozen=True)
class Spec:
    """An implementation plus the options it is run with."""

    path: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.options:
            return self.path
        args = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{self.path}({args})"

    @property
    def implementation(self) -> Implementation:
        """The registered implementation."""
        return get(self.path)


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip()


def parse(text: str) -> Spec:
    """Parse ``"path"`` or ``"path(key=value, ...)"`` (values as Python literals)."""
    text = text.strip()
    if "(" not in text:
        return Spec(text)
    if not text.endswith(")"):
        raise ValueError(
            f"compare: an implementation with options must look like "
            f"'path(key=value, ...)'; got {text!r}."
        )
    path, _, inner = text[:-1].partition("(")
    options: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in _split_top(inner))):
        key, eq, value = part.partition("=")
        if not eq:
            raise ValueError(
                f"compare: options must be key=value pairs; got {part!r} in {text!r}."
            )
        options[key.strip()] = _literal(value)
    return Spec(path.strip(), options)


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside brackets or quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def as_spec(x: Any, **shared: Any) -> Spec:
    """A :class:`Spec` from a string, a ``(path, options)`` pair or a Spec.

    ``shared`` options are added where the implementation accepts them (and the
    spec does not set them itself).
    """
    if isinstance(x, Spec):
        spec = x
    elif isinstance(x, str):
        spec = parse(x)
    elif isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str):
        spec = Spec(x[0], dict(x[1]))
    else:
        raise TypeError(
            f"compare: an implementation must be a path string, a (path, options) "
            f"pair or a Spec; got {x!r}."
        )
    impl = spec.implementation
    accepted = accepted_options(impl)
    extra = {k: v for k, v in shared.items() if k in accepted and k not in spec.options}
    unknown = [k for k in spec.options if accepted is not _ANY and k not in accepted]
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(accepted), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"compare: {spec.path} has no option {unknown[0]!r}; it accepts "
            f"{', '.join(sorted(accepted)) or 'no options'}.{hint}"
        )
    _check_option_types(impl, spec.options)
    return Spec(impl.path, {**spec.options, **extra})


def _option_defaults(impl: Implementation) -> dict[str, Any]:
    """Each named option's default, where the binder or the mirror class has one."""
    params = dict(inspect.signature(impl.bind).parameters)
    target = mirror(impl.path)
    if inspect.isclass(target):
        params.update(inspect.signature(target.__init__).parameters)
    return {
        name: p.default
        for name, p in params.items()
        if p.default is not inspect.Parameter.empty
    }


def _check_option_types(impl: Implementation, options: Mapping[str, Any]) -> None:
    """A switch is True or False: a string such as ``from_logits="yes"`` is refused
    (it is truthy, and would silently give another number)."""
    defaults = _option_defaults(impl)
    for name, value in options.items():
        if isinstance(defaults.get(name), bool) and not isinstance(value, bool):
            raise TypeError(
                f"{impl.path}: `{name}` must be True or False; got {value!r}."
            )


def check_option_names(fn: str, options: Mapping[str, Any]) -> None:
    """Refuse an option no registered implementation takes (a typo such as
    ``label_smothing``), naming the closest known one."""
    from crossent.frameworks._registry import registry

    known: set[str] = {"axis"}
    for impl in registry().values():
        accepted = accepted_options(impl)
        if accepted is not _ANY:
            known |= {name for name in accepted if not name.startswith("_")}
    for name in options:
        if name.startswith("_") or name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise TypeError(
            f"{fn}: no implementation takes the option {name!r}; {hint}known options: "
            f"{', '.join(sorted(known))}."
        )


def check_from_logits(fn: str, from_logits: Any) -> None:
    """``from_logits`` is None (inferred), True or False."""
    if from_logits is not None and not isinstance(from_logits, bool):
        raise TypeError(
            f"{fn}: `from_logits` must be True, False or None; got {from_logits!r}."
        )


class _AnyOptions(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


_ANY = _AnyOptions()


def accepted_options(impl: Implementation) -> frozenset[str]:
    """Option names ``impl.bind`` takes; a ``**options`` binder forwards to a mirror
    class, whose constructor names them."""
    params = list(inspect.signature(impl.bind).parameters.values())
    named = frozenset(
        p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY
    )
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return named
    target = mirror(impl.path)
    if not inspect.isclass(target):
        return _ANY
    init = inspect.signature(target.__init__).parameters
    return named | frozenset(n for n in init if n != "self")


def bind(spec: Spec, y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Build ``spec``'s plan and initial state for these inputs."""
    return bind_impl(spec.implementation, y_true, y_pred, **dict(spec.options))


def _probe(impl: Implementation) -> tuple[Any, Any]:
    """Small inputs every implementation of this kind takes."""
    import numpy as np

    p = np.array([[0.6, 0.4], [0.3, 0.7]])
    if impl.labels == "integer":
        return np.array([0, 1]), p
    if impl.labels == "binary":
        return np.array([[1.0], [0.0]]), p[:, :1]
    return np.eye(2), p


def check_options(spec: Spec) -> None:
    """Raise the implementation's own error if ``spec``'s options are invalid.

    Run on small, valid inputs, so an error here is about the options (a bad
    ``reduction``), never about the user's inputs, which an implementation may
    reject for reasons of its own (scikit-learn and a single class in y_true).
    """
    impl = spec.implementation
    y_true, y_pred = _probe(impl)
    if impl.expects == "logits":
        y_pred = y_pred - 0.5
    try:
        bind(spec, y_true, y_pred)
    except ValueError as err:
        if "must be" in str(err) or "option" in str(err):
            raise


#: A framework's scalar reduction, as the exact core and the textbook spell it.
SCALAR_REDUCTIONS = {
    "sum": "sum",
    "mean": "mean",
    "sum_over_batch_size": "mean",
    "auto": "mean",
    "mean_over_elements": "mean_over_elements",
}


def reduced_like(spec: Spec, value: Any, producer: Spec) -> Spec:
    """A hand-written or exact formula named without a reduction, reduced the way
    ``producer`` reduces when its ``value`` is one number.

    ``against=["keras...CategoricalCrossentropy", "textbook.categorical"]`` means
    "Keras' number against −Σ y log p", and Keras' number is a mean: comparing it
    with the unreduced per-example losses would put the whole sum in the gap.
    """
    if (
        spec.implementation.framework not in ("textbook", "exact")
        or "reduction" in spec.options
        or value is None
        or np.ndim(value) != 0
    ):
        return spec
    reduction = SCALAR_REDUCTIONS.get(
        str(producer.options.get("reduction", "mean")), "mean"
    )
    return as_spec(Spec(spec.path, {**spec.options, "reduction": reduction}))
