"""The transformers mirrors: loss_utils and the Trainer's logged loss (issue #17).

Expected numbers were printed by transformers 5.23.0 with torch 2.13.0+cpu
(``.venv-parity``) on the inputs written here; the live comparison is in
tests/parity/test_transformers.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.errors import FrameworkIndexError, FrameworkRuntimeError
from crossent.frameworks.transformers import trainer
from crossent.frameworks.transformers.loss import loss_utils as L

Z = np.float32([[[1, 2, 3], [3, 1, 0], [0, 0, 0], [2, -1, 0.5]]])
Y = np.array([[2, 1, -100, 0]])


def test_numbers_of_transformers_5_23() -> None:
    # transformers 5.23.0: ForCausalLMLoss(z, y, 3) = 1.253109097480774,
    # num_items_in_batch=5 → 0.5012436509132385, ForMaskedLMLoss → 0.9395877718925476
    assert float(L.ForCausalLMLoss(Z, Y, 3)) == pytest.approx(
        1.253109097480774, rel=1e-6
    )
    assert float(L.ForCausalLMLoss(Z, Y, 3, num_items_in_batch=5)) == pytest.approx(
        0.5012436509132385, rel=1e-6
    )
    assert float(L.ForMaskedLMLoss(Z, Y, 3)) == pytest.approx(
        0.9395877718925476, rel=1e-6
    )
    # float64 0-d num_items_in_batch tensor: a float64 result 0.9395877520243326
    out = L.fixed_cross_entropy(Z[0], Y[0], np.array(3.0))
    assert out.dtype == np.float64
    assert float(out) == pytest.approx(0.9395877520243326, rel=1e-6)


def test_dtypes() -> None:
    # ForCausalLMLoss upcasts float16 logits; fixed_cross_entropy keeps float16
    assert L.ForCausalLMLoss(Z.astype(np.float16), Y, 3).dtype == np.float32
    assert L.ForCausalLMLoss(Z.astype(np.float64), Y, 3).dtype == np.float32
    assert (
        L.fixed_cross_entropy(Z[0].astype(np.float16), Y[0], np.array(3)).dtype
        == np.float16
    )
    assert L.fixed_cross_entropy(Z[0], Y[0], 3).dtype == np.float32


def test_num_items_in_batch_replaces_the_mean() -> None:
    ignored = np.full(4, -100)
    assert np.isnan(L.fixed_cross_entropy(Z[0], ignored))  # mean of nothing
    assert float(L.fixed_cross_entropy(Z[0], ignored, 3)) == 0.0  # 0 / 3
    assert np.isinf(L.fixed_cross_entropy(Z[0], Y[0], 0))
    total = float(L.fixed_cross_entropy(Z[0], Y[0], 1))
    mean = float(L.fixed_cross_entropy(Z[0], Y[0]))
    assert total == pytest.approx(3 * mean, rel=1e-6)  # 3 scored labels


def test_shift_and_errors() -> None:
    # labels[..., 0] is never a target: an out-of-range first label passes
    bad = Y.copy()
    bad[0, 0] = 99
    assert float(L.ForCausalLMLoss(Z, bad, 3)) == float(L.ForCausalLMLoss(Z, Y, 3))
    with pytest.raises(FrameworkIndexError, match="Target 99 is out of bounds"):
        L.ForMaskedLMLoss(Z, bad, 3)
    with pytest.raises(FrameworkRuntimeError, match=r"shape '\[-1, 5\]' is invalid"):
        L.ForCausalLMLoss(Z, Y, 5)
    with pytest.raises(FrameworkRuntimeError, match="Long"):
        L.ForCausalLMLoss(Z, Y.astype(np.int32), 3)
    # shift_labels given: used as they are
    given = np.array([[1, -100, 0, -100]])
    assert float(L.ForCausalLMLoss(Z, Y, 3, shift_labels=given)) == float(
        L.ForMaskedLMLoss(Z, given, 3)
    )
    # extra keywords are swallowed, as transformers does
    assert float(L.ForCausalLMLoss(Z, Y, 3, label_smoothing=0.5)) == float(
        L.ForCausalLMLoss(Z, Y, 3)
    )


def test_plans_are_named_steps() -> None:
    impl = crossent.frameworks.get("transformers.loss.loss_utils.ForCausalLMLoss")
    plan, _ = impl.bind(Y, Z, num_items_in_batch=5)
    assert plan.names == (
        "validate",
        "cast",
        "squeeze",
        "activation",
        "terms",
        "ignore",
        "reduce",
        "output",
    )
    assert "num_items_in_batch" in plan.step("reduce").formula  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# the Trainer model

RNG = np.random.default_rng(3)
LOGITS = RNG.standard_normal((4, 6, 5)).astype(np.float32)
LABELS = RNG.integers(0, 5, (4, 6))
LABELS[0, 2:] = -100
LABELS[1, 4:] = -100


def _logged(**kw: object) -> float:
    return float(
        trainer.logged_loss(LOGITS, LABELS, gradient_accumulation_steps=2, **kw)
    )  # type: ignore[arg-type]


def test_regimes_by_version() -> None:
    assert trainer.regime("4.45.2", True, True) == "micro_mean"
    assert trainer.regime("4.46.3", False, True) == "micro_sum"
    assert trainer.regime("4.48.0", False, True) == "micro_mean"
    assert trainer.regime("5.9.0", True, True) == "token_mean_labels"
    assert trainer.regime("5.10.1", True, True) == "token_mean"
    assert trainer.regime("5.23.0", True, False) == "token_mean_labels"
    with pytest.raises(ValueError, match="`version`"):
        trainer.regime("latest", True, True)


def test_the_normalisations_are_what_they_say() -> None:
    first = float(L.ForCausalLMLoss(LOGITS[:2], LABELS[:2], 5))
    second = float(L.ForCausalLMLoss(LOGITS[2:], LABELS[2:], 5))
    whole = float(L.ForCausalLMLoss(LOGITS, LABELS, 5))
    assert _logged(version="4.45.2") == pytest.approx((first + second) / 2, rel=1e-6)
    assert _logged(version="4.46.3", model_accepts_loss_kwargs=False) == pytest.approx(
        first + second, rel=1e-6
    )
    assert _logged(version="5.23.0") == pytest.approx(whole, rel=1e-6)  # token mean
    counted = int((LABELS != -100).sum())
    scored = int((LABELS[:, 1:] != -100).sum())
    assert _logged(version="5.9.0") == pytest.approx(whole * scored / counted, rel=1e-6)
    # one micro-batch: every version logs the token mean of the batch
    for version in ("4.45.2", "5.23.0"):
        one = float(trainer.logged_loss(LOGITS, LABELS, version=version))
        assert one == pytest.approx(whole, rel=1e-6)


def test_trainer_errors() -> None:
    with pytest.raises(ValueError, match="`gradient_accumulation_steps`"):
        trainer.logged_loss(LOGITS, LABELS, gradient_accumulation_steps=3)
    with pytest.raises(ValueError, match="`gradient_accumulation_steps`"):
        trainer.logged_loss(LOGITS, LABELS, gradient_accumulation_steps=0)


def test_identify_names_the_normalisation() -> None:
    observed = _logged(version="4.45.2")
    found = crossent.identify(LABELS, LOGITS, observed)
    paths = [(m.spec.path, m.spec.options.get("version")) for m in found]
    assert ("transformers.trainer.logged_loss", "4.45.2") in paths
