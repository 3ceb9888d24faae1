"""Live parity: the transformers mirrors against the installed transformers (5.23.0,
torch 2.13 CPU), and the Trainer model against a real ``Trainer`` run.

Inputs are handed to transformers as torch tensors (``torch.from_numpy``); a
Python number for ``num_items_in_batch`` stays a number. Tolerance: 8·eps(dtype)
relative; same dtype, NaN/inf pattern and exception class.

The Trainer test trains a tiny randomly initialised GPT-2 (built from a config:
nothing is downloaded) for one optimizer step of 2 micro-batches with a zero
learning rate, so the logits the mirror is given (the model's, batch by batch, in
eval mode with dropout 0) are the ones the Trainer computed, and compares the
mirror with ``trainer.state.log_history[0]["loss"]``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("accelerate")

from transformers.loss import loss_utils as real  # noqa: E402

from crossent.frameworks.transformers import trainer as trainer_mirror  # noqa: E402
from crossent.frameworks.transformers.loss import loss_utils as mirror  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(17)


def native(v: Any) -> Any:
    return torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v


def run_real(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    try:
        out = getattr(real, name)(
            *map(native, args), **{k: native(v) for k, v in kwargs.items()}
        )
    except Exception as err:  # transformers' exception is the expectation
        return err
    return out.detach().numpy()


def check(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    theirs = run_real(name, args, kwargs)
    if isinstance(theirs, Exception):
        with pytest.raises(type(theirs)):
            getattr(mirror, name)(*args, **kwargs)
        return
    ours = getattr(mirror, name)(*args, **kwargs)
    assert ours.dtype == theirs.dtype, (name, ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    eps = float(np.finfo(theirs.dtype).eps)
    np.testing.assert_allclose(
        ours.astype(np.float64), theirs.astype(np.float64), rtol=8 * eps, atol=0
    )


def _lm(b: int, t: int, v: int, dtype: Any, ignored: float = 0.3) -> tuple[Any, Any]:
    z = (RNG.standard_normal((b, t, v)) * 3).astype(dtype)
    y = RNG.integers(0, v, (b, t))
    y[RNG.random((b, t)) < ignored] = -100
    return z, y


NUMS: list[Any] = [
    None,
    11,
    0,
    7.5,
    np.array(11),
    np.array(11.0),
    np.array(9.0, np.float32),
]


@pytest.mark.parametrize("num", NUMS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_causal_lm_loss(num: Any, dtype: Any) -> None:
    z, y = _lm(3, 7, 11, dtype)
    check("ForCausalLMLoss", [z, y, 11], {"num_items_in_batch": num})
    check("ForMaskedLMLoss", [z, y, 11], {"num_items_in_batch": num})


@pytest.mark.parametrize("num", NUMS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_fixed_cross_entropy(num: Any, dtype: Any) -> None:
    z, y = _lm(1, 9, 5, dtype)
    check("fixed_cross_entropy", [z[0], y[0]], {"num_items_in_batch": num})
    check(
        "fixed_cross_entropy",
        [z[0], y[0]],
        {"num_items_in_batch": num, "ignore_index": 2},
    )


def test_edge_cases_and_errors() -> None:
    z, y = _lm(2, 5, 4, np.float32)
    check("ForCausalLMLoss", [z, np.full((2, 5), -100), 4], {})  # NaN
    check("ForCausalLMLoss", [z, np.full((2, 5), -100), 4], {"num_items_in_batch": 3})
    check("ForCausalLMLoss", [z, y, 4], {"shift_labels": y})
    check("ForCausalLMLoss", [z, y, 4], {"label_smoothing": 0.3, "reduction": "none"})
    check("ForCausalLMLoss", [z, y, 5], {})  # view fails: RuntimeError
    check("ForCausalLMLoss", [z.reshape(2, 10, 2), y, 2], {})  # batch mismatch
    check("ForCausalLMLoss", [z, y.astype(np.int32), 4], {})  # int32 labels
    bad = y.copy()
    bad[0, 0] = 99  # position 0 is never a target: no error
    check("ForCausalLMLoss", [z, bad, 4], {})
    bad[0, 2] = 99
    check("ForCausalLMLoss", [z, bad, 4], {})  # IndexError
    check("ForMaskedLMLoss", [z, bad, 4], {})
    check("ForCausalLMLoss", [z[0, 0], np.array(3), 4], {})  # 0-d labels


# ---------------------------------------------------------------------------
# the Trainer


def _trainer_loss(
    ids: np.ndarray, labels: np.ndarray, steps: int, accepts: bool, loss_type: Any
) -> tuple[float, np.ndarray]:
    """The loss a real Trainer logs, and the model's logits for the same rows."""
    import tempfile

    from torch.utils.data import Dataset, SequentialSampler
    from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainingArguments

    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=13,
        n_positions=16,
        n_embd=8,
        n_layer=1,
        n_head=2,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=0,
        eos_token_id=0,
    )
    model = GPT2LMHeadModel(config)
    # what a model whose class name says ForCausalLM (LlamaForCausalLM) gets
    model.loss_type = loss_type

    class Rows(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return len(ids)

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {
                "input_ids": torch.tensor(ids[i]),
                "labels": torch.tensor(labels[i]),
            }

    class InOrder(Trainer):
        def _get_train_sampler(self, *args: Any, **kwargs: Any) -> Any:
            return SequentialSampler(self.train_dataset)

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out,
            per_device_train_batch_size=len(ids) // steps,
            gradient_accumulation_steps=steps,
            learning_rate=0.0,
            max_steps=1,
            logging_steps=1,
            report_to=[],
            use_cpu=True,
            save_strategy="no",
            disable_tqdm=True,
            dataloader_num_workers=0,
        )
        trainer = InOrder(model=model, args=args, train_dataset=Rows())
        trainer.model_accepts_loss_kwargs = accepts
        trainer.train()
        logged = next(h["loss"] for h in trainer.state.log_history if "loss" in h)
    model.eval()
    with torch.no_grad():
        logits = model(input_ids=torch.tensor(ids)).logits.numpy()
    return float(logged), logits


@pytest.mark.parametrize("loss_type", ["ForCausalLM", None])
@pytest.mark.parametrize("accepts", [True, False])
def test_trainer_logged_loss(accepts: bool, loss_type: Any) -> None:
    # GPT2LMHeadModel's loss_type is None (its class name names no loss): the
    # Trainer does not know that the loss shifts the labels and counts them
    # unshifted (5.23.0)
    ids = RNG.integers(0, 13, (4, 6))
    labels = ids.copy()
    labels[0, 2:] = -100  # micro-batch 1 scores far fewer tokens than micro-batch 2
    labels[1, 3:] = -100
    logged, logits = _trainer_loss(ids, labels, 2, accepts, loss_type)
    ours = trainer_mirror.logged_loss(
        logits,
        labels,
        gradient_accumulation_steps=2,
        version=transformers.__version__,
        model_accepts_loss_kwargs=accepts,
        count_shifted=None if loss_type else False,
    )
    assert math.isclose(float(ours), logged, rel_tol=1e-5), (float(ours), logged)
    # and the other normalisations give other numbers here
    other = trainer_mirror.logged_loss(
        logits, labels, gradient_accumulation_steps=2, version="4.45.2"
    )
    if accepts:
        assert not math.isclose(float(other), logged, rel_tol=1e-3)
