"""The few exceptions crossent defines; each subclasses a built-in."""

from __future__ import annotations

__all__ = [
    "FrameworkAttributeError",
    "FrameworkError",
    "FrameworkIndexError",
    "FrameworkNotImplementedError",
    "FrameworkRuntimeError",
    "FrameworkZeroDivisionError",
    "InputTooLargeError",
    "UnknownImplementationError",
]


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


# A mirror raises the built-in exception its framework raises (Keras' IndexError on
# a scalar, PyTorch's RuntimeError on a bad target). Each class below is that
# built-in *and* a ValueError or TypeError, as NumPy's AxisError is both an
# IndexError and a ValueError: code written against the framework catches what it
# always caught, and code written against crossent catches ValueError/TypeError.


class FrameworkIndexError(IndexError, ValueError):
    """A framework's IndexError (Keras on a scalar, PyTorch on a class id out of range)."""


class FrameworkRuntimeError(RuntimeError, ValueError):
    """A framework's RuntimeError (PyTorch's shape, dtype and range checks)."""


class FrameworkNotImplementedError(NotImplementedError, TypeError):
    """A framework's NotImplementedError (PyTorch: no kernel for that dtype)."""


class FrameworkAttributeError(AttributeError, TypeError):
    """A framework's AttributeError (Keras reads ``.shape`` of a list)."""


class FrameworkZeroDivisionError(ZeroDivisionError, ValueError):
    """A framework's ZeroDivisionError (tf_keras' ``axis %= rank`` on a scalar)."""


class InputTooLargeError(MemoryError, ValueError):
    """An input whose computation would need more memory than there is."""
