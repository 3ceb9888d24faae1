"""Collection rules for the doctests under src/: modules of optional frameworks."""

from __future__ import annotations

import importlib.util

# crossent.torch imports torch, which the default test environment does not have;
# the parity environment (with torch) collects its doctests.
collect_ignore = [] if importlib.util.find_spec("torch") else ["src/crossent/torch"]
