"""Mirror of ``transformers.loss.loss_utils`` (transformers 4.46–5.23; checked 5.23.0).

``fixed_cross_entropy``, ``ForCausalLMLoss`` and ``ForMaskedLMLoss`` call
``torch.nn.functional.cross_entropy``: their plans are PyTorch's steps (the torch
mirror's, ``aten/src/ATen/native/LossNLL.cpp``) with transformers' own steps
around them — the float32 upcast of the whole logits tensor, the label shift of
causal LMs, the flattening, and the division by ``num_items_in_batch`` that
replaces the mean when the Trainer counts the tokens of a whole gradient
accumulation step. NumPy arrays stand for tensors (a 0-d array for a 0-d tensor);
a Python number or NumPy scalar for ``num_items_in_batch`` is a Python number.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.errors import FrameworkIndexError, FrameworkRuntimeError
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_torch
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch._nll import plan_cross_entropy

__all__ = ["ForCausalLMLoss", "ForMaskedLMLoss", "fixed_cross_entropy"]

SRC = "src/transformers/loss/loss_utils.py"
_PATH = "transformers.loss.loss_utils."
_VERSIONS = (
    "transformers 4.46–5.23 (loss/loss_utils.py, with torch's F.cross_entropy); "
    "run against 5.23.0 with torch 2.13"
)
_REF = "https://github.com/huggingface/transformers/blob/main/" + SRC

#: Shared by the three functions.
NUM_ITEMS = Divergence(
    "reduce",
    "with num_items_in_batch: Σ over the non-ignored tokens / num_items_in_batch "
    "(a count over the whole gradient-accumulation step), not the mean of this "
    "call; 0 gives inf, and all ignored gives 0 (the mean gives NaN)",
    f"{SRC} fixed_cross_entropy",
)
_IGNORE = Divergence(
    "ignore",
    "labels equal to ignore_index (default −100) are dropped from the sum and "
    "the mean's denominator; extra keywords (label_smoothing, reduction) are "
    "swallowed by **kwargs and never reach F.cross_entropy",
    f"{SRC} fixed_cross_entropy",
)
_UPCAST = Divergence(
    "cast",
    "logits.float(): the whole logits tensor is computed in float32, float16, "
    "bfloat16 and float64 alike",
    f"{SRC} ForCausalLMLoss, ForMaskedLMLoss",
)
_hf = functools.partial(
    Mirror,
    framework="transformers",
    versions=_VERSIONS,
    reference=_REF,
    expects="logits",
    labels="integer",
    y_true="labels",
    y_pred="logits",
    options={"num_items_in_batch": (None,)},
)


# --------------------------------------------------------------------------
# building blocks


def shift(labels: np.ndarray, ignore_index: int) -> np.ndarray:
    """``F.pad(labels, (0, 1), value=ignore_index)[..., 1:]``: the next token."""
    if labels.ndim == 0:
        raise FrameworkRuntimeError(
            "Padding length should be less than or equal to two times the input "
            "dimension but got padding length 2 and input of dimension 0 "
            f"({_PATH}ForCausalLMLoss: `labels` must have a sequence axis)"
        )
    pad = np.full((*labels.shape[:-1], 1), ignore_index, labels.dtype)
    return np.concatenate([labels[..., 1:], pad], axis=-1)


def view(x: np.ndarray, shape: tuple[Any, ...], fn: str) -> np.ndarray:
    """``tensor.view(shape)``: torch's RuntimeError when the sizes do not fit."""
    try:
        return x.reshape(shape)
    except (ValueError, TypeError) as err:
        if not isinstance(shape[-1], (int, np.integer)) or isinstance(shape[-1], bool):
            raise TypeError(
                f"{_PATH}{fn}: `vocab_size` must be an int; got {shape[-1]!r}"
            ) from err
        dims = ", ".join(str(d) for d in shape)
        raise FrameworkRuntimeError(
            f"shape '[{dims}]' is invalid for input of size {x.size} "
            f"({_PATH}{fn}: `vocab_size` must divide the logits' size)"
        ) from err


