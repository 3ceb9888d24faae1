"""Mirror of ``mlx.nn``: its ``losses`` module."""

from __future__ import annotations

from crossent.frameworks.mlx.nn import losses

__all__ = ["losses"]
