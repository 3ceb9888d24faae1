"""Mirror of the ``mlx`` namespace: the cross-entropy losses of ``mlx.nn.losses``.

Reach them as ``crossent.frameworks.mlx.nn.losses.cross_entropy``. MLX itself is
never imported.
"""

from __future__ import annotations

from crossent.frameworks.mlx import nn

__all__ = ["nn"]
