"""``crossent evaluate``: the cross-entropy of a prediction set on disk.

Registered by :func:`add_evaluate_parser`; a thin shell over
:func:`crossent.evaluate.evaluate`, with a progress bar on a terminal
(throughput in GB/s and tokens/s, and the time left; none when the output is
piped or with ``--json``) and a Dask cluster when asked for one
(``--scheduler ADDRESS`` or ``--workers N``). The result lists every common
perplexity with the tool that reports it.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["add_evaluate_parser"]

_FORMATS = (
    ".npy (memory-mapped), .npz[:NAME], a directory of .npy/.npz shards, "
    "a Zarr store[:NAME] or Parquet file/directory[:COLUMN]"
)


def add_evaluate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``evaluate`` subcommand on ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "evaluate",
        help="cross-entropy, log-loss and perplexity of a whole prediction set "
        "(streamed, or on a Dask cluster)",
        description="Cross-entropy of a prediction set read a batch of rows at a "
        f"time. PATH and the other inputs may be {_FORMATS}. Per-example losses "
        "come from the fused kernels (logits) or the float64 core (--engine "
        "exact, and probabilities); sums are exact, so the numbers do not depend "
        "on batching, sharding or workers. Prints the token-mean, per-sequence "
        "and per-document perplexities with the tool that reports each.",
    )
    p.add_argument("predictions", metavar="PATH", help="logits (or probabilities)")
    p.add_argument(
        "--labels",
        "--y-true",
        dest="labels",
        required=True,
        metavar="PATH",
        help="class indices or targets",
    )
    p.add_argument("--weights", metavar="PATH", help="one weight per per-example loss")
    p.add_argument(
        "--probs",
        "--from-probs",
        dest="from_logits",
        action="store_false",
        help="PATH holds probabilities, not logits (log-loss)",
    )
    p.add_argument(
        "--binary",
        dest="kind",
        action="store_const",
        const="binary",
        default="categorical",
        help="independent sigmoids per element instead of a softmax over classes",
    )
    p.add_argument("--axis", type=int, default=-1, help="class axis (default -1)")
    p.add_argument(
        "--engine",
        choices=("fast", "exact", "numba", "numpy"),
        default="fast",
        help="per-example losses from the fused kernels (fast: numba when "
        "installed; within 4 eps(float32) (1 + |loss|) of the core for float32 "
        "logits) or the float64 core (exact); default fast",
    )
    p.add_argument(
        "--word-counts",
        metavar="PATH",
        help="words per row (document), for lm-eval's word_perplexity",
    )
    p.add_argument(
        "--byte-counts",
        metavar="PATH",
        help="UTF-8 bytes per row (document), for byte_perplexity and bits_per_byte",
    )
    p.add_argument(
        "--ignore-index",
        type=int,
        metavar="N",
        help="label value left out of every sum and count (e.g. -100 for padding)",
    )
    p.add_argument(
        "--batch-mb",
        type=float,
        default=None,
        metavar="MB",
        help="MiB of predictions per batch: as stored for the kernels (default "
        "16), in float64 for --engine exact (default 8; peak memory is a few "
        "times this)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786); its "
        "workers must see the paths",
    )
    where.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="start a local Dask cluster of N worker processes",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=_cmd_evaluate)
    return p


@contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``--scheduler``/``--workers``, else None."""
    if args.scheduler is None and args.workers is None:
        yield None
        return
    from crossent.cli._input import InputError

    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise InputError(
            "evaluate: --scheduler and --workers need dask.distributed; "
            "pip install 'crossent[dask]'"
        ) from None
    from crossent.evaluate._distributed import quiet_dask_logging

    # Dask logs a lost worker in kilobytes (every lost task's key, each process's
    # warnings): one line per lost worker instead, unless --debug.
    quiet = quiet_dask_logging(debug=bool(getattr(args, "debug", False)))
    if args.workers is not None:
        if args.workers < 1:
            raise InputError(f"--workers: must be at least 1; got {args.workers}")
        with (
            quiet,
            distributed.LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(args.scheduler, timeout="20s")
    except OSError as err:
        raise InputError(
            f"--scheduler: cannot reach a Dask scheduler at {args.scheduler}: {err}"
        ) from None
    with quiet, client:
        yield client


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from crossent.cli import _emit
    from crossent.cli._input import InputError
    from crossent.evaluate import evaluate

    batch_bytes = None
    if args.batch_mb is not None:
        if not (math.isfinite(args.batch_mb) and args.batch_mb > 0):
            raise InputError(
                f"--batch-mb: must be a positive finite number; got {args.batch_mb}"
            )
        batch_bytes = max(1, int(args.batch_mb * 2**20))
    try:
        with _client(args) as client, _progress_bar(args) as update:
            result = evaluate(
                args.predictions,
                args.labels,
                weights=args.weights,
                kind=args.kind,
                from_logits=args.from_logits,
                axis=args.axis,
                ignore_index=args.ignore_index,
                word_counts=args.word_counts,
                byte_counts=args.byte_counts,
                engine=args.engine,
                batch_bytes=batch_bytes,
                client=client,
                progress=update,
            )
    except (OSError, ImportError, ValueError, TypeError) as err:
        if args.debug:
            raise
        # One line, without the library's "evaluate: " (main() names the command).
        raise InputError(str(err).removeprefix("evaluate: ")) from None
    except RuntimeError as err:  # the cluster gave up on a batch
        if args.debug:
            raise
        print(f"crossent evaluate: error: {err}", file=sys.stderr)
        return 1
    _emit(result, args)
    return 0


def _show_progress(args: argparse.Namespace) -> bool:
    """A bar only for a person watching: both streams a terminal, no --json."""
    return (
        not args.json
        and sys.stderr.isatty()
        and sys.stdout.isatty()
        and os.environ.get("TERM") != "dumb"
    )


def _row_sizes(args: argparse.Namespace) -> tuple[int, int] | None:
    """(bytes, tokens) per row of the predictions, from their metadata only."""
    from crossent.evaluate._sources import open_source

    try:
        source = open_source(args.predictions, "predictions")
        shape = tuple(int(s) for s in source.shape)
        elements = math.prod(shape[1:])
        tokens = elements
        if args.kind != "binary" and len(shape) > 1:
            tokens = elements // max(1, shape[args.axis])
        return elements * int(source.dtype.itemsize), tokens
    except Exception:  # evaluate() reports bad input itself, with its own message
        return None


@contextmanager
def _progress_bar(args: argparse.Namespace) -> Iterator[Any]:
    """``update(rows_done, rows_total)`` drawing rows as GB/s, tokens/s and ETA."""
    sizes = _row_sizes(args) if _show_progress(args) else None
    if sizes is None:
        yield None
        return
    row_bytes, row_tokens = sizes
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rates(ProgressColumn):
        """GB/s of predictions and tokens (per-example losses) per second."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            if not speed:
                return Text("")
            gbs = speed * row_bytes / 1e9
            return Text(f"{gbs:.2f} GB/s  {speed * row_tokens:,.0f} tokens/s")

    class Rows(ProgressColumn):
        """``done/total rows`` once the total is known."""

        def render(self, task: Task) -> Text:
            if task.total is None:
                return Text("")
            return Text(f"{int(task.completed):,}/{int(task.total):,} rows")

    with Progress(
        TextColumn("evaluating"),
        BarColumn(),
        Rows(),
        Rates(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("evaluate", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
