"""optax cases with JAX's x64 mode on (``jax_enable_x64``): float64 and int64
inputs stay 64-bit. Each case has ``"context": "optax.enable_x64"``, the mirror's
switch for the same mode; the ids' tags start with ``x64-``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import (
    Case,
    CaseList,
    bin_labels,
    cast,
    int_labels,
    logits,
    one_hot,
    probs,
    rng,
)
from .optax import F64_NOTE, OptaxRunner, build_optax

CONTEXT = "optax.enable_x64"


def _case(
    fn: str, dt: str, tag: str, args: list[Any], kwargs: dict[str, Any], note: str = ""
) -> Case:
    grad = None if fn == "smooth_labels" else 0
    return Case(
        f"optax.{fn}",
        "function",
        dt,
        f"x64-{tag}",
        args,
        kwargs,
        {},
        grad,
        note,
        CONTEXT,
    )


def build() -> CaseList:
    """The optax x64 cases."""
    cl = CaseList()
    r = rng("optax_x64")
    z = logits(r, (5, 4))
    ids = int_labels(r, (5,), 4)
    y, soft = one_hot(ids, 4), probs(r, (5, 4))
    b = bin_labels(r, (5, 4))
    z3, y3 = logits(r, (2, 3, 4)), one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    where = np.array([True, True, False, True, True])
    for dt in ("float64", "float32"):
        zz, yy, ss, bb = (cast(a, dt) for a in (z, y, soft, b))
        rows: list[tuple[str, str, list[Any], dict[str, Any]]] = [
            ("softmax_cross_entropy", "onehot", [zz, yy], {}),
            ("softmax_cross_entropy", "soft", [zz, ss], {}),
            ("softmax_cross_entropy", "where", [zz, yy], {"where": where[:, None]}),
            (
                "softmax_cross_entropy",
                "axis1",
                [cast(z3, dt), cast(y3, dt)],
                {"axis": 1},
            ),
            ("softmax_cross_entropy_with_integer_labels", "int64", [zz, ids], {}),
            (
                "softmax_cross_entropy_with_integer_labels",
                "int32",
                [zz, ids.astype(np.int32)],
                {},
            ),
            ("safe_softmax_cross_entropy", "onehot", [zz, yy], {}),
            ("sigmoid_binary_cross_entropy", "random", [zz, bb], {}),
            ("sigmoid_focal_loss", "a0.25-g2", [zz, bb], {"alpha": 0.25, "gamma": 2.0}),
            ("poly_loss_cross_entropy", "eps2", [zz, yy], {"epsilon": 2.0}),
            ("smooth_labels", "a0.1", [yy, 0.1], {}),
        ]
        for fn, tag, args, kwargs in rows:
            cl.add(_case(fn, dt, tag, args, kwargs))
    cl.add(
        _case(
            "softmax_cross_entropy",
            "float32",
            "f64-labels",
            [cast(z, "float32"), y],
            {},
            "float32 logits with float64 labels: log_softmax in float32, the product "
            "promoted to float64",
        )
    )
    _add_optax_float64(cl)
    return cl


def _add_optax_float64(cl: CaseList) -> None:
    """Every float64 case of the ``optax`` family, now computed in float64."""
    for case in build_optax().cases:
        if case.dtype != "float64":
            continue
        note = "; ".join(x for x in case.note.split("; ") if x and x != F64_NOTE)
        cl.add(
            Case(
                case.impl,
                case.kind,
                case.dtype,
                f"x64-optax-{case.tag}",
                case.args,
                case.kwargs,
                case.init,
                case.grad,
                note,
                CONTEXT,
            )
        )


class OptaxX64Runner(OptaxRunner):
    """optax with ``jax_enable_x64`` set for the whole (family's own) process."""

    family = "optax_x64"

    def __init__(self) -> None:
        super().__init__()
        self.jax.config.update("jax_enable_x64", True)


runner = OptaxX64Runner
