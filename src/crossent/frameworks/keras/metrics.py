"""Mirror of ``keras.metrics``' cross-entropy metrics (Keras 3.13–3.15, TensorFlow backend).

A metric is a stateful weighted mean (``keras/src/metrics/reduction_metrics.py``,
``MeanMetricWrapper``): each ``update_state`` runs the loss *function*
(``keras.losses.categorical_crossentropy`` ...) in ``y_pred``'s dtype, casts the
per-sample values to the metric dtype (float32), multiplies them by
``sample_weight`` and adds ``Σ w·ℓ`` to ``total`` and ``Σ w`` (or the number of
samples) to ``count``; ``result()`` is ``total / count`` (0 when ``count`` is 0).
So a metric over several batches is the mean over all samples, not the mean of
the batch losses a loss class returns, and ``ignore_class`` entries count in the
denominator unless a ``sample_weight`` is given.

:class:`Mean` is ``keras.metrics.Mean``, the tracker ``fit``/``evaluate`` report
the loss with (see :mod:`crossent.frameworks.keras.training`).

>>> import numpy as np
>>> from crossent.frameworks import keras
>>> m = keras.metrics.CategoricalCrossentropy()
>>> m.update_state(np.eye(3)[[0, 1]], np.float32([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1]]))
>>> m.update_state(np.eye(3)[[2]], np.float32([[0.1, 0.1, 0.8]]))
>>> print(round(float(m.result()), 5))  # (ℓ₁ + ℓ₂ + ℓ₃) / 3
0.26765
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.keras import _loss
from crossent.frameworks.keras import _loss_functions as fns

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Mean",
    "SparseCategoricalCrossentropy",
]

_SRC = "keras/src/metrics/reduction_metrics.py"
_F32 = np.dtype(np.float32)


def _samplewise(
    values: Any, sample_weight: Any, mask: Any, dtype: np.dtype[Any]
) -> tuple[np.ndarray, np.ndarray | None]:
    """``reduce_to_samplewise_values`` with ``reduce_fn=mean``: (B,) values, weights."""
    v = np.asarray(values).astype(dtype, copy=False)  # ops.cast keeps _keras_mask
    sw = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight).astype(dtype, copy=False)
        if mask is not None:  # apply_mask(..., reduction="sum")
            m, sw = _loss.squeeze_or_expand_to_same_rank(np.asarray(mask, dtype), sw)
            sw = sw * m
        v, sw = _loss.squeeze_or_expand_to_same_rank(v, sw)
        if v.ndim > sw.ndim:
            v = np.mean(v, axis=tuple(range(sw.ndim, v.ndim))).astype(dtype)
        sw = np.broadcast_to(sw, v.shape)
        v = v * sw
        if sw.ndim > 1:
            sw = np.mean(sw, axis=tuple(range(1, sw.ndim))).astype(dtype)
    if v.ndim > 1:
        v = np.mean(v, axis=tuple(range(1, v.ndim))).astype(dtype)
    return v, sw


def _increments(
    values: Any, sample_weight: Any, mask: Any, dtype: np.dtype[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """What ``Mean.update_state`` adds to ``total`` and ``count``."""
    v, sw = _samplewise(values, sample_weight, mask, dtype)
    total = np.sum(v, dtype=dtype)
    if sw is not None:
        count = np.sum(sw, dtype=dtype)
    else:
        count = np.asarray(v.shape[0] if v.ndim >= 1 else 1, dtype)
    return np.asarray(total, dtype), np.asarray(count, dtype)


def _divide_no_nan(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(np.where(count == 0, 0, total / count), total.dtype)


class _Accumulator:
    """``total`` and ``count`` in the metric dtype, and the result."""

    def __init__(self, name: str, dtype: Any) -> None:
        self.name = name
        self._dtype = np.dtype(dtype or "float32")
        self.reset_state()

    @property
    def dtype(self) -> str:
        """The accumulator dtype, as Keras names it."""
        return str(self._dtype.name)

    def reset_state(self) -> None:
        """``total`` and ``count`` back to 0."""
        self.total = np.zeros((), self._dtype)
        self.count = np.zeros((), self._dtype)

    def _accumulate(self, total: np.ndarray, count: np.ndarray) -> None:
        self.total = np.asarray(self.total + total, self._dtype)
        self.count = np.asarray(self.count + count, self._dtype)

    def result(self) -> np.ndarray:
        """``total / count`` (0 when ``count`` is 0), a 0-d array."""
        return _divide_no_nan(self.total, self.count)


class Mean(_Accumulator):
    """Mirror of ``keras.metrics.Mean``: a weighted mean kept across calls.

    ``update_state(values, sample_weight=None)`` reduces ``values`` to one value
    per sample (mean over the other axes), weights it, and accumulates
    ``total += Σ w·v`` and ``count += Σ w`` (the number of samples without
    weights) in ``dtype`` (float32); ``result()`` is ``total / count``, 0 if
    ``count`` is 0.
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name, dtype)

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add a batch of values (and their weights)."""
        self._accumulate(*_increments(values, sample_weight, None, self._dtype))

    def __call__(self, values: Any, sample_weight: Any = None) -> np.ndarray:
        """``update_state`` then ``result()``, as Keras' ``Metric.__call__``."""
        self.update_state(values, sample_weight)
        return self.result()


