"""A model of the loss ``transformers.Trainer`` logs under gradient accumulation.

Not a transformers function: ``logged_loss`` reproduces the number the Trainer
writes as ``{'loss': ...}`` for one optimizer step of ``gradient_accumulation_steps``
micro-batches (``logging_steps=1``, one device), from the logits and labels of
the whole step, for the transformers version given. The version decides the
normalisation (``src/transformers/trainer.py``, ``training_step``,
``_get_num_items_in_batch``):

* **before 4.46** — each micro-batch returns its own token mean, divided by the
  number of accumulation steps: the log is the *mean of micro-batch means*, which
  depends on how the tokens fall into micro-batches (the gradient-accumulation
  bug);
* **4.46 on, model accepts loss kwargs** — the Trainer counts the labels that are
  not −100 over the whole step (``num_items_in_batch``) and every micro-batch
  returns its *sum* divided by that count: the log is the *token mean* of the
  step. Until 5.10 the count includes each row's first label, which a causal LM
  never scores (PR #46204, in 5.10.1), so the log is slightly below the token
  mean;
* **4.46–4.47, model without loss kwargs** — the count is still made, so the
  micro-batch mean is not divided by the number of steps: the log is the *sum*
  of the micro-batch means (issue #35204; fixed by PR #35207 in 4.48);
* **4.48 on, model without loss kwargs** — the mean of micro-batch means again.

A logging interval of several optimizer steps logs the mean of these numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent._core._guard import guard_module
from crossent.errors import FrameworkIndexError
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_torch
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.torch import _ops
from crossent.frameworks.torch._nll import plan_cross_entropy
from crossent.frameworks.transformers.loss.loss_utils import (
    SRC,
    shift,
    shifted_labels,
    view,
)

__all__ = ["logged_loss"]

_TRAINER = "src/transformers/trainer.py"
_PATH = "transformers.trainer.logged_loss"

#: The regimes, by name: what the logged number is.
REGIMES = {
    "micro_mean": "mean over micro-batches of each micro-batch's token mean",
    "micro_sum": "sum over micro-batches of each micro-batch's token mean",
    "token_mean": "Σ token losses / #labels ≠ −100 of the step (shifted count)",
    "token_mean_labels": "Σ token losses / #labels ≠ −100 of the step, first "
    "label of each row counted",
}


def parse_version(version: str) -> tuple[int, ...]:
    """``"4.46.3"`` → ``(4, 46, 3)``; a ValueError naming the argument otherwise."""
    try:
        parts = tuple(int(p) for p in str(version).split(".")[:3])
    except ValueError:
        parts = ()
    if not parts or not isinstance(version, str):
        raise ValueError(
            f"{_PATH}: `version` must be a transformers version such as '4.45.2' "
            f"or '5.23.0'; got {version!r}"
        )
    return parts + (0,) * (3 - len(parts))


def regime(
    version: str,
    model_accepts_loss_kwargs: bool,
    causal: bool,
    count_shifted: bool | None = None,
) -> str:
    """The normalisation the Trainer of ``version`` logs (see the module doc)."""
    v = parse_version(version)
    if v < (4, 46, 0):
        return "micro_mean"
    if model_accepts_loss_kwargs:
        if count_shifted is None:
            count_shifted = causal and v >= (5, 10, 1)
        return "token_mean" if count_shifted else "token_mean_labels"
    return "micro_sum" if v < (4, 48, 0) else "micro_mean"


def _micro_batches(labels: np.ndarray, steps: Any) -> np.ndarray:
    """The micro-batch of each row: rows split in ``steps`` consecutive groups."""
    rows = labels.shape[0] if labels.ndim >= 2 else 1
    if (
        isinstance(steps, (bool, np.bool_))
        or not isinstance(steps, (int, np.integer))
        or steps < 1
    ):
        raise ValueError(
            f"{_PATH}: `gradient_accumulation_steps` must be a positive int; got "
            f"{steps!r}"
        )
    if rows % steps:
        raise ValueError(
            f"{_PATH}: `gradient_accumulation_steps` ({steps}) must divide the "
            f"number of rows ({rows}): each micro-batch holds the same number"
        )
    return np.repeat(np.arange(steps), rows // steps)


def _reduce(
    name: str, steps: int, micro: np.ndarray, counts: np.ndarray, tokens: int
) -> Step:
    """Per micro-batch: torch's sum or mean; then the Trainer's accumulation."""

    def fn(state: State) -> dict[str, Any]:
        loss, mask = state["loss"], state["mask"]
        dt = loss.dtype
        per_token = np.repeat(micro, tokens)
        tr_loss = np.float32(0.0)
        for k in range(steps):
            mine = per_token == k
            values = loss[mine]
            kept = np.flatnonzero(mask[mine])
            total = _ops.cascade_sum(values[kept], kept) if values.size else dt.type(0)
            if name in ("token_mean", "token_mean_labels"):
                step = np.asarray(total, dt) / dt.type(counts.sum())
            else:
                mean = np.asarray(total, dt) / dt.type(kept.size)
                step = mean if name == "micro_sum" else mean / dt.type(steps)
            tr_loss = np.float32(tr_loss + np.float32(step))
        return {"value": np.float64(tr_loss)}

    return Step(
        "reduce",
        f"logged = {REGIMES[name]} ({steps} micro-batch{'es' if steps > 1 else ''})",
        fn,
        f"{_TRAINER} training_step, _get_num_items_in_batch",
    )


def _output() -> Step:
    def fn(state: State) -> dict[str, Any]:
        return {"value": np.asarray(state["value"], np.float64)}

    return Step("output", "tr_loss.item(): a Python float", fn, _TRAINER)


@Mirror(
    framework="transformers",
    versions="transformers.Trainer 4.0–5.23 (a model; run against 5.23.0)",
    reference="https://github.com/huggingface/transformers/blob/main/" + _TRAINER,
    summary="the loss transformers.Trainer logs for one optimizer step of "
    "gradient_accumulation_steps micro-batches, by version",
    expects="logits",
    labels="integer",
    y_true="labels",
    y_pred="logits",
    divergences=(
        Divergence(
            "reduce",
            "before 4.46 (and without loss kwargs from 4.48): the mean of the "
            "micro-batch means, not the token mean; 4.46–4.47 without loss "
            "kwargs: their sum (gradient_accumulation_steps times too large)",
            f"{_TRAINER} training_step",
        ),
        Divergence(
            "reduce",
            "4.46–5.9 with loss kwargs: Σ loss / #labels ≠ −100 counting each "
            "row's first label, which a causal LM never scores",
            f"{_TRAINER} _get_num_items_in_batch",
        ),
    ),
    options={
        "version": ("4.45.2", "4.46.3", "5.9.0", "5.23.0"),
        "model_accepts_loss_kwargs": (True, False),
        "gradient_accumulation_steps": (1, 2, 4, 8),
    },
    # they choose how the step's token losses are counted and averaged
    reduce_options=(
        "version",
        "model_accepts_loss_kwargs",
        "gradient_accumulation_steps",
    ),
)
def logged_loss(
    logits: Any,
    labels: Any,
    vocab_size: int | None = None,
    gradient_accumulation_steps: int = 1,
    version: str = "5.23.0",
    model_accepts_loss_kwargs: bool = True,
    causal: bool = True,
    count_shifted: bool | None = None,
    ignore_index: int = -100,
) -> tuple[Plan, State]:
    """The loss ``transformers.Trainer`` logs for one optimizer step (a model).

    Parameters
    ----------
    logits : array_like
        ``(R, T, V)``: the model's logits for the ``R`` rows of the whole step,
        micro-batch after micro-batch.
    labels : array_like
        ``(R, T)`` int64 labels, −100 where not scored.
    vocab_size : int, optional
        ``V`` (the logits' last axis by default).
    gradient_accumulation_steps : int, default 1
        The rows are split into this many consecutive micro-batches of equal size.
    version : str, default "5.23.0"
        The transformers version whose Trainer is modelled.
    model_accepts_loss_kwargs : bool, default True
        Whether the model's ``forward`` takes ``num_items_in_batch`` (most causal
        LMs of transformers do; a custom model often does not).
    causal : bool, default True
        ``ForCausalLMLoss`` (shifted labels) or ``ForMaskedLMLoss``.
    count_shifted : bool, optional
        Whether ``num_items_in_batch`` counts ``labels[..., 1:]``. By default as
        the version does for a causal LM (from 5.10.1); the Trainer only does so
        when the model's ``loss_type`` maps to ``ForCausalLMLoss`` — a model
        whose class name does not say ``ForCausalLM`` (``GPT2LMHeadModel``) and
        whose config sets no ``loss_type`` is counted unshifted even in 5.23.
    ignore_index : int, default -100
        The loss' ignore index (the Trainer's count always uses −100).

    Returns
    -------
    numpy.ndarray
        A 0-d float64: the float32 accumulator read as a Python float.

    Examples
    --------
    Two micro-batches, one with one scored token, one with three: with
    a = log(1 + 2e⁻⁴) and b = 4 + a, the token mean (3a + b)/4 against the mean
    of the two means (a + (2a + b)/3)/2.

    >>> import numpy as np
    >>> from crossent.frameworks.transformers import trainer
    >>> z = np.zeros((2, 4, 3), np.float32)
    >>> z[0, 0, 1] = z[1, :, 2] = 4.0
    >>> y = np.array([[0, 1, -100, -100], [0, 2, 2, 0]])
    >>> new = trainer.logged_loss(z, y, gradient_accumulation_steps=2)
    >>> old = trainer.logged_loss(z, y, gradient_accumulation_steps=2, version="4.45.2")
    >>> print(f"{new:.4f} {old:.4f}")
    1.0360 0.7026
    """
    x, y = as_torch(logits), as_torch(labels)
    v = int(x.shape[-1]) if vocab_size is None and x.ndim else vocab_size
    name = regime(
        version,
        bool(model_accepts_loss_kwargs),
        bool(causal),
        None if count_shifted is None else bool(count_shifted),
    )
    micro = _micro_batches(y, gradient_accumulation_steps)
    flat_y = view(shift(y, ignore_index) if causal else y, (-1,), "logged_loss")
    flat_x = view(x, (-1, v), "logged_loss")
    tokens = flat_y.size // max(micro.size, 1)
    if micro.size * tokens != flat_y.size or flat_x.shape[0] != flat_y.size:
        raise ValueError(
            f"{_PATH}: `logits` {x.shape} and `labels` {y.shape} do not hold one "
            "row of logits per label"
        )
    counted = y[..., 1:] if name == "token_mean" else y
    rows = counted.reshape(micro.size, -1) if counted.ndim >= 2 else counted[None]
    counts = np.array([(row != -100).sum() for row in rows], np.int64)
    torch_plan, _ = plan_cross_entropy(
        flat_y,
        np.broadcast_to(np.float32(0), flat_x.shape),
        ignore_index=ignore_index,
        reduction="none",
    )

    # 2-D logits with one label per row: the rows are the examples, and a block of
    # them runs on its own once the (cross-row) shift is made, here, for the batch
    rows = x.ndim == 2 and y.ndim == 1

    def labels_seen(state: State) -> np.ndarray:
        if causal:
            return shifted_labels(state, ignore_index)
        return np.asarray(state["y_true"])

    def validate(state: State) -> dict[str, Any]:
        lab = labels_seen(state).astype(np.int64)
        bad = (lab != ignore_index) & ((lab < 0) | (lab >= flat_x.shape[1]))
        if np.any(bad):
            raise FrameworkIndexError(
                f"Target {int(lab[bad].flat[0])} is out of bounds."
            )
        return {}

    def flatten(state: State) -> dict[str, Any]:
        return {
            "y_true": labels_seen(state).reshape(-1),
            "y_pred": np.asarray(state["y_pred"]).reshape(-1, flat_x.shape[1]),
        }

    steps = [
        Step(
            "validate",
            "0 ≤ y < V or ignored",
            validate,
            f"{SRC} ForCausalLMLoss",
            rowwise=rows,
        ),
        st.cast(np.float32, source=f"{SRC} ForCausalLMLoss", keys=("y_pred",)),
        Step(
            "squeeze",
            "labels shifted (causal) and flattened, per micro-batch",
            flatten,
            f"{SRC} ForCausalLMLoss",
            rowwise=rows,
        ),
        *(s for s in torch_plan.steps if s.name in ("activation", "terms", "ignore")),
        _reduce(name, int(gradient_accumulation_steps), micro, counts, tokens),
        _output(),
    ]
    options = {
        "version": version,
        "model_accepts_loss_kwargs": model_accepts_loss_kwargs,
        "gradient_accumulation_steps": gradient_accumulation_steps,
        "regime": name,
    }
    state = {"y_true": y, "y_pred": x}
    if rows and causal:
        state["shifted"] = flat_y
    return Plan(_PATH, tuple(steps), options), state


guard_module(globals(), "transformers.trainer.", __all__)
