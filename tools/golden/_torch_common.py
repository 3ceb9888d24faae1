"""torch: the loss classes of each function, and cases from problems."""

from __future__ import annotations

import numpy as np

from ._common import (
    Case,
    CaseList,
    Problem,
    cast,
)

# ----------------------------------------------------------------------------
# torch
# ----------------------------------------------------------------------------

TORCH_CLASSES = {
    "cross_entropy": "CrossEntropyLoss",
    "nll_loss": "NLLLoss",
    "binary_cross_entropy": "BCELoss",
    "binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
}


def _add_torch(cl: CaseList, fn: str, problems: list[Problem]) -> None:
    """Add ``fn`` and its ``nn`` class for every problem (options → init)."""
    for tag, dts, (x, t), opts, note in problems:
        for dt in dts:
            xx = cast(x, dt)
            tt = cast(t, dt) if t.dtype.kind == "f" else t
            o = {
                k: cast(v, dt) if isinstance(v, np.ndarray) else v
                for k, v in opts.items()
            }
            cl.add(
                Case(
                    f"torch.nn.functional.{fn}",
                    "function",
                    dt,
                    tag,
                    [xx, tt],
                    o,
                    {},
                    0,
                    note,
                )
            )
            cl.add(
                Case(
                    f"torch.nn.{TORCH_CLASSES[fn]}",
                    "class",
                    dt,
                    tag,
                    [xx, tt],
                    {},
                    o,
                    0,
                    note,
                )
            )
