"""Mirror of ``keras.losses``' cross-entropies (Keras 3.13–3.15, TensorFlow backend).

The loss classes convert both inputs (and ``sample_weight``) to their ``dtype``
(float32 by default, whatever the inputs' dtype), fix ranks, call the loss
function, then mask, weight and reduce (``keras/src/losses/loss.py``). The loss
functions convert ``y_pred`` (Python floats → float32, NumPy arrays keep their
dtype) and cast ``y_true`` to it (``keras/src/losses/losses.py``, 3.15.1).
``tf.keras.losses`` in TensorFlow ≥ 2.16 is this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from crossent._core._guard import guard_module
from crossent.frameworks import _keras_common as api
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import keras_clip_texts
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.keras import _functions as fns
from crossent.frameworks.keras import _loss_functions as _fns
from crossent.frameworks.keras import _tf_ops as tfo
from crossent.frameworks.keras._loss import LOSS
from crossent.frameworks.keras._loss_classes import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
)
from crossent.frameworks.keras._loss_functions import (
    plan_binary_fn,
    plan_categorical_fn,
)

# the loss classes and functions, as tf_keras.losses has them
__all__ = list(api.LOSS_NAMES)

_P = "keras.losses."

_VERSIONS = (
    "Keras 3.13–3.15 (TensorFlow backend; tf.keras in TensorFlow ≥ 2.16), run against "
    "3.15.1; 3.10–3.12 differ only in the ignore_class mask weight, total/(valid + 1e-7)"
)
_REF = "https://keras.io/api/losses/probabilistic_losses/#"
_NN = tfo.NN
_COST = keras_clip_texts()
_RENORM = Divergence(
    "renormalize",
    "probabilities divided by their sum along the class axis (rows need not sum to 1)",
    f"{_NN} categorical_crossentropy",
)
_CLIP = Divergence(
    "clip",
    "probabilities clipped to [1e-7, 1 − 1e-7]: in float32 a true class predicted 0 "
    f"costs {_COST['true_at_0']}, a perfect prediction {_COST['perfect']}",
    f"{_NN} categorical_crossentropy",
)
_SMOOTH_C = Divergence(
    "smooth",
    "y(1 − ls) + ls/C with C = the LAST axis' size even when axis != -1 (3.15.1)",
    f"{fns.FN} categorical_crossentropy",
)
_SPARSE_CLIP = Divergence(
    "clip",
    "clip then log, no renormalisation first: the softmax of log(clip(p)) "
    f"renormalises after clipping (p=[.5,0,0], y=1 → {_COST['sparse_half']})",
    f"{_NN} sparse_categorical_crossentropy",
)
_SPARSE_LABELS = Divergence(
    "validate",
    "labels outside [0, C) raise InvalidArgumentError on CPU (NaN on GPU)",
    "tensorflow/core/kernels/sparse_xent_op.h",
)
_IGNORE = Divergence(
    "ignore",
    "ignore_class entries get loss 0 and a mask; means divide by the count of valid "
    "entries, even with sample weights",
    f"{fns.FN} sparse_categorical_crossentropy",
)
_BCE_CLIP = Divergence(
    "clip",
    f"asymmetric float32 caps: {_COST['true_at_0']} (y=1, p=0), "
    f"{_COST['false_at_1']} (y=0, p=1)",
    f"{_NN} binary_crossentropy",
)
_BCE_MEAN = Divergence(
    "class_reduce",
    "mean over the last axis: 1-D (B,) inputs are averaged over the batch",
    f"{fns.FN} binary_crossentropy",
)
_BFC = Divergence(
    "terms",
    "focal factor from the unclipped probability; with from_logits the BCE term is "
    "computed from the logits (TF shortcut), so it is not capped at "
    f"{_COST['true_at_0']}",
    f"{fns.FN} binary_focal_crossentropy",
)
_CFC = Divergence(
    "terms",
    "alpha always multiplies (gamma=0 gives 0.25 × CCE); the focal factor uses the "
    "clipped, renormalised probability",
    f"{fns.FN} categorical_focal_crossentropy",
)
_CAST = Divergence(
    "cast",
    "inputs converted to the loss dtype, float32 by default even for float64 inputs",
    f"{LOSS} Loss.__call__",
)
_REDUCE = Divergence(
    "reduce",
    "sum_over_batch_size divides Σwℓ by the number of loss elements (not Σw); "
    "mean_with_sample_weight by Σw; 0/0 gives 0; an empty batch returns []",
    f"{LOSS} reduce_values",
)
_WEIGHT = Divergence(
    "weight",
    "a (B,) sample_weight on (B, T) losses broadcasts against the LAST axis",
    f"{LOSS} reduce_weighted_values",
)
_CLASS_DIVS = (_CAST, _WEIGHT, _REDUCE)
_CLASS_OPTS: dict[str, tuple[Any, ...]] = {
    "from_logits": (False, True),
    "reduction": ("sum_over_batch_size", "sum", "none"),
}
_FN_OPTS: dict[str, tuple[Any, ...]] = {"from_logits": (False, True)}

_keras = functools.partial(
    Mirror, framework="keras", versions=_VERSIONS, expects="probabilities"
)
_BFC_OPTS = {"from_logits": (False, True), "apply_class_balancing": (False, True)}

_keras(
    path=_P + "CategoricalCrossentropy",
    reference=_REF + "categoricalcrossentropy-class",
    summary="renormalise, clip, −Σ y log p per sample; float32; Σwℓ/N",
    labels="one_hot",
    divergences=(_SMOOTH_C, _RENORM, _CLIP, *_CLASS_DIVS),
    options=_CLASS_OPTS,
)(CategoricalCrossentropy)
_keras(
    path=_P + "SparseCategoricalCrossentropy",
    reference=_REF + "sparsecategoricalcrossentropy-class",
    summary="clip, log, sparse softmax CE (renormalised after clipping); float32; "
    "Σwℓ/N",
    labels="integer",
    divergences=(_SPARSE_LABELS, _SPARSE_CLIP, _IGNORE, *_CLASS_DIVS),
    options=_CLASS_OPTS,
)(SparseCategoricalCrossentropy)
_keras(
    path=_P + "BinaryCrossentropy",
    reference=_REF + "binarycrossentropy-class",
    summary="clip, elementwise BCE, mean over the last axis; float32; Σwℓ/N",
    labels="binary",
    divergences=(_BCE_CLIP, _BCE_MEAN, *_CLASS_DIVS),
    options=_CLASS_OPTS,
)(BinaryCrossentropy)
_keras(
    path=_P + "BinaryFocalCrossentropy",
    reference=_REF + "binaryfocalcrossentropy-class",
    summary="(1 − p_t)^γ · BCE, mean over the last axis; float32; Σwℓ/N",
    labels="binary",
    divergences=(_BCE_CLIP, _BFC, _BCE_MEAN, *_CLASS_DIVS),
    options=_BFC_OPTS,
)(BinaryFocalCrossentropy)
_keras(
    path=_P + "CategoricalFocalCrossentropy",
    reference=_REF + "categoricalfocalcrossentropy-class",
    summary="Σ α(1 − p)^γ(−y log p) on renormalised, clipped p; float32; Σwℓ/N",
    labels="one_hot",
    divergences=(_SMOOTH_C, _RENORM, _CLIP, _CFC, *_CLASS_DIVS),
    options={"from_logits": (False, True)},
)(CategoricalFocalCrossentropy)
# binding for identify or explain stays silent (the public call warns like Keras)
_SILENT = {"_warn": False}
categorical_crossentropy = _keras(
    path=_P + "categorical_crossentropy",
    reference=_REF + "categorical_crossentropy-function",
    summary="renormalise, clip to [ε, 1−ε], −Σ y log p per sample, in y_pred's dtype",
    labels="one_hot",
    divergences=(_SMOOTH_C, _RENORM, _CLIP),
    options=_FN_OPTS,
    defaults=_SILENT,
)(_fns.categorical_crossentropy)
sparse_categorical_crossentropy = _keras(
    path=_P + "sparse_categorical_crossentropy",
    reference=_REF + "sparse_categorical_crossentropy-function",
    summary="clip, log, sparse softmax CE; ignore_class entries give 0",
    labels="integer",
    divergences=(_SPARSE_LABELS, _SPARSE_CLIP, _IGNORE),
    options=_FN_OPTS,
)(_fns.sparse_categorical_crossentropy)
binary_crossentropy = _keras(
    path=_P + "binary_crossentropy",
    reference=_REF + "binary_crossentropy-function",
    summary="clip, elementwise BCE, mean over the last axis",
    labels="binary",
    divergences=(_BCE_CLIP, _BCE_MEAN),
    options=_FN_OPTS,
)(_fns.binary_crossentropy)
binary_focal_crossentropy = _keras(
    path=_P + "binary_focal_crossentropy",
    reference=_REF + "binary_focal_crossentropy-function",
    summary="(1 − p_t)^γ · BCE, mean over the last axis",
    labels="binary",
    divergences=(_BCE_CLIP, _BFC, _BCE_MEAN),
    options=_BFC_OPTS,
)(_fns.binary_focal_crossentropy)
categorical_focal_crossentropy = _keras(
    path=_P + "categorical_focal_crossentropy",
    reference=_REF + "categorical_focal_crossentropy-function",
    summary="Σ α(1 − p)^γ(−y log p) on renormalised, clipped p",
    labels="one_hot",
    divergences=(_RENORM, _CLIP, _CFC),
    options=_FN_OPTS,
    defaults=_SILENT,
)(_fns.categorical_focal_crossentropy)

_SHORTCUT = (
    "TensorFlow backend only: when y_pred is the output of a softmax/sigmoid "
    "(keras.ops, keras.activations, layers, Dense(activation=...), and everything "
    "in model.fit/evaluate), Keras takes the logits back from the tensor "
    "(`_keras_logits` or op.type) and computes the exact loss from them"
)


def _logits_shortcut(
    plan: Callable[..., tuple[Plan, State]], path: str
) -> Callable[..., tuple[Plan, State]]:
    """Plan of the TF-backend logits shortcut: ``y_pred`` are the activation's logits."""

    def shortcut(
        y_true: Any, y_pred: Any, *, label_smoothing: float = 0.0, axis: int = -1
    ) -> tuple[Plan, State]:
        options = {"label_smoothing": label_smoothing, "axis": axis}
        return plan(y_true, y_pred, from_logits=True, **options, _path=path)

    return shortcut


_CCE_LOGITS = _P + "categorical_crossentropy[softmax_logits]"
_keras(
    path=_CCE_LOGITS,
    reference=f"{_NN} _get_logits",
    summary="exact softmax CE of the pre-softmax logits (what fit/evaluate report)",
    expects="logits",
    labels="one_hot",
    divergences=(
        Divergence("activation", _SHORTCUT + "; no clip, so not capped", _NN),
        _SMOOTH_C,
    ),
)(_logits_shortcut(plan_categorical_fn, _CCE_LOGITS))
_BCE_LOGITS = _P + "binary_crossentropy[sigmoid_logits]"
_keras(
    path=_BCE_LOGITS,
    reference=f"{_NN} _get_logits",
    summary="exact sigmoid BCE of the pre-sigmoid logits, mean over the last axis",
    expects="logits",
    labels="binary",
    divergences=(
        Divergence("terms", _SHORTCUT + "; no clip, so not capped", _NN),
        _BCE_MEAN,
    ),
)(_logits_shortcut(plan_binary_fn, _BCE_LOGITS))


guard_module(globals(), "keras.losses.", __all__)
