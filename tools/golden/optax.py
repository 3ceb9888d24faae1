"""optax cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    ALL_FLOATS,
    F32,
    F32_F64,
    F32_F64_F16,
    INF,
    Case,
    CaseList,
    Runner,
    _doc,
    _get_arg,
    _is_float,
    _same,
    big_logits,
    bin_labels,
    cast,
    int_labels,
    logits,
    one_hot,
    probs,
    rng,
)

# ----------------------------------------------------------------------------
# optax
# ----------------------------------------------------------------------------


F64_NOTE = "jax x64 disabled (default): float64 inputs are computed in float32"


def build_optax() -> CaseList:
    """Cases for the optax cross-entropy family (JAX defaults: x64 disabled)."""
    cl = CaseList()
    f64_note = F64_NOTE

    def add(
        fn: str,
        dt: str,
        tag: str,
        args: list[Any],
        kwargs: dict[str, Any],
        note: str = "",
        grad: int | None = 0,
    ) -> None:
        if dt == "float64":
            note = f"{note}; {f64_note}" if note else f64_note
        cl.add(Case(f"optax.{fn}", "function", dt, tag, args, kwargs, {}, grad, note))

    r = rng("optax", "ce")
    z43, y43 = logits(r, (4, 3)), one_hot(int_labels(r, (4,), 3), 3)
    z57, y57 = logits(r, (5, 7)), one_hot(int_labels(r, (5,), 7), 7)
    soft = probs(r, (4, 3))
    z234 = logits(r, (2, 3, 4))
    y234_ax1 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1)
    inf_z = np.array([[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0]])
    where43 = np.array(
        [
            [True, True, False],
            [True, True, True],
            [False, True, True],
            [True, False, True],
        ]
    )
    y_where = one_hot([0, 1, 2, 2], 3)
    soft_problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, z43, y43, {}, ""),
        ("random-1", F32_F64, z57, y57, {}, ""),
        ("soft-labels", F32_F64, z43, soft, {}, ""),
        (
            "unnormalised-labels",
            F32,
            np.array([[1.0, 2, 3]]),
            np.full((1, 3), 0.5),
            {},
            "labels sum to 1.5",
        ),
        (
            "logits-large",
            ALL_FLOATS,
            big_logits(r, (4, 3)),
            y43,
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32,
            inf_z,
            one_hot([0, 0, 1, 1], 3),
            {},
            "edge: infinite logits",
        ),
        ("all-zero-labels", F32, z43[:2], np.zeros((2, 3)), {}, ""),
        ("axis1-3d", F32_F64, z234, y234_ax1, {"axis": 1}, "class axis 1"),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), {}, "edge: empty batch"),
        ("shape-mismatch", F32, z43, y43[:, :2], {}, "edge: (4,3) vs (4,2)"),
    ]
    masked = [
        ("where", F32_F64, z43, y_where, {"where": where43}, "class mask"),
        (
            "where-row",
            F32,
            z43,
            y_where,
            {"where": np.array([True, False, True, True])},
            "where of rank 1 (expanded at axis)",
        ),
        (
            "where-all-false",
            F32,
            z43[:2],
            y43[:2],
            {"where": np.zeros((2, 3), bool)},
            "edge: everything masked",
        ),
    ]
    for fn in (
        "softmax_cross_entropy",
        "safe_softmax_cross_entropy",
        "poly_loss_cross_entropy",
    ):
        probs_list = soft_problems + (
            masked if fn != "safe_softmax_cross_entropy" else []
        )
        for tag, dts, z, y, opts, note in probs_list:
            if fn == "safe_softmax_cross_entropy" and "axis" in opts:
                continue
            for dt in dts:
                kw = {
                    k: v
                    if k == "where" or not isinstance(v, np.ndarray)
                    else cast(v, dt)
                    for k, v in opts.items()
                }
                add(fn, dt, tag, [cast(z, dt), cast(y, dt)], kw, note)
    for eps in (0.0, -1.0, 5.0):
        add(
            "poly_loss_cross_entropy",
            "float32",
            f"epsilon-{eps:g}",
            [cast(z43, "float32"), cast(soft, "float32")],
            {"epsilon": eps},
        )

    fn = "softmax_cross_entropy_with_integer_labels"
    r = rng("optax", "int")
    t4 = int_labels(r, (4,), 3).astype(np.int32)
    int_problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, z43, t4, {}, ""),
        ("random-1", F32_F64, z57, int_labels(r, (5,), 7).astype(np.int32), {}, ""),
        ("labels-int64", F32, z43, t4.astype(np.int64), {}, "int64 labels"),
        (
            "logits-large",
            ALL_FLOATS,
            big_logits(r, (4, 3)),
            t4,
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32,
            inf_z,
            np.array([0, 0, 0, 1], np.int32),
            {},
            "edge: infinite logits",
        ),
        (
            "label-oob-3",
            F32,
            z43[:2],
            np.array([0, 3], np.int32),
            {},
            "edge: label == C",
        ),
        (
            "label-neg1",
            F32,
            z43[:2],
            np.array([-1, 0], np.int32),
            {},
            "edge: negative label",
        ),
        ("float-labels", F32, z43[:2], np.array([0.0, 1.0]), {}, "float labels"),
        (
            "axis1-3d",
            F32_F64,
            z234,
            int_labels(r, (2, 4), 3).astype(np.int32),
            {"axis": 1},
            "class axis 1",
        ),
        (
            "axis0-3d",
            F32,
            z234,
            int_labels(r, (3, 4), 2).astype(np.int32),
            {"axis": 0},
            "class axis 0",
        ),
        (
            "axis-tuple",
            F32,
            z234,
            int_labels(r, (2,), 12).astype(np.int32),
            {"axis": [1, 2]},
            "axis tuple (1, 2): those axes flattened",
        ),
        (
            "where",
            F32,
            z43,
            np.array([0, 1, 2, 2], np.int32),
            {"where": where43},
            "class mask",
        ),
        (
            "where-all-false",
            F32,
            z43[:2],
            t4[:2],
            {"where": np.zeros((2, 3), bool)},
            "edge: everything masked",
        ),
        (
            "empty",
            F32,
            np.zeros((0, 3)),
            np.zeros((0,), np.int32),
            {},
            "edge: empty batch",
        ),
    ]
    for tag, dts, z, y, opts, note in int_problems:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            add(fn, dt, tag, [cast(z, dt), yy], dict(opts), note)

    r = rng("optax", "sigmoid")
    x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
    y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
    yb, xb = bin_labels(r, (4, 3)), logits(r, (4, 3))
    bin_problems: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, xb, yb, ""),
        ("random-1", F32_F64, logits(r, (5, 7)), bin_labels(r, (5, 7)), ""),
        ("soft-labels", F32_F64, xb, r.uniform(0, 1, (4, 3)), ""),
        ("logits-large", ALL_FLOATS, big_logits(r, (4, 3)), yb, "logits up to +-1e3"),
        ("logits-inf", F32_F64_F16, x_inf, y_inf, "edge: infinite/saturated logits"),
        (
            "labels-outside",
            F32,
            np.array([1.0, 1, -3]),
            np.array([2.0, -1, 2]),
            "labels outside [0,1]",
        ),
        ("int-labels", F32, xb, yb.astype(np.int32), "integer labels"),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), "edge: empty batch"),
    ]
    for tag, dts, x, y, note in bin_problems:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            add("sigmoid_binary_cross_entropy", dt, tag, [cast(x, dt), yy], {}, note)
            add("sigmoid_focal_loss", dt, tag, [cast(x, dt), yy], {}, note)
    for kw, tag in (
        ({"alpha": 0.25}, "alpha-0.25"),
        ({"gamma": 0.0}, "gamma-0"),
        ({"alpha": 0.6, "gamma": 3.5}, "alpha-0.6-gamma-3.5"),
    ):
        for dt in F32_F64:
            add("sigmoid_focal_loss", dt, tag, [cast(xb, dt), cast(yb, dt)], kw)
    add(
        "sigmoid_focal_loss",
        "float32",
        "alpha-0.25-inf",
        [cast(x_inf, "float32"), cast(y_inf, "float32")],
        {"alpha": 0.25},
        "edge: infinite/saturated logits",
    )

    fn = "smooth_labels"
    r = rng("optax", "smooth")
    oh = one_hot(int_labels(r, (4,), 3), 3)
    for dt in ALL_FLOATS:
        add(fn, dt, "alpha-0.1", [cast(oh, dt), 0.1], {}, grad=None)
    add(fn, "float32", "alpha-0", [cast(oh, "float32"), 0.0], {}, grad=None)
    add(fn, "float32", "alpha-1", [cast(oh, "float32"), 1.0], {}, grad=None)
    add(fn, "float32", "soft", [cast(probs(r, (4, 3)), "float32"), 0.2], {}, grad=None)
    add(
        fn,
        "float32",
        "axis0",
        [cast(one_hot([0, 1], 3, axis=0), "float32"), 0.1],
        {"axis": 0},
        grad=None,
    )
    add(
        fn,
        "float32",
        "where",
        [cast(oh, "float32"), 0.1],
        {"where": where43},
        "C counted from where",
        grad=None,
    )
    # worked examples of docs/semantics.md §6 (values in the notes)
    z_doc, y_doc = np.array([[1.0, 2, 3]]), np.array([[0.0, 1, 0]])
    add(
        "softmax_cross_entropy",
        "bfloat16",
        "doc-1.4076",
        [cast(z_doc, "bfloat16"), cast(y_doc, "bfloat16")],
        {},
        _doc([1.40625], "6"),
    )
    zi = cast([[0.0, -INF, 1]], "float32")
    add(
        "softmax_cross_entropy",
        "float32",
        "doc-neginf",
        [zi, cast([[1.0, 0, 0]], "float32")],
        {},
        _doc(["nan"], "6"),
    )
    add(
        "safe_softmax_cross_entropy",
        "float32",
        "doc-neginf",
        [zi, cast([[1.0, 0, 0]], "float32")],
        {},
        _doc([1.3132616], "6"),
    )
    add(
        "softmax_cross_entropy_with_integer_labels",
        "float32",
        "doc-neginf",
        [zi, np.array([0], np.int32)],
        {},
        _doc([1.3132615], "6"),
    )
    add(
        "sigmoid_focal_loss",
        "float32",
        "doc-logit-20",
        [cast([-20.0], "float32"), cast([1.0], "float32")],
        {"alpha": 0.25},
        _doc([5.0], "6"),
    )
    return cl


class OptaxRunner(Runner):
    """optax losses, with jax.vjp gradients (JAX default config, x64 disabled)."""

    family = "optax"

    def __init__(self) -> None:
        import jax
        import jaxlib
        import optax

        self.jax, self.jaxlib, self.optax = jax, jaxlib, optax

    def versions(self) -> dict[str, str]:
        return {
            "optax": self.optax.__version__,
            "jax": self.jax.__version__,
            "jaxlib": self.jaxlib.__version__,
            "numpy": np.__version__,
        }

    def resolve(self, impl: str) -> Any:
        return getattr(self.optax.losses, impl.split(".", 1)[1])

    def native(self, v: Any) -> Any:
        return self.jax.numpy.asarray(v) if isinstance(v, np.ndarray) else v

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        jax, jnp = self.jax, self.jax.numpy
        # NumPy inputs become JAX arrays first, as in a JAX program (this matters
        # for smooth_labels, which would otherwise do NumPy arithmetic).
        args = [self.native(a) for a in case.args]
        kwargs = {
            k: tuple(v) if k == "axis" and isinstance(v, list) else self.native(v)
            for k, v in case.kwargs.items()
        }
        out = np.asarray(target(*args, **kwargs))
        if case.grad is None or not _is_float(_get_arg(case, case.grad)):
            return out, None
        i = case.grad
        assert isinstance(i, int)

        def f(x: Any) -> Any:
            return target(*args[:i], x, *args[i + 1 :], **kwargs)

        y, vjp = jax.vjp(f, args[i])
        (g,) = vjp(jnp.ones_like(y))
        if not _same(np.asarray(y), out):
            print(f"  note: {case.id}: vjp and plain call disagree")
        return out, np.asarray(g)


build = build_optax
runner = OptaxRunner
