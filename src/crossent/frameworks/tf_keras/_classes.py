"""The ``tf_keras.losses`` Loss classes: the function, then mask, sample weight, reduction.

Re-exported by :mod:`crossent.frameworks.tf_keras.losses`. Source:
keras-team/tf-keras ``tf_keras/losses.py`` (``Loss.__call__``) and
``tf_keras/utils/losses_utils.py`` (``compute_weighted_loss``,
``squeeze_or_expand_dimensions``, ``apply_valid_mask``), checked against tf_keras
2.21.0. The constructors are the Keras API both families share
(:mod:`crossent.frameworks._keras_common`); tf_keras' own are
``reduction="auto"`` and no ``dtype``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, Final

import numpy as np

from crossent.errors import FrameworkError
from crossent.frameworks import _keras_common as api
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks.tf_keras import _functions as f
from crossent.frameworks.tf_keras import _tf
from crossent.frameworks.tf_keras import backend as kb

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "Loss",
    "Reduction",
    "ReductionV2",
    "SparseCategoricalCrossentropy",
]


class ReductionV2:
    """Mirror of ``tf_keras.losses.Reduction`` (``losses_utils.ReductionV2``).

    The reduction keys as class attributes, :meth:`all` in tf_keras' order and
    :meth:`validate` with tf_keras' message (``tf_keras/utils/losses_utils.py``,
    tf_keras 2.4–2.21).

    >>> ReductionV2.NONE, ReductionV2.all()
    ('none', ('auto', 'none', 'sum', 'sum_over_batch_size'))
    >>> ReductionV2.validate("mean")
    Traceback (most recent call last):
    ...
    ValueError: Invalid Reduction Key: mean. Expected keys are "('auto', 'none', 'sum', 'sum_over_batch_size')"
    """

    AUTO: Final = "auto"
    NONE: Final = "none"
    SUM: Final = "sum"
    SUM_OVER_BATCH_SIZE: Final = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple[str, str, str, str]:
        """The valid keys: ``(AUTO, NONE, SUM, SUM_OVER_BATCH_SIZE)``."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: Any) -> None:
        """``ValueError`` unless ``key`` is one of :meth:`all`."""
        if key not in cls.all():
            raise ValueError(
                f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"'
            )


#: ``tf_keras.losses.Reduction`` is ``ReductionV2``.
Reduction = ReductionV2

UTILS = "tf_keras/utils/losses_utils.py"


def _squeeze_or_expand(w: np.ndarray, ndim: int) -> np.ndarray:
    """``squeeze_or_expand_dimensions`` for the weights against rank ``ndim``."""
    if w.ndim == 0:
        return w
    if w.ndim - ndim == 1:
        if w.shape[-1] != 1:
            raise FrameworkError(
                f"Can not squeeze dim[{w.ndim - 1}], expected a dimension of 1, got "
                f"{w.shape[-1]} (sample_weight of shape {w.shape} against losses of "
                f"rank {ndim}).",
                framework_type="InvalidArgumentError",
            )
        return w[..., 0]
    if ndim - w.ndim == 1:
        return w[..., None]
    return w


def _weight_step(reduction: str) -> Step:
    """``apply_valid_mask`` + ``apply_mask`` + the product of ``compute_weighted_loss``."""

    def fn(state: State) -> dict[str, Any]:
        losses = np.asarray(state["loss"])
        dtype = losses.dtype
        sw, mask = state.get("sample_weight"), state.get("mask")
        if mask is not None:
            m = mask.astype(dtype)
            if reduction == "sum_over_batch_size":
                # valid entries weigh total/valid (all ignored: 0 · inf = NaN)
                m = m * (np.asarray(m.size, dtype) / np.sum(m))
            if sw is not None:
                sw = _squeeze_or_expand(np.asarray(sw).astype(dtype), m.ndim) * m
            else:
                sw = m
        w = np.asarray(1.0 if sw is None else sw).astype(dtype)
        w = _squeeze_or_expand(w, losses.ndim)
        _tf.check_broadcast("tf_keras.losses (sample_weight)", losses.shape, w.shape)
        return {"loss": losses * w, "sample_weight": w}

    formula = "ℓ ← ℓ · w (w: (B,) → (B,1) against (B,T) losses)"
    if reduction == "sum_over_batch_size":
        formula += "; masked entries: w ← w · mask · N/#valid"
    return Step(
        "weight", formula, fn, f"{UTILS} compute_weighted_loss, apply_valid_mask"
    )


