"""``python -m golden`` (from ``tools/``): the same as ``tools/make_golden.py``."""

import sys

from golden.cli import main

sys.exit(main())
