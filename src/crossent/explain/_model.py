"""What each implementation is given when the user's predictions are logits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import crossent._core as core
from crossent.frameworks._registry import Implementation

__all__ = ["expects", "model_inputs"]


def expects(impl: Implementation, options: Mapping[str, Any]) -> str:
    """``"logits"`` or ``"probabilities"``: what ``impl`` takes with these options
    (Keras' ``from_logits``, Paddle's ``use_softmax``, MLX's ``with_logits``)."""
    for name in LOGITS_SWITCHES:
        if name in options:
            return "logits" if options[name] else "probabilities"
    return impl.expects


#: The options that say whether an implementation takes logits.
LOGITS_SWITCHES = ("from_logits", "use_softmax", "with_logits")


def model_inputs(
    impl: Implementation,
    options: Mapping[str, Any],
    from_logits: bool | None,
    y_pred: Any,
) -> Any:
    """The predictions ``impl`` is given.

    When the user declares ``from_logits=True``, an implementation that takes
    probabilities gets the model's softmax (or sigmoid, for binary losses) of the
    logits, computed in the logits' dtype as the model's last layer would.
    """
    if from_logits is not True or expects(impl, options) != "probabilities":
        return y_pred
    z = np.asarray(y_pred)
    with np.errstate(all="ignore"):
        if impl.labels == "binary":
            one = np.asarray(1, z.dtype)
            return one / (one + np.exp(-z))
        return np.exp(np.asarray(core.log_softmax(z))).astype(z.dtype)