def _reduce_step(reduction: str) -> Step:
    def fn(state: State) -> dict[str, Any]:
        weighted = np.asarray(state["loss"])
        if reduction == "none":
            return {}
        total = np.asarray(np.sum(weighted), dtype=weighted.dtype)
        if reduction == "sum":
            return {"loss": total}
        n = np.asarray(weighted.size, dtype=weighted.dtype)
        # divide_no_nan: an empty batch gives 0
        return {"loss": total / n if weighted.size else np.zeros_like(total)}

    formula = {
        "none": "no reduction",
        "sum": "L ← Σ ℓ",
        "sum_over_batch_size": "L ← Σ ℓ / N (N = number of loss elements; 0 if N = 0)",
    }[reduction]
    return Step("reduce", formula, fn, f"{UTILS} reduce_weighted_loss")


class Loss(api.KerasLoss):
    """Base of the tf_keras loss mirrors: reduction and the call protocol.

    Parameters
    ----------
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` is ``"sum_over_batch_size"`` (Σ weighted losses / their count).
    name : str, optional
        Kept for ``get_config``.
    """

    #: the loss function's name (``call`` runs it alone)
    _function: ClassVar[str] = ""

    def __init__(self, reduction: str = "auto", name: str | None = None) -> None:
        try:
            ReductionV2.validate(reduction)
        except ValueError as error:  # tf_keras' text, with the class and argument
            raise ValueError(
                f"tf_keras.losses.{type(self).__name__}: `reduction`: {error}"
            ) from None
        self.reduction = reduction
        self.name = name

    def _configure(self, arguments: dict[str, Any]) -> None:
        """Keep the constructor's arguments (the public subclasses give them)."""
        Loss.__init__(self, arguments.pop("reduction"), arguments.pop("name"))
        self._keep(arguments)

    #: the loss function's steps and state, ``_steps(y_true, y_pred, **options)``
    _steps: Callable[..., tuple[f.Steps, State]]

    def _parts(self, y_true: Any, y_pred: Any) -> tuple[f.Steps, State]:
        return self._steps(y_true, y_pred, **self._option_values())

    def bind(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> tuple[Plan, State]:
        """The plan of ``self(y_true, y_pred, sample_weight)`` and its initial state."""
        steps, state = self._parts(y_true, y_pred)
        effective = (
            "sum_over_batch_size" if self.reduction == "auto" else self.reduction
        )
        plan = Plan(
            f"tf_keras.losses.{type(self).__name__}",
            (
                *steps,
                _weight_step(effective),
                _reduce_step(effective),
                kb.output_step(),
            ),
            {**self._option_values(), "reduction": self.reduction},
        )
        sw = None if sample_weight is None else as_tensorflow(sample_weight)
        return plan, {**state, "sample_weight": sw}

    def call(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """The per-example losses (the wrapped loss function, unreduced)."""
        if self._warns_as:
            api.warn_single_class(self._warns_as, y_pred)
        steps, state = self._parts(y_true, y_pred)
        plan = Plan(f"tf_keras.losses.{self._function}", (*steps, kb.output_step()))
        return np.asarray(plan.run(state)["value"])

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as ``tf_keras`` reports them."""
        return {"reduction": self.reduction, "name": self.name, **self._option_values()}


_REDUCTION = api.Arg("reduction", "auto", "str")


def _tf_keras_loss(loss: api.LossAPI, order: tuple[str, ...] | None = None) -> Any:
    """tf_keras' constructor for ``loss`` (its arguments, reduction, name)."""
    declare = api.loss_class(loss, _REDUCTION, order=order)

    def decorate(cls: type[Loss]) -> type[Loss]:
        setattr(cls, "_function", loss.function)  # noqa: B010
        return declare(cls)

    return decorate


@_tf_keras_loss(api.CATEGORICAL)
class CategoricalCrossentropy(Loss):
    """Mirror of ``tf_keras.losses.CategoricalCrossentropy``.

    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        See :func:`~crossent.frameworks.tf_keras.losses.categorical_crossentropy`.
    axis : int, default -1
        The class axis.
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` means ``"sum_over_batch_size"``.
    name : str, default "categorical_crossentropy"
        Kept for ``get_config``.

    Notes
    -----
    ``__call__(y_true, y_pred, sample_weight=None)`` computes
    :func:`~crossent.frameworks.tf_keras.losses.categorical_crossentropy` in ``y_pred``'s dtype, multiplies by the
    sample weight (a ``(B,)`` weight against ``(B, T)`` losses is expanded to
    ``(B, 1)``) and reduces: ``"sum_over_batch_size"`` divides the sum by the
    number of loss elements (0 for an empty batch). NumPy inputs are not
    squeezed to the same rank (``LossFunctionWrapper`` only does that for
    tensors).

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/CategoricalCrossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    Seed question 000: the unnormalised second row is renormalised, and the
    mean of the three losses is reported:

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.eye(3)
    >>> p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    >>> print(tf_keras.losses.CategoricalCrossentropy()(y, p))
    0.323968...
    """

    _steps = staticmethod(f.categorical)


@_tf_keras_loss(api.SPARSE, order=("from_logits", "ignore_class", "reduction", "name"))
class SparseCategoricalCrossentropy(Loss):
    """Mirror of ``tf_keras.losses.SparseCategoricalCrossentropy``.

    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    ignore_class : int, optional
        A label to leave out: its entries get loss 0 and, under
        ``"auto"``/``"sum_over_batch_size"``, the mean is over the kept entries
        only. If every entry is ignored the result is NaN (``0 · N/0``; Keras 3
        gives 0).
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` means ``"sum_over_batch_size"``.
    name : str, default "sparse_categorical_crossentropy"
        Kept for ``get_config``.

    Notes
    -----
    The class has no ``axis`` (the function has); the class axis is the last.
    See :class:`CategoricalCrossentropy` for sample weights and reductions.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/SparseCategoricalCrossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> p = np.float32([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    >>> loss = tf_keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    >>> print(loss(np.array([0, -1, 2]), p))
    0.28990...
    >>> print(loss(np.array([-1, -1, -1]), p))
    nan
    """

    _steps = staticmethod(functools.partial(f.sparse, axis=-1))


@_tf_keras_loss(api.BINARY)
class BinaryCrossentropy(Loss):
    """Mirror of ``tf_keras.losses.BinaryCrossentropy``.

    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + 0.5·ls``.
    axis : int, default -1
        The axis averaged over by :func:`~crossent.frameworks.tf_keras.losses.binary_crossentropy`.
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` means ``"sum_over_batch_size"``.
    name : str, default "binary_crossentropy"
        Kept for ``get_config``.

    Notes
    -----
    1-D ``(B,)`` inputs are averaged over the batch by the function, and a
    ``(B,)`` sample weight then cannot be squeezed onto the scalar:
    ``InvalidArgumentError`` (give ``(B, 1)`` inputs).

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/BinaryCrossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    The double epsilon: a confidently wrong prediction costs ``-log 2e-7``:

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> loss = tf_keras.losses.BinaryCrossentropy(reduction="none")
    >>> print(loss(np.float32([[1.0], [0.0]]), np.float32([[0.0], [1.0]])).round(3))
    [15.425 15.333]
    """

    _steps = staticmethod(f.binary)


@_tf_keras_loss(api.BINARY_FOCAL)
class BinaryFocalCrossentropy(Loss):
    """Mirror of ``tf_keras.losses.BinaryFocalCrossentropy``.

    Parameters
    ----------
    apply_class_balancing : bool, default False
        Weigh class 1 by ``alpha`` and class 0 by ``1 − alpha``.
    alpha : float, default 0.25
        Only used with ``apply_class_balancing``.
    gamma : float, default 2.0
        Focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + 0.5·ls``.
    axis : int, default -1
        The axis averaged over.
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` means ``"sum_over_batch_size"``.
    name : str, default "binary_focal_crossentropy"
        Kept for ``get_config``.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/BinaryFocalCrossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> loss = tf_keras.losses.BinaryFocalCrossentropy(gamma=2.0, from_logits=True)
    >>> print(loss(np.float32([0, 1, 0, 0]), np.float32([-18.6, 0.51, 2.94, -12.8])))
    0.69121...
    """

    _steps = staticmethod(f.binary_focal)


@_tf_keras_loss(api.CATEGORICAL_FOCAL)
class CategoricalFocalCrossentropy(Loss):
    """Mirror of ``tf_keras.losses.CategoricalFocalCrossentropy``.

    Parameters
    ----------
    alpha : float or sequence of float, default 0.25
        Always applied (so ``gamma=0`` gives ``alpha`` × CCE).
    gamma : float, default 2.0
        Focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y ← y(1 − ls) + ls/C``, ``C`` the last dimension.
    axis : int, default -1
        The class axis.
    reduction : {"auto", "none", "sum", "sum_over_batch_size"}, default "auto"
        ``"auto"`` means ``"sum_over_batch_size"``.
    name : str, default "categorical_focal_crossentropy"
        Kept for ``get_config``.

    References
    ----------
    https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/CategoricalFocalCrossentropy
    (checked against tf_keras 2.21.0).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1, 0], [0, 0, 1]])
    >>> p = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> print(tf_keras.losses.CategoricalFocalCrossentropy()(y, p))
    0.23315...
    """

    _steps = staticmethod(f.categorical_focal)
