"""Run crossent's benchmark (the same as ``crossent bench``).

Usage, from the repository root, in an environment with the frameworks installed::

    python benchmarks/run.py --out benchmarks/results          # full run, ~15 min
    python benchmarks/run.py --quick --out /tmp/bench-quick    # ~2 min check

See ``benchmarks/README.md`` for the protocol and the recorded results.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from crossent._bench import main

    raise SystemExit(main(sys.argv[1:]))
