"""transformers loss_utils cases: ForCausalLMLoss, ForMaskedLMLoss and
fixed_cross_entropy, with and without ``num_items_in_batch`` (transformers on
torch, CPU).

The Trainer's logged loss is not a golden: the Trainer rounds it to 4 decimals
(``round(tr_loss / steps, 4)``) and computes it from a model's training forward
pass; tests/parity/test_transformers.py checks the mirror against a real Trainer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import F32_F64_F16, CaseList, cast, fn_case, int_labels, logits, rng
from .torch import TorchRunner

P = "transformers.loss.loss_utils."


def _lm(key: str, b: int, t: int, v: int) -> tuple[np.ndarray, np.ndarray]:
    r = rng("transformers", key)
    z = logits(r, (b, t, v))
    y = int_labels(r, (b, t), v)
    y[r.random((b, t)) < 0.3] = -100
    return z, y


#: num_items_in_batch values: Python numbers and 0-d arrays (torch tensors there)
NUMS: dict[str, Any] = {
    "none": None,
    "n11": 11,
    "n0": 0,
    "n7.5": 7.5,
    "t11": np.array(11),
    "t11.0": np.array(11.0),
    "t9f32": np.array(9.0, np.float32),
}


def _add_lm(cl: CaseList) -> None:
    z, y = _lm("lm", 3, 7, 11)
    zs, ys = _lm("fixed", 1, 9, 5)
    for dt in F32_F64_F16:
        for tag, num in NUMS.items():
            kw = {"num_items_in_batch": num}
            for fn in ("ForCausalLMLoss", "ForMaskedLMLoss"):
                cl.add(fn_case(P + fn, dt, tag, [cast(z, dt), y, 11], kw, 0))
            fx = P + "fixed_cross_entropy"
            cl.add(fn_case(fx, dt, tag, [cast(zs[0], dt), ys[0]], kw, 0))
            cl.add(
                fn_case(
                    fx,
                    dt,
                    f"ignore2-{tag}",
                    [cast(zs[0], dt), np.where(ys[0] < 0, 2, ys[0])],
                    {**kw, "ignore_index": 2},
                    0,
                )
            )
        cl.add(
            fn_case(
                P + "fixed_cross_entropy",
                dt,
                "ignore2-label-100",
                [cast(zs[0], dt), ys[0]],
                {"ignore_index": 2},
                0,
                "error: -100 is a class id when ignore_index is 2",
            )
        )


def _add_edges(cl: CaseList) -> None:
    z, y = _lm("edges", 2, 5, 4)
    z = cast(z, "float32")
    causal = P + "ForCausalLMLoss"
    all_ignored = np.full((2, 5), -100)
    bad = y.copy()
    bad[0, 0] = 99
    bad2 = bad.copy()
    bad2[0, 2] = 99
    rows: list[tuple[str, str, list[Any], dict[str, Any], str]] = [
        ("all-ignored", causal, [z, all_ignored, 4], {}, "every label ignored"),
        (
            "all-ignored-n3",
            causal,
            [z, all_ignored, 4],
            {"num_items_in_batch": 3},
            "",
        ),
        ("shift-labels", causal, [z, y, 4], {"shift_labels": y}, "labels pre-shifted"),
        (
            "ls0.3-none",
            causal,
            [z, y, 4],
            {"label_smoothing": 0.3, "reduction": "none"},
            "extra keywords are swallowed",
        ),
        ("vocab5", causal, [z, y, 5], {}, "error: view as (-1, 5)"),
        ("batch-mismatch", causal, [z.reshape(2, 10, 2), y, 2], {}, "error"),
        ("int32-labels", causal, [z, y.astype(np.int32), 4], {}, ""),
        ("label99-pos0", causal, [z, bad, 4], {}, "position 0 is never a target"),
        ("label99", causal, [z, bad2, 4], {}, "error: label out of range"),
        ("label99", P + "ForMaskedLMLoss", [z, bad2, 4], {}, "error"),
        ("scalar-labels", causal, [z[0, 0], np.array(3), 4], {}, "error: 0-d labels"),
    ]
    for tag, impl, args, kw, note in rows:
        cl.add(fn_case(impl, "float32", tag, args, kw, 0, note))


def _add_bf16(cl: CaseList) -> None:
    z, y = _lm("lm", 3, 7, 11)
    for tag in ("none", "n11", "t11"):
        kw = {"num_items_in_batch": NUMS[tag]}
        for fn in ("ForCausalLMLoss", "ForMaskedLMLoss"):
            cl.add(
                fn_case(P + fn, "bfloat16", tag, [cast(z, "bfloat16"), y, 11], kw, 0)
            )


def build() -> CaseList:
    """The transformers cases."""
    cl = CaseList()
    _add_lm(cl)
    _add_bf16(cl)
    _add_edges(cl)
    return cl


class TransformersRunner(TorchRunner):
    """transformers.loss.loss_utils on torch tensors, with autograd gradients."""

    family = "transformers"

    def __init__(self) -> None:
        super().__init__()
        import transformers
        from transformers.loss import loss_utils

        self.transformers, self.loss_utils = transformers, loss_utils

    def versions(self) -> dict[str, str]:
        return {
            "transformers": self.transformers.__version__,
            "torch": self.torch.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return getattr(self.loss_utils, impl.rsplit(".", 1)[1])


runner = TransformersRunner
