"""torch.nn.functional and torch.nn cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    ALL_FLOATS,
    BF16,
    F32,
    F32_F64,
    INF,
    Case,
    CaseList,
    Problem,
    Runner,
    _resolve_path,
    big_logits,
    grid,
    int_labels,
    log_softmax,
    logits,
    one_hot,
    probs,
    rng,
    softmax,
)
from ._torch_common import _add_torch
from .torch_bce import _torch_bce_problems
from .torch_doc import _add_torch_doc_cases


def _torch_ce_problems(fn: str) -> list[Problem]:
    """Problems for ``cross_entropy`` (logits) or ``nll_loss`` (log-probs)."""
    nll = fn == "nll_loss"
    reductions = grid(f"torch.nn.functional.{fn}", "reduction")  # mean, sum, none

    def inp(z: np.ndarray, axis: int = 1) -> np.ndarray:
        return log_softmax(z, axis) if nll else z

    out: list[Problem] = []
    r = rng("torch", fn, 0)
    z43, t4 = logits(r, (4, 3)), int_labels(r, (4,), 3)
    z57, t5 = logits(r, (5, 7)), int_labels(r, (5,), 7)
    w3 = np.array([1.0, 2.0, 3.0])
    out.append(("random-0", ALL_FLOATS, (inp(z43), t4), {}, ""))
    out.append(("random-1", F32_F64, (inp(z57), t5), {}, ""))
    for red in reductions[::-1]:
        out.append(
            (f"reduction-{red}", F32_F64, (inp(z43), t4), {"reduction": red}, "")
        )
        out.append(
            (
                f"weight-{red}",
                F32_F64,
                (inp(z43), t4),
                {"weight": w3, "reduction": red},
                "class weights",
            )
        )
    t_ign = np.array([1, -100, 2, 0])
    out.append(
        (
            "ignore-default",
            F32_F64,
            (inp(z43), t_ign),
            {},
            "target -100 ignored by default",
        )
    )
    out.append(("ignore-default-weight", F32, (inp(z43), t_ign), {"weight": w3}, ""))
    out.append(
        ("ignore-default-none", F32, (inp(z43), t_ign), {"reduction": "none"}, "")
    )
    out.append(
        (
            "ignore-index-1",
            F32,
            (inp(z43), np.array([1, 0, 1, 2])),
            {"ignore_index": 1},
            "custom ignore_index",
        )
    )
    for red in reductions:
        out.append(
            (
                f"all-ignored-{red}",
                F32,
                (inp(z43[:2]), np.array([-100, -100])),
                {"reduction": red},
                "edge: every target ignored",
            )
        )
    r = rng("torch", fn, "kdim")
    z234, t24 = logits(r, (2, 3, 4)), int_labels(r, (2, 4), 3)
    z2322, t222 = logits(r, (2, 3, 2, 2)), int_labels(r, (2, 2, 2), 3)
    out.append(("kdim-1", F32_F64, (inp(z234), t24), {}, "K=1: (N,C,d1)"))
    out.append(("kdim-1-none", F32, (inp(z234), t24), {"reduction": "none"}, ""))
    t24i = t24.copy()
    t24i[0, 1] = -100
    out.append(("kdim-1-weight-ignore", F32, (inp(z234), t24i), {"weight": w3}, ""))
    out.append(("kdim-2", F32, (inp(z2322), t222), {}, "K=2: (N,C,d1,d2)"))
    out.append(
        (
            "unbatched",
            F32_F64,
            (inp(z43[0], 0), np.array(2)),
            {},
            "unbatched (C,) input with scalar target",
        )
    )
    out.append(
        ("target-uint8", F32, (inp(z43), t4.astype(np.uint8)), {}, "uint8 targets")
    )
    out.append(
        ("target-int32", F32, (inp(z43), t4.astype(np.int32)), {}, "int32 targets")
    )
    out.append(
        ("label-oob-3", F32, (inp(z43[:2]), np.array([0, 3])), {}, "edge: target == C")
    )
    out.append(
        (
            "label-neg1",
            F32,
            (inp(z43[:2]), np.array([-1, 0])),
            {},
            "edge: negative target",
        )
    )
    out.append(
        (
            "shape-mismatch",
            F32,
            (inp(z43), np.array([0, 1, 2])),
            {},
            "edge: batch sizes differ",
        )
    )
    for red in reductions:
        out.append(
            (
                f"empty-{red}",
                F32,
                (np.zeros((0, 3)), np.zeros((0,), np.int64)),
                {"reduction": red},
                "edge: empty batch",
            )
        )
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    if nll:
        out.append(
            (
                "probabilities-not-logs",
                F32,
                (softmax(z43), t4),
                {},
                "probabilities passed instead of log-probabilities",
            )
        )
        with np.errstate(divide="ignore"):
            logp0 = np.log(np.array([[1.0, 0, 0], [0.5, 0.5, 0]]))
        out.append(
            (
                "neg-inf-logprob",
                F32,
                (logp0, np.array([0, 2])),
                {},
                "edge: log(0) = -inf input",
            )
        )
        return out
    out.append(
        (
            "logits-large",
            ALL_FLOATS,
            (big_logits(r, (4, 3)), t4),
            {},
            "logits up to +-1e3",
        )
    )
    out.append(
        (
            "logits-inf",
            F32_F64,
            (inf_z, np.array([0, 0, 1, 1])),
            {},
            "edge: infinite logits",
        )
    )
    out.append(
        (
            "probs-as-logits",
            F32,
            (np.array([[0.7, 0.2, 0.1]]), np.array([0])),
            {},
            "probabilities passed as logits",
        )
    )
    for ls in (0.1, 1.0, -0.1, 1.5):
        dts = ALL_FLOATS if ls == 0.1 else F32
        out.append((f"ls-{ls:g}", dts, (z43, t4), {"label_smoothing": ls}, ""))
    for red in reductions[::-1]:
        out.append(
            (
                f"ls-0.1-weight-{red}",
                F32_F64,
                (z43, t4),
                {"label_smoothing": 0.1, "weight": w3, "reduction": red},
                "",
            )
        )
    out.append(("ls-0.1-ignore", F32, (z43, t_ign), {"label_smoothing": 0.1}, ""))
    out.append(("ls-0.1-kdim", F32, (z234, t24), {"label_smoothing": 0.1}, ""))
    # probability targets
    r = rng("torch", fn, "prob")
    soft = probs(r, (4, 3))
    oh = one_hot(t4, 3)
    out.append(("prob-target", F32_F64, (z43, soft), {}, "probability targets"))
    out.append(
        (
            "prob-target-bf16",
            ("bfloat16", "float16"),
            (z43, soft),
            {},
            "probability targets",
        )
    )
    for red in reductions[::-1]:
        out.append(
            (
                f"prob-target-weight-{red}",
                F32,
                (z43, oh),
                {"weight": w3, "reduction": red},
                "one-hot probability targets with class weights",
            )
        )
    out.append(("prob-target-ls-0.1", F32, (z43, soft), {"label_smoothing": 0.1}, ""))
    out.append(
        (
            "prob-target-ls-weight",
            F32,
            (z43, oh),
            {"label_smoothing": 0.1, "weight": w3},
            "",
        )
    )
    out.append(
        (
            "prob-target-kdim",
            F32,
            (z234, probs(r, (2, 3, 4), axis=1)),
            {},
            "probability targets (N,C,d1)",
        )
    )
    out.append(
        (
            "prob-target-unnormalised",
            F32,
            (z43, r.uniform(0, 1, (4, 3))),
            {},
            "targets do not sum to 1",
        )
    )
    out.append(
        (
            "prob-target-neginf",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([[1.0, 0, 0]])),
            {},
            "edge: -inf logit with zero target",
        )
    )
    out.append(
        (
            "index-target-neginf",
            F32,
            (np.array([[0.0, -INF, 1]]), np.array([0])),
            {},
            "edge: -inf logit, index target",
        )
    )
    out.append(
        (
            "prob-target-ignore-index",
            F32,
            (z43, soft),
            {"ignore_index": 1},
            "ignore_index >= 0 with probability targets",
        )
    )
    out.append(
        (
            "prob-target-empty",
            F32,
            (np.zeros((0, 3)), np.zeros((0, 3))),
            {},
            "edge: empty batch, probability targets",
        )
    )
    return out


def build_torch() -> CaseList:
    """Cases for the torch functional losses and their ``nn`` classes."""
    cl = CaseList()
    _add_torch(cl, "cross_entropy", _torch_ce_problems("cross_entropy"))
    _add_torch(cl, "nll_loss", _torch_ce_problems("nll_loss"))
    _add_torch(cl, "binary_cross_entropy", _torch_bce_problems(False))
    _add_torch(cl, "binary_cross_entropy_with_logits", _torch_bce_problems(True))
    _add_torch_doc_cases(cl)
    return cl


class TorchRunner(Runner):
    """torch.nn.functional and torch.nn losses, with autograd gradients."""

    family = "torch"

    def __init__(self) -> None:
        import torch

        self.torch = torch

    def versions(self) -> dict[str, str]:
        return {"torch": self.torch.__version__, "numpy": np.__version__}

    def resolve(self, impl: str) -> Any:
        return _resolve_path(self.torch, impl.split(".", 1)[1])

    def native(self, v: Any) -> Any:
        torch = self.torch
        if isinstance(v, np.ndarray):
            if v.dtype == BF16:
                return torch.from_numpy(v.astype(np.float32)).to(torch.bfloat16)
            return torch.from_numpy(np.array(v, copy=True, order="C"))
        return v

    def to_numpy(self, t: Any) -> np.ndarray:
        """A torch tensor as a NumPy array of the same dtype."""
        t = t.detach()
        if t.dtype == self.torch.bfloat16:
            return t.float().numpy().astype(BF16)
        return t.numpy().copy()

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        args = [self.native(a) for a in case.args]
        kwargs = {k: self.native(v) for k, v in case.kwargs.items()}
        x = None
        if isinstance(case.grad, int) and args[case.grad].is_floating_point():
            x = args[case.grad].requires_grad_(True)
        out = target(*args, **kwargs)
        out_np = self.to_numpy(out)
        if x is None or not out.requires_grad:
            return out_np, None
        try:
            out.backward(self.torch.ones_like(out))
        except RuntimeError as e:
            print(f"  note: {case.id}: backward failed ({e!s:.80}); no gradient")
            return out_np, None
        return out_np, None if x.grad is None else self.to_numpy(x.grad)


build = build_torch
runner = TorchRunner