def quotient_dtype(loss_dtype: np.dtype[Any], num: Any) -> np.dtype[Any]:
    """torch's result dtype of ``loss / num_items_in_batch`` (loss a 0-d tensor).

    A Python number keeps the loss' dtype; an integer tensor too (floats win
    over integers); a float 0-d tensor promotes with the 0-d loss (float64
    wins); a float tensor with dimensions wins outright.
    """
    if not isinstance(num, np.ndarray):
        return loss_dtype
    if num.dtype.kind in "biu":
        return loss_dtype
    if num.ndim > 0:
        return np.dtype(num.dtype)
    return np.dtype(np.result_type(loss_dtype, num.dtype))


def divide(reduce_step: Step, num: Any) -> Step:
    """Torch's ``reduction='sum'`` step followed by ``loss / num_items_in_batch``."""

    def fn(state: State) -> dict[str, Any]:
        total = np.asarray(reduce_step.fn(state)["value"])
        dt = quotient_dtype(total.dtype, num)
        om = _ops.opmath(dt)
        value = total.astype(om) / np.asarray(num).astype(om)
        return {"value": np.asarray(value).astype(dt)}

    shown = num if not isinstance(num, np.ndarray) else num.tolist()
    return Step(
        "reduce",
        f"Σ_i ℓ_i (non-ignored) / num_items_in_batch ({shown})",
        fn,
        f"{SRC} fixed_cross_entropy",
    )


def _num_items(num: Any) -> Any:
    """A tensor stays an array (its dtype matters); a number stays a number."""
    if num is None or isinstance(num, (bool, np.bool_)):
        if num is not None:
            raise TypeError(
                f"{_PATH}fixed_cross_entropy: `num_items_in_batch` must be a "
                f"number or a tensor; got {num!r}"
            )
        return None
    if isinstance(num, (int, float, np.number)):
        return num
    arr = np.asarray(num)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{_PATH}fixed_cross_entropy: `num_items_in_batch` must be a number or "
            f"a tensor of numbers; got {num!r}"
        )
    return arr


def cross_entropy_steps(
    source: np.ndarray, target: np.ndarray, num: Any, ignore_index: int
) -> tuple[Step, ...]:
    """The steps of ``fixed_cross_entropy(source, target, num, ignore_index)``."""
    reduction = "sum" if num is not None else "mean"
    plan, _ = plan_cross_entropy(
        target, source, ignore_index=ignore_index, reduction=reduction
    )
    if num is None:
        return plan.steps
    return tuple(divide(s, num) if s.name == "reduce" else s for s in plan.steps)


def shifted_labels(state: State, ignore_index: int) -> np.ndarray:
    """The labels shifted left by one: those the plan's state holds (a block's rows
    of the whole batch's shift), else shifted here."""
    if "shifted" in state:
        return np.asarray(state["shifted"])
    return shift(np.asarray(state["y_true"]), ignore_index)


def _validate(n_classes: int, ignore_index: int, shifted: Any, rows: bool) -> Step:
    """torch's bounds check, on the labels F.cross_entropy will see.

    ``shifted`` is True (shift the labels), None (the labels as they are) or the
    ``shift_labels`` array given instead; ``rows``: whether the state's rows are
    the examples (2-D logits, the shifted labels in the state).
    """

    def fn(state: State) -> dict[str, Any]:
        if shifted is True:
            y = shifted_labels(state, ignore_index)
        elif shifted is None:
            y = np.asarray(state["y_true"])
        else:
            y = np.asarray(shifted)
        y = y.astype(np.int64)
        bad = (y != ignore_index) & ((y < 0) | (y >= n_classes))
        if np.any(bad):
            raise FrameworkIndexError(f"Target {int(y[bad].flat[0])} is out of bounds.")
        return {}

    if shifted is True:
        what = "the shifted labels"
    else:
        what = "the labels" if shifted is None else "shift_labels"
    return Step(
        "validate",
        f"0 ≤ y < V or y = ignore_index ({ignore_index}), on {what}",
        fn,
        f"{_ops.LOSS_NLL_CPP} nll_loss_out_frame",
        rowwise=rows,
    )


