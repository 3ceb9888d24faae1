"""Argument checks at the door of every public function: the core's and the mirrors' (#13).

A mirror reproduces its framework's numbers and, where the framework raises, its
exception. What no framework would make sense of — ``None`` or a string for an
array, a complex or datetime array, ``from_logits="yes"``, ``label_smoothing=nan``,
``ignore_index=1.5`` — is refused with a ``TypeError`` or ``ValueError`` in
crossent's one template::

    {path}: `{argument}` must be {requirement}; got {received}.

Some frameworks compute with such values (Keras takes ``from_logits="yes"`` as
true and ``label_smoothing=1.5`` as given); a mirror refuses them rather than
return a number nobody asked for. The mirror runs first, so a framework's own
exception (and message) wins where it has one; the checks then decide whether what
the mirror returned, or the stray exception it raised (an AttributeError on
``None``), stands. Valid input passes every check, so no number changes.

:func:`guard_module` wraps the public functions of a mirror module and the
``__init__`` and ``__call__`` of its public classes.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from crossent.errors import InputTooLargeError

__all__ = [
    "AXES",
    "CLASS_LABELS",
    "OPTIONAL_CLASS_LABELS",
    "TORCH_LABEL_SMOOTHING",
    "Check",
    "guard_module",
    "guarded",
]

#: ``check(path, argument, value)``: raise TypeError/ValueError or return None.
Check = Callable[[str, str, Any], None]

_BAD_KINDS = {
    "c": "complex",
    "M": "datetime64",
    "m": "timedelta64",
    "O": "object",
    "S": "bytes",
    "U": "string",
    "V": "structured",
}


def _received(x: Any) -> str:
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if shape is not None and dtype is not None:
        return f"an array of shape {tuple(shape)} and dtype {dtype}"
    text = repr(x)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(x).__name__})"


def _foreign(x: Any) -> bool:
    """An array of another library (PyTorch, JAX, CuPy, Dask): its values stay put."""
    return hasattr(x, "shape") and not isinstance(x, (np.ndarray, np.generic))


def _dtype_of(path: str, arg: str, x: Any) -> np.dtype[Any] | None:
    dtype = getattr(x, "dtype", None) if hasattr(x, "shape") else None
    if dtype is None:
        try:
            dtype = np.asarray(x).dtype
        except (ValueError, TypeError) as err:
            # ragged nested lists: "inhomogeneous shape after 1 dimensions"
            raise ValueError(
                f"{path}: `{arg}` must be an array or a rectangular nested list of "
                f"numbers; got {_received(x)}, which NumPy cannot read as one "
                f"({err})."
            ) from None
    try:
        return np.dtype(dtype)
    except TypeError:  # a non-NumPy dtype (a torch tensor's): let the mirror decide
        return None


def _array(*, optional: bool = False, strings: bool = False) -> Check:
    """An array (or nested list or number) of real numbers; bool and int allowed."""

    def check(path: str, arg: str, x: Any) -> None:
        if x is None:
            if optional:
                return
            raise TypeError(f"{path}: `{arg}` must be an array of numbers; got None.")
        if isinstance(x, (str, bytes, Mapping, set, frozenset)) and not strings:
            raise TypeError(
                f"{path}: `{arg}` must be an array of numbers; got {_received(x)}."
            )
        dtype = _dtype_of(path, arg, x)
        if dtype is None:
            return
        if dtype.kind == "V" and dtype.names is None and dtype.itemsize <= 2:
            return  # ml_dtypes' bfloat16 and float8 types
        if dtype.kind in _BAD_KINDS and not (strings and dtype.kind in "OUS"):
            raise TypeError(
                f"{path}: `{arg}` must hold real numbers (bool, integer or "
                f"floating); got {_received(np.asarray(x) if not hasattr(x, 'dtype') else x)}"
                f" ({_BAD_KINDS[dtype.kind]})."
            )

    return check


def _nonnegative_array(*, optional: bool = True) -> Check:
    """Weights: real, finite and not negative."""
    base = _array(optional=optional)

    def check(path: str, arg: str, x: Any) -> None:
        base(path, arg, x)
        if x is None or _foreign(x):
            return
        a = np.asarray(x)
        if a.dtype.kind == "f" and not bool(np.all(np.isfinite(a))):
            raise ValueError(
                f"{path}: `{arg}` must be finite; got NaN or infinity in "
                f"{_received(a)}."
            )
        if a.dtype.kind in "fi" and bool(np.any(a < 0)):
            raise ValueError(
                f"{path}: `{arg}` must not be negative; got {_received(a)} with "
                f"minimum {np.min(a)!r}."
            )

    return check


def _bool(*, optional: bool = False) -> Check:
    def check(path: str, arg: str, x: Any) -> None:
        if x is None and optional:
            return
        if not isinstance(x, (bool, np.bool_)):
            raise TypeError(
                f"{path}: `{arg}` must be a bool (True or False); got {_received(x)}."
            )

    return check


def _real(
    *,
    low: float | None = None,
    high: float | None = None,
    optional: bool = False,
    array: bool = False,
) -> Check:
    """A finite real number in [low, high] (or, with ``array``, an array of them)."""

    def check(path: str, arg: str, x: Any) -> None:
        if x is None and optional:
            return
        bounds = ""
        if low is not None and high is not None:
            bounds = f" in [{low:g}, {high:g}]"
        elif low is not None:
            bounds = f" ≥ {low:g}"
        what = "a finite real number" + bounds
        if array and _foreign(x):
            return
        if array and not isinstance(x, (bool, np.bool_, str, bytes)):
            try:
                a = np.asarray(x)
            except (ValueError, TypeError):
                a = np.asarray(None)
            values = a if a.dtype.kind in "fiu" else None
        elif isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (int, float, np.integer, np.floating)
        ):
            values = None
        else:
            values = np.asarray(x)
        if values is None:
            raise TypeError(f"{path}: `{arg}` must be {what}; got {_received(x)}.")
        v = values.astype(np.float64)
        if not bool(np.all(np.isfinite(v))):
            raise ValueError(f"{path}: `{arg}` must be {what}; got {x!r}.")
        if (low is not None and bool(np.any(v < low))) or (
            high is not None and bool(np.any(v > high))
        ):
            raise ValueError(f"{path}: `{arg}` must be {what}; got {x!r}.")

    return check


def _int(*, optional: bool = False) -> Check:
    """A Python or NumPy integer (not a bool, not a float such as NaN or 1.5)."""

    def check(path: str, arg: str, x: Any) -> None:
        if x is None and optional:
            return
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
            raise TypeError(f"{path}: `{arg}` must be an int; got {_received(x)}.")

    return check


def _axis(*, tuples: bool = False) -> Check:
    one = _int()

    def check(path: str, arg: str, x: Any) -> None:
        if tuples and isinstance(x, (tuple, list)):
            for a in x:
                one(path, arg, a)
            return
        one(path, arg, x)

    return check


def _str(*, optional: bool = False) -> Check:
    def check(path: str, arg: str, x: Any) -> None:
        if x is None and optional:
            return
        if not isinstance(x, str):
            raise TypeError(f"{path}: `{arg}` must be a str; got {_received(x)}.")

    return check


def _torch_label_smoothing(path: str, arg: str, x: Any) -> None:
    """PyTorch tests only ``label_smoothing > 1`` (a RuntimeError the mirror raises,
    for inf too); NaN, which passes that test and gives a number, is refused here."""
    if isinstance(x, (float, np.floating)) and math.isinf(x):
        return
    _real()(path, arg, x)


def _alpha(path: str, arg: str, x: Any) -> None:
    if isinstance(x, (list, tuple)) or (
        hasattr(x, "shape") and int(getattr(x, "ndim", 0)) > 0
    ):
        _real(low=0.0, array=True)(path, arg, x)
    else:
        _real(low=0.0, high=1.0, optional=True)(path, arg, x)


#: PyTorch's own range check kept (``label_smoothing > 1`` raises RuntimeError).
TORCH_LABEL_SMOOTHING: Check = _torch_label_smoothing
#: optax's ``axis`` may be a tuple of ints.
AXES: Check = _axis(tuples=True)
#: scikit-learn's labels may be strings.
CLASS_LABELS: Check = _array(strings=True)
OPTIONAL_CLASS_LABELS: Check = _array(strings=True, optional=True)

#: The core's arguments (``crossent.*``), where they differ from the mirrors'.
CORE_CHECKS: dict[str, Check | None] = {
    "x": _array(),
    "loss": _array(),
    "probs": _array(),
    "weights": _nonnegative_array(),
    "keepdims": _bool(),
    "ignore_index": _int(optional=True),
    "reduction": None,  # the core's own check_choice names the choices
    "axis": None,  # and normalize_axis checks the axis
    "gamma": None,  # the focal losses check gamma themselves
    "smooth_labels.alpha": None,  # and smooth_labels its alpha
}

#: The checks by argument name, shared by every mirror (their names agree).
CHECKS: dict[str, Check] = {
    # the data
    "y_true": _array(),
    "y_pred": _array(),
    "target": _array(),
    "output": _array(),
    "input": _array(),
    "logits": _array(),
    "labels": _array(),
    "y_proba": _array(optional=True),
    "where": _array(optional=True),
    # weights
    "weight": _nonnegative_array(),
    "sample_weight": _nonnegative_array(),
    "pos_weight": _nonnegative_array(),
    # options
    "from_logits": _bool(),
    "apply_class_balancing": _bool(),
    "normalize": _bool(),
    "size_average": _bool(optional=True),
    "reduce": _bool(optional=True),
    # Keras and PyTorch compute with a negative or (Keras) > 1 label_smoothing, and
    # the goldens hold those numbers: only non-finite values are refused.
    "label_smoothing": _real(),
    "gamma": _real(low=0.0),
    # a scalar balances positives against negatives (binary focal losses); an
    # array weighs classes (categorical focal losses) and may exceed 1
    "alpha": _alpha,
    "epsilon": _real(),
    "ignore_index": _int(),
    "ignore_class": _int(optional=True),
    "axis": _axis(),
    "reduction": _str(optional=True),
    "name": _str(optional=True),
}


def _deliberate(err: BaseException, path: str) -> bool:
    """Whether a mirror raised ``err`` on purpose (the framework's own check)."""
    import crossent.errors as errors

    own = tuple(
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, Exception)
    )
    text = str(err)
    return isinstance(err, own) or path.split(".")[-1] in text or "`" in text


