"""crossent: cross-entropy, exactly.

Every framework's cross-entropy reproduced in NumPy (:mod:`crossent.frameworks`),
an exact and stable core (this namespace), and an engine that explains why two
cross-entropy numbers disagree (:mod:`crossent.explain`).
"""

from crossent._core import (
    Reduction,
    binary_cross_entropy,
    cross_entropy,
    log_sigmoid,
    log_softmax,
    logsumexp,
    reduce_loss,
    sigmoid_binary_cross_entropy,
    sigmoid_focal_cross_entropy,
    smooth_labels,
    softmax_cross_entropy,
    softmax_cross_entropy_with_integer_labels,
    softmax_focal_cross_entropy,
    softplus,
)
from crossent.explain import compare, explain, identify, trace

__version__ = "0.1.0.dev0"

# Subpackages imported on first use, so `import crossent` stays light.
_LAZY = ("evaluate", "fast", "frameworks", "linear", "plot", "report", "value_and_grad")


def __getattr__(name: str) -> object:
    if name == "linear_cross_entropy":  # the fast kernels load on first use
        from crossent.linear import linear_cross_entropy

        return linear_cross_entropy
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"crossent.{name}")
    raise AttributeError(f"module 'crossent' has no attribute {name!r}")


__all__ = [
    "Reduction",
    "__version__",
    "binary_cross_entropy",
    "compare",
    "cross_entropy",
    "evaluate",
    "explain",
    "fast",
    "identify",
    "linear_cross_entropy",
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
    "trace",
    "value_and_grad",
]