def _flatten(vocab_size: int, ignore_index: int, shifted: Any, rows: bool) -> Step:
    """Shift (causal LM) and flatten: logits (-1, V), labels (-1,)."""

    def fn(state: State) -> dict[str, Any]:
        y = np.asarray(state["y_true"])
        if shifted is True:
            y = shifted_labels(state, ignore_index)
        elif shifted is not None:
            y = shifted
        return {
            "y_true": y.reshape(-1),
            "y_pred": np.asarray(state["y_pred"]).reshape(-1, vocab_size),
        }

    if shifted is True:
        formula = f"labels ← pad(labels, {ignore_index})[..., 1:]; flatten to (-1, V)"
    elif shifted is not None:
        formula = "labels ← shift_labels as given; flatten to (-1, V)"
    else:
        formula = "flatten: logits (-1, V), labels (-1,)"
    return Step("squeeze", formula, fn, SRC, rowwise=rows)


def lm_plan(
    path: str,
    logits: Any,
    labels: Any,
    vocab_size: int,
    num_items_in_batch: Any,
    ignore_index: int,
    shift_labels: Any,
    causal: bool,
    infer_vocab: bool,
) -> tuple[Plan, State]:
    """Plan of ``ForCausalLMLoss`` (``causal``) or ``ForMaskedLMLoss``."""
    fn = path.rsplit(".", 1)[-1]
    x, y = as_torch(logits), as_torch(labels)
    if vocab_size is None and infer_vocab:  # crossent's binder: the last axis
        vocab_size = int(x.shape[-1]) if x.ndim else 1
    num = _num_items(num_items_in_batch)
    given = None if shift_labels is None else as_torch(shift_labels)
    if causal and given is None:
        flat_y = shift(y, ignore_index)
    else:
        flat_y = y if given is None else given
    flat_y = view(flat_y, (-1,), fn)
    flat_x = view(x, (-1, vocab_size), fn)
    dummy = np.broadcast_to(np.float32(0), flat_x.shape)  # only shape and dtype count
    shifted: Any = True if causal and given is None else given
    # 2-D logits with one label per row: the rows are the examples, and a block of
    # them runs on its own once the (cross-row) shift is made, here, for the batch
    rows = x.ndim == 2 and y.ndim == 1 and (shifted is True or shifted is None)
    steps = [
        _validate(int(vocab_size), ignore_index, shifted, rows),
        st.cast(
            np.float32, source=f"{SRC} {fn}", keys=("y_pred",), why="logits.float()"
        ),
        _flatten(int(vocab_size), ignore_index, shifted, rows),
        *(
            s
            for s in cross_entropy_steps(dummy, flat_y, num, ignore_index)
            if s.name != "validate"
        ),
    ]
    options = {
        "vocab_size": vocab_size,
        "num_items_in_batch": num_items_in_batch,
        "ignore_index": ignore_index,
    }
    state = {"y_true": y, "y_pred": x}
    if rows and shifted is True:
        state["shifted"] = view(flat_y, y.shape, fn)
    return Plan(path, tuple(steps), options), state


# --------------------------------------------------------------------------
# the mirrors


@_hf(
    summary="F.cross_entropy(source, target): 'mean' over the non-ignored targets, "
    "or their sum / num_items_in_batch when it is given",
    y_true="target",
    y_pred="source",
    divergences=(NUM_ITEMS, _IGNORE),
)
def fixed_cross_entropy(
    source: Any,
    target: Any,
    num_items_in_batch: Any = None,
    ignore_index: int = -100,
    **kwargs: Any,
) -> tuple[Plan, State]:
    """Mirror of ``transformers.loss.loss_utils.fixed_cross_entropy``.

    ``F.cross_entropy(source, target, ignore_index=ignore_index)`` with
    ``reduction='mean'``, or, when ``num_items_in_batch`` is given, the sum
    divided by it. Extra keywords are swallowed, as transformers does.

    Parameters
    ----------
    source : array_like
        Logits ``(N, C)`` in their own dtype (no upcast here: float16 stays float16).
    target : array_like
        Class indices (int64), or probabilities of the source's shape.
    num_items_in_batch : int, float or array_like, optional
        The token count of the whole gradient-accumulation step. A 0-d float64
        array (a tensor) makes the result float64, as in torch.
    ignore_index : int, default -100

    Returns
    -------
    numpy.ndarray
        A 0-d loss.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.transformers.loss import loss_utils
    >>> z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
    >>> y = np.array([1, 0, -100])
    >>> print(loss_utils.fixed_cross_entropy(z, y).round(4))
    0.7887
    >>> print(loss_utils.fixed_cross_entropy(z, y, num_items_in_batch=4).round(4))
    0.3944
    """
    x, y = as_torch(source), as_torch(target)
    num = _num_items(num_items_in_batch)
    steps = cross_entropy_steps(x, y, num, ignore_index)
    options = {"num_items_in_batch": num_items_in_batch, "ignore_index": ignore_index}
    return Plan(_PATH + "fixed_cross_entropy", steps, options), {
        "y_true": y,
        "y_pred": x,
    }