def guarded(
    fn: Callable[..., Any],
    path: str,
    overrides: Mapping[str, Check | None],
    *,
    first: bool = False,
) -> Callable[..., Any]:
    """``fn`` with its arguments checked; MemoryError becomes a ValueError.

    Mirrors (``first=False``) run before the checks, so that a framework's own
    exception wins; the core (``first=True``), with no framework to mirror, checks
    first.
    """
    checks = {**CHECKS, **overrides}
    target = inspect.unwrap(fn)
    sig = inspect.signature(target)
    names = [n for n in sig.parameters if checks.get(n) is not None]

    def check_all(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            given = sig.bind(*args, **kwargs).arguments
        except TypeError:
            return  # the framework's own signature error stands
        for name in names:
            if name in given:
                check = checks[name]
                assert check is not None
                check(path, name, given[name])

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # The mirror runs first, so that where the framework checks an argument its
        # own exception and message are the ones raised; the checks then refuse
        # what the mirror computed with or tripped over.
        if first:
            check_all(args, kwargs)
        try:
            result = target(*args, **kwargs)
        except (ValueError, TypeError) as err:
            if first or _deliberate(err, path):
                raise
            # NumPy tripping over a string or a dict inside the mirror ("could not
            # convert string to float"): the check's message names the argument.
            try:
                check_all(args, kwargs)
            except (ValueError, TypeError) as refusal:
                raise refusal from err
            raise
        except MemoryError as err:
            check_all(args, kwargs)
            raise InputTooLargeError(
                f"{path}: the inputs need more memory than this machine has ({err})."
            ) from err
        except Exception as err:
            try:
                check_all(args, kwargs)
            except (ValueError, TypeError) as refusal:
                raise refusal from err
            raise
        if not first:
            check_all(args, kwargs)
        return result

    return wrapper


def guard_module(
    namespace: MutableMapping[str, Any],
    prefix: str,
    names: Sequence[str],
    overrides: Mapping[str, Check | None] | None = None,
    *,
    first: bool = False,
) -> None:
    """Guard the public functions and classes ``names`` of a module in place."""
    given = overrides or {}
    for name in names:
        obj = namespace.get(name)
        path = prefix + name
        # "function.argument" keys apply to that function only
        overrides = {k: v for k, v in given.items() if "." not in k}
        overrides.update(
            {
                k.split(".", 1)[1]: v
                for k, v in given.items()
                if k.startswith(name + ".")
            }
        )
        if inspect.isfunction(obj):
            namespace[name] = guarded(obj, path, overrides, first=first)
        elif inspect.isclass(obj) and not issubclass(obj, (str, BaseException)):
            for method in ("__init__", "__call__"):
                current = getattr(obj, method, None)
                if inspect.isfunction(current):
                    setattr(obj, method, guarded(current, path, overrides, first=first))


def is_finite_number(x: Any) -> bool:
    """Whether ``x`` is a real, finite number (bools excluded)."""
    return (
        isinstance(x, (int, float, np.integer, np.floating))
        and not isinstance(x, (bool, np.bool_))
        and math.isfinite(float(x))
    )
