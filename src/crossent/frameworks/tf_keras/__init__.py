"""Mirror of ``tf_keras`` (Keras 2.4–2.21): ``tf_keras.backend`` and ``tf_keras.losses``.

tf_keras is the Keras 2 code line kept as its own package once TensorFlow 2.16 made
``tf.keras`` Keras 3 (``TF_USE_LEGACY_KERAS=1``); before that it was the ``tf.keras``
of TensorFlow 2.4–2.15. Its cross-entropies keep the input dtype, use the "double
epsilon" binary cross-entropy, and weigh ``(B,)`` sample weights per sample.
"""

from __future__ import annotations

from crossent.frameworks.tf_keras import backend, losses

__all__ = ["backend", "losses"]
