"""Megatron-LM's vocab-parallel cross-entropy, as a mirror (from its source).

Reach it as ``crossent.frameworks.megatron.core.tensor_parallel.cross_entropy.
vocab_parallel_cross_entropy``. Megatron (and PyTorch) is never imported.
"""

from __future__ import annotations

from crossent.frameworks.megatron import core

__all__ = ["core"]
