"""Test configuration: hypothesis profiles.

``ci`` (the default) is deterministic: the same examples on every run, no
deadline (the mpmath reference is slow and timing varies between machines).
``dev`` explores more examples with fresh randomness; select it with
``HYPOTHESIS_PROFILE=dev``.
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# Shared test helpers (the mpmath reference) live beside this file.
sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=50,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=300,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
