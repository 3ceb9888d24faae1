"""The numbers of the seed questions (docs/seeds), computed by the core.

Expected values are the ones TensorFlow printed in the seed threads (provenance: the
seed files; TF 1.x/2.x eager output, float64 inputs), checked here to float64 rounding.
"""

import numpy as np

import crossent

SEED_003_LOGITS = np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]])
SEED_003_LABELS = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


def test_seed_003_softmax_cross_entropy() -> None:
    # seed 003: tf.nn.softmax_cross_entropy_with_logits_v2 printed [0.4790107 1.19967598]
    out = crossent.softmax_cross_entropy(SEED_003_LOGITS, SEED_003_LABELS)
    np.testing.assert_allclose(out, [0.4790107, 1.19967598], rtol=0, atol=5e-9)
    assert out.dtype == np.float64


def test_seed_003_integer_labels_match_one_hot() -> None:
    out = crossent.softmax_cross_entropy_with_integer_labels(
        SEED_003_LOGITS, np.array([1, 2])
    )
    ref = crossent.softmax_cross_entropy(SEED_003_LOGITS, SEED_003_LABELS)
    np.testing.assert_allclose(out, ref, rtol=1e-15)


def test_seed_000_cross_entropy_on_normalised_rows() -> None:
    # seed 000 answer: np.sum(-y*log(p), axis=1) printed [0.10536052 0.11653382 0.0618754]
    p = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    out = crossent.cross_entropy(p, np.eye(3))
    np.testing.assert_allclose(out, [0.10536052, 0.11653382, 0.0618754], atol=5e-9)


def test_seed_003_binary_formula_summed_over_classes() -> None:
    # seed 003: the hand-written binary formula printed [0.90335299 2.11193571]
    p = np.array(
        [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
    )
    out = crossent.binary_cross_entropy(p, SEED_003_LABELS).sum(axis=-1)
    np.testing.assert_allclose(out, [0.90335299, 2.11193571], atol=5e-9)
