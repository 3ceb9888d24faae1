"""Mirror of ``paddle.nn``: its ``functional`` cross-entropy losses."""

from __future__ import annotations

from crossent.frameworks.paddle.nn import functional

__all__ = ["functional"]
