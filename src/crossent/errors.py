"""The few exceptions crossent defines; each subclasses a built-in."""

from __future__ import annotations

__all__ = ["FrameworkError", "UnknownImplementationError"]


class UnknownImplementationError(ValueError):
    """An implementation name (mirror path or textbook formula) that crossent lacks."""


class FrameworkError(RuntimeError):
    """A mirror reproducing an exception that its framework raises.

    ``framework_type`` names the exception class the real framework raises
    (``"InvalidArgumentError"``, ``"RuntimeError"``, ...), so that code written
    against the framework can tell what would have happened there.
    """

    def __init__(self, message: str, *, framework_type: str) -> None:
        super().__init__(message)
        self.framework_type = framework_type
