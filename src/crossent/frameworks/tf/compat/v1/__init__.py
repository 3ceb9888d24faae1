"""Mirror of ``tf.compat.v1``: its ``losses`` module."""

from __future__ import annotations

from crossent.frameworks.tf.compat.v1 import losses

__all__ = ["losses"]
