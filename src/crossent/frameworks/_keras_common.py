"""What the Keras 3 and tf_keras loss mirrors have in common.

Both families run the same loss code in places (``keras/src/losses/losses.py`` and
``tf_keras/losses.py`` share their checks and warnings); what is the same step or
the same check lives here once.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

__all__ = ["warn_single_class"]


def warn_single_class(loss: str, y_pred: Any) -> None:
    """Keras' ``SyntaxWarning`` for a single class column (the loss is then 0).

    ``categorical_crossentropy`` and ``categorical_focal_crossentropy`` (and their
    classes) warn when ``y_pred.shape[-1] == 1``, with the same text in Keras 3
    (keras/src/losses/losses.py) and tf_keras 2.11–2.21 (tf_keras/losses.py).
    """
    try:
        shape = tuple(int(n) for n in np.shape(y_pred))
    except ValueError:  # ragged input: the conversion error comes next
        return
    if shape and shape[-1] == 1:
        warnings.warn(
            f"In loss {loss}, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=4,
        )
