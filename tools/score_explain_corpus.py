"""Print how ``crossent.explain`` answers the real-question corpus.

Usage::

    python tools/score_explain_corpus.py [--corpus goldens/explain/corpus.json]

One row per case (id, the expert's headline cause, the codes ``explain``
returned, a mark: ``=`` headline first, ``+`` headline or an acceptable code
present, ``-`` neither, ``!`` explain raised), then the three figures of issue
#12: headline first, expected present, and the mean number of extra codes per
case.  The scoring is ``tests/explain/_corpus.py``, the same as the ratchet in
``tests/explain/test_corpus.py``.  Runs with the plain development environment
(no framework needed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.explain._corpus import CORPUS, Result, run  # noqa: E402


def _mark(r: Result) -> str:
    if r.error:
        return "!"
    if r.headline_first:
        return "="
    return "+" if r.expected_present else "-"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="golden file")
    ns = ap.parse_args(argv)
    results, s = run(ns.corpus)
    width = max(len(r.id) for r in results)
    hw = max(len(r.headline) for r in results)
    print(f"  {'case':{width}s}  {'headline':{hw}s}  codes")
    for r in results:
        mark = _mark(r)
        codes = r.error if r.error else (", ".join(r.codes) or "(none)")
        print(f"{mark} {r.id:{width}s}  {r.headline:{hw}s}  {codes}")
    print()
    print(
        f"headline first:    {s.headline_first:3d}/{s.cases}  "
        f"{s.headline_first_rate:6.1%}   (issue #12 target 90 %)"
    )
    print(
        f"expected present:  {s.expected_present:3d}/{s.cases}  "
        f"{s.expected_present_rate:6.1%}   (target 95 %)"
    )
    print(
        f"extra codes/case:  {s.extra_codes:3d}/{s.cases}  "
        f"{s.extra_codes_mean:6.2f}   (target 0.3)"
    )
    if s.errors:
        print(f"explain raised on {s.errors} case(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
