"""The Megatron vocab-parallel cross-entropy mirror (issue #17).

Megatron cannot run here; the expectations are the source's own identities
(megatron/core/tensor_parallel/cross_entropy.py at 00611e6e): the smoothing
derivation in _VocabParallelCrossEntropy.forward, the target mask of
calculate_predicted_logits, and log of the normalised probabilities. The live
check against PyTorch is in tests/parity/test_megatron.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.megatron.core.tensor_parallel import cross_entropy as ce
from crossent.frameworks.torch.nn import functional as F

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0], [2, -1, 0.5]])
T = np.array([2, 0, 1, 0])


def test_smoothing_spreads_alpha_over_the_other_classes() -> None:
    a, v = 0.1, 3
    ours = ce.vocab_parallel_cross_entropy(Z, T, a).astype(np.float64)
    logp = Z - np.log(np.exp(Z).sum(-1, keepdims=True))
    nll = -logp[np.arange(4), T]
    others = (-logp.sum(-1) - nll) / (v - 1)
    np.testing.assert_allclose(ours, (1 - a) * nll + a * others, rtol=1e-6)
    # and it is the torch mirror's label_smoothing α·V/(V − 1)
    torch_like = F.cross_entropy(
        Z, T, reduction="none", label_smoothing=a * v / (v - 1)
    )
    np.testing.assert_allclose(ours, torch_like, rtol=1e-6)


def test_no_ignore_index() -> None:
    out = ce.vocab_parallel_cross_entropy(Z, np.array([2, -100, 7, 0]))
    shifted = Z - Z.max(-1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(-1))
    # −100 and 7 are outside the vocabulary: their logit is 0, the loss log Σ e^{z−m}
    np.testing.assert_allclose(out[1:3], lse[1:3], rtol=1e-6)


def test_underflow_gives_inf_with_smoothing() -> None:
    z = np.float32([[0.0, -200.0, 1.0]])
    assert np.isfinite(ce.vocab_parallel_cross_entropy(z, np.array([0])))
    assert np.isinf(ce.vocab_parallel_cross_entropy(z, np.array([0]), 0.1))


def test_errors_and_registry() -> None:
    with pytest.raises(ValueError, match="`label_smoothing`"):
        ce.vocab_parallel_cross_entropy(Z, T, 1.0)
    with pytest.raises(ValueError, match="`target`"):
        ce.vocab_parallel_cross_entropy(Z, T[:2])
    path = "megatron.core.tensor_parallel.cross_entropy.vocab_parallel_cross_entropy"
    plan, _ = crossent.frameworks.get(path).bind(T, Z, label_smoothing=0.1)
    assert plan.names == ("activation", "log", "terms", "class_reduce", "output")
