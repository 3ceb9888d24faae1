"""The Keras 3 cross-entropy loss classes (Keras 3.13–3.15, TensorFlow backend).

``Loss.__call__`` converts both inputs (and ``sample_weight``) to the loss
``dtype``, ``LossFunctionWrapper.call`` fixes ranks and applies the loss function,
then the losses are masked, weighted and reduced (``keras/src/losses/loss.py``,
``keras/src/losses/losses.py``, keras 3.15.1). The constructors are the Keras API
both families share (:mod:`crossent.frameworks._keras_common`); Keras 3's own are
``reduction="sum_over_batch_size"`` and ``dtype``. Re-exported by
:mod:`crossent.frameworks.keras.losses`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from crossent.frameworks import _keras_common as api
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks.keras import _functions as fns
from crossent.frameworks.keras import _loss
from crossent.frameworks.keras._tf_ops import output_step

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "LossMirror",
    "SparseCategoricalCrossentropy",
]

_P = "keras.losses."
_REDUCTION = api.Arg("reduction", "sum_over_batch_size", "str | None")


def _keras_loss(loss: api.LossAPI, order: Sequence[str] | None = None) -> Any:
    """Keras 3's constructor for ``loss``: its arguments, reduction, name, dtype."""
    return api.loss_class(loss, _REDUCTION, dtype=True, order=order)


class LossMirror(api.KerasLoss):
    """A Keras 3 ``LossFunctionWrapper``: convert, fix ranks, loss function, reduce.

    Calling a loss converts ``y_true``, ``y_pred`` and ``sample_weight`` to the
    loss ``dtype`` (float32 by default, even for float64 inputs), squeezes or
    expands a trailing size-1 axis so the two ranks match, applies the loss
    function, merges any mask (``ignore_class``) into the weights, multiplies by
    ``sample_weight`` with NumPy broadcasting (a ``(B,)`` weight on ``(B, T)``
    losses meets the LAST axis), and reduces: ``"sum_over_batch_size"`` (default)
    and ``"mean"`` divide the sum by the number of loss elements,
    ``"mean_with_sample_weight"`` by ``Σw``, ``"sum"`` sums, ``"none"``/``None``
    return the elements. Divisions give 0 for 0/0 and an empty batch returns the
    empty array.

    Subclasses get their constructor from :func:`~crossent.frameworks._keras_common.loss_class`,
    set ``_path``, ``_config`` and ``_steps`` (the loss function's step builder,
    for inputs already in the loss dtype) or override ``_fn_steps``.
    """

    _path = "keras.losses.Loss"
    _masks = False
    #: ``get_config``'s keys after ``name`` and ``reduction``, in Keras' order
    _config: ClassVar[tuple[str, ...]] = ()
    #: whether the class checks ``axis`` is an int before the function runs
    _check_axis: ClassVar[bool] = False

    def _configure(self, arguments: dict[str, Any]) -> None:
        """Keep the constructor's arguments (the public subclasses give them)."""
        self.name = arguments.pop("name")
        self.reduction = _loss.standardize_reduction(
            arguments.pop("reduction"), self._path
        )
        self._compute_dtype = _loss.compute_dtype(arguments.pop("dtype"), self._path)
        self._keep(arguments)

    @property
    def dtype(self) -> str:
        """The loss's compute dtype, as Keras names it (``"float32"``)."""
        return str(self._compute_dtype.name)

    #: the loss function's step builder, ``_steps(y_true, y_pred, fn=, **options)``
    _steps: Callable[..., fns.Steps]

    def _fn_steps(self, y_true: np.ndarray, y_pred: np.ndarray) -> fns.Steps:
        options = self._option_values()
        if self._check_axis:
            fns.check_axis_is_int(self._path, options["axis"])
        return self._steps(y_true, y_pred, fn=self._path, **options)

    def _options(self) -> dict[str, Any]:
        config = self.get_config()
        rest = {k: v for k, v in self._option_values().items() if k not in config}
        return {"reduction": self.reduction, "dtype": self.dtype, **config, **rest}

    def bind(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> tuple[Plan, State]:
        """The plan of ``self(y_true, y_pred, sample_weight)`` and its first state."""
        dt, path = self._compute_dtype, self._path
        if _structure(y_true) != _structure(y_pred):
            # Loss.__call__ maps over nested lists leaf by leaf, then pairs them up
            raise ValueError(
                f"{path}: `y_true` and `y_pred` must have the same nested structure "
                f"when either is a Python list; got {_describe_structure(y_true)} and "
                f"{_describe_structure(y_pred)}. (Keras: Structures don't have the "
                f"same nested structure.) Pass NumPy arrays."
            )
        y_pred_in = _loss.convert_for_loss(y_pred)
        y_true_in = _loss.convert_for_loss(y_true)
        sw_in = _loss.convert_for_loss(sample_weight)
        # Steps never write into their inputs, so arrays already in the compute
        # dtype are used as they are (no copy of a large input).
        yt, yp = y_true_in.astype(dt, copy=False), y_pred_in.astype(dt, copy=False)
        yt2, yp2 = _loss.squeeze_or_expand_to_same_rank(yt, yp)
        steps: list[Step] = [_loss.loss_cast(dt)]
        if (yt2.shape, yp2.shape) != (yt.shape, yp.shape):
            steps.append(_loss.rank_fix())
        fn_steps, _ = self._fn_steps(yt2, yp2)
        steps += fn_steps
        if sample_weight is not None or self._masks:
            steps.append(_loss.weight_step(dt, self.reduction))
        steps += [
            _loss.reduce_step(dt, self.reduction),
            output_step(dt, source=f"{_loss.LOSS} Loss.__call__"),
        ]
        plan = _loss.assemble(path, steps, self._options())
        state = {"y_true": y_true_in, "y_pred": y_pred_in, "sample_weight": sw_in}
        return plan, state

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({opts})"

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as Keras' ``get_config`` reports them."""
        options = {key: getattr(self, key) for key in self._config}
        return {"name": self.name, "reduction": self.reduction, **options}


def _structure(x: Any) -> Any:
    """The nesting of Python lists and tuples (keras.tree's view); leaves are None."""
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(_structure(e) for e in x))
    return None


