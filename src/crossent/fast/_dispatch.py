"""Backend choice and the row drivers shared by ``crossent.fast`` and ``value_and_grad``.

The drivers take 2-D logits (rows are examples, the last axis the classes) in any
floating dtype and layout, pick a compute dtype (float64 for float64 input, float32
otherwise), call the chosen backend on the whole array when it is already
C-contiguous in that dtype, or else on row blocks converted into a scratch buffer,
and finally recompute the rows the kernels flagged (non-finite logits) exactly.
numba is imported here lazily, on the first call that selects it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import numpy.typing as npt

from crossent._core import _validation as v
from crossent.fast import _exact
from crossent.fast import _numpy_kernels as npk

__all__ = [
    "NUMBA_MIN_ELEMENTS",
    "Backend",
    "bce_rows",
    "ce_int_rows",
    "ce_soft_rows",
    "numba_available",
    "select_backend",
]

Backend = Literal["auto", "numba", "numpy"]

#: ``backend="auto"`` uses numba from this many logits on: below it the one-off cost
#: of importing numba and loading the compiled kernels (about 0.3 s) is not repaid.
NUMBA_MIN_ELEMENTS = 1 << 18

#: Bytes of float32 per row block when inputs must be converted (float16, bfloat16,
#: non-contiguous, mixed label dtype).
CONVERT_BLOCK_BYTES = 8 << 20

F64 = npt.NDArray[np.float64]
Arr = npt.NDArray[Any]


@cache
def numba_available() -> bool:
    """Whether numba can be imported (checked without importing it)."""
    return importlib.util.find_spec("numba") is not None


@cache
def _numba_kernels() -> ModuleType:
    from crossent.fast import _numba_kernels

    return _numba_kernels


def select_backend(fn: str, backend: str, size: int) -> str:
    """Resolve ``backend`` to ``"numba"`` or ``"numpy"`` for ``size`` logits."""
    v.check_choice(fn, "backend", backend, get_args(Backend))
    if backend == "numpy":
        return "numpy"
    if backend == "numba":
        if not numba_available():
            raise ImportError(
                f"{fn}: `backend` 'numba' needs numba, which is not installed; got "
                f"backend='numba'. Install numba or use backend='auto' or 'numpy'."
            )
        return "numba"
    return "numba" if numba_available() and size >= NUMBA_MIN_ELEMENTS else "numpy"


def compute_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """float64 for float64 (and wider) input, float32 for float32/float16/bfloat16."""
    if dtype == np.float64 or dtype.itemsize > 8:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


class _Kernels(NamedTuple):
    ce_int: Callable[..., None]
    ce_soft: Callable[..., None]
    bce: Callable[..., None]


_EMPTY = np.empty(0)


def _nb_ce_int(
    x: Arr,
    labels: npt.NDArray[np.int64],
    weight: F64 | None,
    ignore_index: int | None,
    ls: float,
    mode: int,
    scale: float,
    g: Arr | None,
    loss: F64,
    bad: npt.NDArray[np.bool_],
) -> None:
    k = _numba_kernels()
    common = (
        x,
        labels,
        _EMPTY if weight is None else weight,
        weight is not None,
        0 if ignore_index is None else ignore_index,
        ignore_index is not None,
        float(ls),
    )
    if mode == 0:
        k.ce_int_fwd_kernel(*common, loss, bad)
    else:
        g = x[:0] if g is None else g
        k.ce_int_grad_kernel(*common, mode == 2, float(scale), g, loss, bad)


def _nb_ce_soft(
    x: Arr,
    t: Arr,
    mode: int,
    scale: float,
    g: Arr | None,
    loss: F64,
    bad: npt.NDArray[np.bool_],
) -> None:
    k = _numba_kernels()
    if mode == 0:
        k.ce_soft_fwd_kernel(x, t, loss, bad)
    else:
        g = x[:0] if g is None else g
        k.ce_soft_grad_kernel(x, t, mode == 2, float(scale), g, loss, bad)


def _nb_bce(
    x: Arr,
    y: Arr,
    pw: Arr | None,
    mode: int,
    scale: float,
    g: Arr | None,
    elem: Arr | None,
    loss: F64,
) -> None:
    k = _numba_kernels()
    cd = x.dtype
    pw_ = np.ones(x.shape[1], dtype=cd) if pw is None else pw
    elem_ = np.empty((0, x.shape[1]), dtype=cd) if elem is None else elem
    if mode == 0:
        k.bce_fwd_kernel(x, y, pw_, elem_, loss)
    else:
        g = np.empty((0, x.shape[1]), dtype=cd) if g is None else g
        k.bce_grad_kernel(x, y, pw_, mode == 2, float(scale), g, elem_, loss)


_BACKENDS = {
    "numpy": _Kernels(npk.ce_int, npk.ce_soft, npk.bce),
    "numba": _Kernels(_nb_ce_int, _nb_ce_soft, _nb_bce),
}


def _block_rows(n_cols: int) -> int:
    return max(1, CONVERT_BLOCK_BYTES // (4 * max(n_cols, 1)))


def _is_direct(cd: np.dtype[Any], *arrays: Arr | None) -> bool:
    return all(
        a is None or (a.dtype == cd and a.flags.c_contiguous and a.flags.aligned)
        for a in arrays
    )


def _as_plain(a: Arr) -> Arr:
    """A base-class ndarray view (np.memmap and other subclasses), for numba."""
    return a if type(a) is np.ndarray else a.view(np.ndarray)


# A block call: (rows, x block, other blocks, mode, gradient block or None).
_Call = Callable[[slice, Arr, list[Arr], int, "Arr | None"], None]


def _drive(x2: Arr, others: list[Arr], mode: int, g2: Arr | None, call: _Call) -> None:
    """Run ``call`` over ``x2`` directly, or over converted row blocks.

    ``mode`` 1 writes the gradient into ``g2``, 2 over ``x2``. In the block path the
    gradient is computed in place on the converted copy and written back.
    """
    cd = compute_dtype(x2.dtype)
    writable = mode == 0 or x2.flags.writeable  # a gradient kernel writes to x
    if writable and _is_direct(cd, x2, *others, g2 if mode == 1 else None):
        call(
            slice(0, x2.shape[0]),
            _as_plain(x2),
            [_as_plain(o) for o in others],
            mode,
            g2,
        )
        return
    step = _block_rows(x2.shape[1])
    for lo in range(0, x2.shape[0], step):
        sl = slice(lo, min(lo + step, x2.shape[0]))
        xb = np.array(x2[sl], dtype=cd, order="C")
        ob = [np.ascontiguousarray(o[sl], dtype=cd) for o in others]
        call(sl, xb, ob, 0 if mode == 0 else 2, None)
        if mode == 1:
            g2[sl] = xb  # type: ignore[index]
        elif mode == 2:
            x2[sl] = xb


def _fix_bad_rows(
    x2: Arr,
    bad: npt.NDArray[np.bool_],
    targets: Callable[[npt.NDArray[np.intp]], F64],
    mode: int,
    scale: float,
    g2: Arr | None,
    loss: F64,
) -> None:
    """Exact loss (and gradient) for the flagged rows; their logits are intact."""
    idx = np.flatnonzero(bad)
    if idx.size == 0:
        return
    li, gi = _exact.softmax_rows(
        x2[idx], targets(idx), grad_scale=None if mode == 0 else scale
    )
    loss[idx] = li
    if mode != 0:
        dest = x2 if mode == 2 or g2 is None else g2
        dest[idx] = gi.astype(dest.dtype)


def ce_int_rows(
    x2: Arr,
    labels: npt.NDArray[np.int64],
    *,
    weight: F64 | None,
    ignore_index: int | None,
    label_smoothing: float,
    mode: int,
    scale: float,
    g2: Arr | None,
    backend: str,
) -> F64:
    """Per-row integer-label softmax CE (float64); gradient per ``mode``."""
    kern = _BACKENDS[backend]
    n_rows, n_cols = x2.shape
    loss = np.empty(n_rows)
    bad = np.zeros(n_rows, dtype=np.bool_)

    def call(sl: slice, xb: Arr, _: list[Arr], m: int, gb: Arr | None) -> None:
        kern.ce_int(
            xb,
            labels[sl],
            weight,
            ignore_index,
            label_smoothing,
            m,
            scale,
            gb,
            loss[sl],
            bad[sl],
        )

    _drive(x2, [], mode, g2, call)

    def targets(idx: npt.NDArray[np.intp]) -> F64:
        return _exact.int_targets(
            labels[idx], n_cols, weight=weight, label_smoothing=label_smoothing
        )

    _fix_bad_rows(x2, bad, targets, mode, scale, g2, loss)
    return loss


def ce_soft_rows(
    x2: Arr, t2: Arr, *, mode: int, scale: float, g2: Arr | None, backend: str
) -> F64:
    """Per-row soft-label softmax CE (float64); gradient per ``mode``."""
    kern = _BACKENDS[backend]
    loss = np.empty(x2.shape[0])
    bad = np.zeros(x2.shape[0], dtype=np.bool_)

    def call(sl: slice, xb: Arr, ob: list[Arr], m: int, gb: Arr | None) -> None:
        kern.ce_soft(xb, ob[0], m, scale, gb, loss[sl], bad[sl])

    _drive(x2, [t2], mode, g2, call)

    def targets(idx: npt.NDArray[np.intp]) -> F64:
        return np.asarray(t2[idx], dtype=np.float64)

    _fix_bad_rows(x2, bad, targets, mode, scale, g2, loss)
    return loss


def bce_rows(
    x2: Arr,
    y2: Arr,
    *,
    pos_weight: Arr | None,
    mode: int,
    scale: float,
    g2: Arr | None,
    elem: Arr | None,
    backend: str,
) -> F64:
    """Per-row sums of elementwise sigmoid BCE (float64); elementwise losses into
    ``elem`` when given; gradient per ``mode``."""
    kern = _BACKENDS[backend]
    loss = np.empty(x2.shape[0])
    cd = compute_dtype(x2.dtype)
    pw = None if pos_weight is None else np.ascontiguousarray(pos_weight, dtype=cd)

    def call(sl: slice, xb: Arr, ob: list[Arr], m: int, gb: Arr | None) -> None:
        eb = None if elem is None else elem[sl]
        direct = eb is None or _is_direct(cd, eb)
        if not direct:
            eb = np.empty(xb.shape, dtype=cd)
        kern.bce(xb, ob[0], pw, m, scale, gb, eb, loss[sl])
        if not direct:
            elem[sl] = eb  # type: ignore[index]

    _drive(x2, [y2], mode, g2, call)
    return loss
