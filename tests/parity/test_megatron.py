"""Parity for the Megatron mirror, which cannot run here (Megatron needs a
distributed process group): checked against PyTorch 2.13's F.cross_entropy on the
identity the source states (megatron/core/tensor_parallel/cross_entropy.py,
_VocabParallelCrossEntropy.forward, after NeMo's smoothed_cross_entropy):
Megatron's smoothing α is PyTorch's label_smoothing α·V/(V − 1), and without
smoothing both are log Σ e^z − z_y. Tolerance 32·eps(float32) relative plus
4·eps absolute (two float32 computations in different orders).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from crossent.frameworks.megatron.core.tensor_parallel import cross_entropy as ce  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(1260)
EPS = float(np.finfo(np.float32).eps)


@pytest.mark.parametrize("alpha", [0.0, 0.05, 0.1, 0.5])
@pytest.mark.parametrize("vocab", [2, 7, 50])
def test_megatron_smoothing_is_torch_smoothing_rescaled(
    alpha: float, vocab: int
) -> None:
    z = (RNG.standard_normal((4, 3, vocab)) * 4).astype(np.float32)
    t = RNG.integers(0, vocab, (4, 3))
    ours = ce.vocab_parallel_cross_entropy(z, t, alpha)
    theirs = (
        torch.nn.functional.cross_entropy(
            torch.from_numpy(z.reshape(-1, vocab)),
            torch.from_numpy(t.reshape(-1)),
            reduction="none",
            label_smoothing=alpha * vocab / (vocab - 1),
        )
        .numpy()
        .reshape(4, 3)
    )
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=32 * EPS, atol=4 * EPS)
