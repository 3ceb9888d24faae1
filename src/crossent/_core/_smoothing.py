"""Label smoothing toward the uniform distribution."""

from __future__ import annotations

from typing import Any

from crossent._core import _validation as v
from crossent._core._namespace import as_array, namespace, to_input_dtype, working

__all__ = ["smooth_labels"]


def smooth_labels(labels: Any, alpha: float, *, axis: int = -1) -> Any:
    r"""Mix ``labels`` with the uniform distribution over the ``C`` classes.

    Parameters
    ----------
    labels : array_like
        One-hot or soft targets, floating dtype.
    alpha : float
        Smoothing strength in ``[0, 1]``.
    axis : int, default -1
        The class axis.

    Returns
    -------
    array
        Smoothed targets, same shape and dtype as ``labels``.

    Raises
    ------
    ValueError
        If ``alpha`` is outside ``[0, 1]`` or the class axis is empty.

    Notes
    -----
    .. math:: y' = (1 - \alpha)\, y + \alpha / C

    This is the convention of PyTorch, Keras' categorical losses and optax.
    Keras' binary losses smooth toward 0.5 instead (:math:`y(1-\alpha) + \alpha/2`),
    which is this function with ``C = 2`` applied to a single column.

    Examples
    --------
    >>> import numpy as np
    >>> import crossent
    >>> print(crossent.smooth_labels(np.array([0.0, 1.0, 0.0, 0.0]), 0.2))
    [0.05 0.85 0.05 0.05]
    """
    fn = "smooth_labels"
    xp = namespace(labels)
    labels = as_array(labels, xp)
    alpha_f = float(alpha)
    if not 0.0 <= alpha_f <= 1.0:
        raise ValueError(f"{fn}: `alpha` must be in [0, 1]; got {alpha!r}.")
    axis = v.normalize_axis(fn, axis, max(labels.ndim, 1))
    v.check_nonempty_axis(fn, "labels", labels, axis)
    y = working(fn, "labels", labels, xp)
    num_classes = labels.shape[axis]
    smoothed = (1.0 - alpha_f) * y + alpha_f / num_classes
    return to_input_dtype(smoothed, labels.dtype, xp)
