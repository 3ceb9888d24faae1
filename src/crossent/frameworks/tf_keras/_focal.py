"""``tf_keras.backend``'s focal cross-entropies: their steps and their mirrors.

``tf_keras.backend.binary_focal_crossentropy`` and
``categorical_focal_crossentropy`` are declared here and re-exported by
:mod:`crossent.frameworks.tf_keras.backend`; :mod:`~crossent.frameworks.tf_keras.losses`
builds its focal losses on the same steps.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent.frameworks import _keras_common as api
from crossent.frameworks import _steps as st
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State, Step
from crossent.frameworks._registry import Divergence
from crossent.frameworks.tf import nn as tf_nn
from crossent.frameworks.tf_keras import _tf
from crossent.frameworks.tf_keras import backend as kb
from crossent.frameworks.tf_keras.backend import REF

__all__ = [
    "binary_focal_crossentropy",
    "binary_focal_steps",
    "categorical_focal_crossentropy",
    "categorical_focal_steps",
]

_SRC = "tf_keras/backend.py"


def binary_focal_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    apply_class_balancing: bool,
    alpha: float,
    gamma: float,
    from_logits: bool,
    fn: str,
) -> list[Step]:
    """Steps of ``backend.binary_focal_crossentropy`` (elementwise ``terms``).

    The focal factor uses the *unclipped* probability (``sigmoid(z)`` for logits);
    the cross-entropy is ``backend.binary_crossentropy`` (double epsilon for
    probabilities, the exact ``tf.nn`` formula for logits).
    """
    src = f"{_SRC} binary_focal_crossentropy"
    base = kb.binary_steps(
        target, output, from_logits=from_logits, fn=fn, keep_unclipped=True
    )
    dtype = output.dtype
    gamma_t = _tf.constant(gamma, dtype)
    alpha_t = _tf.constant(alpha, dtype)
    one_minus_alpha = _tf.constant(1 - alpha, dtype)  # Python double, then cast

    def sigmoid(state: State) -> dict[str, Any]:
        return {"p_focal": _tf.sigmoid(state["y_pred"])}

    def terms(state: State) -> dict[str, Any]:
        y, p = state["y_true"], state["p_focal"]
        one = np.asarray(1, dtype)
        p_t = y * p + (one - y) * (one - p)
        focal = np.power(one - p_t, gamma_t)
        if from_logits:
            bce = tf_nn._sigmoid_terms().fn(state)["loss"]
        else:
            bce = -(y * state["log_p"] + (one - y) * state["log_1mp"])
        out = focal * bce
        if apply_class_balancing:
            out = (y * alpha_t + (one - y) * one_minus_alpha) * out
        return {"terms": out}

    formula = "t ← (1 − p_t)^γ · bce, p_t = y p + (1 − y)(1 − p) (p unclipped)"
    if apply_class_balancing:
        formula += "; t ← [y α + (1 − y)(1 − α)] · t"
    steps: list[Step] = []
    if from_logits:
        steps.append(
            Step("activation", "p ← sigmoid(z) (focal factor only)", sigmoid, src)
        )
    else:
        steps.extend(s for s in base if s.name != "terms")
    steps.append(Step("terms", formula, terms, src))
    return steps


def categorical_focal_steps(
    target: np.ndarray,
    output: np.ndarray,
    *,
    alpha: Any,
    gamma: float,
    from_logits: bool,
    axis: int,
    fn: str,
) -> list[Step]:
    """Steps of ``backend.categorical_focal_crossentropy`` (per-example ``loss``).

    Logits go through ``tf.nn.softmax``; then, as for probabilities, the rows are
    renormalised, clipped, and ``Σ_c α (1 − p_c)^γ · (−y_c log p_c)`` is summed.
    """
    if target.shape != output.shape:
        raise ValueError(
            f"{fn}: `target` and `output` must have compatible shapes; got Shapes "
            f"{target.shape} and {output.shape} are incompatible."
        )
    _tf.check_float(fn, "output", output)
    kb.check_axis(fn, axis, output.ndim)
    _tf.check_same_dtype(fn, target, output, "target,output")
    src = f"{_SRC} categorical_focal_crossentropy"
    dtype = output.dtype
    gamma_t = _tf.constant(gamma, dtype)
    alpha_t = _tf.constant(alpha, dtype)

    def softmax(state: State) -> dict[str, Any]:
        return {"y_pred": _tf.softmax(state["y_pred"], axis)}

    def terms(state: State) -> dict[str, Any]:
        y, p, log_p = state["y_true"], state["y_pred"], state["log_p"]
        one = np.asarray(1, dtype)
        cce = -y * log_p
        weighting = np.power(one - p, gamma_t) * alpha_t
        return {"terms": weighting * cce}

    steps: list[Step] = []
    if from_logits:
        steps.append(Step("activation", "p ← softmax(z)", softmax, src))
    steps += [
        st.renormalize(axis, source=src),
        kb.clip_step(dtype, "categorical_focal_crossentropy"),
        st.log_of_probabilities(source=src),
        Step("terms", "t_c ← α (1 − p_c)^γ · (−y_c log p_c)", terms, src),
        kb.class_reduce(axis, "sum", dtype, src),
    ]
    return steps


# ---------------------------------------------------------------------------
# tf_keras.backend mirrors
# ---------------------------------------------------------------------------

DIV_FOCAL_BCE = Divergence(
    "terms",
    "focal factor from the unclipped probability; the BCE term uses the double "
    "epsilon for probabilities",
    f"{_SRC} binary_focal_crossentropy",
)
DIV_FOCAL_ALPHA = Divergence(
    "terms",
    "alpha always multiplies (gamma=0 gives alpha × CCE)",
    f"{_SRC} categorical_focal_crossentropy",
)
_BFC = "tf_keras.backend.binary_focal_crossentropy"
# the backend focal ops are newer than the rest of tf_keras.backend
_FOCAL_VERSIONS = (
    "tf_keras 2.21 (checked against 2.21.0); the focal ops came to tf.keras.backend "
    "in later 2.x releases than its other cross-entropies, earlier ones not checked"
)
_backend = functools.partial(
    Mirror,
    framework="tf_keras",
    versions=_FOCAL_VERSIONS,
    reference=REF,
    **api.BACKEND_OP,
)
_CFC = "tf_keras.backend.categorical_focal_crossentropy"


@_backend(
    path=_BFC,
    summary="elementwise (1 − p_t)^γ × double-epsilon BCE, optional α class balancing",
    labels="binary",
    divergences=(kb.DIV_CLIP, DIV_FOCAL_BCE),
    options={"from_logits": (False, True), "apply_class_balancing": (False, True)},
)
def binary_focal_crossentropy(
    target: Any,
    output: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
) -> tuple[Plan, State]:
    """Mirror of ``tf_keras.backend.binary_focal_crossentropy`` (elementwise).

    ``(1 − p_t)^γ · bce`` with ``p_t = y p + (1 − y)(1 − p)`` from the unclipped
    ``p`` (``sigmoid(z)`` for logits) and ``bce`` from
    ``backend.binary_crossentropy`` (double epsilon for probabilities);
    ``apply_class_balancing`` multiplies by ``y α + (1 − y)(1 − α)``. No mean
    over the last axis (the ``losses`` function takes it). ``target`` must have
    ``output``'s dtype.

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1], [1, 0]])
    >>> p = np.float32([[0.2, 0.6], [0.9, 0.3]])
    >>> print(tf_keras.backend.binary_focal_crossentropy(y, p, gamma=2.0).round(4))
    [[0.0089 0.0817]
     [0.0011 0.0321]]
    """
    target_t, output_t = as_tensorflow(target), as_tensorflow(output)
    steps = binary_focal_steps(
        target_t,
        output_t,
        apply_class_balancing=apply_class_balancing,
        alpha=alpha,
        gamma=gamma,
        from_logits=from_logits,
        fn=_BFC,
    )
    options = {
        "apply_class_balancing": apply_class_balancing,
        "alpha": alpha,
        "gamma": gamma,
        "from_logits": from_logits,
    }
    plan = Plan(_BFC, (*steps, kb.output_step("terms")), options)
    return plan, {"y_true": target_t, "y_pred": output_t}


@_backend(
    path=_CFC,
    summary="Σ α (1 − p)^γ (−y log p) on renormalised, clipped p (logits: softmax)",
    labels="one_hot",
    divergences=(kb.DIV_RENORM, kb.DIV_CLIP, DIV_FOCAL_ALPHA),
)
def categorical_focal_crossentropy(
    target: Any,
    output: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    axis: int = -1,
) -> tuple[Plan, State]:
    """Mirror of ``tf_keras.backend.categorical_focal_crossentropy``.

    Logits go through ``tf.nn.softmax``; the rows are renormalised, clipped to
    ``[ε, 1 − ε]`` and ``Σ_c α (1 − p_c)^γ (−y_c log p_c)`` is summed over
    ``axis``. ``target`` and ``output`` must have the same shape and dtype.

    >>> import numpy as np
    >>> from crossent.frameworks import tf_keras
    >>> y = np.float32([[0, 1, 0], [0, 0, 1]])
    >>> p = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> print(tf_keras.backend.categorical_focal_crossentropy(y, p).round(4))
    [0.     0.4663]
    """
    target_t, output_t = as_tensorflow(target), as_tensorflow(output)
    steps = categorical_focal_steps(
        target_t,
        output_t,
        alpha=alpha,
        gamma=gamma,
        from_logits=from_logits,
        axis=axis,
        fn=_CFC,
    )
    options = {"alpha": alpha, "gamma": gamma, "from_logits": from_logits, "axis": axis}
    plan = Plan(_CFC, (*steps, kb.output_step()), options)
    return plan, {"y_true": target_t, "y_pred": output_t}
