"""Keras Loss classes: reductions, sample weights, empty batches and dtype."""

from __future__ import annotations

import numpy as np

from ._common import (
    F32,
    F32_F64,
    CaseList,
    bin_labels,
    bin_probs,
    cast,
    one_hot,
    probs,
    rng,
)
from ._keras_common import _keras_case, _keras_impls, class_reductions


def _add_keras_class_extras(cl: CaseList, flavour: str) -> None:
    """Reductions, sample weights, empty batches and dtype for Loss classes."""
    impls = _keras_impls(flavour)
    reductions = class_reductions(flavour)
    r = rng(flavour, "extras")
    sw4 = r.uniform(0, 2, (4,))
    sw4[1] = 0.0
    data = {
        "cce": (one_hot([0, 2, 1, 1], 3), probs(r, (4, 3)), {}),
        "scce": (np.array([0, 2, 1, 1]), probs(r, (4, 3)), {}),
        "bce": (bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), {}),
        "bfc": (bin_labels(r, (4, 3)), bin_probs(r, (4, 3)), {}),
        "cfc": (one_hot([1, 2, 0, 1], 3), probs(r, (4, 3)), {}),
        "scce-ignore": (
            np.array([0, -1, 2, 1]),
            probs(r, (4, 3)),
            {"ignore_class": -1},
        ),
    }
    for key, (y, p, opts) in data.items():
        group = key.split("-")[0]
        cls_impl = next(i for i, s in impls[group].items() if s[0] == "class")
        spec = impls[group][cls_impl]
        suffix = "-ignore" if key.endswith("ignore") else ""
        dts = F32_F64 if key in ("cce", "bce", "scce") else F32
        for dt in dts:
            yy = cast(y, dt) if y.dtype.kind == "f" else y
            pp = cast(p, dt)
            for red in reductions:
                o = {**opts, "reduction": red}
                rtag = "None" if red is None else red
                for sw_tag, sw in (("", None), ("-sw", cast(sw4, dt))):
                    c = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"reduction-{rtag}{sw_tag}{suffix}",
                        yy,
                        pp,
                        o,
                        "",
                        sw,
                    )
                    cl.add(c)
                    e = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"empty-reduction-{rtag}{sw_tag}{suffix}",
                        yy[:0],
                        pp[:0],
                        o,
                        "edge: empty batch",
                        None if sw is None else cast(sw4[:0], dt),
                    )
                    cl.add(e)
            for sw_tag, sw, note in (
                ("sw-zeros", np.zeros(4), "all sample weights zero"),
                ("sw-column", sw4[:, None], "sample_weight of shape (B,1)"),
                ("sw-scalar", 2.0, "scalar sample_weight"),
            ):
                sw_v = sw if isinstance(sw, float) else cast(sw, dt)
                for red in (reductions[0], "sum", reductions[-1]):
                    rtag = "None" if red is None else red
                    c = _keras_case(
                        cls_impl,
                        spec,
                        dt,
                        f"{sw_tag}-{rtag}{suffix}",
                        yy,
                        pp,
                        {**opts, "reduction": red},
                        note,
                        sw_v,
                    )
                    cl.add(c)
            if flavour == "keras":
                mws = {**opts, "reduction": "mean_with_sample_weight"}
                c = _keras_case(
                    cls_impl,
                    spec,
                    dt,
                    f"sw-zeros-mwsw{suffix}",
                    yy,
                    pp,
                    mws,
                    "all sample weights zero",
                    cast(np.zeros(4), dt),
                )
                cl.add(c)
        bad = _keras_case(
            cls_impl,
            spec,
            "float32",
            f"reduction-bogus{suffix}",
            cast(y, "float32") if y.dtype.kind == "f" else y,
            cast(p, "float32"),
            {**opts, "reduction": "bogus"},
            "invalid reduction",
        )
        cl.add(bad)
    # (B,T) losses with (B,) and (B,1) sample weights (B == T == 2 and B != T)
    scce_cls = f"{flavour}.losses.SparseCategoricalCrossentropy"
    scce_spec = impls["scce"][scce_cls]
    y22 = np.array([[1, 2], [0, 1]])
    z223 = np.array([[[1.0, 2, 3], [0, 0, 0]], [[5, 1, 0.5], [1, 2, 0]]])
    for red in (reductions[0], "sum", reductions[-1]) + (
        ("mean_with_sample_weight",) if flavour == "keras" else ()
    ):
        rtag = "None" if red is None else red
        o = {"from_logits": True, "reduction": red}
        for sw_tag, sw in (
            ("sw-B", np.array([1.0, 0.0])),
            ("sw-B1", np.array([[1.0], [0.0]])),
        ):
            cl.add(
                _keras_case(
                    scce_cls,
                    scce_spec,
                    "float32",
                    f"seq-{sw_tag}-{rtag}",
                    y22,
                    cast(z223, "float32"),
                    o,
                    "(B,T) losses with per-sample weights",
                    cast(sw, "float32"),
                )
            )
    y23 = np.array([[1, 2, 0], [0, 1, 1]])
    z233 = rng("seq", 3).normal(size=(2, 3, 3))
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "seq-sw-B-mismatch",
            y23,
            cast(z233, "float32"),
            {"from_logits": True},
            "(B,T)=(2,3) losses with (B,) weights",
            cast(np.array([1.0, 0.5]), "float32"),
        )
    )
    o_ign = {"from_logits": True, "ignore_class": -1}
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "seq-ignore-sw-B1",
            np.array([[1, -1], [0, 1]]),
            cast(z223, "float32"),
            o_ign,
            "ignore_class mask with (B,1) weights",
            cast(np.array([[2.0], [1.0]]), "float32"),
        )
    )
    cl.add(
        _keras_case(
            scce_cls,
            scce_spec,
            "float32",
            "ignore-sw",
            np.array([0, -1, 2]),
            cast(
                np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]), "float32"
            ),
            {"ignore_class": -1},
            "ignore_class with sample weights",
            cast(np.array([2.0, 1.0, 1.0]), "float32"),
        )
    )
    # BCE with 1-D inputs and sample weights vs (B,1)
    bce_cls = f"{flavour}.losses.BinaryCrossentropy"
    bce_spec = impls["bce"][bce_cls]
    w = cast(np.array([1.0, 0.0]), "float32")
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "1d-sw",
            cast([0.0, 1.0], "float32"),
            cast([0.9, 0.9], "float32"),
            {},
            "1-D inputs with sample weights",
            w,
        )
    )
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "column-sw",
            cast([[0.0], [1.0]], "float32"),
            cast([[0.9], [0.9]], "float32"),
            {},
            "(B,1) inputs with sample weights",
            w,
        )
    )
    cl.add(
        _keras_case(
            bce_cls,
            bce_spec,
            "float32",
            "doc-logits-sw",
            cast([[0.0, 1], [0, 0]], "float32"),
            cast([[-18.6, 0.51], [2.94, -12.8]], "float32"),
            {"from_logits": True},
            "Keras docstring example",
            cast([0.8, 0.2], "float32"),
        )
    )
    if flavour == "keras":
        # dtype="float64" computes in float64 instead of the default float32
        for group, (y, p) in {
            "cce": (np.array([[0.0, 1]]), np.array([[1.0, 0.0]])),
            "bce": (np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])),
            "scce": (np.array([1, 0]), np.array([[1.0, 0.0], [0.3, 0.7]])),
        }.items():
            ci = next(i for i, s in impls[group].items() if s[0] == "class")
            for dt in ("float64", "float16"):
                yy = cast(y, dt) if y.dtype.kind == "f" else y
                cl.add(
                    _keras_case(
                        ci,
                        impls[group][ci],
                        dt,
                        f"dtype-{dt}",
                        yy,
                        cast(p, dt),
                        {"dtype": dt},
                        f"Loss(dtype={dt!r}) on clipped inputs",
                    )
                )
                cl.add(
                    _keras_case(
                        ci,
                        impls[group][ci],
                        dt,
                        "dtype-default",
                        yy,
                        cast(p, dt),
                        {},
                        "default Loss dtype on clipped inputs",
                    )
                )
