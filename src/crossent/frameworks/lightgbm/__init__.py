"""LightGBM's log-loss metrics (``binary_logloss``, ``multi_logloss``) as mirrors.

Reach them as ``crossent.frameworks.lightgbm.metric.binary_logloss``. LightGBM
itself is never imported.
"""

from __future__ import annotations

from crossent.frameworks.lightgbm import metric

__all__ = ["metric"]
