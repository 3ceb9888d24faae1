"""The few exceptions crossent defines; each subclasses a built-in."""

from __future__ import annotations

__all__ = ["FrameworkError", "UnknownImplementationError"]


class UnknownImplementationError(ValueError):
    """An implementation name (mirror path or textbook formula) that crossent lacks."""


class FrameworkError(ValueError):
    """A mirror reproducing an exception of a framework-specific class.

    Where the real framework raises a built-in exception (PyTorch's
    ``IndexError``, ``RuntimeError``, ``ValueError``) the mirror raises that same
    built-in. Where it raises a class of its own (TensorFlow's
    ``InvalidArgumentError``), the mirror raises this, with ``framework_type``
    naming the framework's class.
    """

    def __init__(self, message: str, *, framework_type: str) -> None:
        super().__init__(message)
        self.framework_type = framework_type
