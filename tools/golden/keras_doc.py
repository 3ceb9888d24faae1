"""The worked examples of docs/semantics.md for the Keras-like entry points."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import (
    CaseList,
    _doc,
    cast,
)
from ._keras_common import _keras_case, _keras_impls

# Worked examples of docs/semantics.md for the Keras-like entry points, as a table:
# (group, entry, tag, y_true, y_pred, options, Keras 3 value, tf_keras value,
#  section, sample_weight, dtype).  entry: "ops" = keras.ops / tf_keras.backend,
# "fn" = losses function, "cls" = Loss class.  A value of None means the spec
# quotes no number for that flavour; K3_ONLY rows are not run for tf_keras.
# A section "a|b" is the Keras 3 section and the tf_keras section.
# Labels written with a float (1.0) are float arrays; all-int lists are int64.
K3_ONLY = "keras 3 only"
_Y2 = [[0.0, 1, 0], [0, 0, 1]]
_P2 = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
_YV, _PV = [[0.0, 1, 0]], [[0.1, 0.8, 0.1]]
_ZB = [[-18.6, 0.51], [2.94, -12.8]]
_YB = [[0.0, 1], [0, 0]]
_PI = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]
_YI = [0, -1, 2]
_ZF = [-18.6, 0.51, 2.94, -12.8]
_YF = [0.0, 1, 0, 0]
_LOGITS = {"from_logits": True}
_IGN = {"ignore_class": -1}
# fmt: off
KERAS_DOC: list[tuple[Any, ...]] = [
    ("cce", "ops", "cce", _Y2, _P2, {}, [0.0512933061, 2.30258512], None, "2.11", None,
     "float32"),
    ("scce", "ops", "scce", [1, 2], _P2, {}, [0.0512934439, 2.30258512], None, "2.11",
     None, "float32"),
    ("cce", "cls", "cce", _Y2, _P2, {}, 1.1769392, None, "2.7.1", None, "float32"),
    ("cce", "cls", "cce-sw", _Y2, _P2, {}, 0.813598812, None, "2.11", [0.3, 0.7],
     "float32"),
    ("cce", "cls", "cce-sum", _Y2, _P2, {"reduction": "sum"}, 2.3538785, None, "2.11",
     None, "float32"),
    ("cce", "cls", "cce-sw-zero", _Y2, _P2, {}, 0.0, None, "2.11", [0.0, 0.0],
     "float32"),
    ("scce", "cls", "scce-ytrue-col", [[1], [2]], _P2, {}, 1.17693925, None, "2.11",
     None, "float32"),
    ("cce", "fn", "cce-ls0.1", _YV, _PV, {"label_smoothing": 0.1}, [0.361772984], None,
     "2.11", None, "float32"),
    ("cce", "fn", "cce-ls0.1-logits", _YV, [[1.0, 2, 3]],
     {"label_smoothing": 0.1, "from_logits": True}, [1.40760589], None, "2.11", None,
     "float32"),
    ("cce", "fn", "cce-ls-0.1", _YV, _PV, {"label_smoothing": -0.1}, [0.0845141], None,
     "D10", None, "float32"),
    ("cce", "fn", "cce-ls1.5", _YV, _PV, {"label_smoothing": 1.5}, [2.3025851], None,
     "D10", None, "float32"),
    ("cce", "ops", "cce-logits-as-probs", [[1.0, 0, 0]], [[2.0, 1, 0.1]], {},
     [0.438254863], [0.438254863], "D6", None, "float32"),
    ("cce", "ops", "cce-neg-probs", [[1.0, 0, 0]], [[2.0, -1, 0.5]], {},
     [1.1920929e-07], [1.1920929e-07], "D6", None, "float32"),
    ("cce", "ops", "cce-soft-unnorm", [[0.5, 0.5, 0.5]], [[0.7, 0.2, 0.1]], {},
     [2.13434887], [2.13434887], "2.11", None, "float32"),
    ("cce", "ops", "cce-axis0", [[1.0, 0], [0, 1], [0, 0]],
     [[0.7, 0.25], [0.2, 0.5], [0.1, 0.25]], {"axis": 0}, [0.356674969, 0.693147182],
     None, "2.11", None, "float32"),
    ("bce", "fn", "bce-ls0.1", [[0.0, 1]], [[0.2, 0.7]], {"label_smoothing": 0.1},
     [0.34574908], None, "2.11", None, "float32"),
    ("bce", "fn", "bce-mean-last-axis", _YB, [[0.6, 0.4], [0.4, 0.6]], {},
     [0.91629076, 0.713558197], None, "2.11", None, "float32"),
    ("bce", "fn", "bce-onehot", [[1.0, 0, 0]], [[0.7, 0.2, 0.1]], {}, [0.2283930], None,
     "D5", None, "float32"),
    ("bce", "cls", "bce-logits", _YB, _ZB, _LOGITS, 0.865458012, None, "2.11", None,
     "float32"),
    ("bce", "cls", "bce-logits-sw", _YB, _ZB, _LOGITS, 0.243638605, None, "2.11",
     [0.8, 0.2], "float32"),
    ("bce", "cls", "bce-logits-mwsw", _YB, _ZB,
     {"from_logits": True, "reduction": "mean_with_sample_weight"}, 0.48727721, K3_ONLY,
     "2.11", [0.8, 0.2], "float32"),
    ("bce", "cls", "bce-1d", _YF, [0.6, 0.3, 0.2, 0.8], {}, 0.988211274, None, "2.11",
     None, "float32"),
    ("bce", "cls", "bce-1d-sw", [0.0, 1], [0.9, 0.9], {}, 0.6019863, None, "2.7.4",
     [1.0, 0.0], "float32"),
    ("bce", "cls", "bce-col-sw", [[0.0], [1]], [[0.9], [0.9]], {}, 1.1512924, None,
     "2.7.4", [1.0, 0.0], "float32"),
    ("bce", "ops", "bce-y1p0", [1.0], [0.0], {}, [16.118095], [15.424949], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, [15.942385], [15.333239], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y1p1", [1.0], [1.0], {}, [1.1920929e-07], [0.0], "2.4|3.1",
     None, "float32"),
    ("bce", "ops", "bce-y1p0.3", [1.0], [0.3], {}, None, [1.2039725], "2.4|3.1", None,
     "float32"),
    ("bce", "ops", "bce-y2-p0.3", [2.0], [0.3], {}, [2.05127072], None, "2.11", None,
     "float32"),
    ("bce", "ops", "bce-logits-20", [1.0], [-20.0], _LOGITS, [20.0], [20.0], "2.11",
     None, "float32"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, [16.1180957], None, "2.11", None,
     "float64"),
    ("bce", "ops", "bce-y0p1", [0.0], [1.0], {}, ["inf"], None, "2.11", None,
     "float16"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [16.1180954],
     [16.1180954], "2.11", None, "float32"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [16.1180957],
     [16.1180957], "2.11", None, "float64"),
    ("cce", "ops", "cce-p-true-zero", _YV, [[1.0, 0, 0]], {}, [15.9453125],
     [15.9453125], "2.11", None, "float16"),
    ("bce", "cls", "bce-y0p1", [[0.0]], [[1.0]], {}, 15.9423847, K3_ONLY, "2.11", None,
     "float64"),
    ("bce", "cls", "bce-y0p1-dtype64", [[0.0]], [[1.0]], {"dtype": "float64"},
     16.1180957, K3_ONLY, "2.11", None, "float64"),
    ("scce", "ops", "scce-unnorm", [1], [[0.5, 0, 0]], {}, [15.4249477], [15.4249477],
     "2.11", None, "float32"),
    ("scce", "ops", "scce-perfect", [0], [[1.0, 0, 0]], {}, [2.38418551e-07],
     [2.38418551e-07], "2.11", None, "float32"),
    ("scce", "ops", "scce-float-label", [1.7], [[0.2, 0.3, 0.5]], {}, [1.20397282],
     [1.20397282], "2.11", None, "float32"),
    ("scce", "cls", "scce-ignore", _YI, _PI, _IGN, 0.289909273, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-ignore-sum", _YI, _PI,
     {"ignore_class": -1, "reduction": "sum"}, 0.579818487, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-ignore-sw", _YI, _PI, _IGN, 0.468246788, None, "2.11",
     [2.0, 1, 1], "float32"),
    ("scce", "cls", "scce-ignore-logits", _YI, [[2.0, 1, 0], [0, 0, 0], [0, 1, 3]],
     {"ignore_class": -1, "from_logits": True}, 0.288726002, None, "2.11", None,
     "float32"),
    ("scce", "cls", "scce-all-ignored", [-1, -1], _PI[:2], _IGN, 0.0, "nan",
     "2.11|3.2 (inferred)", None, "float32"),
    ("bfc", "cls", "bfc", _YF, _ZF, {"gamma": 2.0, "from_logits": True}, 0.691212177,
     None, "2.11", None, "float32"),
    ("bfc", "cls", "bfc-balanced", _YF, _ZF,
     {"gamma": 2.0, "from_logits": True, "apply_class_balancing": True}, 0.510133326,
     None, "2.11", None, "float32"),
    ("bfc", "fn", "bfc-logit-20", [1.0], [-20.0], _LOGITS, 20.0, None, "2.11", None,
     "float32"),
    ("bfc", "fn", "bfc-probs", _YB, [[0.6, 0.4], [0.4, 0.6]], {},
     [0.329864681, 0.205798388], None, "2.11", None, "float32"),
    ("bfc", "fn", "bfc-ls", [[0.0, 1]], [[0.6, 0.4]], {"label_smoothing": 0.2},
     [0.294600427], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc", _Y2, [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]], {},
     [0.000263401482, 0.675912082], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc-logits", _YV, [[1.0, 2, 3]], _LOGITS, [0.200736955], None,
     "2.11", None, "float32"),
    ("cfc", "fn", "cfc-alpha-list", _YV, [[0.2, 0.5, 0.3]], {"alpha": [0.1, 0.2, 0.7]},
     [0.0346573591], None, "2.11", None, "float32"),
    ("cfc", "fn", "cfc-gamma0", _YV, _PV, {"gamma": 0.0}, [0.0557859], None, "2.6.5",
     None, "float32"),
]
# fmt: on
_KERAS_NAMES = {
    "cce": ("categorical_crossentropy", "CategoricalCrossentropy"),
    "scce": ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    "bce": ("binary_crossentropy", "BinaryCrossentropy"),
    "bfc": ("binary_focal_crossentropy", "BinaryFocalCrossentropy"),
    "cfc": ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"),
}


def _add_keras_doc_cases(cl: CaseList, flavour: str) -> None:
    """The worked examples of docs/semantics.md (same inputs; values in the notes)."""
    impls = _keras_impls(flavour)
    k3 = flavour == "keras"
    backend = "keras.ops" if k3 else "tf_keras.backend"
    for row in KERAS_DOC:
        group, entry, tag, y, p, opts, v_k3, v_tfk, section, sw, dt = row
        if not k3 and v_tfk == K3_ONLY:
            continue
        fn, cls = _KERAS_NAMES[group]
        impl = {
            "ops": f"{backend}.{fn}",
            "fn": f"{flavour}.losses.{fn}",
            "cls": f"{flavour}.losses.{cls}",
        }[entry]
        value = v_k3 if k3 else v_tfk
        yy = np.asarray(y)
        yy = cast(yy, dt) if yy.dtype.kind == "f" else yy
        section = section.split("|")[0 if k3 else -1]
        note = "" if value is None else _doc(value, section)
        sw_v = None if sw is None else cast(sw, dt)
        case = _keras_case(
            impl,
            impls[group][impl],
            dt,
            f"doc-{tag}",
            yy,
            cast(p, dt),
            opts,
            note,
            sw_v,
        )
        cl.add(case)