def _weighted_mean_steps(dtype: np.dtype[Any]) -> tuple[Step, Step, Step]:
    def weight(state: State) -> dict[str, Any]:
        v, sw = _samplewise(
            state["loss"], state.get("sample_weight"), state.get("mask"), dtype
        )
        return {"loss": v, "sample_weight": sw}

    def reduce(state: State) -> dict[str, Any]:
        v, sw = state["loss"], state.get("sample_weight")
        total = np.asarray(np.sum(v, dtype=dtype), dtype)
        if sw is not None:
            count = np.asarray(np.sum(sw, dtype=dtype), dtype)
        else:
            count = np.asarray(v.shape[0] if v.ndim >= 1 else 1, dtype)
        return {
            "total": total,
            "count": count,
            "value": _divide_no_nan(total, count),
        }

    def output(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"], dtype)}

    return (
        Step(
            "weight",
            "v ← mean of ℓ per sample (float32), · w",
            weight,
            f"{_SRC} reduce_to_samplewise_values",
        ),
        Step(
            "reduce",
            "total ← Σ w v; count ← Σ w (or B); m ← total / count (0 if count = 0)",
            reduce,
            f"{_SRC} Mean.update_state, Mean.result",
        ),
        Step("output", "return m (float32)", output, f"{_SRC} Mean.result"),
    )


class _MeanMetricWrapper(_Accumulator):
    """``MeanMetricWrapper``: the mean of a loss function's per-sample values."""

    _path = ""

    def _fn(self, y_true: Any, y_pred: Any) -> tuple[Plan, State]:
        raise NotImplementedError  # pragma: no cover - overridden

    def _fn_kwargs(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def bind(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> tuple[Plan, State]:
        """The plan of one ``update_state`` on a fresh metric, then ``result()``."""
        plan, state = self._fn(y_true, y_pred)
        steps = [s for s in plan.steps if s.name not in ("weight", "reduce", "output")]
        options = {**self._fn_kwargs(), "dtype": self.dtype}
        metric = Plan(self._path, (*steps, *_weighted_mean_steps(self._dtype)), options)
        return metric, {**state, "sample_weight": sample_weight}

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add one batch: the loss function's values, weighted."""
        plan, state = self.bind(y_true, y_pred, sample_weight)
        after = plan.run(state)
        self._accumulate(after["total"], after["count"])

    def __call__(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> np.ndarray:
        """``update_state`` then ``result()``, as Keras' ``Metric.__call__``."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as Keras' ``get_config`` reports them."""
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs()}


_VERSIONS = "Keras 3.13–3.15 (TensorFlow backend; tf.keras in TensorFlow ≥ 2.16)"
_REF = "https://keras.io/api/metrics/probabilistic_metrics/#"
_MEAN = Divergence(
    "reduce",
    "a stateful mean over every sample of every update_state (Σ w·ℓ / Σ w), not "
    "the mean of the batch losses; the values are cast to float32 first",
    f"{_SRC} Mean.update_state, MeanMetricWrapper",
)
_metric = functools.partial(
    Mirror, framework="keras", versions=_VERSIONS, expects="probabilities"
)


@_metric(
    reference=_REF + "categoricalcrossentropy-class",
    summary="running weighted mean of keras.losses.categorical_crossentropy",
    labels="one_hot",
    divergences=(_MEAN,),
    options={"from_logits": (False, True)},
)
class CategoricalCrossentropy(_MeanMetricWrapper):
    """Mirror of ``keras.metrics.CategoricalCrossentropy``."""

    _path = "keras.metrics.CategoricalCrossentropy"

    def _fn(self, y_true: Any, y_pred: Any) -> tuple[Plan, State]:
        return fns.plan_categorical_fn(y_true, y_pred, **self._fn_kwargs())

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.label_smoothing, self.axis = (
            from_logits,
            label_smoothing,
            axis,
        )

    def _fn_kwargs(self) -> dict[str, Any]:
        return {
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


@_metric(
    reference=_REF + "sparsecategoricalcrossentropy-class",
    summary="running weighted mean of keras.losses.sparse_categorical_crossentropy",
    labels="integer",
    divergences=(_MEAN,),
    options={"from_logits": (False, True)},
)
class SparseCategoricalCrossentropy(_MeanMetricWrapper):
    """Mirror of ``keras.metrics.SparseCategoricalCrossentropy``.

    ``ignore_class`` entries have loss 0 and, without a ``sample_weight``, still
    count in the mean (Keras applies the mask to weights only).
    """

    _path = "keras.metrics.SparseCategoricalCrossentropy"

    def _fn(self, y_true: Any, y_pred: Any) -> tuple[Plan, State]:
        return fns.plan_sparse_fn(y_true, y_pred, **self._fn_kwargs())

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _fn_kwargs(self) -> dict[str, Any]:
        return {
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


@_metric(
    reference=_REF + "binarycrossentropy-class",
    summary="running weighted mean of keras.losses.binary_crossentropy",
    labels="binary",
    divergences=(_MEAN,),
    options={"from_logits": (False, True)},
)
class BinaryCrossentropy(_MeanMetricWrapper):
    """Mirror of ``keras.metrics.BinaryCrossentropy``."""

    _path = "keras.metrics.BinaryCrossentropy"

    def _fn(self, y_true: Any, y_pred: Any) -> tuple[Plan, State]:
        return fns.plan_binary_fn(y_true, y_pred, **self._fn_kwargs())

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing

    def _fn_kwargs(self) -> dict[str, Any]:
        return {
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


guard_module(globals(), "keras.metrics.", __all__)
