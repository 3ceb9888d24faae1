"""CatBoost's log-loss metrics, through ``catboost.utils.eval_metric``.

Reach it as ``crossent.frameworks.catboost.utils.eval_metric``. CatBoost itself
is never imported.
"""

from __future__ import annotations

from crossent.frameworks.catboost import utils

__all__ = ["utils"]