def _describe_structure(x: Any) -> str:
    if isinstance(x, (list, tuple)):
        return f"a nested {type(x).__name__} of shape {np.shape(x)}"
    return f"an array of shape {np.shape(x)}"


@_keras_loss(api.CATEGORICAL)
class CategoricalCrossentropy(LossMirror):
    """Mirror of ``keras.losses.CategoricalCrossentropy`` (TensorFlow backend).

    The loss function is :func:`categorical_crossentropy`.

    See :class:`LossMirror` for the conversion, weighting and reduction.
    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y(1 − ls) + ls/C``.
    axis : int, default -1
        The class axis.
    reduction : str or None, default "sum_over_batch_size"
        One of ``"sum_over_batch_size"``, ``"sum"``, ``"mean"``,
        ``"mean_with_sample_weight"``, ``"none"``, ``None``.
    name : str, default "categorical_crossentropy"
        The loss's name.
    dtype : str, optional
        The compute dtype (``None``: float32).

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    Seed 000: the API gives 0.3239681 where ``mean(-Σ y log p)`` gives 0.0946.

    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> p = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])
    >>> print(keras.losses.CategoricalCrossentropy()(y, p))
    0.323968
    """

    _path = _P + "CategoricalCrossentropy"
    _config = ("from_logits", "label_smoothing", "axis")
    _check_axis = True
    _steps = staticmethod(fns.categorical_fn_steps)


@_keras_loss(
    api.SPARSE,
    order=("from_logits", "ignore_class", "reduction", "axis", "name", "dtype"),
)
class SparseCategoricalCrossentropy(LossMirror):
    """Mirror of ``keras.losses.SparseCategoricalCrossentropy`` (TensorFlow backend).

    The loss function is :func:`sparse_categorical_crossentropy`; labels are
    converted to float32 with the predictions, then truncated to int64. With
    ``ignore_class``, the default reduction averages over the valid entries only
    (by their count, even with sample weights), and all-ignored gives 0.

    See :class:`LossMirror` for the conversion, weighting and reduction.
    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    ignore_class : int, optional
        A label whose entries are ignored.
    reduction : str or None, default "sum_over_batch_size"
        As for :class:`CategoricalCrossentropy`.
    axis : int, default -1
        Must be the last axis on the TensorFlow backend.
    name : str, default "sparse_categorical_crossentropy"
        The loss's name.
    dtype : str, optional
        The compute dtype (``None``: float32).

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> p = np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    >>> loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    >>> print(loss(np.array([0, -1, 2]), p, sample_weight=[2.0, 1.0, 1.0]))
    0.468247
    """

    _path = _P + "SparseCategoricalCrossentropy"
    _config = ("from_logits", "ignore_class")  # Keras omits ``axis``

    def _configure(self, arguments: dict[str, Any]) -> None:
        super()._configure(arguments)
        self._masks = arguments["ignore_class"] is not None

    def _fn_steps(self, y_true: np.ndarray, y_pred: np.ndarray) -> fns.Steps:
        return fns.sparse_fn_steps(
            y_true,
            y_pred,
            fn=self._path,
            label_dtype=self._compute_dtype,
            **self._option_values(),
        )


