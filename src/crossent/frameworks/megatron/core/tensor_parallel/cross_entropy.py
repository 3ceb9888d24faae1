"""Mirror of ``megatron.core.tensor_parallel.cross_entropy.vocab_parallel_cross_entropy``
(Megatron-LM core 0.x; from its source, not run: Megatron needs a distributed
process group).

Source: NVIDIA/Megatron-LM ``megatron/core/tensor_parallel/cross_entropy.py``
(``VocabParallelCrossEntropy.calculate_logits_max``,
``calculate_predicted_logits``, ``calculate_cross_entropy_loss`` and
``_VocabParallelCrossEntropy.forward``). Modelled for one tensor-parallel rank
holding the whole vocabulary (``tp_group`` of size 1): the all-reduces are
identities. In float32 (``.float()``):

* ``m = max z``, ``z ← z − m``; a target outside ``[0, V)`` is *masked*, its
  predicted logit 0: there is no ignore index, and −100 costs ``log Σ e^{z−m}``;
* ``loss = log Σ e^{z−m} − (z_y − m)``;
* with ``label_smoothing = α``: ``s = α·V/(V − 1)`` and
  ``loss = (1 − s)·loss − s·mean_c log(softmax_c)``, the log of the normalised
  probabilities (an underflowed probability gives −inf, so the loss is inf).
  This is NeMo's smoothing, α spread over the V − 1 other classes; PyTorch's
  ``label_smoothing`` would need ``α·V/(V − 1)`` to give the same number. With
  TP > 1, V and the mean are each rank's partition, so the smoothed loss differs
  from rank to rank and from this one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._guard import CHECKS, guard_module
from crossent.frameworks._convert import as_torch
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.torch import _ops

__all__ = ["vocab_parallel_cross_entropy"]

SRC = "megatron/core/tensor_parallel/cross_entropy.py"
_PATH = "megatron.core.tensor_parallel.cross_entropy.vocab_parallel_cross_entropy"


def _activation() -> Step:
    def fn(state: State) -> dict[str, Any]:
        z = state["y_pred"]
        sh = z - np.max(z, axis=-1, keepdims=True)
        e = np.exp(sh)
        total = _ops.torch_sum(e, -1)
        return {"shifted": sh, "sum_exp": total, "y_pred": e / total[..., None]}

    return Step(
        "activation",
        "z ← z − max z; Σ e^z; p ← e^z / Σ e^z",
        fn,
        f"{SRC} calculate_predicted_logits, calculate_cross_entropy_loss",
    )


def _log(smoothing: bool) -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"log_p": np.log(state["y_pred"])} if smoothing else {}

    return Step(
        "log", "log p ← log(p) (normalised probabilities)", fn, f"{SRC} forward"
    )


def _terms(n_classes: int) -> Step:
    def fn(state: State) -> dict[str, Any]:
        t = np.asarray(state["y_true"]).astype(np.int64)
        masked = (t < 0) | (t >= n_classes)
        idx = np.where(masked, 0, t)
        sh = state["shifted"]
        picked = np.take_along_axis(sh, idx[..., None], axis=-1)[..., 0]
        picked = np.where(masked, np.zeros((), sh.dtype), picked)
        return {"loss": (np.log(state["sum_exp"]) - picked).astype(sh.dtype)}

    return Step(
        "terms",
        "ℓ ← log Σ e^z − z_y (z_y = 0 for a target outside [0, V))",
        fn,
        f"{SRC} calculate_predicted_logits",
    )


def _smooth_mix(alpha: float, n_classes: int) -> Step:
    s = alpha * n_classes / (n_classes - 1)

    def fn(state: State) -> dict[str, Any]:
        loss, log_p = state["loss"], state["log_p"]
        mean = (_ops.torch_sum(log_p, -1) / np.float32(n_classes)).astype(np.float32)
        return {
            "value": (np.float32(1.0 - s) * loss - np.float32(s) * mean).astype(
                np.float32
            )
        }

    return Step(
        "class_reduce",
        f"ℓ ← (1 − s)·ℓ − s·mean_c log p_c, s = {alpha:g}·{n_classes}/{n_classes - 1}",
        fn,
        f"{SRC} forward (NeMo smoothed_cross_entropy)",
    )


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        value = state["value"] if "value" in state else state["loss"]
        return {"value": np.asarray(value, np.float32)}

    return Step("output", "per-token float32 losses, the target's shape", fn, SRC)


@Mirror(
    framework="megatron",
    versions="Megatron-LM core (tensor_parallel/cross_entropy.py, read at "
    "00611e6e), one tensor-parallel rank; from source, not run",
    reference="https://github.com/NVIDIA/Megatron-LM/blob/main/" + SRC,
    summary="float32 softmax CE per token, targets outside the vocabulary masked "
    "to a 0 logit; smoothing α·V/(V − 1) over the other classes (NeMo)",
    expects="logits",
    labels="integer",
    y_true="target",
    y_pred="vocab_parallel_logits",
    hidden=("tp_group",),
    divergences=(
        Divergence(
            "class_reduce",
            "label smoothing s = α·V/(V − 1): α spread over the V − 1 other classes "
            "(PyTorch spreads α/V over all V); V and the mean are per partition",
            f"{SRC} _VocabParallelCrossEntropy.forward",
        ),
        Divergence(
            "terms",
            "no ignore index: a target outside [0, V) (−100 included) gets a 0 "
            "logit, costing log Σ e^{z − max z}",
            f"{SRC} calculate_predicted_logits",
        ),
        Divergence(
            "log",
            "smoothing takes log of the normalised probabilities: an underflowed "
            "class gives −inf and the loss inf",
            f"{SRC} _VocabParallelCrossEntropy.forward",
        ),
    ),
    options={"label_smoothing": (0.0, 0.1)},
)
def vocab_parallel_cross_entropy(
    vocab_parallel_logits: Any,
    target: Any,
    label_smoothing: float = 0.0,
    tp_group: Any = None,
) -> tuple[Plan, State]:
    """Mirror of Megatron's ``vocab_parallel_cross_entropy`` (one TP rank).

    Parameters
    ----------
    vocab_parallel_logits : array_like
        ``(S, B, V)`` (any leading shape) logits; computed in float32.
    target : array_like
        Token ids of the leading shape.
    label_smoothing : float, default 0.0
        In ``[0, 1)``; Megatron asserts it (here a ValueError).
    tp_group : None
        Only one rank is modelled.

    Returns
    -------
    numpy.ndarray
        Per-token float32 losses (no reduction).

    Examples
    --------
    Smoothing α = 0.1 over V = 3 classes is PyTorch's label_smoothing 0.15:

    >>> import numpy as np
    >>> from crossent.frameworks.megatron.core.tensor_parallel import cross_entropy as ce
    >>> z = np.float32([[1, 2, 3]])
    >>> print(ce.vocab_parallel_cross_entropy(z, np.array([2]), 0.1).round(4))
    [0.5576]
    """
    if tp_group is not None:
        raise ValueError(
            f"{_PATH}: `tp_group` must be None (one tensor-parallel rank is modelled)"
        )
    x = np.asarray(as_torch(vocab_parallel_logits))
    # bfloat16 (ml_dtypes, kind "V") is Megatron's usual logits dtype
    numeric = x.dtype.kind in "fiub" or x.dtype.name == "bfloat16"
    if not numeric or x.ndim < 1:
        raise TypeError(f"{_PATH}: `vocab_parallel_logits` must be a float tensor")
    x = x.astype(np.float32)
    t = np.asarray(as_torch(target))
    if t.shape != x.shape[:-1]:
        raise ValueError(
            f"{_PATH}: `target` must have the logits' shape without the vocabulary "
            f"axis {x.shape[:-1]}; got {t.shape}"
        )
    alpha = float(label_smoothing)
    smoothing = alpha > 0
    if smoothing and not alpha < 1.0:
        raise ValueError(
            f"{_PATH}: `label_smoothing` must be in [0, 1) (Megatron asserts "
            f"1.0 > label_smoothing > 0.0); got {alpha}"
        )
    n_classes = x.shape[-1]
    steps = [_activation(), _log(smoothing), _terms(n_classes)]
    if smoothing:
        steps.append(_smooth_mix(alpha, n_classes))
    steps.append(_output())
    return Plan(_PATH, tuple(steps), {"label_smoothing": alpha}), {
        "y_true": t,
        "y_pred": x,
    }


guard_module(
    globals(),
    "megatron.core.tensor_parallel.cross_entropy.",
    __all__,
    {"vocab_parallel_logits": CHECKS["logits"]},
)
