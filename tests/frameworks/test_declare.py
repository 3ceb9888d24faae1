"""The one declaration of a mirror (``crossent.frameworks._declare.Mirror``)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from crossent.frameworks import _registry
from crossent.frameworks import _steps as st
from crossent.frameworks._declare import Mirror, unchanged
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence, get, registry

_FIELDS = {
    "framework": "textbook",
    "versions": "any",
    "reference": "tests/frameworks/test_declare.py",
    "summary": "−Σ y log p, the framework's argument order (p, y)",
    "expects": "probabilities",
    "labels": "one_hot",
}


@pytest.fixture
def scratch() -> Iterator[list[str]]:
    """Paths registered by a test, removed from the registry afterwards."""
    paths: list[str] = []
    yield paths
    for path in paths:
        _registry._REGISTRY.pop(path, None)


def _plan(p: Any, y: Any, scale: float) -> tuple[Plan, State]:
    steps = (
        st.log_of_probabilities(source="np.log"),
        st.categorical_terms(source="test"),
        st.class_reduce(-1, source="np.sum"),
        Step("output", "value ← ℓ", lambda s: {"value": s["loss"]}),
    )
    plan = Plan("test.declare", steps)
    return plan, {"y_true": np.asarray(y) * scale, "y_pred": np.asarray(p)}


def test_one_declaration_gives_public_function_binder_and_entry(
    scratch: list[str],
) -> None:
    scratch.append("test.declared_loss")
    div = Divergence("terms", "no guard", "test")

    @Mirror(
        path="test.declared_loss",
        y_true="labels",
        y_pred="probs",
        hidden=("legacy",),
        divergences=(div,),
        options={"scale": (1.0, 2.0)},
        **_FIELDS,  # type: ignore[arg-type]
    )
    def declared_loss(
        probs: Any, labels: Any, scale: float = 1.0, legacy: Any = None
    ) -> tuple[Plan, State]:
        """The docstring users read."""
        return _plan(probs, labels, scale)

    y, p = np.eye(2), np.array([[0.5, 0.5], [0.25, 0.75]])
    # the public function: the framework's signature and docstring, returns the value
    assert declared_loss.__name__ == "declared_loss"
    assert declared_loss.__doc__ == "The docstring users read."
    sig = inspect.signature(declared_loss)
    assert list(sig.parameters) == ["probs", "labels", "scale", "legacy"]
    assert sig.return_annotation == "np.ndarray"
    np.testing.assert_allclose(declared_loss(p, y), -np.log([0.5, 0.75]))
    np.testing.assert_allclose(declared_loss(p, y, 2.0), -2 * np.log([0.5, 0.75]))
    # the registry entry, its binder in crossent's order, defaults from the signature
    impl = get("test.declared_loss")
    assert impl is registry()["test.declared_loss"]
    assert (impl.framework, impl.labels, impl.divergences) == (
        "textbook",
        "one_hot",
        (div,),
    )
    assert dict(impl.options) == {"scale": (1.0, 2.0)}
    params = inspect.signature(impl.bind).parameters
    assert list(params) == ["y_true", "y_pred", "scale"]
    assert params["scale"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["scale"].default == 1.0
    plan, state = impl.bind(y, p, scale=2.0)
    np.testing.assert_allclose(plan.run(state)["loss"], declared_loss(p, y, 2.0))
    with pytest.raises(TypeError, match="unexpected keyword argument 'legacy'"):
        impl.bind(y, p, legacy=True)


def test_defaults_for_required_arguments_and_result(scratch: list[str]) -> None:
    scratch.append("test.required")

    @Mirror(path="test.required", defaults={"scale": 3.0}, result=unchanged, **_FIELDS)  # type: ignore[arg-type]
    def required(y_true: Any, y_pred: Any, scale: float) -> tuple[Plan, State]:
        return _plan(y_pred, y_true, scale)

    impl = get("test.required")
    assert inspect.signature(impl.bind).parameters["scale"].default == 3.0
    y, p = np.eye(2), np.full((2, 2), 0.5)
    plan, state = impl.bind(y, p)  # the binder passes its default
    np.testing.assert_allclose(plan.run(state)["value"], 3 * np.log(2))
    with pytest.raises(TypeError):
        required(np.eye(2), np.eye(2) / 2 + 0.25)  # type: ignore[call-arg]


def test_a_declaration_names_its_arguments_and_path() -> None:
    def loss(input: Any, target: Any) -> tuple[Plan, State]:  # noqa: A002
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="has no argument 'y_true'"):
        Mirror(path="test.never", **_FIELDS)(loss)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="give path="):
        Mirror(y_true="target", y_pred="input", **_FIELDS)(loss)  # type: ignore[arg-type]
    assert "test.never" not in registry()


def test_a_declared_class_binds_through_its_constructor(scratch: list[str]) -> None:
    scratch.append("test.DeclaredLoss")

    @Mirror(path="test.DeclaredLoss", **_FIELDS)  # type: ignore[arg-type]
    class DeclaredLoss:
        def __init__(self, scale: float = 1.0, name: str = "declared") -> None:
            self.scale = scale

        def bind(
            self, y_true: Any, y_pred: Any, sample_weight: Any
        ) -> tuple[Plan, State]:
            return _plan(y_pred, y_true, self.scale)

    assert DeclaredLoss.__name__ == "DeclaredLoss"  # the class itself, unchanged
    impl = get("test.DeclaredLoss")
    params = inspect.signature(impl.bind).parameters
    assert list(params) == ["y_true", "y_pred", "sample_weight", "scale", "name"]
    assert params["scale"].default == 1.0
    plan, state = impl.bind(np.eye(2), np.full((2, 2), 0.5), scale=2.0)
    np.testing.assert_allclose(plan.run(state)["loss"], 2 * np.log(2))
    with pytest.raises(TypeError, match="unexpected keyword argument 'gamma'"):
        impl.bind(np.eye(2), np.eye(2), gamma=2.0)


def test_every_registered_binder_takes_crossent_order() -> None:
    for path, impl in registry().items():
        params = list(inspect.signature(impl.bind).parameters.values())
        assert [p.name for p in params[:2]] == ["y_true", "y_pred"], path
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[2:]), path
