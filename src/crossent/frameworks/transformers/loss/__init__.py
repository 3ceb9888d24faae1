"""Mirror of ``transformers.loss``: the loss functions of ``loss_utils``."""

from __future__ import annotations

from crossent.frameworks.transformers.loss import loss_utils

__all__ = ["loss_utils"]
