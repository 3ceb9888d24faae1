"""Megatron-Core cases: ``vocab_parallel_cross_entropy`` with label smoothing, run
by the real megatron-core on one CPU rank (a gloo process group of size 1, tensor
and pipeline parallel sizes 1)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._common import F32, CaseList, cast, fn_case, int_labels, logits, rng
from .torch import TorchRunner

IMPL = "megatron.core.tensor_parallel.cross_entropy.vocab_parallel_cross_entropy"


def build() -> CaseList:
    """The megatron cases."""
    cl = CaseList()
    for vocab in (2, 7, 50):
        r = rng("megatron", vocab)
        z, t = logits(r, (4, 3, vocab), 4.0), int_labels(r, (4, 3), vocab)
        for alpha in (0.0, 0.05, 0.1, 0.5):
            for dt in ("float32", "bfloat16", "float16") if vocab == 7 else F32:
                cl.add(
                    fn_case(
                        IMPL, dt, f"v{vocab}-ls{alpha}", [cast(z, dt), t, alpha], {}, 0
                    )
                )
    r = rng("megatron", "edges")
    z = logits(r, (2, 3, 5))
    z[0, 0] = [1e4, 0, -1e4, 0, 0]
    cl.add(
        fn_case(
            IMPL,
            "float32",
            "huge-logits",
            [cast(z, "float32"), int_labels(r, (2, 3), 5), 0.1],
            {},
            0,
            "a row with logits of ±1e4",
        )
    )
    return cl


class MegatronRunner(TorchRunner):
    """megatron-core on torch tensors, with autograd gradients."""

    family = "megatron"

    def __init__(self) -> None:
        super().__init__()
        import torch.distributed as dist

        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", "29517")
        if not dist.is_initialized():
            dist.init_process_group("gloo", rank=0, world_size=1)
        import megatron.core
        from megatron.core import parallel_state
        from megatron.core.tensor_parallel import cross_entropy

        parallel_state.initialize_model_parallel(1, 1)
        self.megatron, self.module = megatron.core, cross_entropy

    def versions(self) -> dict[str, str]:
        return {
            "megatron-core": self.megatron.__version__,
            "torch": self.torch.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return getattr(self.module, impl.rsplit(".", 1)[1])


runner = MegatronRunner
