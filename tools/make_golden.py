"""Run the real ML frameworks and write golden JSON files for the mirror tests.

Usage::

    python tools/make_golden.py [--only torch,keras] [--out goldens]

(run it with the interpreter of an environment that has the real frameworks,
e.g. ``.venv-parity/bin/python``).

One file per framework family is written to ``--out`` (``<family>.json``; the
families are listed in ``tools/golden/cli.py`` and ``tools/README.md``).  Every
case records the call (``impl`` is the mirror's dotted path under
``crossent.frameworks``), the inputs, and what the real framework returned (an
array, or the exception it raised), plus the gradient of ``sum(output)`` with
respect to the predictions where the framework gives one.  The format is
described in ``tools/README.md`` and checked by ``tests/test_golden_format.py``.

The generator itself is the package ``tools/golden/``: ``cli.py`` (this command
line), ``_common.py`` (cases, encoding, running one case) and one module per
family.  Inputs come from fixed NumPy generators (seeded from the case name),
and cases are written in a fixed order, so re-running the script with the same
framework versions reproduces the files byte for byte.  Each family runs in its
own interpreter and imports only its framework(s).
"""

from __future__ import annotations

import sys

from golden.cli import main

if __name__ == "__main__":
    sys.exit(main())
