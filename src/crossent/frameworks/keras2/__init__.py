"""Mirror of standalone Keras 2.0–2.3 with the TensorFlow backend (``import keras``).

The StackOverflow-era Keras of seed question 002: ``keras.backend`` (TensorFlow
backend), ``keras.losses``, and the training-time reduction of
``keras/engine/training_utils.py`` (``weighted_masked_objective``), plus the
hand-written loss of seed 002 (:mod:`crossent.frameworks.keras2.custom`). Keras 2
cannot be installed next to today's TensorFlow; these mirrors follow the source of
the keras-team/keras 2.x tags (docs/semantics.md §3.3).
"""

from __future__ import annotations

from crossent.frameworks.keras2 import backend, custom, engine, losses

__all__ = ["backend", "custom", "engine", "losses"]
