"""The hand-written loss of seed question 002: the logit round trip without the clip.

Seed 002 copies Keras 2's ``binary_crossentropy`` but drops the clip::

    def customLoss(target, output):
        output = tf.log(output / (1 - output))
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)

Once ``sigmoid(a)`` rounds to 1 in float32 (from ``a = 16.635532`` on),
``1 - output`` is 0, the logit is ``+inf`` and the loss ``inf - inf = NaN``.
"""

from __future__ import annotations

from typing import Any

from crossent._core._guard import guard_module
from crossent.frameworks._convert import as_tensorflow
from crossent.frameworks._declare import Mirror
from crossent.frameworks._numbers import show, sigmoid_saturation32
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.keras2 import backend as k2

__all__ = ["logit_round_trip"]

_SRC = "seed 002 customLoss"


def plan_logit_round_trip(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    """Plan of ``logit_round_trip(y_true, y_pred)``."""
    fn = "keras2.custom.logit_round_trip"
    target, output = as_tensorflow(y_true), as_tensorflow(y_pred)
    # the TF ops of the custom loss check what binary_crossentropy's do
    k2.binary_steps(target, output, from_logits=True, fn=fn)
    steps = (
        k2.to_logits_step(clipped=False, source=_SRC),
        k2.sigmoid_terms(_SRC),
        k2.output_step("terms"),
    )
    return Plan(fn, steps), {"y_true": target, "y_pred": output}


@Mirror(
    framework="keras2",
    versions="any TensorFlow (hand-written in seed 002)",
    reference="seed 002",
    summary="the hand-written loss of seed 002: log(p/(1−p)) without clipping, then "
    "sigmoid_cross_entropy_with_logits",
    expects="probabilities",
    labels="binary",
    divergences=(
        Divergence(
            "to_logits",
            "no clip: p = 1 gives z = inf and the loss NaN (float32: from "
            f"sigmoid({show(sigmoid_saturation32())}) on); near 1 the logit is "
            "quantised by 1 − p",
            _SRC,
        ),
    ),
)
def logit_round_trip(y_true: Any, y_pred: Any) -> tuple[Plan, State]:
    r"""The custom loss of seed question 002: ``log(p/(1−p))``, unclipped, then sigmoid CE.

    Parameters
    ----------
    y_true : array_like
        Labels, same shape and dtype as ``y_pred``.
    y_pred : array_like
        Probabilities (a sigmoid output).

    Returns
    -------
    numpy.ndarray
        Elementwise loss in ``y_pred``'s dtype (Keras averages it afterwards).

    See Also
    --------
    crossent.frameworks.keras2.backend.binary_crossentropy : the same with the clip.
    crossent.sigmoid_binary_cross_entropy : the exact loss from the logits.

    Notes
    -----
    .. math:: z = \log\frac{p}{1 - p}, \qquad \ell = \max(z, 0) - z y + \log(1 + e^{-|z|})

    ``p = 1`` gives ``z = +inf`` and ``ℓ = inf − inf = NaN``; ``p = 0`` with
    ``y = 1`` gives ``inf``. Before that, ``1 − p`` carries only the few bits left
    below 1, so the loss follows a staircase instead of ``log(1 + e^{−a})``.

    References
    ----------
    Seed question 002 (``customLoss``), a copy of Keras 2's
    ``keras/backend/tensorflow_backend.py`` ``binary_crossentropy`` without the clip.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import keras2
    >>> p = np.float32([0.9, 1.0])
    >>> print(keras2.custom.logit_round_trip(np.float32([1, 1]), p).round(5))
    [0.10536     nan]
    """
    return plan_logit_round_trip(y_true, y_pred)


guard_module(globals(), "keras2.custom.", __all__)
