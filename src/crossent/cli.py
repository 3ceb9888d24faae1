"""The ``crossent`` command: a thin shell over the library (no numerics here)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _cmd_demo(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    from crossent._demo import seed_numbers

    console = Console()
    for seed in seed_numbers():
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for label, value in seed.lines:
            table.add_row(label, value)
        console.print(
            Panel(table, title=f"seed {seed.key}: {seed.title}", expand=False)
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``crossent`` command."""
    parser = argparse.ArgumentParser(
        prog="crossent",
        description="Cross-entropy, exactly: reproduce, compute and explain losses.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="walk through the four seed questions")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    status: int = args.func(args)
    return status
