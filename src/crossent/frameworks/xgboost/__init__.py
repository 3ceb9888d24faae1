"""XGBoost's log-loss metrics (``logloss``, ``mlogloss``) as mirrors.

Reach them as ``crossent.frameworks.xgboost.metric.logloss``. XGBoost itself is
never imported.
"""

from __future__ import annotations

from crossent.frameworks.xgboost import metric

__all__ = ["metric"]
