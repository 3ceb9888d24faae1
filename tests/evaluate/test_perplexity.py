"""Every perplexity definition: a hand-computed example, each tool's formula from
its source, and torchmetrics' own ``Perplexity`` where it runs (parity)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossent
from crossent.evaluate import evaluate
from crossent.evaluate._result import REPORTED_BY
from tests.evaluate._data import IGNORE, language_model, token_losses

LN2 = math.log(2)


def _logits_for(nll: np.ndarray) -> np.ndarray:
    """Two-class logits whose loss on class 0 is ``nll``: z = [0, log(e**nll - 1)]."""
    return np.stack([np.zeros_like(nll), np.log(np.expm1(nll))], axis=-1)


# Two documents: 3 tokens of summed loss 0.4, then 5 tokens of 0.3 each (1.5).
NLL = np.array([[0.1, 0.1, 0.2, 9.0, 9.0], [0.3, 0.3, 0.3, 0.3, 0.3]])
TOKENS = np.array([[0, 0, 0, IGNORE, IGNORE], [0, 0, 0, 0, 0]])
WORDS = np.array([2, 4])
BYTES = np.array([10, 21])


@pytest.mark.parametrize("engine", ["exact", "fast"])
def test_each_definition_on_a_hand_computed_example(engine: str) -> None:
    r = evaluate(
        _logits_for(NLL),
        TOKENS,
        ignore_index=IGNORE,
        word_counts=WORDS,
        byte_counts=BYTES,
        engine=engine,  # type: ignore[arg-type]
    )
    total = 0.4 + 1.5
    expected = {
        "count": 8,
        "sequences": 2,
        "words": 6,
        "bytes": 31,
        "total": total,
        "mean": total / 8,
        "perplexity": math.exp(total / 8),
        "bits_per_token": total / 8 / LN2,
        "sequence_mean": (0.4 / 3 + 1.5 / 5) / 2,
        "sequence_perplexity": math.exp((0.4 / 3 + 1.5 / 5) / 2),
        "mean_sequence_perplexity": (math.exp(0.4 / 3) + math.exp(1.5 / 5)) / 2,
        "document_mean": total / 2,
        "document_perplexity": math.exp(total / 2),
        "word_perplexity": math.exp(total / 6),
        "byte_perplexity": math.exp(total / 31),
        "bits_per_byte": total / 31 / LN2,
    }
    got = r.to_dict()
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-13), name


def test_token_mean_against_sequence_means_of_pain_item_25() -> None:
    # docs/mistakes.md item 25 (torcheval#154): 1.2681 for the token mean,
    # 1.2462 for the mean of per-sequence perplexities, as the issue reports.
    nll = np.array([[0.1, 0.1, 0.2, 7.0, 7.0], [0.3] * 5])
    r = evaluate(_logits_for(nll), TOKENS, ignore_index=IGNORE)
    assert round(r.perplexity, 4) == 1.2681
    assert round(r.mean_sequence_perplexity, 4) == 1.2462


def test_word_and_byte_aggregates_need_their_counts() -> None:
    r = evaluate(_logits_for(NLL), TOKENS, ignore_index=IGNORE)
    d = r.to_dict()
    assert "word_perplexity" not in d
    assert "bits_per_byte" not in d
    assert math.isnan(r.word_perplexity)
    assert r.words is None
    only_bytes = evaluate(
        _logits_for(NLL), TOKENS, ignore_index=IGNORE, byte_counts=BYTES
    )
    assert "bits_per_byte" in only_bytes.to_dict()
    assert "word_perplexity" not in only_bytes.to_dict()


# ---------------------------------------------------------------------- formulas


Z, LABELS, WEIGHTS = language_model(rows=25, tokens=8, vocab=17, seed=5)
MASK = (LABELS != IGNORE).astype(np.float64)
NLL_LM = token_losses(Z, LABELS)  # float64 core, ignored tokens 0
RNG = np.random.default_rng(6)
DOC_WORDS = RNG.integers(1, 40, size=len(Z))
DOC_BYTES = DOC_WORDS * 5 + RNG.integers(0, 9, size=len(Z))


def _evaluate_lm() -> crossent.evaluate.Evaluation:
    return evaluate(
        Z,
        LABELS,
        ignore_index=IGNORE,
        word_counts=DOC_WORDS,
        byte_counts=DOC_BYTES,
        engine="exact",
    )


def test_hugging_face_evaluate_mean_perplexity() -> None:
    # huggingface/evaluate metrics/perplexity/perplexity.py (evaluate 0.4.x, main
    # of 2026-04): per sequence exp((nll * attention_mask).sum(1) /
    # attention_mask.sum(1)), then np.mean over the sequences.
    keep = MASK.sum(1) > 0  # a text of no token has no perplexity there
    ppls = np.exp((NLL_LM * MASK).sum(1)[keep] / MASK.sum(1)[keep])
    assert _evaluate_lm().mean_sequence_perplexity == pytest.approx(
        float(np.mean(ppls)), rel=1e-13
    )


def test_lm_eval_harness_aggregations() -> None:
    # EleutherAI/lm-evaluation-harness lm_eval/api/metrics.py (0.4.9): the
    # per-document loglikelihood is the sum of the token log-probabilities;
    # perplexity = exp(-mean(ll)) over documents (loglikelihood tasks);
    # weighted_perplexity = exp(-sum(ll) / sum(words or bytes)) and
    # bits_per_byte = -sum(ll) / sum(bytes) / log(2) (loglikelihood_rolling).
    docs = MASK.sum(1) > 0
    ll = -(NLL_LM * MASK).sum(1)[docs]
    words, nbytes = DOC_WORDS[docs], DOC_BYTES[docs]
    r = _evaluate_lm()
    assert r.document_perplexity == pytest.approx(math.exp(-np.mean(ll)), rel=1e-13)
    # Rows without tokens add no loglikelihood but their counts still add up.
    assert r.words == int(DOC_WORDS.sum())
    assert r.bytes == int(DOC_BYTES.sum())
    all_ll = -(NLL_LM * MASK).sum()
    assert r.word_perplexity == pytest.approx(
        math.exp(-all_ll / DOC_WORDS.sum()), rel=1e-13
    )
    assert r.byte_perplexity == pytest.approx(
        math.exp(-all_ll / DOC_BYTES.sum()), rel=1e-13
    )
    assert r.bits_per_byte == pytest.approx(-all_ll / DOC_BYTES.sum() / LN2, rel=1e-13)
    assert np.sum(words) <= r.words
    assert np.sum(nbytes) <= r.bytes


def test_keras_hub_perplexity_per_batch_averaging() -> None:
    # keras-team/keras-hub keras_hub/src/metrics/perplexity.py: each batch's
    # masked token mean, averaged over batches weighted by the batch's rows.
    # One sequence per batch gives exp(sequence_mean); one batch, the token mean.
    keep = MASK.sum(1) > 0
    per_batch = (NLL_LM * MASK).sum(1)[keep] / MASK.sum(1)[keep]
    r = _evaluate_lm()
    assert r.sequence_perplexity == pytest.approx(
        math.exp(float(np.mean(per_batch))), rel=1e-13
    )
    one_batch = (NLL_LM * MASK).sum() / MASK.sum()
    assert r.perplexity == pytest.approx(math.exp(one_batch), rel=1e-13)


def test_every_named_perplexity_says_who_reports_it() -> None:
    names = set(_evaluate_lm().to_dict())
    for name in (
        "perplexity",
        "sequence_perplexity",
        "mean_sequence_perplexity",
        "document_perplexity",
        "word_perplexity",
        "byte_perplexity",
        "bits_per_byte",
    ):
        assert name in names
        assert name in REPORTED_BY
    text = str(_evaluate_lm())
    assert "torchmetrics" in text
    assert "lm-eval-harness" in text
    assert "Hugging Face evaluate" in text


def test_bad_counts_are_refused() -> None:
    z, kw = _logits_for(NLL), {"ignore_index": IGNORE}
    with pytest.raises(ValueError, match=r"`word_counts` must hold one count per row"):
        evaluate(z, TOKENS, word_counts=np.ones(3, np.int64), **kw)
    with pytest.raises(TypeError, match=r"`byte_counts` must be integer counts"):
        evaluate(z, TOKENS, byte_counts=np.ones(2), **kw)
    with pytest.raises(
        ValueError, match=r"^evaluate: rows 0:2 .*`byte_counts` must be counts >= 0"
    ):
        evaluate(z, TOKENS, byte_counts=np.array([3, -1]), **kw)


# ---------------------------------------------------------------------- parity


@pytest.mark.parity
def test_torchmetrics_perplexity_is_the_token_mean() -> None:
    torch = pytest.importorskip("torch")
    tm = pytest.importorskip("torchmetrics.text")
    z = Z.astype(np.float64)
    metric = tm.Perplexity(ignore_index=IGNORE).set_dtype(torch.float64)
    for a, b in [(0, 9), (9, 25)]:  # torchmetrics accumulates over batches
        metric.update(torch.from_numpy(z[a:b]), torch.from_numpy(LABELS[a:b]))
    expected = float(metric.compute())
    exact = evaluate(z, LABELS, ignore_index=IGNORE, engine="exact")
    assert exact.perplexity == pytest.approx(expected, rel=1e-12)
    fast = evaluate(Z, LABELS, ignore_index=IGNORE)  # float32 logits, the kernels
    bound = 4 * np.finfo(np.float32).eps * (1 + exact.mean)
    assert abs(math.log(fast.perplexity) - math.log(expected)) <= bound + 1e-12
