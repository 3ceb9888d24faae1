"""One test per error message of crossent.fast and crossent.value_and_grad."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crossent import fast
from crossent import value_and_grad as vg
from crossent.fast import _dispatch

Z = np.zeros((2, 3), np.float32)
Y = np.array([0, 2])
VG_INT = "value_and_grad.softmax_cross_entropy_with_integer_labels"
FAST_INT = "fast.softmax_cross_entropy_with_integer_labels"


def _raises(exc: type[Exception], message: str) -> Any:
    return pytest.raises(exc, match="^" + re.escape(message))


def test_integer_logits() -> None:
    with _raises(TypeError, f"{FAST_INT}: `logits` must have a floating dtype"):
        fast.softmax_cross_entropy_with_integer_labels(np.zeros((2, 3), int), Y)


def test_scalar_logits() -> None:
    with _raises(ValueError, f"{VG_INT}: `logits` must have at least one dimension"):
        vg.softmax_cross_entropy_with_integer_labels(np.float32(1.0), 0)


def test_empty_class_axis() -> None:
    with _raises(
        ValueError, "fast.softmax_cross_entropy: `logits` has an empty class axis"
    ):
        fast.softmax_cross_entropy(np.zeros((2, 0)), np.zeros((2, 0)))


def test_integer_labels_shape() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `labels` must have the shape of `logits` without the class axis, "
        "(2,); got shape (2, 3).",
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, np.zeros((2, 3), int))


def test_integer_labels_dtype() -> None:
    with _raises(TypeError, f"{FAST_INT}: `labels` must be integer class indices"):
        fast.softmax_cross_entropy_with_integer_labels(Z, np.array([0.0, 1.0]))


def test_labels_out_of_range() -> None:
    with _raises(ValueError, f"{VG_INT}: `labels` must be in [0, 3); got [3]"):
        vg.softmax_cross_entropy_with_integer_labels(Z, [0, 3])


def test_labels_out_of_range_other_than_ignore_index() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `labels` must be in [0, 3) other than ignore_index=-100; got [-1]",
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, [-100, -1], ignore_index=-100)


def test_same_shape_labels() -> None:
    with _raises(
        ValueError,
        "value_and_grad.sigmoid_binary_cross_entropy: `labels` must have the same "
        "shape as `logits` (2, 3); got shape (3, 2).",
    ):
        vg.sigmoid_binary_cross_entropy(Z, np.zeros((3, 2)))


def test_labels_not_real() -> None:
    with _raises(
        TypeError, "value_and_grad.softmax_cross_entropy: `labels` must be real numbers"
    ):
        vg.softmax_cross_entropy(Z, np.zeros((2, 3), complex))


def test_unknown_reduction() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `reduction` must be one of 'none', 'sum', 'mean'; got 'batchmean'.",
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, Y, reduction="batchmean")  # type: ignore[arg-type]


def test_unknown_backend() -> None:
    with _raises(
        ValueError,
        f"{FAST_INT}: `backend` must be one of 'auto', 'numba', 'numpy'; got 'cuda'.",
    ):
        fast.softmax_cross_entropy_with_integer_labels(Z, Y, backend="cuda")  # type: ignore[arg-type]


def test_numba_backend_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dispatch, "numba_available", lambda: False)
    with _raises(ImportError, f"{FAST_INT}: `backend` 'numba' needs numba"):
        fast.softmax_cross_entropy_with_integer_labels(Z, Y, backend="numba")


def test_ignore_index_type() -> None:
    with _raises(
        TypeError, f"{VG_INT}: `ignore_index` must be an int or None; got 0.5."
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, Y, ignore_index=0.5)  # type: ignore[arg-type]


def test_label_smoothing_range() -> None:
    with _raises(
        ValueError, f"{VG_INT}: `label_smoothing` must be a number in [0, 1]; got 1.5."
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, Y, label_smoothing=1.5)


def test_weight_shape() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `weight` must have one value per class, shape (3,) or broadcastable "
        "to it; got shape (2,).",
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, Y, weight=[1.0, 2.0])


def test_weight_not_real() -> None:
    with _raises(TypeError, f"{FAST_INT}: `weight` must be real numbers"):
        fast.softmax_cross_entropy_with_integer_labels(Z, Y, weight=["a", "b", "c"])


def test_pos_weight_shape() -> None:
    with _raises(
        ValueError,
        "fast.sigmoid_binary_cross_entropy: `pos_weight` must have one value per class",
    ):
        fast.sigmoid_binary_cross_entropy(Z, Z, pos_weight=np.ones((2, 3)))


def test_out_wrong_shape() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `out` must be a writeable C-contiguous array of shape (2, 3) and "
        "dtype float32; got array of shape (3, 2) and dtype float32.",
    ):
        vg.softmax_cross_entropy_with_integer_labels(
            Z, Y, out=np.empty((3, 2), np.float32)
        )


def test_out_wrong_dtype() -> None:
    with _raises(
        ValueError,
        f"{VG_INT}: `out` must be a writeable C-contiguous array of shape (2, 3) and "
        "dtype float32; got array of shape (2, 3) and dtype float64.",
    ):
        vg.softmax_cross_entropy_with_integer_labels(Z, Y, out=np.empty((2, 3)))


def test_out_overlaps_logits() -> None:
    z = np.zeros((4, 3), np.float32)
    with _raises(ValueError, f"{VG_INT}: `out` must not overlap `logits`"):
        vg.softmax_cross_entropy_with_integer_labels(z[:2], Y, out=z[1:3])


def test_out_with_overwrite_logits() -> None:
    with _raises(
        ValueError, f"{VG_INT}: `out` must be None when `overwrite_logits=True`"
    ):
        vg.softmax_cross_entropy_with_integer_labels(
            Z.copy(), Y, out=np.empty_like(Z), overwrite_logits=True
        )


def test_overwrite_read_only_logits() -> None:
    z = Z.copy()
    z.flags.writeable = False
    with _raises(
        ValueError,
        f"{VG_INT}: `logits` must be a writeable C-contiguous array to be overwritten "
        "with the gradient; got a read-only array",
    ):
        vg.softmax_cross_entropy_with_integer_labels(z, Y, overwrite_logits=True)


def test_chunked_block_bytes() -> None:
    with _raises(
        ValueError,
        "fast.chunked_softmax_cross_entropy_with_integer_labels: `max_block_bytes` "
        "must be a positive int; got 0.",
    ):
        fast.chunked_softmax_cross_entropy_with_integer_labels(Z, Y, max_block_bytes=0)


def test_chunked_path_not_an_array(tmp_path: Path) -> None:
    path = tmp_path / "two.npz"
    np.savez(path, a=Z, b=Z)
    with _raises(
        ValueError,
        "fast.chunked_softmax_cross_entropy_with_integer_labels: `logits` must name a "
        ".npy file holding one array",
    ):
        fast.chunked_softmax_cross_entropy_with_integer_labels(path, Y)
