"""What the inputs look like: label kind, probability or logit rows, dtype, ranges."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["KEEP_FLOAT32_ABOVE", "Facts", "facts"]

#: float32 predictions with more values than this are kept as they are (below it,
#: as float64).
KEEP_FLOAT32_ABOVE = 4_000_000


@dataclass(frozen=True)
class Facts:
    """A summary of ``(y_true, y_pred)`` that the diagnosis rules read."""

    y_true: np.ndarray = field(repr=False)
    y_pred: np.ndarray = field(repr=False)
    dtype: str
    num_classes: int
    label_kind: (
        str  # "integer", "one_hot", "multi_hot", "soft", "binary_column", "invalid"
    )
    pred_kind: str  # "probabilities", "unnormalized", "logits"
    row_sums: np.ndarray = field(repr=False)
    from_logits: bool | None
    options: Mapping[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per Facts (the rules share the exact losses)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def rows_sum_to_one(self) -> bool:
        """Whether every prediction row sums to 1 (within float32 rounding)."""
        return bool(np.all(np.abs(self.row_sums - 1) <= 1e-5))

    @property
    def true_class_prob(self) -> np.ndarray | None:
        """The probability given to the true class, for one-hot or integer labels."""
        if self.label_kind == "integer":
            idx = np.clip(self.y_true.astype(np.int64), 0, self.num_classes - 1)
            picked: np.ndarray = np.take_along_axis(
                self.y_pred, idx[..., None], axis=-1
            )
            return picked[..., 0]
        if self.label_kind == "one_hot":
            return np.asarray(np.sum(self.y_pred * (self.y_true == 1), axis=-1))
        return None

    @property
    def one_hot(self) -> np.ndarray:
        """Dense targets (integer labels expanded)."""
        return self.dense_labels(np.float64)

    def dense_labels(self, dtype: Any, rows: slice = slice(None)) -> np.ndarray:
        """Dense targets in ``dtype`` (of ``rows`` only): integer labels expanded
        straight into it (an out-of-range id gives a row of zeros), others cast."""
        if self.label_kind == "integer":
            idx = self.y_true[rows].astype(np.int64)
            # N × C, never a C × C identity (100k classes would need 74.5 GiB)
            dense = np.zeros((*idx.shape, self.num_classes), dtype)
            valid = (idx >= 0) & (idx < self.num_classes)
            np.put_along_axis(
                dense, np.where(valid, idx, 0)[..., None], valid[..., None], axis=-1
            )
            return dense
        return self.y_true[rows].astype(dtype, copy=False)


def _label_kind(y_true: np.ndarray, y_pred: np.ndarray) -> str:
    if y_true.dtype.kind in "iu" and y_true.ndim == y_pred.ndim - 1:
        # class ids must match the predictions without their (last) class axis
        return "integer" if y_true.shape == y_pred.shape[:-1] else "invalid"
    if y_true.shape != y_pred.shape:
        return "invalid"
    yt = y_true.astype(np.float64, copy=False)
    if y_pred.ndim >= 1 and y_pred.shape[-1] == 1:
        return "binary_column"
    # NaN labels say nothing about the kind (rule_nan_input reports them)
    nan = np.isnan(yt)
    is01 = np.all((yt == 0) | (yt == 1) | nan)
    sums = yt.sum(axis=-1) if yt.ndim else yt
    if is01 and np.all((sums == 1) | np.isnan(sums)):
        return "one_hot"
    if is01:
        return "multi_hot"
    return "soft"


def _pred_kind(y_pred: np.ndarray, sums: np.ndarray) -> str:
    if np.any(y_pred < 0) or np.any(y_pred > 1):  # NaN compares false
        return "logits"
    # a NaN row says nothing about normalisation (rule_nan_input reports it)
    if np.all((np.abs(sums - 1) <= 1e-5) | np.isnan(sums)):
        return "probabilities"
    return "unnormalized"


def facts(
    y_true: Any, y_pred: Any, *, from_logits: bool | None = None, **options: Any
) -> Facts:
    """Analyse the inputs once for every rule."""
    yp_in = np.asarray(y_pred)
    dtype = (
        str(yp_in.dtype)
        if yp_in.dtype.kind == "f" or yp_in.dtype.name == "bfloat16"
        else "float64"
    )
    # float32 predictions as large as a batch of a language model stay float32: a
    # float64 copy would double what explain holds (the rules compute in float64
    # where it matters; every float32 is a float64 exactly)
    keep = yp_in.dtype == np.float32 and yp_in.size > KEEP_FLOAT32_ABOVE
    yp = yp_in if keep else yp_in.astype(np.float64, copy=False)
    yt = np.asarray(y_true)
    if yt.dtype.kind not in "iu":
        yt = yt.astype(np.float64, copy=False)
    sums = yp.sum(axis=-1, dtype=np.float64) if yp.ndim else yp
    c = int(yp.shape[-1]) if yp.ndim else 1
    return Facts(
        yt,
        yp,
        dtype,
        c,
        _label_kind(yt, yp),
        _pred_kind(yp, sums),
        sums,
        from_logits,
        options,
    )
