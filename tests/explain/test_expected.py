"""``explain(..., expected=Y)``: why X and not the number the user expected.

The numbers compared are computed in the test by the mirrors themselves (no digit is
pinned), so the tests hold on any CPU.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossent
from crossent.cli import main

TORCH = "torch.nn.functional.cross_entropy"
LABELS = np.array([3, 0, 2, 1])
LOGITS = np.array(
    [
        [1.25, -0.5, 0.375, 6.5],
        [7.75, 0.125, -1.0, 0.5],
        [0.25, 1.5, 9.0, -2.0],
        [-0.75, 5.5, 0.625, 1.0],
    ]
)


def _value(spec: str, y_pred: np.ndarray) -> float:
    return float(np.asarray(crossent.trace(spec, LABELS, y_pred).value))


def test_a_mean_when_the_user_expected_the_sum() -> None:
    """The reference computes X as it is: the whole gap is what produces Y."""
    z = LOGITS.astype(np.float32)
    mean = _value(TORCH, z)
    total = _value(f"{TORCH}(reduction='sum')", z)
    exp = crossent.explain(LABELS, z, observed=mean, expected=total, against=TORCH)
    assert exp.codes[0] == "reduction"
    assert exp.expected == total
    assert exp.expected_answer is not None
    assert exp.expected_answer.best is not None
    assert "you expected" in exp.summary
    assert exp.to_dict()["expected"] == pytest.approx(total)
    # without `expected` the same question has nothing to explain
    assert crossent.explain(LABELS, z, observed=mean, against=TORCH).codes == ()


def test_half_precision_loss_against_the_same_loss_in_float32() -> None:
    """float16 inputs: the float32 number is the same loss after a cast up.

    Also a regression: a float16 result of 0.0078 once "matched" any number within
    4·eps ≈ 0.004 of it, so the float32 number looked like the float16 one.
    """
    z16 = LOGITS.astype(np.float16)
    half = _value(TORCH, z16)
    single = _value(TORCH, z16.astype(np.float32))
    assert half != single  # float16 rounds the loss (here by about 0.5 %)
    exp = crossent.explain(LABELS, z16, observed=half, expected=single, against=TORCH)
    assert exp.codes[0] == "precision"
    assert "float32" in exp.summary


def test_expected_needs_observed_and_numbers() -> None:
    with pytest.raises(ValueError, match=r"^explain: `expected` is the number"):
        crossent.explain(LABELS, LOGITS, expected=0.5)
    with pytest.raises(ValueError, match=r"^explain: `expected` must be the number"):
        crossent.explain(LABELS, LOGITS, observed=0.5, expected="abc")
    for flag in (True, [True, False]):  # a boolean is no loss value
        with pytest.raises(ValueError, match=r"must be the number"):
            crossent.explain(LABELS, LOGITS, observed=0.5, expected=flag)
        with pytest.raises(ValueError, match=r"must be the number"):
            crossent.explain(LABELS, LOGITS, observed=flag)


def test_huge_numbers_are_answered_not_raised() -> None:
    """1e308 once overflowed the search for a k-fold rescaling (OverflowError)."""
    exp = crossent.explain(LABELS, LOGITS, observed=0.5, expected=1e308)
    assert exp.expected_answer is not None
    assert crossent.explain(LABELS, LOGITS, observed=1e308).answer is not None


def test_cli_expected(capsys: pytest.CaptureFixture[str]) -> None:
    y, z = "[3, 0, 2, 1]", str(LOGITS.tolist())
    z32 = LOGITS.astype(np.float32)
    mean, total = _value(TORCH, z32), _value(f"{TORCH}(reduction='sum')", z32)
    args = ["explain", "--y-true", y, "--y-pred", z, "--dtype", "float32"]
    status = main([*args, "--observed", repr(mean), "--expected", repr(total)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("reduction: ")
    assert "you expected is what" in out.splitlines()[0]
    status = main([*args, "--expected", repr(total)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert "--expected: give --observed" in err[0]


def test_causal_lm_loss_over_the_prompt_when_the_response_alone_was_expected() -> None:
    """labels = input_ids scores the prompt too; the user expected the response only."""
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 5, (2, 6))
    logits = rng.normal(0, 1, (2, 6, 5)).astype(np.float32)
    causal = "transformers.loss.loss_utils.ForCausalLMLoss"
    masked = labels.copy()
    masked[:, :3] = -100  # a 3-token prompt, as a data collator for SFT masks it
    everything = float(np.asarray(crossent.trace(causal, labels, logits).value))
    response = float(np.asarray(crossent.trace(causal, masked, logits).value))
    exp = crossent.explain(
        labels, logits, observed=everything, expected=response, against=causal
    )
    assert exp.codes[0] == "ignore_index"
    assert "(k = 3)" in exp.summary


def test_log_c_expected_as_a_bound() -> None:
    """A binary loss per output above log C is no bug: log C is the categorical loss
    of a uniform prediction, not a bound (when nothing computes it on the inputs)."""
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    p = np.array([[0.05, 0.9, 0.2], [0.85, 0.1, 0.7], [0.3, 0.15, 0.9]])
    bce = "torch.nn.functional.binary_cross_entropy"
    observed = float(np.asarray(crossent.trace(bce, y, p).value))
    exp = crossent.explain(y, p, observed=observed, expected=np.log(3), against=bce)
    assert exp.codes[0] == "magnitude"
    assert "log C" in exp.causes[0].message


def test_one_term_formula_on_a_binary_column() -> None:
    """−Σ y·log p on 0/1 labels gives 0 where scikit-learn's log_loss reads two
    classes (p and 1 − p): the formula family, not precision."""
    y, p = np.zeros(4), np.full(4, 0.5)
    sk = "sklearn.metrics.log_loss"
    expected = float(np.asarray(crossent.trace(sk, y, p, labels=[0, 1]).value))
    exp = crossent.explain(
        y, p, observed=0.0, expected=expected, against=sk, labels=np.array([0, 1])
    )
    assert exp.codes[0] == "binary_vs_categorical"


_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=5),
    st.booleans(),
    st.text(max_size=5),
    st.none(),
)


@settings(max_examples=40, deadline=None)
@given(expected=_NUMBERS)
def test_any_expected_gives_an_answer_or_one_clear_error(expected: object) -> None:
    """Whatever is passed as the expected number: an Explanation, or a ValueError /
    TypeError naming the argument; never another exception."""
    y = np.array([0, 1])
    z = np.array([[2.0, 0.5], [0.1, 1.2]])
    message = ""
    try:
        exp = crossent.explain(y, z, observed=0.3, expected=expected)
    except (ValueError, TypeError) as err:
        message = str(err)
    else:
        assert exp.answer is not None
    assert not message or "`expected`" in message