@_keras_loss(api.BINARY)
class BinaryCrossentropy(LossMirror):
    """Mirror of ``keras.losses.BinaryCrossentropy`` (TensorFlow backend).

    The loss function is :func:`binary_crossentropy` (a mean over the last
    axis): with 1-D ``(B,)`` inputs it is a batch mean, and a ``(B,)``
    ``sample_weight`` then multiplies that scalar (``mean(ℓ)·mean(w)``).

    See :class:`LossMirror` for the conversion, weighting and reduction.
    Parameters
    ----------
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        Smoothing toward 0.5.
    axis : int, default -1
        The axis averaged over.
    reduction : str or None, default "sum_over_batch_size"
        As for :class:`CategoricalCrossentropy`.
    name : str, default "binary_crossentropy"
        The loss's name.
    dtype : str, optional
        The compute dtype (``None``: float32).

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> loss = keras.losses.BinaryCrossentropy()
    >>> print(loss([0.0, 1.0], [0.9, 0.9], sample_weight=[1.0, 0.0]))  # 1-D quirk
    0.601986
    >>> print(loss([[0.0], [1.0]], [[0.9], [0.9]], sample_weight=[1.0, 0.0]))
    1.15129
    """

    _path = _P + "BinaryCrossentropy"
    _config = ("from_logits", "label_smoothing", "axis")
    _steps = staticmethod(fns.binary_fn_steps)


@_keras_loss(api.BINARY_FOCAL)
class BinaryFocalCrossentropy(LossMirror):
    """Mirror of ``keras.losses.BinaryFocalCrossentropy`` (TensorFlow backend).

    The loss function is :func:`binary_focal_crossentropy`.

    See :class:`LossMirror` for the conversion, weighting and reduction.
    Parameters
    ----------
    apply_class_balancing : bool, default False
        Weigh class 1 by ``alpha`` and class 0 by ``1 − alpha``.
    alpha : float, default 0.25
        The class-1 weight when balancing.
    gamma : float, default 2.0
        The focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        Smoothing toward 0.5.
    axis : int, default -1
        The axis averaged over.
    reduction : str or None, default "sum_over_batch_size"
        As for :class:`CategoricalCrossentropy`.
    name : str, default "binary_focal_crossentropy"
        The loss's name.
    dtype : str, optional
        The compute dtype (``None``: float32).

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#binaryfocalcrossentropy-class
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> loss = keras.losses.BinaryFocalCrossentropy(gamma=2, from_logits=True)
    >>> print(loss(np.float32([0, 1, 0, 0]), np.float32([-18.6, 0.51, 2.94, -12.8])))
    0.69121...
    """

    _path = _P + "BinaryFocalCrossentropy"
    _config = (
        "from_logits",
        "label_smoothing",
        "axis",
        "apply_class_balancing",
        "alpha",
        "gamma",
    )
    _steps = staticmethod(fns.binary_focal_fn_steps)


@_keras_loss(api.CATEGORICAL_FOCAL)
class CategoricalFocalCrossentropy(LossMirror):
    """Mirror of ``keras.losses.CategoricalFocalCrossentropy`` (TensorFlow backend).

    The loss function is :func:`categorical_focal_crossentropy` (``alpha``
    always applied).

    See :class:`LossMirror` for the conversion, weighting and reduction.
    Parameters
    ----------
    alpha : float or sequence of float, default 0.25
        A scalar or one weight per class.
    gamma : float, default 2.0
        The focusing exponent.
    from_logits : bool, default False
        Whether ``y_pred`` holds logits.
    label_smoothing : float, default 0.0
        ``y(1 − ls) + ls/C``.
    axis : int, default -1
        The class axis.
    reduction : str or None, default "sum_over_batch_size"
        As for :class:`CategoricalCrossentropy`.
    name : str, default "categorical_focal_crossentropy"
        The loss's name.
    dtype : str, optional
        The compute dtype (``None``: float32).

    References
    ----------
    https://keras.io/api/losses/probabilistic_losses/#categoricalfocalcrossentropy-class
    (Keras 3.13–3.15; checked against 3.15.1).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras
    >>> y = np.float32([[0, 1, 0]])
    >>> p = np.float32([[0.1, 0.8, 0.1]])
    >>> print(keras.losses.CategoricalFocalCrossentropy(gamma=0.0)(y, p))  # 0.25 × CCE
    0.0557859
    """

    _path = _P + "CategoricalFocalCrossentropy"
    _config = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")
    _steps = staticmethod(fns.categorical_focal_fn_steps)
