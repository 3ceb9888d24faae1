"""Mirror of the ``transformers`` namespace: ``transformers.loss.loss_utils`` and a
model of the Trainer's logged loss (``transformers.trainer.logged_loss``).

Hugging Face transformers itself (and PyTorch) is never imported.
"""

from __future__ import annotations

from crossent.frameworks.transformers import loss, trainer

__all__ = ["loss", "trainer"]
