"""Explain: why two cross-entropy numbers disagree.

:func:`trace` runs one implementation step by step; :func:`compare` runs two and
attributes their gap to steps; :func:`identify` finds which implementations
produce an observed number; :func:`explain` combines them with a diagnosis of
the inputs. Results are frozen dataclasses with ``to_dict()``, plain ``str()``,
rich and HTML rendering (rich is imported only when rendering).
"""

from crossent.explain._cause import CAUSE_CODES, Cause
from crossent.explain._compare import Attribution, Comparison, compare
from crossent.explain._explain import Explanation, ValueRow, explain
from crossent.explain._identify import Identification, Match, identify
from crossent.explain._spec import Spec
from crossent.explain._trace import Trace, TraceStep, trace

__all__ = [
    "CAUSE_CODES",
    "Attribution",
    "Cause",
    "Comparison",
    "Explanation",
    "Identification",
    "Match",
    "Spec",
    "Trace",
    "TraceStep",
    "ValueRow",
    "compare",
    "explain",
    "identify",
    "trace",
]
