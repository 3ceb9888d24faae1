"""Steps of ``tf_keras.backend``'s focal cross-entropies.

``binary_focal_crossentropy`` and ``categorical_focal_crossentropy`` are reached
through :mod:`crossent.frameworks.tf_keras.losses`; their steps live here to keep
the backend module to the three functions that users call directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossent.frameworks import _steps as st
from crossent.frameworks._plan import State, Step
from crossent.frameworks.tf import nn as tf_nn
from crossent.frameworks.tf_keras import _tf
from crossent.frameworks.tf_keras import backend as kb

__all__ = ["binary_focal_steps", "categorical_focal_steps"]

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
