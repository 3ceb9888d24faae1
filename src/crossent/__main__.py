"""``python -m crossent`` runs the command-line interface."""

from crossent.cli import main

raise SystemExit(main())
