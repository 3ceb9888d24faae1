"""The math of crossent: exact, stable, framework-neutral cross-entropies."""

from crossent._core._binary import binary_cross_entropy, sigmoid_binary_cross_entropy
from crossent._core._categorical import (
    cross_entropy,
    softmax_cross_entropy,
    softmax_cross_entropy_with_integer_labels,
)
from crossent._core._focal import (
    sigmoid_focal_cross_entropy,
    softmax_focal_cross_entropy,
)
from crossent._core._guard import CORE_CHECKS, guard_module
from crossent._core._logsumexp import log_sigmoid, log_softmax, logsumexp, softplus
from crossent._core._reduction import Reduction, reduce_loss
from crossent._core._smoothing import smooth_labels

__all__ = [
    "Reduction",
    "binary_cross_entropy",
    "cross_entropy",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "reduce_loss",
    "sigmoid_binary_cross_entropy",
    "sigmoid_focal_cross_entropy",
    "smooth_labels",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
    "softmax_focal_cross_entropy",
    "softplus",
]

# Every public function checks its arguments' types and option values (#13).
guard_module(globals(), "", __all__, CORE_CHECKS, first=True)