@_hf(
    defaults={"vocab_size": None, "_infer_vocab": True},
    summary="causal-LM CE: logits upcast to float32, labels shifted left by one "
    "(padded with ignore_index), flattened, then fixed_cross_entropy",
    divergences=(
        _UPCAST,
        Divergence(
            "squeeze",
            "labels[..., 1:] padded on the right with ignore_index: the first "
            "label of each row is never a target and the last position predicts "
            "nothing; the logits are not truncated",
            f"{SRC} ForCausalLMLoss",
        ),
        NUM_ITEMS,
        _IGNORE,
    ),
)
def ForCausalLMLoss(
    logits: Any,
    labels: Any,
    vocab_size: int,
    num_items_in_batch: Any = None,
    ignore_index: int = -100,
    shift_labels: Any = None,
    _infer_vocab: bool = False,
    **kwargs: Any,
) -> tuple[Plan, State]:
    """Mirror of ``transformers.loss.loss_utils.ForCausalLMLoss``.

    Parameters
    ----------
    logits : array_like
        ``(B, T, V)`` (any shape whose size is a multiple of ``vocab_size``).
    labels : array_like
        ``(B, T)`` int64 token ids, ``ignore_index`` where not scored. Position
        ``t`` of the logits is scored against ``labels[..., t + 1]``.
    vocab_size : int
        ``V``; the logits are viewed as ``(-1, V)``.
    num_items_in_batch : int or array_like, optional
        See :func:`fixed_cross_entropy`.
    ignore_index : int, default -100
    shift_labels : array_like, optional
        Labels already shifted (padding-free collators); used as given.

    Returns
    -------
    numpy.ndarray
        A 0-d float32 loss (float64 only for a float64 ``num_items_in_batch``
        tensor).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.transformers.loss import loss_utils
    >>> z = np.float16([[[1, 2, 3], [3, 1, 0], [0, 0, 0]]])
    >>> y = np.array([[2, 1, 0]])
    >>> out = loss_utils.ForCausalLMLoss(z, y, vocab_size=3)
    >>> print(out.dtype, out.round(4))
    float32 0.7887
    """
    return lm_plan(
        _PATH + "ForCausalLMLoss",
        logits,
        labels,
        vocab_size,
        num_items_in_batch,
        ignore_index,
        shift_labels,
        causal=True,
        infer_vocab=_infer_vocab,
    )


@_hf(
    defaults={"vocab_size": None, "_infer_vocab": True},
    summary="masked-LM CE: logits upcast to float32, flattened (no shift), then "
    "fixed_cross_entropy",
    divergences=(_UPCAST, NUM_ITEMS, _IGNORE),
)
def ForMaskedLMLoss(
    logits: Any,
    labels: Any,
    vocab_size: int,
    num_items_in_batch: Any = None,
    ignore_index: int = -100,
    _infer_vocab: bool = False,
    **kwargs: Any,
) -> tuple[Plan, State]:
    """Mirror of ``transformers.loss.loss_utils.ForMaskedLMLoss``.

    As :func:`ForCausalLMLoss` without the shift: ``logits[..., t, :]`` is scored
    against ``labels[..., t]``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks.transformers.loss import loss_utils
    >>> z = np.float32([[[1, 2, 3], [3, 1, 0]]])
    >>> print(loss_utils.ForMaskedLMLoss(z, np.array([[1, -100]]), 3).round(4))
    1.4076
    """
    return lm_plan(
        _PATH + "ForMaskedLMLoss",
        logits,
        labels,
        vocab_size,
        num_items_in_batch,
        ignore_index,
        None,
        causal=False,
        infer_vocab=_infer_vocab,
    )


guard_module(globals(), _PATH, __all__, {"source": CHECKS["logits"]})
