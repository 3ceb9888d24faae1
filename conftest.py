"""Collection rules for the doctests under src/: modules of optional frameworks."""

from __future__ import annotations

import importlib.util

# crossent.torch and crossent.jax import torch and JAX, which the default test
# environment does not have; the parity environment runs their doctests.
collect_ignore = [
    f"src/crossent/{name}"
    for name in ("torch", "jax")
    if importlib.util.find_spec(name) is None
]
