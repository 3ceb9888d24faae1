"""The inputs of a question in one layout, whatever layout the user gave them in.

Every explain entry point (:func:`~crossent.trace`, :func:`~crossent.compare`,
:func:`~crossent.identify`, :func:`~crossent.explain`, the gap plot) runs on the same
reading of ``(y_true, y_pred)``:

* **1-D binary vectors are N samples.** ``y_true = [0, 1, 1]`` with
  ``y_pred = [0.2, 0.7, 0.9]`` (scikit-learn's layout) is three samples with one
  probability each, read as a ``(3, 1)`` column. The one exception is a single
  one-hot row over three or more classes whose predictions sum to 1
  (``[0, 1, 0]`` with ``[0.2, 0.7, 0.1]``): one example of a categorical loss.
* **Class ids fit the predictions on any axis.** PyTorch puts the classes at
  axis 1 (``(N, C, d1, …)`` logits with ``(N, d1, …)`` class ids, as in
  segmentation); Keras, TensorFlow and optax last. Such inputs are recognised from
  the label shape (or named with ``axis=``) and the class axis is moved last;
  PyTorch's mirrors get it back at axis 1 (:func:`bind_impl`), so each
  implementation sees the layout it is written for. One-hot or soft targets keep
  their layout: ``axis=`` goes to each implementation that takes it, and PyTorch
  reads axis 1, as it would.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations
from typing import Any

import numpy as np

from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Implementation

__all__ = ["Posed", "align_broadcast", "bind_impl", "pose", "posed_options"]


@dataclass(frozen=True)
class Posed:
    """``y_true`` and ``y_pred`` with the class axis last, and how they were read."""

    y_true: Any
    y_pred: Any
    class_axis: int
    """The axis of the *given* predictions that holds the classes (-1: the last)."""
    notes: tuple[str, ...] = ()


def _single_one_hot_row(y_true: np.ndarray, y_pred: np.ndarray) -> bool:
    if y_true.size < 3:
        return False
    yt = y_true.astype(np.float64)
    yp = y_pred.astype(np.float64)
    one_hot = bool(np.all((yt == 0) | (yt == 1)) and yt.sum() == 1)
    return one_hot and bool(abs(yp.sum() - 1) <= 1e-5 * yt.size)


def _class_axis(
    y_true: np.ndarray, y_pred: np.ndarray, axis: Any, torch_layout: bool
) -> int:
    """The class axis of integer class ids' predictions: ``axis`` when it is one,
    else the axis the label shape leaves out (axis 1 when both fit and the
    implementations named are PyTorch's)."""
    nd = y_pred.ndim
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        if not -nd <= axis < nd:
            raise ValueError(
                f"axis={axis} is out of range for predictions of shape {y_pred.shape}."
            )
        return int(axis) % nd
    fits_last = y_true.shape == y_pred.shape[:-1]
    fits_1 = y_true.shape == y_pred.shape[:1] + y_pred.shape[2:]
    return 1 if fits_1 and (torch_layout or not fits_last) else nd - 1


def pose(
    y_true: Any, y_pred: Any, *, axis: Any = None, torch_layout: bool = False
) -> Posed:
    """Read ``(y_true, y_pred)`` as described in this module's docstring.

    Parameters
    ----------
    y_true, y_pred : array_like
        The inputs as the user gave them.
    axis : int, optional
        The class axis of ``y_pred``. For class ids, the axis is moved last and
        ``Posed.class_axis`` says so (the caller then drops ``axis`` from the
        options); one-hot or soft targets keep their layout and every
        implementation that takes ``axis`` gets it.
    torch_layout : bool, default False
        Every implementation named is PyTorch's: ambiguous ``(N, C, d1, …)``
        class-id inputs take PyTorch's class axis 1.

    Returns
    -------
    Posed
        The arrays (views where possible), the class axis moved last (-1 when
        none was), and one note per change of layout.
    """
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    if yp.ndim == 1 and yt.shape == yp.shape and not _single_one_hot_row(yt, yp):
        note = (
            f"1-D y_true and y_pred read as N = {yp.size} binary samples "
            f"(a ({yp.size}, 1) column)"
        )
        return Posed(yt[:, None], yp[:, None], -1, (note,))
    ids = yt.dtype.kind in "iu" and yt.ndim == yp.ndim - 1 and yp.ndim >= 3
    if not ids:
        return Posed(yt, yp, -1)
    ax = _class_axis(yt, yp, axis, torch_layout)
    if ax == yp.ndim - 1:
        both = axis is None and yt.shape == yp.shape[:1] + yp.shape[2:]
        note = (
            f"class ids {yt.shape} fit predictions {yp.shape} with the classes on "
            "axis 1 or last; read as last (pass axis=1 for PyTorch's (N, C, d) layout)"
        )
        return Posed(yt, yp, -1, (note,) if both else ())
    if yt.shape != yp.shape[:ax] + yp.shape[ax + 1 :]:
        raise ValueError(
            f"axis={ax}: class ids of shape {yt.shape} do not fit predictions "
            f"{yp.shape} without that axis ({yp.shape[:ax] + yp.shape[ax + 1 :]})."
        )
    note = (
        f"class axis {ax} (PyTorch's (N, C, d1, …) layout with class ids) moved "
        f"last; PyTorch's implementations get it at axis 1"
    )
    return Posed(yt, np.moveaxis(yp, ax, -1), ax, (note,))


def posed_options(
    y_true: Any, y_pred: Any, options: dict[str, Any], *, torch_layout: bool = False
) -> Posed:
    """:func:`pose` with ``options["axis"]``, which it takes out of ``options`` once
    it has moved that axis last (the implementations then use their default)."""
    posed = pose(y_true, y_pred, axis=options.get("axis"), torch_layout=torch_layout)
    if posed.class_axis != -1:
        options.pop("axis", None)
    return posed


def align_broadcast(y_true: Any, y_pred: Any) -> np.ndarray | None:
    """``y_pred`` laid out like ``y_true`` when the two only broadcast (``(N,)``
    against ``(N, 1)``, a list of per-head ``(N, 1)`` outputs against ``(N, H)``
    labels): squeezed, the same values in the same number, in the axis order that
    fits. None when the shapes are equal, do not broadcast, are class ids for the
    predictions, or no reordering fits.
    """
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    if yt.shape == yp.shape or yt.size != yp.size or yt.size == 0:
        return None
    if yt.dtype.kind in "iu" and yt.ndim == yp.ndim - 1:
        return None  # class ids
    try:
        np.broadcast_shapes(yt.shape, yp.shape)
    except ValueError:
        return None
    st = tuple(d for d in yt.shape if d != 1)
    sp = np.squeeze(yp)
    if sp.shape == st:
        return sp.reshape(yt.shape)
    if sp.ndim == len(st) <= 4:
        for order in permutations(range(sp.ndim)):
            if tuple(sp.shape[i] for i in order) == st:
                return np.transpose(sp, order).reshape(yt.shape)
    return None


def bind_impl(
    impl: Implementation, y_true: Any, y_pred: Any, **options: Any
) -> tuple[Plan, State]:
    """``impl.bind`` on posed inputs: PyTorch's mirrors get class-id inputs with the
    class axis at 1, where PyTorch takes it (one-hot or soft targets as given)."""
    nd = np.ndim(y_pred)
    if (
        impl.framework == "torch"
        and nd >= 3
        and np.ndim(y_true) == nd - 1
        and np.shape(y_true) == np.shape(y_pred)[:-1]
    ):
        y_pred = np.moveaxis(np.asarray(y_pred), -1, 1)
    return impl.bind(y_true, y_pred, **options)
