"""The golden-file generator: one module per framework family (see tools/README.md).

Run it as ``python tools/make_golden.py`` (or ``python -m golden`` from ``tools/``).
"""
