"""Mirror of the ``paddle`` namespace: the cross-entropy losses of ``paddle.nn``.

Reach them as ``crossent.frameworks.paddle.nn.functional.cross_entropy``.
PaddlePaddle itself is never imported.
"""

from __future__ import annotations

from crossent.frameworks.paddle import nn

__all__ = ["nn"]
