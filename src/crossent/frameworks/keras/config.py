"""Mirror of ``keras.config``'s numeric settings (Keras 3 defaults)."""

from __future__ import annotations

__all__ = ["epsilon", "floatx"]


def epsilon() -> float:
    """Mirror of ``keras.config.epsilon()``: the fuzz factor of the clipped losses.

    The mirrors use this default; ``keras.config.set_epsilon`` has no mirror.

    Returns
    -------
    float
        ``1e-07``, a Python float converted to each tensor's dtype when clipping.

    References
    ----------
    https://keras.io/api/utils/config_utils/#epsilon-function (keras 3.15.1).

    Examples
    --------
    >>> from crossent.frameworks import keras
    >>> keras.config.epsilon()
    1e-07
    """
    return 1e-7


def floatx() -> str:
    """Mirror of ``keras.config.floatx()``: the default float dtype of the losses.

    Returns
    -------
    str
        ``"float32"``.

    Examples
    --------
    >>> from crossent.frameworks import keras
    >>> keras.config.floatx()
    'float32'
    """
    return "float32"
