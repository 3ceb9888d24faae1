"""The Keras API both families share (``frameworks/_keras_common.py``, issue #14).

The loss functions and classes of ``keras.losses`` and ``tf_keras.losses`` get their
signatures from one table; a bad call must still raise the TypeError Python raises
for a function written with that signature by hand. The reference is Python itself:
each case is also run on a plain ``def`` with the same parameters.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from crossent.frameworks import _keras_common as api
from crossent.frameworks import keras, tf_keras

FAMILIES = {"keras": keras.losses, "tf_keras": tf_keras.losses}
NAMES = [(f, n) for f in FAMILIES for n in api.LOSS_NAMES]


def _plain_twin(obj: Any) -> Callable[..., Any]:
    """A hand-written ``def`` (or class) with ``obj``'s parameters, by exec."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    sig = inspect.signature(target)
    params = ", ".join(
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in sig.parameters.values()
    )
    namespace: dict[str, Any] = {}
    if inspect.isclass(obj):
        source = f"class {obj.__name__}:\n    def __init__({params}):\n        pass\n"
    else:
        source = f"def {obj.__name__}({params}):\n    return None\n"
    exec(source, namespace)
    twin: Callable[..., Any] = namespace[obj.__name__]
    return twin


def _error(call: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> str:
    with pytest.raises(TypeError) as info:
        call(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(("family", "name"), NAMES)
def test_bad_calls_raise_pythons_own_type_error(family: str, name: str) -> None:
    obj = getattr(FAMILIES[family], name)
    twin = _plain_twin(obj)
    params = list(inspect.signature(obj).parameters)
    n_params, third = len(params), params[min(2, len(params) - 1)]
    y = np.eye(3, dtype=np.float32)
    bad_calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {"no_such_option": 1}),
        ((0,) * (n_params + 1), {}),
        ((0,) * (n_params + 1), {"no_such_option": 1}),
    ]
    if not inspect.isclass(obj):
        bad_calls += [
            ((y,), {}),
            ((), {}),
            ((y, y), {"y_true": y}),
            ((y, y, False), {third: True}),
            ((), {"y_pred": y}),
        ]
    for args, kwargs in bad_calls:
        assert _error(obj, args, kwargs) == _error(twin, args, kwargs)


@pytest.mark.parametrize("loss", [api.CATEGORICAL, api.BINARY_FOCAL])
def test_both_families_have_the_same_loss_arguments(loss: api.LossAPI) -> None:
    names = [a.name for a in loss.args]
    for module in FAMILIES.values():
        fn = list(inspect.signature(getattr(module, loss.function)).parameters)
        cls = list(inspect.signature(getattr(module, loss.cls)).parameters)
        assert fn[2:] == names
        assert cls[: len(names)] == names


def test_complete_fills_defaults_in_order_and_refuses_strangers() -> None:
    assert api.BINARY.complete({"axis": 0, "from_logits": True}) == {
        "from_logits": True,
        "label_smoothing": 0.0,
        "axis": 0,
    }
    with pytest.raises(TypeError, match="gamma"):
        api.BINARY.complete({"gamma": 2.0})
