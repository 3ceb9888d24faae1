"""scikit-learn's input checks and label binarisation, in NumPy (checked 1.9.1).

``check_array`` (the parts ``log_loss`` uses), ``check_consistent_length``,
``type_of_target``, ``unique_labels`` and ``LabelBinarizer`` as
``sklearn/utils/validation.py``, ``sklearn/utils/multiclass.py`` and
``sklearn/preprocessing/_label.py`` implement them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

__all__ = [
    "InvalidParameterError",
    "binarize",
    "check_consistent_length",
    "check_proba",
    "check_sample_weight",
    "num_samples",
    "type_of_target",
]

_FLOATS = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.float16))


class InvalidParameterError(ValueError, TypeError):
    """``sklearn.utils._param_validation.InvalidParameterError``."""


def num_samples(x: Any) -> int:
    """``_num_samples``: the length of the first axis.

    A ``shape`` tuple is read as it is (pandas, polars, array-API arrays: polars'
    Series has ``shape`` but no ``ndim``); anything else goes through
    ``np.asarray`` (``__array__``, lists).
    """
    shape = getattr(x, "shape", None)
    if not isinstance(shape, tuple):
        shape = np.asarray(x).shape
    if len(shape) == 0:
        raise TypeError(
            f"Input should have at least 1 dimension i.e. satisfy `len(x.shape) > 0`, "
            f"got scalar `{np.asarray(x)!r}` instead."
        )
    return int(shape[0])


def _assert_all_finite(x: np.ndarray, input_name: str) -> None:
    if x.dtype.kind != "f" or np.isfinite(x).all():
        return
    name = f"Input {input_name}" if input_name else "Input"
    if np.isnan(x).any():
        raise ValueError(f"{name} contains NaN.")
    raise ValueError(f"{name} contains infinity or a value too large for {x.dtype!r}.")


def check_proba(y_proba: Any) -> np.ndarray:
    """``check_array(y_proba, ensure_2d=False, dtype=[float64, float32, float16])``."""
    arr = np.asarray(y_proba)
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{arr}\n")
    if arr.dtype not in _FLOATS:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"could not convert y_proba to float: {err}") from None
    if arr.ndim == 0:
        raise ValueError(
            "Expected 2D array, got scalar array instead:\narray="
            f"{arr}.\nReshape your data either using array.reshape(-1, 1) if your "
            "data has a single feature or array.reshape(1, -1) if it contains a "
            "single sample."
        )
    if arr.ndim > 2:
        raise ValueError(f"Found array with dim {arr.ndim}. None expected <= 2.")
    _assert_all_finite(arr, "")
    if arr.shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={arr.shape}) while a minimum of 1 "
            "is required."
        )
    if arr.ndim == 2 and arr.shape[1] < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 "
            "is required."
        )
    return arr


def check_consistent_length(*arrays: Any) -> None:
    """ValueError unless every non-None input has the same number of samples."""
    lengths = [num_samples(a) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}"
        )


def check_sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    """``_check_sample_weight`` as ``log_loss`` calls it (a scalar is broadcast)."""
    if np.ndim(sample_weight) == 0:
        sw = np.full(n_samples, sample_weight, dtype=np.float64)
    else:
        sw = np.asarray(sample_weight)
        if sw.dtype not in _FLOATS[:2]:
            sw = sw.astype(np.float64)
        _assert_all_finite(sw, "sample_weight")
        if sw.ndim != 1:
            raise ValueError(
                f"Sample weights must be 1D array or scalar, got {sw.ndim}D array. "
                f"Expected either a scalar value or a 1D array of length {n_samples}."
            )
        if sw.shape != (n_samples,):
            raise ValueError(
                f"sample_weight.shape == {sw.shape}, expected {(n_samples,)}!"
            )
    if np.all(sw == 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sw


def _is_multilabel(y: np.ndarray) -> bool:
    if y.ndim != 2 or y.shape[1] <= 1:
        return False
    labels = np.unique(y)
    return len(labels) < 3 and (
        y.dtype.kind in "biu"
        or (y.dtype.kind == "f" and bool(np.all(labels == labels.astype(int))))
    )


def type_of_target(y: Any, input_name: str = "y") -> str:
    """``sklearn.utils.multiclass.type_of_target`` for dense inputs."""
    if isinstance(y, str) or not (
        hasattr(y, "__array__") or isinstance(y, (list, tuple))
    ):
        raise ValueError(
            f"Expected array-like (array or non-string sequence), got {y!r}"
        )
    arr = np.asarray(y)
    if _is_multilabel(arr):
        return "multilabel-indicator"
    if arr.ndim not in (1, 2):
        return "unknown"
    if not min(arr.shape):
        return "binary" if arr.ndim == 1 else "unknown"
    if arr.dtype == object and not isinstance(arr.flat[0], str):
        return "unknown"
    suffix = "-multioutput" if arr.ndim == 2 and arr.shape[1] > 1 else ""
    if arr.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            non_integral = np.any(arr != arr.astype(int))
        if non_integral:
            _assert_all_finite(arr, input_name)
            return "continuous" + suffix
    first_row = arr[0] if arr.ndim == 2 else arr
    if np.unique(arr).shape[0] > 2 or (arr.ndim == 2 and len(first_row) > 1):
        return "multiclass" + suffix
    return "binary"


def _unique_labels(y: Any) -> np.ndarray:
    kind = type_of_target(y)
    arr = np.asarray(y)
    if kind == "multilabel-indicator":
        return np.arange(arr.shape[1])
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {(arr,)!r}")
    labels = set(np.unique(arr).tolist())
    if len({isinstance(v, str) for v in labels}) > 1:
        raise ValueError("Mix of label input types (string and number)")
    return np.asarray(sorted(labels))


def _fit_classes(y: Any) -> tuple[np.ndarray, str]:
    """``LabelBinarizer().fit(y)``: the sorted classes and the target type."""
    kind = type_of_target(y)
    if "multioutput" in kind:
        raise ValueError(
            "Multioutput target data is not supported with label binarization"
        )
    if num_samples(y) == 0:
        raise ValueError(f"y has 0 samples: {y!r}")
    return _unique_labels(y), kind


def _label_binarize(y: Any, classes: np.ndarray, dtype: Any = int) -> np.ndarray:
    """``label_binarize(y, classes=classes)`` with pos_label=1, neg_label=0, made
    in ``dtype`` (scikit-learn's is int; a caller that casts it names its own)."""
    arr = np.asarray(y)
    kind = type_of_target(arr)
    if "multioutput" in kind:
        raise ValueError(
            "Multioutput target data is not supported with label binarization"
        )
    if kind == "unknown":
        raise ValueError("The type of target data is not known")
    n_classes = len(classes)
    if kind == "binary":
        if n_classes == 1:
            return np.zeros((len(arr), 1), dtype=dtype)
        if n_classes >= 3:
            kind = "multiclass"
    if kind == "multilabel-indicator":
        if classes.size != arr.shape[1]:
            raise ValueError(
                f"classes {classes} mismatch with the labels "
                f"{_unique_labels(arr)} found in the data"
            )
        return arr.astype(dtype)
    flat = arr.reshape(-1)
    sorted_class = np.sort(classes)
    big = np.zeros((flat.size, n_classes), dtype=dtype)
    seen = np.isin(flat, classes)
    big[np.flatnonzero(seen), np.searchsorted(sorted_class, flat[seen])] = 1
    if np.any(classes != sorted_class):
        big = big[:, np.searchsorted(sorted_class, classes)]
    if kind == "binary":
        big = big[:, -1:]
    return big


def binarize(
    y_true: Any,
    labels: Any,
    *,
    one_label_message: str,
    warn_unsorted: bool,
    dtype: Any = int,
) -> tuple[np.ndarray, np.ndarray]:
    """One-hot ``y_true`` over the sorted classes (of ``labels`` if given).

    One column becomes ``[1 − Y, Y]``. Fewer than two classes raise ValueError.
    Returns the indicator matrix (in ``dtype``) and the classes.
    """
    if labels is not None:
        classes, _ = _fit_classes(labels)
        y_arr, lab = np.asarray(y_true), np.asarray(labels)
        if warn_unsorted and not (
            classes.shape == lab.shape and bool(np.all(classes == lab))
        ):
            warnings.warn(
                f"Labels passed were {labels}. But this function assumes labels are "
                "ordered lexicographically. Pass the ordered "
                f"labels={classes.tolist()} and ensure that the columns of y_prob "
                "correspond to this ordering.",
                UserWarning,
                stacklevel=4,
            )
        if not np.isin(y_arr, lab).all():
            undeclared = set(y_arr.ravel().tolist()) - set(lab.ravel().tolist())
            raise ValueError(
                f"y_true contains values {undeclared} not belonging to the passed "
                f"labels {labels}."
            )
    else:
        classes, _ = _fit_classes(y_true)
    if classes.shape[0] == 1:
        if labels is None:
            raise ValueError(
                f"y_true contains only one label ({classes[0]}). " + one_label_message
            )
        raise ValueError(
            f"The labels array needs to contain at least two labels, got {classes}."
        )
    y_bin = _label_binarize(y_true, classes, dtype)
    if y_bin.shape[1] == 1:
        y_bin = np.concatenate([1 - y_bin, y_bin], axis=1)
    return y_bin, classes
