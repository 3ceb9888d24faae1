"""Mirror of the ``torch`` namespace: the cross-entropy losses of ``torch.nn``.

Reach them as ``crossent.frameworks.torch.nn.functional.cross_entropy`` or
``crossent.frameworks.torch.nn.CrossEntropyLoss``. PyTorch itself is never
imported.
"""

from __future__ import annotations

from crossent.frameworks.torch import nn

__all__ = ["nn"]
