"""tf.nn cases."""

from __future__ import annotations

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
    _doc,
    big_logits,
    bin_labels,
    cast,
    int_labels,
    logits,
    one_hot,
    probs,
    rng,
)
from ._tf import TFRunner

# ----------------------------------------------------------------------------
# tf.nn
# ----------------------------------------------------------------------------


def _tf_nn_case(impl: str, dt: str, tag: str, note: str = "", **kw: Any) -> Case:
    """A keyword-only ``tf.nn`` call; the gradient is taken w.r.t. ``logits``."""
    return Case(f"tf.nn.{impl}", "function", dt, tag, [], kw, {}, "logits", note)


def build_tf_nn() -> CaseList:
    """Cases for the four ``tf.nn`` cross-entropy functions."""
    cl = CaseList()
    sce = "softmax_cross_entropy_with_logits"
    r = rng("tfnn", "sce")
    y43, z43 = one_hot(int_labels(r, (4,), 3), 3), logits(r, (4, 3))
    y57, z57 = one_hot(int_labels(r, (5,), 7), 7), logits(r, (5, 7))
    ys = probs(r, (4, 3))
    y3, z3 = one_hot(int_labels(r, (2, 4), 3), 3, axis=1), logits(r, (2, 3, 4))
    y0, z0 = one_hot(int_labels(r, (3, 4), 2), 2, axis=0), logits(r, (2, 3, 4))
    inf_z = np.array(
        [[INF, 0, 0], [0, -INF, 0], [-INF, 0, 0], [1e3, -1e3, 0], [-INF, -INF, 0]]
    )
    problems: list[tuple[str, tuple[str, ...], Any, Any, dict[str, Any], str]] = [
        ("random-0", ALL_FLOATS, y43, z43, {}, ""),
        ("random-1", ALL_FLOATS, y57, z57, {}, ""),
        ("soft-labels", F32_F64, ys, z43, {}, ""),
        (
            "unnormalised-labels",
            F32,
            np.full((1, 3), 0.5),
            np.array([[1.0, 2, 3]]),
            {},
            "labels sum to 1.5",
        ),
        (
            "negative-labels",
            F32,
            np.array([[-1.0, 2, 0]]),
            np.array([[1.0, 2, 3]]),
            {},
            "labels outside [0,1]",
        ),
        (
            "logits-large",
            ALL_FLOATS,
            y43,
            big_logits(r, (4, 3)),
            {},
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32_F64,
            one_hot([0, 0, 1, 1, 2], 3),
            inf_z,
            {},
            "edge: infinite logits",
        ),
        ("axis1-3d", F32_F64, y3, z3, {"axis": 1}, "class axis 1"),
        ("axis0-3d", F32, y0, z0, {"axis": 0}, "class axis 0"),
        ("last-3d", F32_F64_F16, one_hot(int_labels(r, (2, 3), 4), 4), z3, {}, ""),
        (
            "1d",
            F32,
            np.array([0.0, 1, 0]),
            np.array([0.5, 1.5, 0.1]),
            {},
            "unbatched (C,)",
        ),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), {}, "edge: empty batch"),
        ("shape-mismatch", F32, y43, z43[:, :2], {}, "edge: (4,3) vs (4,2)"),
        (
            "seed003",
            ("float64", "float32"),
            np.array([[0.0, 1, 0], [0, 0, 1]]),
            np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]),
            {},
            "seed 003: [0.4790107 1.19967598]",
        ),
    ]
    for tag, dts, y, z, opts, note in problems:
        for dt in dts:
            cl.add(
                _tf_nn_case(
                    sce, dt, tag, note, labels=cast(y, dt), logits=cast(z, dt), **opts
                )
            )
    cl.add(
        _tf_nn_case(
            sce,
            "float32",
            "int-labels",
            "integer labels",
            labels=one_hot([0, 1], 3).astype(np.int32),
            logits=cast(z43[:2], "float32"),
        )
    )

    ssce = "sparse_softmax_cross_entropy_with_logits"
    r = rng("tfnn", "ssce")
    sparse: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, int_labels(r, (4,), 3), logits(r, (4, 3)), ""),
        (
            "random-1-int32",
            F32_F64,
            int_labels(r, (5,), 7).astype(np.int32),
            logits(r, (5, 7)),
            "",
        ),
        ("3d", F32_F64, int_labels(r, (2, 3), 4), logits(r, (2, 3, 4)), ""),
        (
            "logits-large",
            ALL_FLOATS,
            np.array([0, 1, 2, 1]),
            big_logits(r, (4, 3)),
            "logits up to +-1e3",
        ),
        (
            "logits-inf",
            F32_F64,
            np.array([0, 0, 1, 1, 2]),
            inf_z,
            "edge: infinite logits",
        ),
        ("label-oob-3", F32, np.array([0, 3]), logits(r, (2, 3)), "edge: label == C"),
        (
            "label-neg1",
            F32,
            np.array([-1, 0]),
            logits(r, (2, 3)),
            "edge: negative label",
        ),
        ("scalar", F32, np.array(1), np.array([0.5, 1.5, 0.1]), "unbatched (C,)"),
        ("empty", F32, np.zeros((0,), np.int64), np.zeros((0, 3)), "edge: empty batch"),
        ("float-labels", F32, np.array([0.0, 1.0]), logits(r, (2, 3)), "float labels"),
        (
            "shape-mismatch",
            F32,
            np.array([0, 1, 2]),
            logits(r, (2, 3)),
            "edge: labels (3,) vs logits (2,3)",
        ),
    ]
    for tag, dts, y, z, note in sparse:
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            cl.add(_tf_nn_case(ssce, dt, tag, note, labels=yy, logits=cast(z, dt)))

    sig = "sigmoid_cross_entropy_with_logits"
    wce = "weighted_cross_entropy_with_logits"
    r = rng("tfnn", "sig")
    x_inf = np.array([INF, INF, -INF, -INF, 1e3, -1e3, -20, -200, 20, 0])
    y_inf = np.array([0, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
    binary: list[tuple[str, tuple[str, ...], Any, Any, str]] = [
        ("random-0", ALL_FLOATS, bin_labels(r, (4, 3)), logits(r, (4, 3)), ""),
        ("random-1", F32_F64, bin_labels(r, (5, 7)), logits(r, (5, 7)), ""),
        ("soft-labels", F32_F64, r.uniform(0, 1, (4, 3)), logits(r, (4, 3)), ""),
        ("3d", F32, bin_labels(r, (2, 3, 4)), logits(r, (2, 3, 4)), ""),
        (
            "logits-large",
            ALL_FLOATS,
            bin_labels(r, (4, 3)),
            big_logits(r, (4, 3)),
            "logits up to +-1e3",
        ),
        ("logits-inf", F32_F64_F16, y_inf, x_inf, "edge: infinite/saturated logits"),
        (
            "labels-outside",
            F32,
            np.array([2.0, -1.0, 2.0]),
            np.array([1.0, 1, -3]),
            "labels outside [0,1]",
        ),
        ("empty", F32, np.zeros((0, 3)), np.zeros((0, 3)), "edge: empty batch"),
        (
            "shape-mismatch",
            F32,
            np.zeros((4, 3)),
            np.zeros((4, 2)),
            "edge: (4,3) vs (4,2)",
        ),
    ]
    for a in (10.0, 15.0, 20.0):
        binary.append(
            (
                f"seed002-{a:g}",
                F32,
                np.array([0.0, 1.0]),
                np.array([-a, a]),
                "seed 002: x=[-a, a], y=[0, 1]",
            )
        )
    for tag, dts, y, z, note in binary:
        for dt in dts:
            cl.add(
                _tf_nn_case(sig, dt, tag, note, labels=cast(y, dt), logits=cast(z, dt))
            )
    for tag, dts, y, z, note in binary:
        if tag.startswith("seed002"):
            continue
        for dt in dts:
            cl.add(
                _tf_nn_case(
                    wce,
                    dt,
                    f"{tag}-pw3",
                    note,
                    labels=cast(y, dt),
                    logits=cast(z, dt),
                    pos_weight=3.0,
                )
            )
    r = rng("tfnn", "wce")
    yw, zw = bin_labels(r, (4, 3)), logits(r, (4, 3))
    for dt in F32_F64:
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-1",
                "pos_weight=1 equals the sigmoid loss",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=1.0,
            )
        )
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-0.5",
                "",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=0.5,
            )
        )
        cl.add(
            _tf_nn_case(
                wce,
                dt,
                "pw-per-class",
                "pos_weight array (C,)",
                labels=cast(yw, dt),
                logits=cast(zw, dt),
                pos_weight=cast([0.5, 1.0, 4.0], dt),
            )
        )
    cl.add(
        _tf_nn_case(
            wce,
            "float32",
            "logits-inf-pw1",
            "edge: infinite logits with pos_weight=1 (compare the sigmoid loss)",
            labels=cast(y_inf, "float32"),
            logits=cast(x_inf, "float32"),
            pos_weight=1.0,
        )
    )
    # worked examples of docs/semantics.md (values in the notes)
    for dt, val in (
        ("float32", 1.4076059),
        ("float16", 1.4072266),
        ("bfloat16", 1.40625),
        ("float64", 1.4076059644),
    ):
        cl.add(
            _tf_nn_case(
                sce,
                dt,
                "doc-1.4076",
                _doc([val], "4.1"),
                labels=cast([[0.0, 1, 0]], dt),
                logits=cast([[1.0, 2, 3]], dt),
            )
        )
    for dt in ("float16", "bfloat16"):
        cl.add(
            _tf_nn_case(
                ssce,
                dt,
                "doc-1.4076",
                "",
                labels=np.array([1]),
                logits=cast([[1.0, 2, 3]], dt),
            )
        )
    cl.add(
        _tf_nn_case(
            ssce,
            "float32",
            "doc-neginf",
            _doc([1.3132616], "D16"),
            labels=np.array([0]),
            logits=cast([[0.0, -INF, 1]], "float32"),
        )
    )
    cl.add(
        _tf_nn_case(
            sce,
            "float32",
            "doc-neginf",
            _doc(["nan"], "D16"),
            labels=cast([[1.0, 0, 0]], "float32"),
            logits=cast([[0.0, -INF, 1]], "float32"),
        )
    )
    cl.add(
        _tf_nn_case(
            sig,
            "float32",
            "doc-x-100",
            _doc([100.0], "4.3"),
            labels=cast([1.0], "float32"),
            logits=cast([-100.0], "float32"),
        )
    )
    return cl


build = build_tf_nn


def runner() -> TFRunner:
    """Imports TensorFlow."""
    return TFRunner("tf_nn")
