"""Mirror of optax's cross-entropy losses (optax 0.2.8 on jax 0.10.2).

Same names, argument order ``(logits, labels)``, defaults and keyword-only
arguments as ``optax.losses``. JAX runs with x64 disabled (its default), so
float64 inputs are computed and returned in float32; inside
``with enable_x64():`` (or with JAX imported and ``jax_enable_x64`` set) they
stay float64. float16 and bfloat16 are computed natively, rounding after every
operation. All losses are unreduced. JAX is never imported.

>>> import numpy as np
>>> from crossent.frameworks import optax
>>> z, y = np.array([[1.2, -0.8, -0.5]]), np.array([[1.0, 0, 0]])
>>> optax.softmax_cross_entropy(z, y).dtype
dtype('float32')
>>> with optax.enable_x64():
...     optax.softmax_cross_entropy(z, y).dtype
dtype('float64')
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from crossent._core._guard import AXES, guard_module
from crossent.frameworks._declare import Mirror
from crossent.frameworks._plan import Plan, State
from crossent.frameworks._registry import Divergence
from crossent.frameworks.optax import _jax
from crossent.frameworks.optax._classification import (
    SRC,
    plan_poly_loss_cross_entropy,
    plan_safe_softmax_cross_entropy,
    plan_sigmoid_binary_cross_entropy,
    plan_sigmoid_focal_loss,
    plan_softmax_cross_entropy,
    plan_softmax_cross_entropy_with_integer_labels,
)

__all__ = [
    "enable_x64",
    "losses",
    "poly_loss_cross_entropy",
    "safe_softmax_cross_entropy",
    "sigmoid_binary_cross_entropy",
    "sigmoid_focal_loss",
    "smooth_labels",
    "softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels",
]

#: ``with optax.enable_x64():`` computes as JAX with ``jax_enable_x64`` (like
#: ``jax.enable_x64``); without it the mirrors follow JAX's flag if JAX is
#: imported, and JAX's default (off) otherwise.
enable_x64 = _jax.enable_x64

_VERSIONS = "optax 0.2.4–0.2.8 (jax; x64 disabled by default, or enabled)"
_DOCS = "https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses."
_NO_REDUCTION = Divergence(
    "reduce", "no reduction: one loss per example (callers usually .mean())", SRC
)
_X64 = Divergence(
    "cast",
    "JAX's x64 is disabled by default: float64 inputs are computed and returned "
    "in float32 (with jax_enable_x64 or optax.enable_x64() they stay float64); "
    "float16/bfloat16 run natively",
    "jax/_src/config.py jax_enable_x64",
)
_optax = functools.partial(
    Mirror,
    framework="optax",
    versions=_VERSIONS,
    expects="logits",
    y_true="labels",
    y_pred="logits",
)


@_optax(
    reference=_DOCS + "softmax_cross_entropy",
    summary="softmax CE from logits and soft labels, unreduced; 0·−inf gives NaN",
    labels="one_hot",
    divergences=(
        Divergence(
            "terms",
            "labels·log_softmax: a −inf logit with label 0 gives NaN (0·−inf)",
            f"{SRC} softmax_cross_entropy",
        ),
        _NO_REDUCTION,
        _X64,
    ),
)
def softmax_cross_entropy(
    logits: Any, labels: Any, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    r"""Mirror of ``optax.softmax_cross_entropy``: ``−Σ labels·log_softmax(logits)``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities (floating point; TypeError otherwise).
    labels : array_like
        Target distributions, broadcastable to ``logits``; used as given.
    axis : int or tuple of int, default -1
        The class axis (or axes).
    where : array_like of bool, optional
        Classes to include; of lower rank it is expanded at ``axis``. Masked
        classes take no part in the normaliser or the sum.

    Returns
    -------
    numpy.ndarray
        The loss with ``axis`` removed (float32 for float64 input).

    Notes
    -----
    .. math:: \ell = -\sum_c y_c \left(z_c - \log \sum_k e^{z_k}\right)

    A ``−inf`` logit whose label is 0 gives NaN (``0·−inf``); use
    :func:`safe_softmax_cross_entropy` to treat it as 0.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> z = np.float32([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]])
    >>> y = np.float32([[1, 0, 0], [0, 1, 0]])
    >>> print(optax.softmax_cross_entropy(z, y).round(4))
    [0.2761 2.9518]
    """
    return plan_softmax_cross_entropy(labels, logits, axis=axis, where=where)


@_optax(
    reference=_DOCS + "softmax_cross_entropy_with_integer_labels",
    summary="logsumexp(z) − z[y]; labels ≥ C give NaN, negative labels wrap",
    labels="integer",
    divergences=(
        Divergence(
            "terms",
            "out-of-range labels are not checked: y ≥ C reads NaN (gather "
            "fill), y < 0 wraps to class C + y",
            f"{SRC} softmax_cross_entropy_with_integer_labels",
        ),
        _NO_REDUCTION,
        _X64,
    ),
)
def softmax_cross_entropy_with_integer_labels(
    logits: Any, labels: Any, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    r"""Mirror of ``optax.softmax_cross_entropy_with_integer_labels``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities.
    labels : array_like of int
        Class ids (float labels raise TypeError). Labels ≥ C give NaN;
        negative labels wrap once (−1 is the last class).
    axis : int or tuple of int, default -1
        The class axis; a tuple of axes is flattened into one class axis and a
        label is a flat index into it.
    where : array_like of bool, optional
        Classes to include; a row with none gives 0.

    Returns
    -------
    numpy.ndarray
        ``logsumexp(z) − z[y]`` with the class axis removed.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> z = np.float32([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]])
    >>> print(optax.softmax_cross_entropy_with_integer_labels(z, np.array([0, 3])).round(5))
    [0.27613     nan]
    """
    return plan_softmax_cross_entropy_with_integer_labels(
        labels, logits, axis=axis, where=where
    )


@_optax(
    reference=_DOCS + "safe_softmax_cross_entropy",
    summary="softmax CE with 0·log 0 = 0 (−inf logits with label 0 are harmless)",
    labels="one_hot",
    divergences=(_NO_REDUCTION, _X64),
)
def safe_softmax_cross_entropy(logits: Any, labels: Any) -> tuple[Plan, State]:
    r"""Mirror of ``optax.safe_softmax_cross_entropy``: ``0·log 0`` counts as 0.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities, classes on the last axis.
    labels : array_like
        Target distributions.

    Returns
    -------
    numpy.ndarray
        ``−Σ_c where(y_c ≠ 0, y_c·log_softmax(z)_c, 0)``.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> z = np.float32([[0.0, -np.inf, 1.0]])
    >>> print(optax.safe_softmax_cross_entropy(z, np.float32([[1, 0, 0]])).round(4))
    [1.3133]
    """
    return plan_safe_softmax_cross_entropy(labels, logits)


@_optax(
    reference=_DOCS + "sigmoid_binary_cross_entropy",
    summary="elementwise −y·log σ(x) − (1 − y)·log σ(−x), labels not validated",
    labels="binary",
    divergences=(
        Divergence(
            "terms",
            "infinite logits: (+inf, 1) and (−inf, 0) give NaN (0·inf)",
            f"{SRC} sigmoid_binary_cross_entropy",
        ),
        _X64,
    ),
)
def sigmoid_binary_cross_entropy(logits: Any, labels: Any) -> tuple[Plan, State]:
    r"""Mirror of ``optax.sigmoid_binary_cross_entropy``, elementwise.

    Parameters
    ----------
    logits : array_like
        Logits of each binary prediction.
    labels : array_like
        Cast to the logits' dtype; not validated.

    Returns
    -------
    numpy.ndarray
        ``−y·log σ(x) − (1 − y)·log σ(−x)``, the shape of ``logits``.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> print(optax.sigmoid_binary_cross_entropy(np.float32([-200.0, 1.0]), np.float32([1, 2])).round(3))
    [200.     -0.687]
    """
    return plan_sigmoid_binary_cross_entropy(labels, logits)


@_optax(
    reference=_DOCS + "sigmoid_focal_loss",
    summary="sigmoid BCE × (1 − p_t)^γ (log-space), × α_t only if alpha is given",
    labels="binary",
    divergences=(
        Divergence(
            "weight",
            "alpha is applied only when given (Keras' categorical focal loss "
            "always applies its 0.25)",
            f"{SRC} sigmoid_focal_loss",
        ),
        _X64,
    ),
    options={"alpha": (None, 0.25), "gamma": (2.0,)},
)
def sigmoid_focal_loss(
    logits: Any, labels: Any, *, alpha: Any = None, gamma: Any = 2.0
) -> tuple[Plan, State]:
    r"""Mirror of ``optax.sigmoid_focal_loss`` (log-space focal weight, 0.2.5+).

    Parameters
    ----------
    logits : array_like
        Logits.
    labels : array_like
        Binary or soft labels, cast to the logits' dtype.
    alpha : float, optional
        Class balance: ``α·y + (1 − α)(1 − y)``; applied only when given.
    gamma : float, default 2.0
        Exponent of the modulating factor ``(1 − p_t)``.

    Returns
    -------
    numpy.ndarray
        The unreduced focal loss, the shape of ``logits``.

    Notes
    -----
    .. math:: FL = \alpha_t\, e^{\gamma \log(1 - p_t)}\, \mathrm{BCE}(x, y)

    with ``log(1 − p_t) = logsumexp([log σ(x), log σ(−x)], b=[1 − y, y])``.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.5–0.2.8).

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> print(optax.sigmoid_focal_loss(np.float32([-20.0]), np.float32([1.0]), alpha=0.25))
    [5.]
    """
    return plan_sigmoid_focal_loss(labels, logits, alpha=alpha, gamma=gamma)


@_optax(
    reference=_DOCS + "poly_loss_cross_entropy",
    summary="softmax CE + ε·Σ y(1 − softmax(z)) (Poly-1)",
    labels="one_hot",
    divergences=(
        Divergence(
            "class_reduce",
            "adds ε·(1 − p_t) to the cross-entropy (ε = 2 by default)",
            f"{SRC} poly_loss_cross_entropy",
        ),
        _X64,
    ),
    options={"epsilon": (2.0,)},
)
def poly_loss_cross_entropy(
    logits: Any, labels: Any, *, epsilon: Any = 2.0, axis: Any = -1, where: Any = None
) -> tuple[Plan, State]:
    r"""Mirror of ``optax.poly_loss_cross_entropy`` (Poly-1 loss).

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities.
    labels : array_like
        Floating target distributions (integer labels raise TypeError).
    epsilon : float, default 2.0
        Coefficient of the first polynomial term.
    axis : int or tuple of int, default -1
    where : array_like of bool, optional
        Classes to include (must broadcast against ``logits`` as given).

    Returns
    -------
    numpy.ndarray
        ``CE + ε·Σ_c y_c (1 − softmax(z)_c)``.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8);
    Leng et al., PolyLoss, https://arxiv.org/abs/2204.12511.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> z = np.float32([[1.2, -0.8, -0.5]])
    >>> print(optax.poly_loss_cross_entropy(z, np.float32([[1, 0, 0]]), epsilon=0.0).round(5))
    [0.27613]
    """
    return plan_poly_loss_cross_entropy(
        labels, logits, epsilon=epsilon, axis=axis, where=where
    )


def smooth_labels(
    labels: Any, alpha: Any, *, axis: Any = -1, where: Any = None
) -> np.ndarray:
    r"""Mirror of ``optax.smooth_labels``: ``(1 − α)·y + α/C``.

    Parameters
    ----------
    labels : array_like
        Floating one-hot (or soft) labels; integer labels raise TypeError.
    alpha : float
        The smoothing factor.
    axis : int or tuple of int, default -1
        The class axis; ``C`` is its size (the product for a tuple).
    where : array_like of bool, optional
        If given, ``C`` is the number of included classes, per row.

    Returns
    -------
    numpy.ndarray
        The smoothed labels.

    References
    ----------
    https://optax.readthedocs.io/en/latest/api/losses.html (optax 0.2.4–0.2.8);
    ``optax/losses/_smoothing.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.frameworks import optax
    >>> print(optax.smooth_labels(np.float32([[0, 1, 0]]), 0.1).round(4))
    [[0.0333 0.9333 0.0333]]
    """
    # As in a JAX program: the labels are a JAX array, so float64 becomes
    # float32 and the Python-float constants take the labels' dtype.
    y = _jax.as_array(labels)
    _jax.check_subdtype("optax.smooth_labels", "labels", y, floating=True)
    scaled = np.asarray(1.0 - alpha, y.dtype) * y
    if where is None:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        n = int(np.prod([y.shape[a] for a in axes]))
        return np.asarray(scaled + np.asarray(alpha / n, y.dtype))
    ax = axis if isinstance(axis, (int, np.integer)) else tuple(axis)
    count = np.sum(
        np.asarray(where, bool), axis=ax, keepdims=True, dtype=_jax.default_int()
    )
    # a Python float over an int32 (x64: int64) array: a *weakly typed* float32
    # (x64: float64), which then takes the labels' dtype
    real = _jax.default_float()
    offset = np.asarray(alpha, real) / count.astype(real)
    return np.asarray(scaled + offset.astype(scaled.dtype))


def __getattr__(name: str) -> Any:
    # ``optax.losses.X`` is the same function as ``optax.X``.
    if name == "losses":
        import importlib

        return importlib.import_module("crossent.frameworks.optax.losses")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


guard_module(globals(), "optax.", __all__, {"axis": AXES})
