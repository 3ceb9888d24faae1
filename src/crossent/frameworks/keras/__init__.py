"""Mirror of Keras 3 (``keras`` and TensorFlow ≥ 2.16's ``tf.keras``), TensorFlow backend.

``losses`` holds the loss classes and functions, ``ops`` the backend
cross-entropies, ``metrics`` the cross-entropy metrics (stateful weighted means),
``training`` what ``fit``/``evaluate`` report, ``config`` the epsilon. Checked
against keras 3.15.1.
"""

from __future__ import annotations

from crossent.frameworks.keras import config, losses, metrics, ops, training

__all__ = ["config", "losses", "metrics", "ops", "training"]
