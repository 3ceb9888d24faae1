"""Mirror of ``megatron.core``: its ``tensor_parallel`` cross-entropy."""

from __future__ import annotations

from crossent.frameworks.megatron.core import tensor_parallel

__all__ = ["tensor_parallel"]
