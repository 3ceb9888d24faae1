"""Mirror of ``tf.compat``: the TensorFlow 1 losses of ``tf.compat.v1.losses``."""

from __future__ import annotations

from crossent.frameworks.tf.compat import v1

__all__ = ["v1"]
