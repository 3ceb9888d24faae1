"""Megatron-LM's own ``vocab_parallel_cross_entropy`` test, ported to the mirror.

Ported from:
    repository: NVIDIA/Megatron-LM
    path: tests/unit_tests/tensor_parallel/test_cross_entropy.py
    commit: 00caa53af30912914981c86f39db123961678bbd
    license: BSD-3-Clause (Copyright (c) NVIDIA CORPORATION)

Upstream runs with tensor-parallel size 4: every rank holds the partition
``torch.range(0, 7).repeat(16, 4)`` (16 tokens × 32 vocabulary entries), so the
full vocabulary is 128 entries, four copies of that partition side by side, and
the targets ``torch.arange(0, 32, 2)`` are global ids.  The mirror models one
rank holding the whole vocabulary, so it gets that (16, 128) concatenation.
Upstream compares ``torch.round`` of both sides; the stated four-decimal values
are also checked to 1e-4.
"""

from __future__ import annotations

import numpy as np

from crossent.frameworks.megatron.core.tensor_parallel.cross_entropy import (
    vocab_parallel_cross_entropy,
)

EXPECTED = np.array([10.2309, 8.2309, 6.2309, 4.2309] * 4)


def test_vocab_parallel_cross_entropy() -> None:
    partition = np.tile(np.arange(0, 8, dtype=np.float32), (16, 4))  # one rank's
    full_vocab = np.concatenate([partition] * 4, axis=1)  # tp size 4
    target = np.arange(0, 32, 2)
    output = vocab_parallel_cross_entropy(full_vocab, target)
    np.testing.assert_array_equal(np.round(output), np.round(EXPECTED))
    np.testing.assert_allclose(output, EXPECTED, rtol=0, atol=1e-4)
