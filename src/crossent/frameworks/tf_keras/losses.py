"""Mirror of ``tf_keras.losses``' cross-entropies (Keras 2.4–2.21).

Source: keras-team/tf-keras ``tf_keras/losses.py`` (``Loss.__call__``,
``LossFunctionWrapper``, the loss functions and classes) and
``tf_keras/utils/losses_utils.py`` (``compute_weighted_loss``,
``squeeze_or_expand_dimensions``, ``apply_valid_mask``), read in the installed
tf_keras 2.21.0.

Unlike Keras 3, nothing is cast to float32 on the way in: the functions cast
``y_true`` to ``y_pred``'s dtype and compute in it, so float64 stays float64.
A ``(B,)`` sample weight on ``(B, T)`` losses is expanded to ``(B, 1)``
(per sample). ``ignore_class`` entries are dropped from the mean; a batch whose
every label is ignored gives NaN under the default reduction (``0 · inf``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

from crossent._core._guard import guard_module
from crossent.frameworks import _keras_common as api
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.tf_keras import _functions as _fns
from crossent.frameworks.tf_keras import backend as kb
from crossent.frameworks.tf_keras._classes import (
    UTILS,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    Loss,
    Reduction,
    SparseCategoricalCrossentropy,
)
from crossent.frameworks.tf_keras._functions import LOSSES

# the loss classes and functions, as keras.losses has them, and tf_keras' own
__all__ = ["Loss", "Reduction", *api.LOSS_NAMES]

_REF = "https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/losses/"


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------


_NO_CAST = Divergence(
    "cast",
    "no float32 cast: y_true is cast to y_pred's dtype and float64 stays float64 "
    "(Keras 3 Loss classes compute in float32)",
    f"{LOSSES} Loss.__call__",
)
_PER_SAMPLE_WEIGHT = Divergence(
    "weight",
    "a (B,) sample weight on (B,T) losses is expanded to (B,1) (per sample); "
    "'sum_over_batch_size' divides by the number of loss elements",
    f"{UTILS} compute_weighted_loss",
)
_NO_SQUEEZE = Divergence(
    "squeeze",
    "NumPy inputs are not squeezed to the same rank (only tensors are): y_true (B,) "
    "with y_pred (B,1) broadcasts to (B,B)",
    f"{LOSSES} LossFunctionWrapper.call",
)
_ALL_IGNORED = Divergence(
    "weight",
    "ignore_class: the mean is over kept entries; all ignored → NaN (0·inf) under "
    "'auto'/'sum_over_batch_size'",
    f"{UTILS} apply_valid_mask",
)
_FOCAL_BCE = Divergence(
    "terms",
    "focal factor from the unclipped probability; the BCE term uses the double "
    "epsilon for probabilities",
    "tf_keras/backend.py binary_focal_crossentropy",
)
_FOCAL_ALPHA = Divergence(
    "terms",
    "alpha always multiplies (gamma=0 gives 0.25 × CCE by default)",
    "tf_keras/backend.py categorical_focal_crossentropy",
)
_LOGITS = {"from_logits": (False, True)}
_CLASS_OPTS = {**_LOGITS, "reduction": ("sum_over_batch_size", "sum", "none")}
_CLASS_DIVS = (_PER_SAMPLE_WEIGHT, _NO_SQUEEZE)
# binding for identify or explain stays silent (the public call warns like tf_keras)
_SILENT = {"_warn": False}
Labels = Literal["one_hot", "integer", "binary"]


_tf_keras = functools.partial(
    Mirror, framework="tf_keras", versions=kb.VERSIONS, expects="probabilities"
)


def _declare(
    fn: Callable[..., tuple[Plan, State]],
    cls: type[Loss],
    labels: Labels,
    summary: str,
    divergences: tuple[Divergence, ...],
    defaults: dict[str, Any] | None = None,
) -> Callable[..., Any]:
    """Declare the loss function ``fn`` and its class ``cls``, in that order."""
    extra = (_ALL_IGNORED,) if cls.__name__ == "SparseCategoricalCrossentropy" else ()
    public = _tf_keras(
        path=f"tf_keras.losses.{fn.__name__}",
        reference=_REF + fn.__name__,
        summary=summary,
        labels=labels,
        divergences=divergences,
        options=_LOGITS,
        defaults=defaults or {},
    )(fn)
    _tf_keras(
        path=f"tf_keras.losses.{cls.__name__}",
        reference=_REF + cls.__name__,
        summary=summary + "; then sample weight and reduction ('auto' = Σ/N)",
        labels=labels,
        divergences=(*divergences, *_CLASS_DIVS, *extra),
        options=_CLASS_OPTS,
    )(cls)
    return public


categorical_crossentropy = _declare(
    _fns.categorical_crossentropy,
    CategoricalCrossentropy,
    "one_hot",
    "categorical CE: cast to y_pred's dtype, smooth ls/C, renormalise, clip",
    (kb.DIV_RENORM, kb.DIV_CLIP, _NO_CAST),
    _SILENT,
)
sparse_categorical_crossentropy = _declare(
    _fns.sparse_categorical_crossentropy,
    SparseCategoricalCrossentropy,
    "integer",
    "sparse CE: clip, log, sparse softmax op (renormalises after the clip)",
    (kb.DIV_CLIP, kb.DIV_SPARSE_RENORM, kb.DIV_LABEL_RANGE),
)
binary_crossentropy = _declare(
    _fns.binary_crossentropy,
    BinaryCrossentropy,
    "binary",
    "BCE with the double epsilon, averaged over the last axis",
    (kb.DIV_CLIP, kb.DIV_DOUBLE_EPS, _NO_CAST),
)
binary_focal_crossentropy = _declare(
    _fns.binary_focal_crossentropy,
    BinaryFocalCrossentropy,
    "binary",
    "binary focal CE: (1 − p_t)^γ × double-epsilon BCE, averaged over the last axis",
    (kb.DIV_CLIP, _FOCAL_BCE, _NO_CAST),
)
categorical_focal_crossentropy = _declare(
    _fns.categorical_focal_crossentropy,
    CategoricalFocalCrossentropy,
    "one_hot",
    "categorical focal CE: Σ α (1 − p)^γ (−y log p), renormalised and clipped",
    (kb.DIV_RENORM, kb.DIV_CLIP, _FOCAL_ALPHA),
    _SILENT,
)

guard_module(globals(), "tf_keras.losses.", __all__)
