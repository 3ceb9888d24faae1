"""Mirror of ``megatron.core.tensor_parallel``: ``vocab_parallel_cross_entropy``."""

from __future__ import annotations

from crossent.frameworks.megatron.core.tensor_parallel import cross_entropy
from crossent.frameworks.megatron.core.tensor_parallel.cross_entropy import (
    vocab_parallel_cross_entropy,
)

__all__ = ["cross_entropy", "vocab_parallel_cross_entropy"]
