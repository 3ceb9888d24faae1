"""Mirror of ``sklearn.metrics.log_loss`` (scikit-learn is never imported)."""

from __future__ import annotations

from crossent.frameworks.sklearn import metrics

__all__ = ["metrics"]
